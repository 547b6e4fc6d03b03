//! Deterministic constructors for known-answer and tamper tests.
//!
//! Hidden from the docs and not part of the API: everything here takes the
//! randomness (nonces, salts, key bytes) as arguments, which is exactly what
//! production code must never do. Only test code may call these.

use zeroize::Zeroizing;

use crate::envelope::{self, Envelope, EnvelopeMeta};
use crate::error::CryptoError;
use crate::header::{HeaderSeed, VaultHeader};
use crate::kdf::KdfParams;
use crate::key::{Passphrase, VaultKey};
use crate::recovery::RecoveryCode;

/// A vault key with the given bytes.
pub fn vault_key_from_bytes(bytes: [u8; 32]) -> VaultKey {
    VaultKey::from_bytes(Zeroizing::new(bytes))
}

/// A vault key with the given bytes that claims a different key id, to test
/// that a key-id match alone never opens an envelope.
pub fn vault_key_with_forged_id(bytes: [u8; 32], key_id: [u8; 8]) -> VaultKey {
    vault_key_from_bytes(bytes).with_forged_key_id(key_id)
}

/// A recovery code with the given bytes.
pub fn recovery_code_from_bytes(bytes: [u8; 16]) -> RecoveryCode {
    RecoveryCode::from_bytes(bytes)
}

/// [`crate::seal`] with a caller-chosen nonce.
pub fn seal_with_nonce(
    key: &VaultKey,
    meta: &EnvelopeMeta,
    plaintext: &[u8],
    nonce: [u8; 12],
) -> Result<Envelope, CryptoError> {
    envelope::seal_with_nonce(key, meta, plaintext, nonce)
}

/// Every random input of [`VaultHeader::create`].
pub struct HeaderInputs {
    /// Argon2id salt.
    pub salt: [u8; 16],
    /// Vault id.
    pub vault_id: [u8; 16],
    /// Vault key bytes.
    pub key: [u8; 32],
    /// Recovery code bytes.
    pub recovery: [u8; 16],
    /// Nonce of the passphrase wrap.
    pub passphrase_nonce: [u8; 12],
    /// Nonce of the recovery wrap.
    pub recovery_nonce: [u8; 12],
}

/// [`VaultHeader::create`] with caller-chosen randomness.
pub fn create_header_with(
    passphrase: &Passphrase,
    params: KdfParams,
    inputs: HeaderInputs,
) -> Result<(VaultHeader, VaultKey, RecoveryCode), CryptoError> {
    let seed = HeaderSeed {
        salt: inputs.salt,
        vault_id: inputs.vault_id,
        key: Zeroizing::new(inputs.key),
        recovery: RecoveryCode::from_bytes(inputs.recovery),
        passphrase_nonce: inputs.passphrase_nonce,
        recovery_nonce: inputs.recovery_nonce,
    };
    VaultHeader::create_with(passphrase, params, seed)
}

/// [`VaultHeader::rewrap`] with a caller-chosen salt and nonce.
pub fn rewrap_with(
    header: &VaultHeader,
    key: &VaultKey,
    new_passphrase: &Passphrase,
    params: KdfParams,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<VaultHeader, CryptoError> {
    header.rewrap_with(key, new_passphrase, params, salt, nonce)
}
