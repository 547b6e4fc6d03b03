//! Behaviour of record envelopes: round trips, tamper detection, key and
//! record binding, padding, and clear errors for malformed input.

use coffer_crypto::{CryptoError, Envelope, EnvelopeMeta, VaultKey, hazmat, open, padme_len, seal};
use uuid::Uuid;

const ID: Uuid = Uuid::from_u128(0x6f1c_2e0a_9b3d_4c5e_8f7a_1b2c_3d4e_5f60);
const OTHER_ID: Uuid = Uuid::from_u128(0x0192_8a3b_7c4d_4e5f_9a0b_1c2d_3e4f_5061);

fn meta(namespace: &str, id: Uuid, revision: u64) -> EnvelopeMeta {
    EnvelopeMeta {
        namespace: namespace.to_owned(),
        record_id: id,
        revision,
    }
}

fn contact(revision: u64) -> EnvelopeMeta {
    meta("contact", ID, revision)
}

/// Envelope overhead for namespace "contact": 1 + 1 + 7 + 16 + 8 + 8 + 12 + 16.
const CONTACT_OVERHEAD: usize = 69;

#[test]
fn round_trip_for_many_sizes_and_scripts() {
    let key = VaultKey::generate();
    let texts: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![b'a'; 511],
        vec![b'b'; 512],
        vec![b'c'; 513],
        (0..10_000u32).map(|i| (i % 251) as u8).collect(),
        "客户：张伟，电话 138-0000-0000，备注：下周二跟进合同"
            .as_bytes()
            .to_vec(),
        "🎉👩‍💼🤝💼 emoji 👋🏽".as_bytes().to_vec(),
        vec![0; 700], // trailing zeros must survive unpadding
        vec![0x80; 3],
    ];
    for (revision, text) in texts.iter().enumerate() {
        let meta = contact(revision as u64);
        let envelope = seal(&key, &meta, text).unwrap();
        assert_eq!(envelope.meta(), meta);
        let (plain, rev) = open(&key, &envelope, "contact", ID).unwrap();
        assert_eq!(plain.as_bytes(), &text[..], "len {}", text.len());
        assert_eq!(plain.len(), text.len());
        assert_eq!(rev, revision as u64);
    }
}

#[test]
fn envelope_bytes_survive_storage_round_trip() {
    let key = VaultKey::generate();
    let sealed = seal(&key, &contact(3), b"stored and loaded").unwrap();
    let loaded = Envelope::from_bytes(sealed.as_bytes().to_vec()).unwrap();
    assert_eq!(loaded, sealed);
    assert_eq!(loaded.meta(), contact(3));
    assert_eq!(loaded.key_id(), key.key_id());
    let bytes = loaded.into_bytes();
    let (plain, _) = open(&key, &Envelope::from_bytes(bytes).unwrap(), "contact", ID).unwrap();
    assert_eq!(plain.as_bytes(), b"stored and loaded");
}

#[test]
fn revision_extremes_are_authenticated_and_returned() {
    let key = VaultKey::generate();
    for revision in [0, 1, u64::MAX] {
        let envelope = seal(&key, &contact(revision), b"x").unwrap();
        assert_eq!(open(&key, &envelope, "contact", ID).unwrap().1, revision);
    }
}

#[test]
fn sealing_twice_gives_different_ciphertexts() {
    let key = VaultKey::generate();
    let a = seal(&key, &contact(1), b"same").unwrap();
    let b = seal(&key, &contact(1), b"same").unwrap();
    assert_ne!(a.as_bytes(), b.as_bytes());
}

#[test]
fn every_single_bit_flip_is_rejected_with_the_right_error() {
    let key = VaultKey::generate();
    let text: Vec<u8> = (0..600u32).map(|i| (i * 7) as u8).collect();
    let good = seal(&key, &contact(9), &text).unwrap().into_bytes();
    // 600 + 1 = 601 pads to 608 (E = 9, S = 4, z = 5, multiple of 32).
    assert_eq!(good.len(), CONTACT_OVERHEAD + 608);

    let mut flips = 0;
    for byte in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            let result = Envelope::from_bytes(bad).and_then(|e| open(&key, &e, "contact", ID));
            let err = match result {
                Ok(_) => panic!("flip of byte {byte} bit {bit} returned plaintext"),
                Err(e) => e,
            };
            let expected_kind = match byte {
                0 => matches!(err, CryptoError::UnsupportedVersion(_)),
                // Namespace length and bytes: either no longer parses or
                // names another record type.
                1..=8 => matches!(err, CryptoError::Malformed(_) | CryptoError::RecordMismatch),
                9..=24 => err == CryptoError::RecordMismatch,
                25..=32 => err == CryptoError::Tampered, // revision
                33..=40 => err == CryptoError::WrongKey,
                _ => err == CryptoError::Tampered, // nonce, ciphertext, tag
            };
            assert!(expected_kind, "byte {byte} bit {bit}: unexpected {err:?}");
            flips += 1;
        }
    }
    assert_eq!(flips, 677 * 8);
}

