//! The record keyring on this device (`coffer_crypto::Keyring`): each
//! contact's own key, wrapped by the vault key, so erasing a contact
//! destroys the only key that opens any copy of it (crypto-shredding).
//!
//! Stored in IndexedDB one entry per record (entries are already wrapped,
//! so they are stored as they are; writes stay small at 100,000 contacts):
//! - `keyring:<id>`: a record key entry; `keyring.backup:<id>`: a backup key;
//! - `keyring.erased:<id>`: an erased record (no key may come back for it);
//! - `keyring.unsent:<id>`: a record key the server does not hold yet (sent
//!   before any revision of its record);
//! - `keyring.undeleted:<id>`: a record key the server still holds after an
//!   erasure made offline (deleted there on the next connection).
//!
//! None of these names or describes a customer: ids are random.

use std::collections::BTreeSet;

use coffer_crypto::{KeyKind, Keyring, VaultKey, WrappedKey};
use uuid::Uuid;

use crate::store::Db;
use crate::vault::VaultError;

const RECORD_KEYS: &str = "keyring";
const BACKUP_KEYS: &str = "keyring.backup";
const ERASED: &str = "keyring.erased";
const UNSENT: &str = "keyring.unsent";
const UNDELETED: &str = "keyring.undeleted";

/// The keyring and its sync bookkeeping, as loaded on unlock.
#[derive(Debug, Default)]
pub struct LocalKeyring {
    pub keyring: Keyring,
    pub unsent: BTreeSet<Uuid>,
    pub undeleted: BTreeSet<Uuid>,
}

fn ids(records: Vec<crate::store::StoredRecord>) -> impl Iterator<Item = Uuid> {
    records.into_iter().filter_map(|r| r.id)
}

/// Reads the keyring. An entry that does not parse is skipped (its record
/// then reads as damaged, which the unlock page reports).
pub async fn load(db: &Db) -> Result<LocalKeyring, VaultError> {
    let mut keyring = Keyring::new();
    // Erased ids first, so no stored key for them is accepted.
    for id in ids(db.load(ERASED).await?) {
        keyring.erase(id);
    }
    for namespace in [RECORD_KEYS, BACKUP_KEYS] {
        for record in db.load(namespace).await? {
            if let Some(entry) = record.bytes.and_then(|b| WrappedKey::from_bytes(&b).ok()) {
                let _ = keyring.insert(entry);
            }
        }
    }
    Ok(LocalKeyring {
        keyring,
        unsent: ids(db.load(UNSENT).await?).collect(),
        undeleted: ids(db.load(UNDELETED).await?).collect(),
    })
}

fn namespace_of(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Record => RECORD_KEYS,
        KeyKind::Backup => BACKUP_KEYS,
    }
}

/// Stores entries (new keys, or keys received from the server). New record
/// keys are also marked unsent when `unsent` is true.
pub async fn store(db: &Db, entries: &[WrappedKey], unsent: bool) -> Result<(), VaultError> {
    for kind in [KeyKind::Record, KeyKind::Backup] {
        let of_kind: Vec<&WrappedKey> = entries.iter().filter(|e| e.kind() == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        db.put_records(
            namespace_of(kind),
            of_kind.iter().map(|e| (e.id(), e.as_bytes())),
        )
        .await?;
        if unsent && kind == KeyKind::Record {
            db.put_records(UNSENT, of_kind.iter().map(|e| (e.id(), &[][..])))
                .await?;
        }
    }
    Ok(())
}

/// The server now holds these record keys.
pub async fn mark_sent(db: &Db, sent: &[Uuid]) -> Result<(), VaultError> {
    for id in sent {
        db.delete_record(UNSENT, *id).await?;
    }
    Ok(())
}

/// Writes an erasure: the record's key and every shredded backup key are
/// deleted, the id is remembered as erased and, until the server confirms,
/// as undeleted there.
pub async fn store_erasure(
    db: &Db,
    record_id: Uuid,
    shredded_backups: &[Uuid],
) -> Result<(), VaultError> {
    db.put_records(ERASED, std::iter::once((record_id, &[][..])))
        .await?;
    db.put_records(UNDELETED, std::iter::once((record_id, &[][..])))
        .await?;
    db.delete_record(RECORD_KEYS, record_id).await?;
    db.delete_record(UNSENT, record_id).await?;
    for id in shredded_backups {
        db.delete_record(BACKUP_KEYS, *id).await?;
    }
    Ok(())
}

/// The server confirmed it deleted the record's key.
pub async fn mark_deleted(db: &Db, record_id: Uuid) -> Result<(), VaultError> {
    Ok(db.delete_record(UNDELETED, record_id).await?)
}

/// Makes keys for the records among `ids` that have none (and are not
/// erased); returns the new entries.
pub fn ensure_record_keys(
    keyring: &mut Keyring,
    vault: &VaultKey,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<WrappedKey>, VaultError> {
    let mut created = Vec::new();
    for id in ids {
        if keyring.entry(KeyKind::Record, id).is_none() && !keyring.is_erased(id) {
            created.push(keyring.create_record_key(vault, id)?.clone());
        }
    }
    Ok(created)
}
