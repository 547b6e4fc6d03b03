//! The record keyring: one random key per record (per contact), wrapped by
//! the vault key, so a record can be erased by destroying its key
//! ("crypto-shredding") even where its ciphertext lives on — in server
//! history, in sync logs, on a device that was offline.
//!
//! # How it fits together
//!
//! - [`Keyring::create_record_key`] makes a record's key. Its envelopes are
//!   sealed and opened through [`Keyring::seal`] / [`Keyring::open`], which
//!   use the ordinary envelope format (v1): the envelope's key id is the
//!   *record key's* id, which is how a reader knows the vault key alone
//!   will not do.
//! - Keyring entries ([`WrappedKey`], 94 bytes) are what gets stored and
//!   synced, one server object per entry, kept by the server **without
//!   history** so a delete is a delete.
//! - [`Keyring::erase`] removes the record's entry, remembers the id as
//!   erased (so a stale copy arriving by sync is refused by
//!   [`Keyring::insert`]), and shreds every backup key. The app then
//!   deletes those entries on the server and syncs an erasure tombstone
//!   (`coffer_core::privacy::ErasureTombstone`) so every device does the same.
//! - Backups ([`Keyring::create_backup`]) carry record keys wrapped under a
//!   fresh *backup key*, and that backup key lives only in the keyring
//!   (wrapped by the vault key), never in the backup file. Restoring a
//!   backup ([`Keyring::restore_backup`]) needs it, so a backup restores
//!   lost records or devices together with the account's keyring (on the
//!   server or any device), not without it.
//! - The wrapping key is passed in as a [`VaultKey`] and named by its key id
//!   in each entry, so when team portfolio keys arrive they wrap record keys
//!   the same way.
//!
//! # What is guaranteed after `erase(r)` has reached the keyring copies
//!
//! - No key that remains — the vault key (whether unlocked by passphrase or
//!   by the recovery code), other records' keys, backup keys made later —
//!   opens any envelope of `r`: each has its own random key, and nothing
//!   derives it.
//! - Server history and any copy of `r`'s envelopes, made before or after
//!   the erasure, are undecryptable.
//! - Backups made **before** the erasure cannot be restored at all, not just
//!   for `r`: their backup keys were shredded with it (a backup file cannot
//!   be edited, and every earlier backup may contain `r`). Make a fresh
//!   backup after erasures; one made after the erasure has no key for `r`.
//!
//! # What is not
//!
//! A copy of the *keyring itself* taken before the erasure (a disk image of
//! the browser profile, a device that never syncs again, an export of the
//! raw IndexedDB store) still holds `r`'s wrapped key, and anyone with the
//! vault key can unwrap it. That is why the keyring is never part of a
//! backup, the server keeps no history of it, and devices apply tombstones
//! on their next sync. No design can reach into a copy it cannot see.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::envelope::{self, Envelope, EnvelopeMeta, Plaintext};
use crate::error::CryptoError;
use crate::key::VaultKey;

mod file;
mod wrapped;

pub use file::BackupKeys;
use file::{CONTAINER_VERSION, KEYRING_MAGIC, Reader};
pub use wrapped::{KeyKind, WRAPPED_KEY_LEN, WrappedKey};

/// What [`Keyring::erase`] removed: the entries to delete on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Erasure {
    /// The erased record.
    pub record_id: Uuid,
    /// Whether this keyring held its key (false when applying a tombstone
    /// for a record this device never had).
    pub had_key: bool,
    /// Backups that can no longer be restored.
    pub shredded_backups: Vec<Uuid>,
}