#[test]
fn swapped_record_id_is_a_mismatch() {
    let key = VaultKey::generate();
    let envelope = seal(&key, &contact(1), b"Alice").unwrap();
    // Found under another record's key in the store.
    assert_eq!(
        open(&key, &envelope, "contact", OTHER_ID).unwrap_err(),
        CryptoError::RecordMismatch
    );
}

#[test]
fn swapped_namespace_is_a_mismatch() {
    let key = VaultKey::generate();
    let envelope = seal(&key, &contact(1), b"Alice").unwrap();
    assert_eq!(
        open(&key, &envelope, "settings", ID).unwrap_err(),
        CryptoError::RecordMismatch
    );
}

#[test]
fn edited_header_id_matching_the_expected_id_is_tampered() {
    let key = VaultKey::generate();
    let mut bytes = seal(&key, &contact(1), b"Alice").unwrap().into_bytes();
    // Record id sits after version, length and the 7-byte namespace.
    bytes[9..25].copy_from_slice(OTHER_ID.as_bytes());
    let edited = Envelope::from_bytes(bytes).unwrap();
    assert_eq!(edited.meta().record_id, OTHER_ID);
    assert_eq!(
        open(&key, &edited, "contact", OTHER_ID).unwrap_err(),
        CryptoError::Tampered
    );
}

#[test]
fn edited_namespace_matching_the_expected_one_is_tampered() {
    let key = VaultKey::generate();
    let mut bytes = seal(&key, &contact(1), b"Alice").unwrap().into_bytes();
    bytes[2..9].copy_from_slice(b"company");
    let edited = Envelope::from_bytes(bytes).unwrap();
    assert_eq!(
        open(&key, &edited, "company", ID).unwrap_err(),
        CryptoError::Tampered
    );
}

#[test]
fn edited_revision_is_tampered() {
    let key = VaultKey::generate();
    let mut bytes = seal(&key, &contact(5), b"Alice").unwrap().into_bytes();
    bytes[25..33].copy_from_slice(&6u64.to_be_bytes());
    let edited = Envelope::from_bytes(bytes).unwrap();
    assert_eq!(edited.meta().revision, 6);
    assert_eq!(
        open(&key, &edited, "contact", ID).unwrap_err(),
        CryptoError::Tampered
    );
}

#[test]
fn ciphertexts_swapped_between_records_are_tampered() {
    let key = VaultKey::generate();
    let a = seal(&key, &contact(1), b"Alice").unwrap().into_bytes();
    let b = seal(&key, &meta("contact", OTHER_ID, 1), b"Bob")
        .unwrap()
        .into_bytes();
    // Keep A's header, take B's nonce and ciphertext.
    let spliced = [&a[..41], &b[41..]].concat();
    let spliced = Envelope::from_bytes(spliced).unwrap();
    assert_eq!(
        open(&key, &spliced, "contact", ID).unwrap_err(),
        CryptoError::Tampered
    );
}

#[test]
fn wrong_key_is_reported_as_such() {
    let key = VaultKey::generate();
    let envelope = seal(&key, &contact(1), b"Alice").unwrap();
    let other = VaultKey::generate();
    assert_eq!(
        open(&other, &envelope, "contact", ID).unwrap_err(),
        CryptoError::WrongKey
    );
}

#[test]
fn key_with_same_id_but_different_bytes_is_tampered() {
    let key = hazmat::vault_key_from_bytes([0x11; 32]);
    let envelope = seal(&key, &contact(1), b"Alice").unwrap();
    let impostor = hazmat::vault_key_with_forged_id([0x22; 32], key.key_id());
    assert_eq!(impostor.key_id(), key.key_id());
    assert_eq!(
        open(&impostor, &envelope, "contact", ID).unwrap_err(),
        CryptoError::Tampered
    );
}

