//! The account key bundle, wrapped under a key only the passphrase's
//! OPAQUE export key yields, so the server can store it but not open it.
//!
//! Format (see `FORMAT.md`): `version (1) || nonce (12) || AES-256-GCM
//! ciphertext of user_key || x25519_secret || ed25519_seed (96) || tag (16)`,
//! 125 bytes, with associated data `version || account name`.

use core::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::AccountError;
use crate::name::AccountName;
use crate::secret::ExportKey;

/// Format version of the wrapped bundle.
pub const BUNDLE_VERSION: u8 = 1;
/// HKDF-SHA256 `info` for the unlock key.
pub const UNLOCK_INFO: &[u8] = b"coffer/v1/account-unlock";
/// HKDF-SHA256 `info` for the unlock key of the recovery-wrapped copy.
pub const RECOVERY_UNLOCK_INFO: &[u8] = b"coffer/v1/account-recovery-unlock";
/// Bound into the associated data of the recovery-wrapped copy, between the
/// version and the account name (the passphrase-wrapped copy has nothing
/// there), so neither copy opens as the other even under the same key.
pub const RECOVERY_BUNDLE_LABEL: &[u8] = b"coffer/v1/recovery-bundle\0";

/// Which wrapped copy of the bundle: its key derivation and associated data.
#[derive(Clone, Copy)]
pub(crate) struct Wrapping {
    info: &'static [u8],
    label: &'static [u8],
}

impl Wrapping {
    pub(crate) const PASSPHRASE: Wrapping = Wrapping {
        info: UNLOCK_INFO,
        label: b"",
    };
    pub(crate) const RECOVERY: Wrapping = Wrapping {
        info: RECOVERY_UNLOCK_INFO,
        label: RECOVERY_BUNDLE_LABEL,
    };
}

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const PLAIN_LEN: usize = 96;
/// Length of a version-1 wrapped bundle.
pub const WRAPPED_LEN: usize = 1 + NONCE_LEN + PLAIN_LEN + TAG_LEN;

/// The account's long-term secrets, the same on every device.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct KeyBundle {
    /// Wraps the user's vault and portfolio keys.
    pub user_key: [u8; 32],
    /// X25519 secret key: teammates seal keys to its public half.
    pub x25519_secret: [u8; 32],
    /// Ed25519 seed: signs revisions and membership changes.
    pub ed25519_seed: [u8; 32],
}

impl KeyBundle {
    /// Three fresh keys from the platform CSPRNG, for a new account.
    pub fn generate() -> Result<Self, AccountError> {
        let mut bundle = KeyBundle {
            user_key: [0; 32],
            x25519_secret: [0; 32],
            ed25519_seed: [0; 32],
        };
        for key in [
            &mut bundle.user_key,
            &mut bundle.x25519_secret,
            &mut bundle.ed25519_seed,
        ] {
            OsRng.try_fill_bytes(key).map_err(|_| AccountError::Rng)?;
        }
        Ok(bundle)
    }

    fn to_plaintext(&self) -> Zeroizing<[u8; PLAIN_LEN]> {
        let mut plain = Zeroizing::new([0u8; PLAIN_LEN]);
        plain[..32].copy_from_slice(&self.user_key);
        plain[32..64].copy_from_slice(&self.x25519_secret);
        plain[64..].copy_from_slice(&self.ed25519_seed);
        plain
    }

    fn from_plaintext(plain: &[u8]) -> Option<Self> {
        if plain.len() != PLAIN_LEN {
            return None;
        }
        let mut bundle = KeyBundle {
            user_key: [0; 32],
            x25519_secret: [0; 32],
            ed25519_seed: [0; 32],
        };
        bundle.user_key.copy_from_slice(&plain[..32]);
        bundle.x25519_secret.copy_from_slice(&plain[32..64]);
        bundle.ed25519_seed.copy_from_slice(&plain[64..]);
        Some(bundle)
    }
}

/// Constant time, like every other secret comparison in Coffer.
impl PartialEq for KeyBundle {
    fn eq(&self, other: &Self) -> bool {
        self.to_plaintext().ct_eq(&*other.to_plaintext()).into()
    }
}

impl Eq for KeyBundle {}

impl fmt::Debug for KeyBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyBundle(..)")
    }
}

/// Encrypts `bundle` for storage on the server under `export_key`, bound to
/// `account`.
pub fn wrap_bundle(
    export_key: &ExportKey,
    bundle: &KeyBundle,
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    wrap_as(Wrapping::PASSPHRASE, export_key, bundle, account)
}

pub(crate) fn wrap_as(
    wrapping: Wrapping,
    export_key: &ExportKey,
    bundle: &KeyBundle,
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng
        .try_fill_bytes(&mut nonce)
        .map_err(|_| AccountError::Rng)?;
    wrap_with_nonce(wrapping, export_key, bundle, account, nonce)
}

pub(crate) fn wrap_with_nonce(
    wrapping: Wrapping,
    export_key: &ExportKey,
    bundle: &KeyBundle,
    account: &AccountName,
    nonce: [u8; NONCE_LEN],
) -> Result<Vec<u8>, AccountError> {
    let cipher = unlock_cipher(wrapping, export_key);
    let plain = bundle.to_plaintext();
    let aad = associated_data(wrapping, BUNDLE_VERSION, account);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plain[..],
                aad: &aad,
            },
        )
        // Only fails for inputs longer than GCM's 64 GiB limit.
        .map_err(|_| AccountError::Malformed("key bundle"))?;
    let mut out = Vec::with_capacity(WRAPPED_LEN);
    out.push(BUNDLE_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`wrap_bundle`] produced. Any change to the bytes, or a
