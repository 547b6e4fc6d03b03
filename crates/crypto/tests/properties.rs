//! Property tests: round trips and refusal hold for arbitrary inputs, and
//! parsers never panic on arbitrary bytes.

use coffer_crypto::{
    CryptoError, Envelope, EnvelopeMeta, RecoveryCode, VaultHeader, hazmat, open, padme_len, seal,
};
use proptest::prelude::*;
use uuid::Uuid;

fn meta_strategy() -> impl Strategy<Value = EnvelopeMeta> {
    ("[a-z0-9_.-]{1,32}", any::<u128>(), any::<u64>()).prop_map(|(namespace, id, revision)| {
        EnvelopeMeta {
            namespace,
            record_id: Uuid::from_u128(id),
            revision,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn seal_then_open_round_trips(
        key in any::<[u8; 32]>(),
        meta in meta_strategy(),
        plaintext in prop::collection::vec(any::<u8>(), 0..3000),
    ) {
        let key = hazmat::vault_key_from_bytes(key);
        let envelope = seal(&key, &meta, &plaintext).unwrap();
        let stored = Envelope::from_bytes(envelope.into_bytes()).unwrap();
        prop_assert_eq!(stored.meta(), meta.clone());
        let (plain, revision) = open(&key, &stored, &meta.namespace, meta.record_id).unwrap();
        prop_assert_eq!(plain.as_bytes(), &plaintext[..]);
        prop_assert_eq!(revision, meta.revision);
        prop_assert_eq!(
            stored.as_bytes().len(),
            34 + meta.namespace.len() + 12 + padme_len(plaintext.len()) + 16
        );
    }

    #[test]
    fn opening_as_another_record_is_refused(
        meta in meta_strategy(),
        other_id in any::<u128>(),
        plaintext in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        prop_assume!(Uuid::from_u128(other_id) != meta.record_id);
        let key = hazmat::vault_key_from_bytes([9; 32]);
        let envelope = seal(&key, &meta, &plaintext).unwrap();
        prop_assert_eq!(
            open(&key, &envelope, &meta.namespace, Uuid::from_u128(other_id)).unwrap_err(),
            CryptoError::RecordMismatch
        );
    }

    #[test]
    fn padded_length_is_bounded_and_monotonic(len in 0usize..50_000_000) {
        let padded = padme_len(len);
        prop_assert!(padded > len);
        prop_assert!(padded >= 512);
        prop_assert!(padded <= (len + 1).max(512) * 112 / 100 + 1);
        prop_assert!(padme_len(len + 1) >= padded);
    }

    #[test]
    fn recovery_code_display_parses_back(bytes in any::<[u8; 16]>()) {
        let code = hazmat::recovery_code_from_bytes(bytes);
        let parsed = RecoveryCode::parse(&code.to_display()).unwrap();
        // Same bytes: the code shown re-displays identically.
        prop_assert_eq!(&*parsed.to_display(), &*code.to_display());
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..800)) {
        let _ = Envelope::from_bytes(bytes.clone());
        let _ = VaultHeader::from_bytes(&bytes);
        let _ = RecoveryCode::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn envelopes_with_a_valid_prefix_never_panic_or_open(
        tail in prop::collection::vec(any::<u8>(), 0..700),
    ) {
        let key = hazmat::vault_key_from_bytes([3; 32]);
        let id = Uuid::from_u128(7);
        let mut bytes = vec![1, 7];
        bytes.extend_from_slice(b"contact");
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&key.key_id());
        bytes.extend_from_slice(&tail);
        if let Ok(envelope) = Envelope::from_bytes(bytes) {
            prop_assert_eq!(open(&key, &envelope, "contact", id).unwrap_err(), CryptoError::Tampered);
        }
    }
}
