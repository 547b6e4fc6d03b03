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
//!   backup ([`Keyring::restore_backup`]) needs it.
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
use zeroize::Zeroizing;

use crate::aead::{self, NONCE_LEN, TAG_LEN};
use crate::envelope::{self, Envelope, EnvelopeMeta, Plaintext};
use crate::error::CryptoError;
use crate::key::{VAULT_KEY_LEN, VaultKey};
use crate::random;

const ENTRY_VERSION: u8 = 1;
const WRAP_INFO: &[u8] = b"coffer/v1/keyring/wrap";
/// version, kind, id, wrapping key id, wrapped key id.
const AD_LEN: usize = 1 + 1 + 16 + 8 + 8;
/// Length of a [`WrappedKey`].
pub const WRAPPED_KEY_LEN: usize = AD_LEN + NONCE_LEN + VAULT_KEY_LEN + TAG_LEN;
const KEYRING_MAGIC: &[u8; 4] = b"CFKR";
const BACKUP_MAGIC: &[u8; 4] = b"CFBK";
const CONTAINER_VERSION: u8 = 1;

/// What a keyring entry's key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyKind {
    /// The key of one record; the entry id is the record id.
    Record,
    /// The key of one backup; the entry id is the backup id.
    Backup,
}

impl KeyKind {
    fn code(self) -> u8 {
        match self {
            KeyKind::Record => 1,
            KeyKind::Backup => 2,
        }
    }

    fn from_code(code: u8) -> Option<KeyKind> {
        match code {
            1 => Some(KeyKind::Record),
            2 => Some(KeyKind::Backup),
            _ => None,
        }
    }
}

/// One key wrapped (AES-256-GCM) under another: a keyring entry, or a
/// record key inside a backup.
///
/// ```text
/// version (1) = 01 ‖ kind (1) ‖ id (16) ‖ wrapping key id (8) ‖ key id (8)
///   ‖ nonce (12) ‖ ciphertext (32) ‖ tag (16)
/// AD      = the first 34 bytes
/// aes key = HKDF-Expand(PRK of the wrapping key, "coffer/v1/keyring/wrap" ‖ AD, 32)
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey {
    bytes: [u8; WRAPPED_KEY_LEN],
}

impl WrappedKey {
    /// Parses stored bytes (length, version, kind).
    pub fn from_bytes(bytes: &[u8]) -> Result<WrappedKey, CryptoError> {
        let bytes: [u8; WRAPPED_KEY_LEN] = bytes
            .try_into()
            .map_err(|_| CryptoError::Malformed("wrapped key has the wrong length"))?;
        if bytes[0] != ENTRY_VERSION {
            return Err(CryptoError::UnsupportedVersion(bytes[0]));
        }
        if KeyKind::from_code(bytes[1]).is_none() {
            return Err(CryptoError::Malformed("wrapped key has an unknown kind"));
        }
        Ok(WrappedKey { bytes })
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// What the key is for.
    pub fn kind(&self) -> KeyKind {
        // Checked in every constructor.
        KeyKind::from_code(self.bytes[1]).unwrap_or(KeyKind::Record)
    }

    /// The record or backup id.
    pub fn id(&self) -> Uuid {
        let mut id = [0u8; 16];
        id.copy_from_slice(&self.bytes[2..18]);
        Uuid::from_bytes(id)
    }

    /// The key id of the key it is wrapped under.
    pub fn wrapping_key_id(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&self.bytes[18..26]);
        out
    }

