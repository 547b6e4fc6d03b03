//! The one error type of this crate.

use crate::kdf::KdfParams;

/// Everything that can go wrong in this crate.
///
/// Each variant names a situation a user or a caller can act on; the UI maps
/// variants to translated messages, so the English text here is for logs and
/// developers. No variant ever carries secret material.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// The passphrase does not unlock this vault.
    #[error("the passphrase is wrong")]
    WrongPassphrase,

    /// The recovery code is well formed but does not unlock this vault.
    #[error("the recovery code does not belong to this vault")]
    WrongRecoveryCode,

    /// The recovery code's check character does not match: a typo.
    #[error("the recovery code has a typo (its check character does not match)")]
    RecoveryCodeMistyped,

    /// The text is not shaped like a recovery code (length or characters).
    #[error("this is not a recovery code (wrong length or characters)")]
    RecoveryCodeMalformed,

    /// The key-derivation settings are below the floor this client accepts.
    #[error("the key-derivation settings ({found}) are weaker than the minimum ({floor})")]
    WeakKdfParams {
        /// What was asked for or found in the header.
        found: KdfParams,
        /// The minimum this client accepts.
        floor: KdfParams,
    },

    /// The key-derivation settings are so large that deriving would exhaust
    /// the device (likely a forged header).
    #[error("the key-derivation settings are unreasonably large")]
    UnreasonableKdfParams,

    /// The data was written by a format version this client does not know.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),

    /// The bytes are not a well-formed header or envelope.
    #[error("malformed data: {0}")]
    Malformed(&'static str),

    /// The envelope was sealed with a different key than the one supplied.
    #[error("this record was encrypted with a different key")]
    WrongKey,

    /// The envelope names a different record type or record id than the
    /// place it was found in: it was moved or swapped.
    #[error("the record does not belong where it was found (namespace or id differs)")]
    RecordMismatch,

    /// Authentication failed: the record was altered or corrupted.
    #[error("the record was altered or corrupted")]
    Tampered,

    /// The decrypted record has no valid padding (a bug in whoever sealed it).
    #[error("the record's padding is invalid")]
    BadPadding,

    /// A namespace is not 1 to 32 characters of `a-z`, `0-9`, `_`, `.`, `-`.
    #[error("invalid record namespace (use 1-32 characters of a-z, 0-9, '_', '.', '-')")]
    InvalidNamespace,

    /// A signature does not verify under the device's public key: the
    /// signed data was altered or someone else signed it.
    #[error("the signature does not verify")]
    BadSignature,

    /// 32 bytes that are not a valid Ed25519 public key.
    #[error("invalid device public key")]
    InvalidPublicKey,

    /// The record's key was erased (crypto-shredding): its envelopes can
    /// never be opened again.
    #[error("this record was erased; its key no longer exists")]
    RecordKeyErased,

    /// The keyring has no key for this record (not synced yet, or never made).
    #[error("no key for this record in the keyring")]
    NoRecordKey,

    /// A key for this record or backup already exists in the keyring.
    #[error("the keyring already holds a key for this id")]
    KeyExists,

    /// The backup's key is not in the keyring: it was shredded by an
    /// erasure made after the backup, or the keyring is another vault's.
    #[error("this backup can no longer be opened (its key was shredded or is unknown)")]
    BackupKeyMissing,

    /// The platform's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}
