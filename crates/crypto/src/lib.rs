//! Coffer's cryptography: the vault key, the passphrase- and recovery-code
//! wrapped vault header, the per-revision record envelopes (AES-256-GCM,
//! HKDF-SHA256, Argon2id, Padmé padding), the record [`keyring`] of per-record
//! keys that makes erasure crypto-shredding, and device signatures
//! ([`DeviceSigningKey`], Ed25519). Everything a record is before it leaves
//! the device passes through here.
//!
//! This crate is pure: it must never do I/O (no disk, network, browser
//! storage, clocks or logging), never hold a secret in a type that is
//! `Debug`/`Display` in clear or that does not zeroize on drop, never accept
//! key-derivation parameters below [`KdfParams::FLOOR`], and never return
//! plaintext from data that did not authenticate. Its only contact with the
//! outside world is the platform CSPRNG (`getrandom`). The byte formats are
//! described in `FORMAT.md` next to this crate and in the [`header`] and
//! [`envelope`] module docs.
//!
//! ```
//! use coffer_crypto::{EnvelopeMeta, VaultKey, open, seal};
//! # fn main() -> Result<(), coffer_crypto::CryptoError> {
//! let key = VaultKey::generate(); // in the app: from `VaultHeader::unlock`
//! let id = uuid::Uuid::from_u128(0x42); // the record's random id
//! let meta = EnvelopeMeta { namespace: "contact".into(), record_id: id, revision: 1 };
//! let envelope = seal(&key, &meta, "张伟, 138 0000 0000".as_bytes())?;
//! // Later, having found `envelope` stored under ("contact", id):
//! let (plaintext, revision) = open(&key, &envelope, "contact", id)?;
//! assert_eq!(plaintext.as_bytes(), "张伟, 138 0000 0000".as_bytes());
//! assert_eq!(revision, 1);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod aead;
pub mod envelope;
mod error;
#[doc(hidden)]
pub mod hazmat;
pub mod header;
mod kdf;
mod key;
pub mod keyring;
mod padding;
mod random;
mod recovery;
mod signing;

pub use envelope::{Envelope, EnvelopeMeta, Plaintext, check_namespace, open, seal};
pub use error::CryptoError;
pub use header::VaultHeader;
pub use kdf::KdfParams;
pub use key::{Passphrase, VAULT_KEY_LEN, VaultKey};
pub use keyring::{BackupKeys, Erasure, KeyKind, Keyring, WRAPPED_KEY_LEN, WrappedKey};
pub use padding::{PAD_FLOOR, padme_len};
pub use recovery::{RECOVERY_CODE_LEN, RecoveryCode};
pub use signing::{DeviceSigningKey, DeviceVerifyingKey, ED25519_KEY_LEN, ED25519_SIGNATURE_LEN};