/// Record and backup keys, wrapped by the vault key, and the ids of erased
/// records. Holds no unwrapped key: each operation unwraps what it needs
/// and drops (zeroizes) it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    entries: BTreeMap<(KeyKind, Uuid), WrappedKey>,
    erased: BTreeSet<Uuid>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("entries", &self.entries.len())
            .field("erased", &self.erased.len())
            .finish()
    }
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Makes a random key for `record_id` and returns its entry (to store
    /// and sync). Refuses an erased record and one that already has a key.
    pub fn create_record_key(
        &mut self,
        vault: &VaultKey,
        record_id: Uuid,
    ) -> Result<&WrappedKey, CryptoError> {
        if self.erased.contains(&record_id) {
            return Err(CryptoError::RecordKeyErased);
        }
        if self.entries.contains_key(&(KeyKind::Record, record_id)) {
            return Err(CryptoError::KeyExists);
        }
        self.put_new(vault, KeyKind::Record, record_id)
    }

    /// Replaces a record's key with a fresh one (after anonymisation: the
    /// current revision is re-sealed, and older revisions become unreadable).
    pub fn rekey(&mut self, vault: &VaultKey, record_id: Uuid) -> Result<&WrappedKey, CryptoError> {
        self.record_key(vault, record_id)?;
        self.put_new(vault, KeyKind::Record, record_id)
    }

    fn put_new(
        &mut self,
        vault: &VaultKey,
        kind: KeyKind,
        id: Uuid,
    ) -> Result<&WrappedKey, CryptoError> {
        let key = VaultKey::try_generate()?;
        let entry = WrappedKey::wrap(vault, kind, id, &key)?;
        self.entries.insert((kind, id), entry);
        // Just inserted.
        self.entries
            .get(&(kind, id))
            .ok_or(CryptoError::NoRecordKey)
    }

    /// Stores an entry received by sync or read from storage, replacing the
    /// one with the same kind and id (a re-key on another device). Refuses
    /// a record key for an erased record: a stale copy must not resurrect it.
    pub fn insert(&mut self, entry: WrappedKey) -> Result<(), CryptoError> {
        if entry.kind() == KeyKind::Record && self.erased.contains(&entry.id()) {
            return Err(CryptoError::RecordKeyErased);
        }
        self.entries.insert((entry.kind(), entry.id()), entry);
        Ok(())
    }

    /// The entry of a record or backup, if present.
    pub fn entry(&self, kind: KeyKind, id: Uuid) -> Option<&WrappedKey> {
        self.entries.get(&(kind, id))
    }

    /// Every entry, for storage and sync.
    pub fn entries(&self) -> impl Iterator<Item = &WrappedKey> {
        self.entries.values()
    }

    /// Whether the record was erased.
    pub fn is_erased(&self, record_id: Uuid) -> bool {
        self.erased.contains(&record_id)
    }

    /// Every erased record id (to delete their keys again on a server
    /// restored from a backup).
    pub fn erased_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.erased.iter().copied()
    }

    fn record_key(&self, vault: &VaultKey, record_id: Uuid) -> Result<VaultKey, CryptoError> {
        if self.erased.contains(&record_id) {
            return Err(CryptoError::RecordKeyErased);
        }
        self.entries
            .get(&(KeyKind::Record, record_id))
            .ok_or(CryptoError::NoRecordKey)?
            .unwrap(vault)
    }

    /// Seals a revision of `meta.record_id` under its record key.
    pub fn seal(
        &self,
        vault: &VaultKey,
        meta: &EnvelopeMeta,
        plaintext: &[u8],
    ) -> Result<Envelope, CryptoError> {
        let key = self.record_key(vault, meta.record_id)?;
        envelope::seal(&key, meta, plaintext)
    }

    /// Opens an envelope of record `expected_id` with its record key (see
    /// [`crate::open`] for the other checks).
    pub fn open(
        &self,
        vault: &VaultKey,
        envelope: &Envelope,
        expected_namespace: &str,
        expected_id: Uuid,
    ) -> Result<(Plaintext, u64), CryptoError> {
        let key = self.record_key(vault, expected_id)?;
        envelope::open(&key, envelope, expected_namespace, expected_id)
    }

    /// Crypto-shreds a record: drops its key, marks it erased, and shreds
    /// every backup key (any earlier backup may hold the record's key).
    /// Also how a tombstone from another device is applied.
    ///
    /// Erasing an already erased record does nothing, so a tombstone
    /// delivered twice does not shred backups made since. A device that
    /// learns of an erasure late shreds every backup key it holds, possibly
    /// one made after the erasure elsewhere: the cost is a fresh backup,
    /// never a leak.
    pub fn erase(&mut self, record_id: Uuid) -> Erasure {
        if self.erased.contains(&record_id) {
            return Erasure {
                record_id,
                had_key: false,
                shredded_backups: Vec::new(),
            };
        }
        let had_key = self.entries.remove(&(KeyKind::Record, record_id)).is_some();
        self.erased.insert(record_id);
        let shredded_backups: Vec<Uuid> = self
            .entries
            .keys()
            .filter(|(kind, _)| *kind == KeyKind::Backup)
            .map(|(_, id)| *id)
            .collect();
        for id in &shredded_backups {
            self.entries.remove(&(KeyKind::Backup, *id));
        }
        Erasure {
            record_id,
            had_key,
            shredded_backups,
        }
    }

    /// Makes the key part of a backup of `records`: a fresh backup key is
    /// added to this keyring (sync it like any entry) and each record key is
    /// wrapped under it. The backup file holds the result and the envelopes,
    /// never the backup key.
    pub fn create_backup(
        &mut self,
        vault: &VaultKey,
        backup_id: Uuid,
        records: &[Uuid],
    ) -> Result<BackupKeys, CryptoError> {
        if self.entries.contains_key(&(KeyKind::Backup, backup_id)) {
            return Err(CryptoError::KeyExists);
        }
        let backup_key = VaultKey::try_generate()?;
        let mut keys = Vec::with_capacity(records.len());
        for &id in records {
            let record_key = self.record_key(vault, id)?;
            keys.push(WrappedKey::wrap(
                &backup_key,
                KeyKind::Record,
                id,
                &record_key,
            )?);
        }
        let entry = WrappedKey::wrap(vault, KeyKind::Backup, backup_id, &backup_key)?;
        self.entries.insert((KeyKind::Backup, backup_id), entry);
        Ok(BackupKeys {
            backup_id,
            backup_key_id: backup_key.key_id(),
            keys,
        })
    }

    /// Brings a backup's record keys back into this keyring (re-wrapped by
    /// the vault key), skipping erased records and records that already have
    /// a key. Returns the restored record ids.
    pub fn restore_backup(
        &mut self,
        vault: &VaultKey,
        backup: &BackupKeys,
    ) -> Result<Vec<Uuid>, CryptoError> {
        let backup_key = self
            .entries
            .get(&(KeyKind::Backup, backup.backup_id))
            .ok_or(CryptoError::BackupKeyMissing)?
            .unwrap(vault)?;
        if backup_key.key_id() != backup.backup_key_id {
            return Err(CryptoError::WrongKey);
        }
        let mut restored = Vec::new();
        for wrapped in &backup.keys {
            let id = wrapped.id();
            if wrapped.kind() != KeyKind::Record
                || self.erased.contains(&id)
                || self.entries.contains_key(&(KeyKind::Record, id))
            {
                continue;
            }
            let record_key = wrapped.unwrap(&backup_key)?;
            let entry = WrappedKey::wrap(vault, KeyKind::Record, id, &record_key)?;
            self.entries.insert((KeyKind::Record, id), entry);
            restored.push(id);
        }
        Ok(restored)
    }

    /// The keyring for local storage, tombstones included:
    /// `"CFKR" ‖ 01 ‖ n (u32) ‖ n × entry ‖ m (u32) ‖ m × erased record id (16)`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(13 + self.entries.len() * WRAPPED_KEY_LEN + self.erased.len() * 16);
        out.extend_from_slice(KEYRING_MAGIC);
        out.push(CONTAINER_VERSION);
        out.extend_from_slice(&(self.entries.len() as u32).to_be_bytes());
        for entry in self.entries.values() {
            out.extend_from_slice(entry.as_bytes());
        }
        out.extend_from_slice(&(self.erased.len() as u32).to_be_bytes());
        for id in &self.erased {
            out.extend_from_slice(id.as_bytes());
        }
        out
    }

    /// Reads [`Keyring::to_bytes`] back.
    pub fn from_bytes(bytes: &[u8]) -> Result<Keyring, CryptoError> {
        let mut r = Reader::new(bytes, KEYRING_MAGIC)?;
        let mut ring = Keyring::new();
        for _ in 0..r.count()? {
            let entry = WrappedKey::from_bytes(r.take(WRAPPED_KEY_LEN)?)?;
            ring.entries.insert((entry.kind(), entry.id()), entry);
        }
        for _ in 0..r.count()? {
            ring.erased.insert(r.uuid()?);
        }
        r.finish()?;
        for id in &ring.erased {
            if ring.entries.contains_key(&(KeyKind::Record, *id)) {
                return Err(CryptoError::Malformed(
                    "keyring holds a key for an erased record",
                ));
            }
        }
        Ok(ring)
    }
}

#[cfg(test)]
mod tests;
