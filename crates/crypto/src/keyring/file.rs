//! The byte containers: the keyring file and a backup's keys.

use uuid::Uuid;

use super::wrapped::{WRAPPED_KEY_LEN, WrappedKey};
use crate::error::CryptoError;

pub(super) const KEYRING_MAGIC: &[u8; 4] = b"CFKR";
pub(super) const BACKUP_MAGIC: &[u8; 4] = b"CFBK";
pub(super) const CONTAINER_VERSION: u8 = 1;
/// The keys part of a backup file: record keys wrapped under a backup key
/// that only the keyring holds.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BackupKeys {
    pub(super) backup_id: Uuid,
    pub(super) backup_key_id: [u8; 8],
    pub(super) keys: Vec<WrappedKey>,
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

pub(super) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8], magic: &[u8; 4]) -> Result<Self, CryptoError> {
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

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        if self.rest.len() < n {
            return Err(CryptoError::Malformed("keyring data is truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub(super) fn count(&mut self) -> Result<u32, CryptoError> {
        let mut n = [0u8; 4];
        n.copy_from_slice(self.take(4)?);
        Ok(u32::from_be_bytes(n))
    }

    pub(super) fn uuid(&mut self) -> Result<Uuid, CryptoError> {
        let mut id = [0u8; 16];
        id.copy_from_slice(self.take(16)?);
        Ok(Uuid::from_bytes(id))
    }

    pub(super) fn finish(self) -> Result<(), CryptoError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(CryptoError::Malformed("trailing bytes after keyring data"))
        }
    }
}