    /// The key id of the wrapped key (the one its envelopes name).
    pub fn key_id(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&self.bytes[26..34]);
        out
    }

    fn wrap(
        wrapping: &VaultKey,
        kind: KeyKind,
        id: Uuid,
        key: &VaultKey,
    ) -> Result<Self, CryptoError> {
        let nonce: [u8; NONCE_LEN] = random::array()?;
        let mut bytes = [0u8; WRAPPED_KEY_LEN];
        bytes[0] = ENTRY_VERSION;
        bytes[1] = kind.code();
        bytes[2..18].copy_from_slice(id.as_bytes());
        bytes[18..26].copy_from_slice(&wrapping.key_id());
        bytes[26..34].copy_from_slice(&key.key_id());
        let aes_key = wrap_key(wrapping, &bytes[..AD_LEN]);
        let mut body = Zeroizing::new(*key.bytes());
        let tag = aead::encrypt(&aes_key, &nonce, &bytes[..AD_LEN], &mut body[..])
            .map_err(|()| CryptoError::Malformed("key too large to wrap"))?;
        bytes[AD_LEN..AD_LEN + NONCE_LEN].copy_from_slice(&nonce);
        bytes[AD_LEN + NONCE_LEN..AD_LEN + NONCE_LEN + VAULT_KEY_LEN].copy_from_slice(&body[..]);
        bytes[AD_LEN + NONCE_LEN + VAULT_KEY_LEN..].copy_from_slice(&tag);
        Ok(WrappedKey { bytes })
    }

    fn unwrap(&self, wrapping: &VaultKey) -> Result<VaultKey, CryptoError> {
        if self.wrapping_key_id() != wrapping.key_id() {
            return Err(CryptoError::WrongKey);
        }
        let ad = &self.bytes[..AD_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&self.bytes[AD_LEN..AD_LEN + NONCE_LEN]);
        let mut body = Zeroizing::new([0u8; VAULT_KEY_LEN]);
        body.copy_from_slice(&self.bytes[AD_LEN + NONCE_LEN..AD_LEN + NONCE_LEN + VAULT_KEY_LEN]);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&self.bytes[AD_LEN + NONCE_LEN + VAULT_KEY_LEN..]);
        let aes_key = wrap_key(wrapping, ad);
        aead::decrypt(&aes_key, &nonce, ad, &mut body[..], &tag)
            .map_err(|()| CryptoError::Tampered)?;
        let key = VaultKey::from_bytes(body);
        if key.key_id() != self.key_id() {
            // Authenticated, so only a broken wrapper gets here.
            return Err(CryptoError::Tampered);
        }
        Ok(key)
    }
}

fn wrap_key(wrapping: &VaultKey, ad: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    wrapping.derive(&[WRAP_INFO, ad], &mut out[..]);
    out
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedKey")
            .field("kind", &self.kind())
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

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

/// The keys part of a backup file: record keys wrapped under a backup key
/// that only the keyring holds.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BackupKeys {
    backup_id: Uuid,
    backup_key_id: [u8; 8],
    keys: Vec<WrappedKey>,
}

impl BackupKeys {
    /// The backup's id (its keyring entry's id).
    pub fn backup_id(&self) -> Uuid {
        self.backup_id
    }

    /// The records whose keys it carries.
    pub fn record_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.keys.iter().map(WrappedKey::id)
    }

    /// The wrapped keys it carries.
    pub fn keys(&self) -> &[WrappedKey] {
        &self.keys
    }

    /// `"CFBK" ‖ 01 ‖ backup id (16) ‖ backup key id (8) ‖ n (u32) ‖ n × entry`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(33 + self.keys.len() * WRAPPED_KEY_LEN);
        out.extend_from_slice(BACKUP_MAGIC);
        out.push(CONTAINER_VERSION);
        out.extend_from_slice(self.backup_id.as_bytes());
        out.extend_from_slice(&self.backup_key_id);
        out.extend_from_slice(&(self.keys.len() as u32).to_be_bytes());
        for key in &self.keys {
            out.extend_from_slice(key.as_bytes());
        }
        out
    }

    /// Reads [`BackupKeys::to_bytes`] back.
    pub fn from_bytes(bytes: &[u8]) -> Result<BackupKeys, CryptoError> {
        let mut r = Reader::new(bytes, BACKUP_MAGIC)?;
        let backup_id = r.uuid()?;
        let mut backup_key_id = [0u8; 8];
        backup_key_id.copy_from_slice(r.take(8)?);
        let mut keys = Vec::new();
        for _ in 0..r.count()? {
            keys.push(WrappedKey::from_bytes(r.take(WRAPPED_KEY_LEN)?)?);
        }
        r.finish()?;
        Ok(BackupKeys {
            backup_id,
            backup_key_id,
            keys,
        })
    }
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], magic: &[u8; 4]) -> Result<Self, CryptoError> {
        let mut r = Reader { rest: bytes };
        if r.take(4)? != magic {
            return Err(CryptoError::Malformed("not a keyring or backup key file"));
        }
        let version = r.take(1)?[0];
        if version != CONTAINER_VERSION {
            return Err(CryptoError::UnsupportedVersion(version));
        }
        Ok(r)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        if self.rest.len() < n {
            return Err(CryptoError::Malformed("keyring data is truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn count(&mut self) -> Result<u32, CryptoError> {
        let mut n = [0u8; 4];
        n.copy_from_slice(self.take(4)?);
        Ok(u32::from_be_bytes(n))
    }

    fn uuid(&mut self) -> Result<Uuid, CryptoError> {
        let mut id = [0u8; 16];
        id.copy_from_slice(self.take(16)?);
        Ok(Uuid::from_bytes(id))
    }

    fn finish(self) -> Result<(), CryptoError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(CryptoError::Malformed("trailing bytes after keyring data"))
        }
    }
}

#[cfg(test)]
mod tests;
