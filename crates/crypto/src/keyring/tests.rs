use super::*;
use crate::hazmat::{self, HeaderInputs};
use crate::kdf::KdfParams;
use crate::key::Passphrase;

const R1: Uuid = Uuid::from_u128(0x51);
const R2: Uuid = Uuid::from_u128(0x52);
const B1: Uuid = Uuid::from_u128(0xB1);

fn meta(id: Uuid, revision: u64) -> EnvelopeMeta {
    EnvelopeMeta {
        namespace: "contact".into(),
        record_id: id,
        revision,
    }
}

fn setup() -> (VaultKey, Keyring, Vec<Envelope>, Envelope) {
    let vault = VaultKey::generate();
    let mut ring = Keyring::new();
    ring.create_record_key(&vault, R1).unwrap();
    ring.create_record_key(&vault, R2).unwrap();
    let r1: Vec<Envelope> = (1..=2)
        .map(|rev| {
            ring.seal(&vault, &meta(R1, rev), "张伟 +86 138 0013 1234".as_bytes())
                .unwrap()
        })
        .collect();
    let r2 = ring.seal(&vault, &meta(R2, 1), b"Ann Lee").unwrap();
    (vault, ring, r1, r2)
}

/// Tries `key` on `envelope` with the key-id shortcut defeated, so the AEAD
/// itself has to refuse.
fn forced_open(key: &VaultKey, envelope: &Envelope) -> Result<(Plaintext, u64), CryptoError> {
    let key = hazmat::vault_key_with_forged_id(*key.bytes(), envelope.key_id());
    let meta = envelope.meta();
    envelope::open(&key, envelope, &meta.namespace, meta.record_id)
}

#[test]
fn records_open_only_through_their_own_key() {
    let (vault, ring, r1, r2) = setup();
    let (plain, rev) = ring.open(&vault, &r1[1], "contact", R1).unwrap();
    assert_eq!(
        (plain.as_bytes(), rev),
        ("张伟 +86 138 0013 1234".as_bytes(), 2)
    );
    assert_eq!(
        r1[0].key_id(),
        ring.entry(KeyKind::Record, R1).unwrap().key_id()
    );
    assert_ne!(r1[0].key_id(), vault.key_id());
    assert_eq!(
        envelope::open(&vault, &r1[0], "contact", R1).err(),
        Some(CryptoError::WrongKey)
    );
    assert_eq!(
        forced_open(&vault, &r1[0]).err(),
        Some(CryptoError::Tampered)
    );
    let r2_key = ring.record_key(&vault, R2).unwrap();
    assert_eq!(
        forced_open(&r2_key, &r1[0]).err(),
        Some(CryptoError::Tampered)
    );
    assert!(ring.open(&vault, &r2, "contact", R2).is_ok());
    assert_eq!(
        ring.open(&vault, &r2, "contact", R1).err(),
        Some(CryptoError::RecordMismatch)
    );
    assert_eq!(
        ring.open(&vault, &r2, "contact", Uuid::from_u128(9)).err(),
        Some(CryptoError::NoRecordKey)
    );
}

