//! The keyring formats in FORMAT.md are true: a keyring entry and a backup's
//! record key are unwrapped here with raw `hkdf` and `aes-gcm`, following
//! only that document, and the unwrapped record key opens the record's
//! envelope the way the envelope section describes.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use coffer_crypto::hazmat;
use coffer_crypto::{EnvelopeMeta, KeyKind, Keyring, WRAPPED_KEY_LEN};
use hkdf::Hkdf;
use sha2::Sha256;
use uuid::Uuid;

const VAULT: [u8; 32] = [0x42; 32];
const RECORD: Uuid = Uuid::from_u128(0x6f1c_2e0a_9b3d_4c5e_8f7a_1b2c_3d4e_5f60);

fn prk(key: &[u8; 32]) -> Hkdf<Sha256> {
    Hkdf::<Sha256>::new(Some(b"coffer/v1/vault-key"), key)
}

fn key_id(key: &[u8; 32]) -> [u8; 8] {
    let mut out = [0u8; 8];
    prk(key).expand(b"coffer/v1/key-id", &mut out).unwrap();
    out
}

/// Unwraps a 94-byte wrapped key under `wrapping` per FORMAT.md.
fn raw_unwrap(entry: &[u8], wrapping: &[u8; 32]) -> [u8; 32] {
    assert_eq!(entry.len(), 94);
    assert_eq!(entry[0], 1);
    assert_eq!(&entry[18..26], &key_id(wrapping));
    let ad = &entry[..34];
    let mut aes_key = [0u8; 32];
    prk(wrapping)
        .expand_multi_info(&[b"coffer/v1/keyring/wrap", ad], &mut aes_key)
        .unwrap();
    let plain = Aes256Gcm::new(&aes_key.into())
        .decrypt(
            Nonce::from_slice(&entry[34..46]),
            Payload {
                msg: &entry[46..94],
                aad: ad,
            },
        )
        .unwrap();
    let key: [u8; 32] = plain.try_into().unwrap();
    assert_eq!(&entry[26..34], &key_id(&key));
    key
}

/// Opens a version-1 envelope with raw primitives, returning the padded body.
fn raw_open(envelope: &[u8], key: &[u8; 32]) -> Vec<u8> {
    let ad_len = 34 + usize::from(envelope[1]);
    let ad = &envelope[..ad_len];
    let mut aes_key = [0u8; 32];
    prk(key)
        .expand_multi_info(&[b"coffer/v1/envelope", ad], &mut aes_key)
        .unwrap();
    Aes256Gcm::new(&aes_key.into())
        .decrypt(
            Nonce::from_slice(&envelope[ad_len..ad_len + 12]),
            Payload {
                msg: &envelope[ad_len + 12..],
                aad: ad,
            },
        )
        .unwrap()
}

#[test]
fn keyring_entries_and_envelopes_follow_format_md() {
    let vault = hazmat::vault_key_from_bytes(VAULT);
    let mut ring = Keyring::new();
    let entry = ring.create_record_key(&vault, RECORD).unwrap().clone();
    let bytes = entry.as_bytes();
    assert_eq!(bytes.len(), WRAPPED_KEY_LEN);
    assert_eq!(bytes[1], 1, "kind: record key");
    assert_eq!(&bytes[2..18], RECORD.as_bytes());
    let record_key = raw_unwrap(bytes, &VAULT);

    let meta = EnvelopeMeta {
        namespace: "contact".into(),
        record_id: RECORD,
        revision: 7,
    };
    let envelope = ring.seal(&vault, &meta, "张伟".as_bytes()).unwrap();
    // The envelope's key id names the record key, not the vault key.
    assert_eq!(envelope.key_id(), key_id(&record_key));
    let body = raw_open(envelope.as_bytes(), &record_key);
    assert_eq!(&body[..6], "张伟".as_bytes());
    assert_eq!(body[6], 0x80);

    // Keyring file: "CFKR" 01, count, entries, erased count, erased ids.
    let file = ring.to_bytes();
    assert_eq!(&file[..5], b"CFKR\x01");
    assert_eq!(&file[5..9], &1u32.to_be_bytes());
    assert_eq!(&file[9..9 + 94], bytes);
    assert_eq!(&file[103..], &0u32.to_be_bytes());
    ring.erase(RECORD);
    let file = ring.to_bytes();
    assert_eq!(&file[5..9], &0u32.to_be_bytes());
    assert_eq!(&file[9..13], &1u32.to_be_bytes());
    assert_eq!(&file[13..], RECORD.as_bytes());
}

#[test]
fn backup_keys_follow_format_md() {
    let vault = hazmat::vault_key_from_bytes(VAULT);
    let mut ring = Keyring::new();
    ring.create_record_key(&vault, RECORD).unwrap();
    let record_key = raw_unwrap(
        ring.entry(KeyKind::Record, RECORD).unwrap().as_bytes(),
        &VAULT,
    );
    let backup_id = Uuid::from_u128(0xB);
    let file = ring
        .create_backup(&vault, backup_id, &[RECORD])
        .unwrap()
        .to_bytes();

    // The backup key is only in the keyring (kind 02, wrapped by the vault key).
    let backup_entry = ring
        .entry(KeyKind::Backup, backup_id)
        .unwrap()
        .as_bytes()
        .to_vec();
    assert_eq!(backup_entry[1], 2);
    let backup_key = raw_unwrap(&backup_entry, &VAULT);

    // "CFBK" 01, backup id, backup key id, count, record keys wrapped by it.
    assert_eq!(&file[..5], b"CFBK\x01");
    assert_eq!(&file[5..21], backup_id.as_bytes());
    assert_eq!(&file[21..29], &key_id(&backup_key));
    assert_eq!(&file[29..33], &1u32.to_be_bytes());
    assert_eq!(file.len(), 33 + 94);
    assert_eq!(raw_unwrap(&file[33..], &backup_key), record_key);
    assert!(!file.windows(32).any(|w| w == backup_key));
}
