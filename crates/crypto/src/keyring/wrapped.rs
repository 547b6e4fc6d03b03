//! [`WrappedKey`]: one key wrapped under another.

use core::fmt;

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::aead::{self, NONCE_LEN, TAG_LEN};
use crate::error::CryptoError;
use crate::key::{VAULT_KEY_LEN, VaultKey};
use crate::random;

const ENTRY_VERSION: u8 = 1;
const WRAP_INFO: &[u8] = b"coffer/v1/keyring/wrap";
/// version, kind, id, wrapping key id, wrapped key id.
const AD_LEN: usize = 1 + 1 + 16 + 8 + 8;
/// Length of a [`WrappedKey`].
pub const WRAPPED_KEY_LEN: usize = AD_LEN + NONCE_LEN + VAULT_KEY_LEN + TAG_LEN;
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

    pub(super) fn wrap(
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

    pub(super) fn unwrap(&self, wrapping: &VaultKey) -> Result<VaultKey, CryptoError> {
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