#[test]
fn after_erasure_no_remaining_key_opens_the_old_envelopes() {
    let passphrase = Passphrase::new("correct horse battery staple".into());
    let (header, vault, recovery) = hazmat::create_header_with(
        &passphrase,
        KdfParams::FLOOR,
        HeaderInputs {
            salt: [1; 16],
            vault_id: [2; 16],
            key: [3; 32],
            recovery: [4; 16],
            passphrase_nonce: [5; 12],
            recovery_nonce: [6; 12],
        },
    )
    .unwrap();
    let mut ring = Keyring::new();
    ring.create_record_key(&vault, R1).unwrap();
    ring.create_record_key(&vault, R2).unwrap();
    let old: Vec<Envelope> = (1..=3)
        .map(|rev| ring.seal(&vault, &meta(R1, rev), b"Wei Zhang").unwrap())
        .collect();
    let erased_entry = ring.entry(KeyKind::Record, R1).unwrap().clone();

    let erasure = ring.erase(R1);
    assert!(erasure.had_key);
    assert!(ring.is_erased(R1));

    // Every key still reachable: the vault key via the passphrase and via
    // the recovery code, every remaining keyring entry.
    let mut remaining = vec![
        header.unlock(&passphrase).unwrap(),
        header.unlock_with_recovery(&recovery).unwrap(),
    ];
    for entry in ring.entries() {
        remaining.push(entry.unwrap(&vault).unwrap());
    }
    assert_eq!(remaining.len(), 3);
    for envelope in &old {
        assert_eq!(
            ring.open(&vault, envelope, "contact", R1).err(),
            Some(CryptoError::RecordKeyErased)
        );
        for key in &remaining {
            assert_eq!(
                forced_open(key, envelope).err(),
                Some(CryptoError::Tampered)
            );
        }
    }
    // Saved and reloaded, the keyring still knows and holds nothing of R1.
    let saved = ring.to_bytes();
    assert!(
        !saved
            .windows(WRAPPED_KEY_LEN)
            .any(|w| w == erased_entry.as_bytes())
    );
    let reloaded = Keyring::from_bytes(&saved).unwrap();
    assert_eq!(reloaded, ring);
    assert_eq!(
        reloaded.open(&vault, &old[0], "contact", R1).err(),
        Some(CryptoError::RecordKeyErased)
    );
    // No new key can be made for it either.
    assert_eq!(
        ring.create_record_key(&vault, R1).err(),
        Some(CryptoError::RecordKeyErased)
    );
}

#[test]
fn a_keyring_copy_from_before_erasure_is_the_limit_and_tombstones_close_it() {
    let (vault, mut ring, r1, _) = setup();
    let before = ring.to_bytes();
    let stale_entry = ring.entry(KeyKind::Record, R1).unwrap().clone();
    ring.erase(R1);

    // A raw copy of the keyring made before the erasure still opens R1:
    // the documented limit, which is why the keyring is never in a backup.
    let mut offline_device = Keyring::from_bytes(&before).unwrap();
    assert!(offline_device.open(&vault, &r1[0], "contact", R1).is_ok());
    // Once that device applies the tombstone, it cannot.
    let erasure = offline_device.erase(R1);
    assert!(erasure.had_key);
    assert_eq!(
        offline_device.open(&vault, &r1[0], "contact", R1).err(),
        Some(CryptoError::RecordKeyErased)
    );
    // And a stale entry arriving by sync does not bring the key back.
    assert_eq!(
        ring.insert(stale_entry).err(),
        Some(CryptoError::RecordKeyErased)
    );
    // Applying the same tombstone again changes nothing.
    assert_eq!(
        ring.erase(R1),
        Erasure {
            record_id: R1,
            had_key: false,
            shredded_backups: vec![]
        }
    );
}

#[test]
fn backups_restore_through_the_keyring_and_die_with_an_erasure() {
    let (vault, mut ring, r1, r2) = setup();
    let backup = ring.create_backup(&vault, B1, &[R1, R2]).unwrap();
    let file = backup.to_bytes();
    assert_eq!(BackupKeys::from_bytes(&file).unwrap(), backup);
    assert_eq!(backup.record_ids().collect::<Vec<_>>(), [R1, R2]);
    // The vault key alone cannot unwrap what the backup file carries.
    for key in backup.keys() {
        assert_eq!(key.unwrap(&vault).err(), Some(CryptoError::WrongKey));
        let forged = hazmat::vault_key_with_forged_id(*vault.bytes(), key.wrapping_key_id());
        assert_eq!(key.unwrap(&forged).err(), Some(CryptoError::Tampered));
    }

    // A device that lost its record keys restores them from the backup,
    // using the backup key synced in the keyring.
    let mut fresh = Keyring::new();
    fresh
        .insert(ring.entry(KeyKind::Backup, B1).unwrap().clone())
        .unwrap();
    let restored = fresh
        .restore_backup(&vault, &BackupKeys::from_bytes(&file).unwrap())
        .unwrap();
    assert_eq!(restored, [R1, R2]);
    assert!(fresh.open(&vault, &r1[0], "contact", R1).is_ok());
    assert!(fresh.open(&vault, &r2, "contact", R2).is_ok());

    // Erasing R1 shreds the backup key: the old backup restores nothing.
    let erasure = ring.erase(R1);
    assert_eq!(erasure.shredded_backups, [B1]);
    assert!(ring.entry(KeyKind::Backup, B1).is_none());
    let old = BackupKeys::from_bytes(&file).unwrap();
    assert_eq!(
        ring.restore_backup(&vault, &old).err(),
        Some(CryptoError::BackupKeyMissing)
    );
    let mut other = Keyring::new();
    assert_eq!(
        other.restore_backup(&vault, &old).err(),
        Some(CryptoError::BackupKeyMissing)
    );

    // A backup made after the erasure cannot include R1, and restores R2.
    let b2 = Uuid::from_u128(0xB2);
    assert_eq!(
        ring.create_backup(&vault, b2, &[R1, R2]).err(),
        Some(CryptoError::RecordKeyErased)
    );
    let backup2 = ring.create_backup(&vault, b2, &[R2]).unwrap();
    let mut lost = Keyring::new();
    lost.erase(R1); // the tombstone reached it first
    lost.insert(ring.entry(KeyKind::Backup, b2).unwrap().clone())
        .unwrap();
    assert_eq!(lost.restore_backup(&vault, &backup2).unwrap(), [R2]);
    // The same tombstone delivered again does not shred the new backup.
    assert!(lost.erase(R1).shredded_backups.is_empty());
    assert!(ring.erase(R1).shredded_backups.is_empty());
    // A device that hears of the erasure only after the new backup key
    // arrived shreds it too: conservative, it costs a fresh backup.
    let mut late = Keyring::new();
    late.insert(ring.entry(KeyKind::Backup, b2).unwrap().clone())
        .unwrap();
    assert_eq!(late.erase(R1).shredded_backups, [b2]);
}