/// different account name or export key, gives
/// [`AccountError::BundleTampered`].
pub fn unwrap_bundle(
    export_key: &ExportKey,
    wrapped: &[u8],
    account: &AccountName,
) -> Result<KeyBundle, AccountError> {
    unwrap_as(Wrapping::PASSPHRASE, export_key, wrapped, account)
}

pub(crate) fn unwrap_as(
    wrapping: Wrapping,
    export_key: &ExportKey,
    wrapped: &[u8],
    account: &AccountName,
) -> Result<KeyBundle, AccountError> {
    let (&version, rest) = wrapped
        .split_first()
        .ok_or(AccountError::Malformed("key bundle"))?;
    if version != BUNDLE_VERSION {
        return Err(AccountError::UnsupportedVersion(version));
    }
    if wrapped.len() != WRAPPED_LEN {
        return Err(AccountError::Malformed("key bundle"));
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let aad = associated_data(wrapping, version, account);
    let plain = Zeroizing::new(
        unlock_cipher(wrapping, export_key)
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| AccountError::BundleTampered)?,
    );
    KeyBundle::from_plaintext(&plain).ok_or(AccountError::Malformed("key bundle"))
}

/// For a passphrase change: opens the bundle with the old export key (from
/// the login that authorised the change) and wraps the same keys under the
/// export key of the new registration. Nothing else is re-encrypted.
pub fn rewrap(
    old_export_key: &ExportKey,
    wrapped: &[u8],
    new_export_key: &ExportKey,
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    let bundle = unwrap_bundle(old_export_key, wrapped, account)?;
    wrap_bundle(new_export_key, &bundle, account)
}

/// `HKDF-SHA256(ikm = export key, salt = none, info = UNLOCK_INFO)` (or
/// `RECOVERY_UNLOCK_INFO`).
fn unlock_cipher(wrapping: Wrapping, export_key: &ExportKey) -> Aes256Gcm {
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, export_key.as_bytes())
        .expand(wrapping.info, &mut key[..])
        // Proven: 32 bytes is far below HKDF-SHA256's 8160-byte limit.
        .expect("32-byte HKDF output is always valid");
    Aes256Gcm::new((&*key).into())
}

fn associated_data(wrapping: Wrapping, version: u8, account: &AccountName) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + wrapping.label.len() + account.as_str().len());
    aad.push(version);
    aad.extend_from_slice(wrapping.label);
    aad.extend_from_slice(account.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_key(byte: u8) -> ExportKey {
        ExportKey::take(&mut [byte; 64])
    }

    /// Pins the format: a fixed key, nonce and bundle give these bytes.
    #[test]
    fn wrapped_bundle_matches_the_test_vector() {
        let account = AccountName::parse("alice@example.com").unwrap();
        let bundle = KeyBundle {
            user_key: [1; 32],
            x25519_secret: [2; 32],
            ed25519_seed: [3; 32],
        };
        let wrapped = wrap_with_nonce(
            Wrapping::PASSPHRASE,
            &export_key(9),
            &bundle,
            &account,
            [5; 12],
        )
        .unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        assert_eq!(wrapped[0], BUNDLE_VERSION);
        assert_eq!(&wrapped[1..13], &[5; 12]);
        assert_eq!(hex(&wrapped), VECTOR);
        let opened = unwrap_bundle(&export_key(9), &wrapped, &account).unwrap();
        assert!(opened == bundle);
    }

    #[test]
    fn unknown_versions_and_lengths_are_refused() {
        let account = AccountName::parse("alice@example.com").unwrap();
        let key = export_key(9);
        let mut wrapped = wrap_bundle(&key, &KeyBundle::generate().unwrap(), &account).unwrap();
        assert_eq!(
            unwrap_bundle(&key, &wrapped[..WRAPPED_LEN - 1], &account).unwrap_err(),
            AccountError::Malformed("key bundle")
        );
        assert_eq!(
            unwrap_bundle(&key, &[], &account).unwrap_err(),
            AccountError::Malformed("key bundle")
        );
        wrapped[0] = 2;
        assert_eq!(
            unwrap_bundle(&key, &wrapped, &account).unwrap_err(),
            AccountError::UnsupportedVersion(2)
        );
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", KeyBundle::generate().unwrap()),
            "KeyBundle(..)"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Computed independently with Python's `cryptography` (HKDF-SHA256 and
    /// AESGCM) from the inputs above.
    const VECTOR: &str = concat!(
        "01",                       // version
        "050505050505050505050505", // nonce
        "46bf4ffbedad095d671ef70de9bb7e351cf37cdec4cfae6b184c0b215e53b624165bfa4ba376ed52900278be70130828", // ciphertext
        "8f024f5c1e37c809e045633819806714709921a70136ad52e6c07089d8d9ffd83c62f6b102edef3f5215395e49fffd89",
        "017caf49a175a288632d997b323f7695", // tag
    );
}