#[test]
fn empty_truncated_and_unknown_version_are_clear_errors() {
    let key = VaultKey::generate();
    let good = seal(&key, &contact(1), b"Alice").unwrap().into_bytes();

    assert_eq!(
        Envelope::from_bytes(Vec::new()).unwrap_err(),
        CryptoError::Malformed("envelope is empty")
    );
    for len in [1, 2, 20, 41, 53, good.len() - 17] {
        assert_eq!(
            Envelope::from_bytes(good[..len].to_vec()).unwrap_err(),
            CryptoError::Malformed("envelope is truncated"),
            "len {len}"
        );
    }
    // A small record's envelope has exactly the minimum length, so losing
    // its last byte is already visible as truncation.
    assert_eq!(
        Envelope::from_bytes(good[..good.len() - 1].to_vec()).unwrap_err(),
        CryptoError::Malformed("envelope is truncated")
    );
    // Above the minimum only the tag check can tell.
    let big = seal(&key, &contact(1), &[7; 600]).unwrap().into_bytes();
    let cut = Envelope::from_bytes(big[..big.len() - 1].to_vec()).unwrap();
    assert_eq!(
        open(&key, &cut, "contact", ID).unwrap_err(),
        CryptoError::Tampered
    );
    let longer = Envelope::from_bytes([&good[..], &[0]].concat()).unwrap();
    assert_eq!(
        open(&key, &longer, "contact", ID).unwrap_err(),
        CryptoError::Tampered
    );

    for version in [0u8, 2, 255] {
        let mut bad = good.clone();
        bad[0] = version;
        assert_eq!(
            Envelope::from_bytes(bad).unwrap_err(),
            CryptoError::UnsupportedVersion(version)
        );
    }
    for ns_len in [0u8, 33, 255] {
        let mut bad = good.clone();
        bad[1] = ns_len;
        assert_eq!(
            Envelope::from_bytes(bad).unwrap_err(),
            CryptoError::Malformed("envelope namespace is invalid")
        );
    }
}

#[test]
fn invalid_namespaces_are_refused_when_sealing_and_opening() {
    let key = VaultKey::generate();
    let long = "a".repeat(33);
    for ns in [
        "",
        "Contact",
        "con tact",
        "联系人",
        "contact\n",
        long.as_str(),
    ] {
        assert_eq!(
            seal(&key, &meta(ns, ID, 1), b"x").unwrap_err(),
            CryptoError::InvalidNamespace,
            "{ns:?}"
        );
    }
    let max = "z".repeat(32);
    for ns in ["a", "contact", "deal.stage-2_x", max.as_str()] {
        let envelope = seal(&key, &meta(ns, ID, 1), b"x").unwrap();
        assert_eq!(open(&key, &envelope, ns, ID).unwrap().0.as_bytes(), b"x");
    }
    let envelope = seal(&key, &contact(1), b"x").unwrap();
    assert_eq!(
        open(&key, &envelope, "Contact", ID).unwrap_err(),
        CryptoError::InvalidNamespace
    );
}

#[test]
fn padme_lengths_match_hand_computed_table() {
    // padded = max(512, padme(len + 1)); padme(L): E = floor(log2 L),
    // S = floor(log2 E) + 1, z = E - S, round L up to a multiple of 2^z.
    let table = [
        (0, 512),
        (1, 512),
        (511, 512),             // L = 512 is below the floor's edge: 512
        (512, 544),             // L = 513: E = 9, S = 4, z = 5 -> next multiple of 32
        (513, 544),             // L = 514 -> 544
        (543, 544),             // L = 544 is a multiple of 32
        (544, 576),             // L = 545 -> 576
        (600, 608),             // L = 601 -> 608
        (999, 1024),            // L = 1000: E = 9, z = 5 -> 1024
        (1023, 1024),           // L = 1024: E = 10, S = 4, z = 6 -> 1024
        (1024, 1088),           // L = 1025 -> next multiple of 64
        (10_000, 10_240),       // L = 10001: E = 13, S = 4, z = 9 -> multiple of 512
        (65_535, 65_536),       // L = 65536: E = 16, S = 5, z = 11
        (65_536, 67_584),       // L = 65537 -> 65536 + 2048
        (1_000_000, 1_015_808), // L = 1000001: E = 19, S = 5, z = 14 -> 62 * 16384
    ];
    for (len, padded) in table {
        assert_eq!(padme_len(len), padded, "len {len}");
    }
}

#[test]
fn ciphertext_length_hides_exact_size() {
    let key = VaultKey::generate();
    let len_of = |n: usize| {
        seal(&key, &contact(1), &vec![b'x'; n])
            .unwrap()
            .as_bytes()
            .len()
    };
    let small = len_of(0);
    assert_eq!(small, CONTACT_OVERHEAD + 512);
    for n in [1, 100, 300, 510, 511] {
        assert_eq!(len_of(n), small, "len {n}");
    }
    for n in [512, 520, 543] {
        assert_eq!(len_of(n), CONTACT_OVERHEAD + 544, "len {n}");
    }
    assert_eq!(len_of(10_000), CONTACT_OVERHEAD + 10_240);
}

#[test]
fn debug_output_never_shows_plaintext() {
    let key = VaultKey::generate();
    let envelope = seal(&key, &contact(1), b"secret phone 138").unwrap();
    let (plain, _) = open(&key, &envelope, "contact", ID).unwrap();
    assert_eq!(format!("{plain:?}"), "Plaintext(..)");
    let shown = format!("{envelope:?}");
    assert!(
        shown.contains("contact") && !shown.contains("138"),
        "{shown}"
    );
}