#[test]
fn rekeying_leaves_older_revisions_unreadable() {
    let (vault, mut ring, r1, _) = setup();
    let old_key_id = ring.entry(KeyKind::Record, R1).unwrap().key_id();
    ring.rekey(&vault, R1).unwrap();
    assert_ne!(
        ring.entry(KeyKind::Record, R1).unwrap().key_id(),
        old_key_id
    );
    assert_eq!(
        ring.open(&vault, &r1[0], "contact", R1).err(),
        Some(CryptoError::WrongKey)
    );
    let fresh = ring.seal(&vault, &meta(R1, 3), b"anonymised").unwrap();
    assert!(ring.open(&vault, &fresh, "contact", R1).is_ok());
    assert_eq!(
        ring.rekey(&vault, Uuid::from_u128(7)).err(),
        Some(CryptoError::NoRecordKey)
    );
}

#[test]
fn wrapped_keys_refuse_tampering_and_malformed_bytes() {
    let (vault, ring, _, _) = setup();
    let entry = ring.entry(KeyKind::Record, R1).unwrap();
    assert_eq!(entry.as_bytes().len(), 94);
    assert_eq!(
        entry.unwrap(&VaultKey::generate()).err(),
        Some(CryptoError::WrongKey)
    );
    for i in [1, 5, 30, 40, 60, 93] {
        let mut bytes = entry.as_bytes().to_vec();
        bytes[i] ^= 0x01;
        match WrappedKey::from_bytes(&bytes) {
            Ok(tampered) => assert!(
                matches!(
                    tampered.unwrap(&vault),
                    Err(CryptoError::Tampered | CryptoError::WrongKey)
                ),
                "byte {i}"
            ),
            Err(e) => assert_eq!(e, CryptoError::Malformed("wrapped key has an unknown kind")),
        }
    }
    assert!(matches!(
        WrappedKey::from_bytes(&[1; 93]),
        Err(CryptoError::Malformed(_))
    ));
    let mut bad_version = entry.as_bytes().to_vec();
    bad_version[0] = 2;
    assert_eq!(
        WrappedKey::from_bytes(&bad_version).err(),
        Some(CryptoError::UnsupportedVersion(2))
    );
    let mut saved = ring.to_bytes();
    saved.push(0);
    assert!(matches!(
        Keyring::from_bytes(&saved),
        Err(CryptoError::Malformed(_))
    ));
    assert!(matches!(
        Keyring::from_bytes(b"CFKR"),
        Err(CryptoError::Malformed(_))
    ));
    assert_eq!(format!("{:?}", ring), "Keyring { entries: 2, erased: 0 }");
}
