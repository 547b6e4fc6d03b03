//! The vault key and the passphrase: the two secrets a user session holds.

use core::fmt;

use hkdf::Hkdf;
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

use crate::error::CryptoError;
use crate::random;

/// Length of a [`VaultKey`] in bytes.
pub const VAULT_KEY_LEN: usize = 32;

/// HKDF-Extract salt for the vault key's pseudorandom key (PRK).
const PRK_SALT: &[u8] = b"coffer/v1/vault-key";
/// HKDF-Expand info for [`VaultKey::key_id`].
const KEY_ID_INFO: &[u8] = b"coffer/v1/key-id";

/// The 256-bit key that every record of a vault is sealed under.
///
/// Lives in memory only while the vault is unlocked; the key bytes and the
/// derived PRK are zeroized on drop. `Debug` never prints them.
///
/// The HKDF-Extract step (`PRK = HKDF-Extract(salt = "coffer/v1/vault-key",
/// IKM = key)`) is done once here, so each envelope only pays for an
/// HKDF-Expand.
pub struct VaultKey {
    bytes: Zeroizing<[u8; VAULT_KEY_LEN]>,
    prk: Zeroizing<[u8; 32]>,
    key_id: [u8; 8],
}

impl VaultKey {
    /// A fresh random key.
    ///
    /// # Panics
    /// If the platform random number generator fails, which on supported
    /// platforms does not happen; use [`VaultKey::try_generate`] to handle it.
    pub fn generate() -> Self {
        match Self::try_generate() {
            Ok(key) => key,
            Err(e) => panic!("cannot generate a vault key: {e}"),
        }
    }

    /// A fresh random key, reporting RNG failure as [`CryptoError::Rng`].
    pub fn try_generate() -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; VAULT_KEY_LEN]);
        random::fill(&mut bytes[..])?;
        Ok(Self::from_bytes(bytes))
    }

    /// A key from its 32 secret bytes, as kept in an account's key bundle
    /// (the account's user key is the vault key on every device).
    pub fn from_secret(bytes: Zeroizing<[u8; VAULT_KEY_LEN]>) -> Self {
        Self::from_bytes(bytes)
    }

    /// The key's 32 secret bytes, to wrap into the account's key bundle.
    /// Handle with care: zeroized on drop, never stored unwrapped.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; VAULT_KEY_LEN]> {
        Zeroizing::new(*self.bytes)
    }

    /// Builds a key from raw bytes (unwrapped from a header, or a test vector).
    pub(crate) fn from_bytes(bytes: Zeroizing<[u8; VAULT_KEY_LEN]>) -> Self {
        let mut prk = Zeroizing::new([0u8; 32]);
        let (mut extracted, _) = Hkdf::<Sha256>::extract(Some(PRK_SALT), &bytes[..]);
        prk.copy_from_slice(&extracted);
        extracted.as_mut_slice().zeroize();
        let mut key_id = [0u8; 8];
        expand(&prk, &[KEY_ID_INFO], &mut key_id);
        VaultKey { bytes, prk, key_id }
    }

    /// A public 8-byte identifier of this key:
    /// `HKDF-Expand(PRK, "coffer/v1/key-id", 8)`.
    ///
    /// Safe to store in the clear; it reveals nothing about the key. Used in
    /// envelopes so a wrong key is reported as such, and so a later keyring
    /// can pick the right key.
    pub fn key_id(&self) -> [u8; 8] {
        self.key_id
    }

    /// Derives `out.len()` bytes bound to `info` (the concatenation of the
    /// parts) from this key's PRK.
    pub(crate) fn derive(&self, info: &[&[u8]], out: &mut [u8]) {
        expand(&self.prk, info, out);
    }

    pub(crate) fn bytes(&self) -> &[u8; VAULT_KEY_LEN] {
        &self.bytes
    }

    /// Test hook: the same key bytes but a forged public key id.
    pub(crate) fn with_forged_key_id(mut self, key_id: [u8; 8]) -> Self {
        self.key_id = key_id;
        self
    }
}

/// HKDF-Expand from a 32-byte PRK.
fn expand(prk: &[u8; 32], info: &[&[u8]], out: &mut [u8]) {
    // Both `expect`s are proven invariants: a 32-byte PRK is exactly
    // SHA-256's output length (the minimum `from_prk` accepts), and every
    // caller asks for at most 32 bytes, far below HKDF's 255 * 32 limit.
    let hkdf = Hkdf::<Sha256>::from_prk(prk).expect("PRK is one SHA-256 output long");
    hkdf.expand_multi_info(info, out)
        .expect("output length is within HKDF-SHA256's limit");
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultKey(..)")
    }
}

/// A passphrase typed by the user. Zeroized on drop, redacted in `Debug`.
///
/// Its UTF-8 bytes are used as they are: callers that want NFC/NFKC
/// normalization (so the same passphrase typed on two keyboards matches)
/// must normalize before constructing it.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes ownership of the string so no unzeroized copy is left behind.
    ///
    /// The text is put in Unicode Normalization Form C (as RFC 8265's
    /// OpaqueString profile does), so the same passphrase typed through
    /// different keyboards or input methods (a precomposed "é" or "e" plus a
    /// combining accent) derives the same key.
    pub fn new(passphrase: String) -> Self {
        let passphrase = Zeroizing::new(passphrase);
        if unicode_normalization::is_nfc(&passphrase) {
            return Passphrase(passphrase);
        }
        Passphrase(Zeroizing::new(passphrase.nfc().collect()))
    }

    /// The passphrase text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let key = VaultKey::from_bytes(Zeroizing::new([0x41; 32]));
        assert_eq!(format!("{key:?}"), "VaultKey(..)");
        let pass = Passphrase::new("hunter2 秘密".to_owned());
        assert_eq!(format!("{pass:?}"), "Passphrase(..)");
        assert_eq!(pass.as_str(), "hunter2 秘密");
    }

    #[test]
    fn passphrases_typed_in_different_unicode_forms_are_equal() {
        let composed = Passphrase::new("caf\u{e9} cr\u{e8}me 咖啡".to_owned());
        let decomposed = Passphrase::new("cafe\u{301} cre\u{300}me 咖啡".to_owned());
        assert_eq!(composed.as_str(), decomposed.as_str());
        // Width is kept: a full-width letter is a different character.
        assert_ne!(Passphrase::new("ａ".to_owned()).as_str(), "a");
    }

    #[test]
    fn key_id_is_deterministic_and_depends_on_the_key() {
        let a = VaultKey::from_bytes(Zeroizing::new([1; 32]));
        let a2 = VaultKey::from_bytes(Zeroizing::new([1; 32]));
        let b = VaultKey::from_bytes(Zeroizing::new([2; 32]));
        assert_eq!(a.key_id(), a2.key_id());
        assert_ne!(a.key_id(), b.key_id());
        assert_ne!(&a.key_id()[..], &a.bytes()[..8]);
    }

    #[test]
    fn key_id_is_hkdf_of_the_documented_labels() {
        let ikm = [7u8; 32];
        let hk = Hkdf::<Sha256>::new(Some(b"coffer/v1/vault-key"), &ikm);
        let mut expected = [0u8; 8];
        hk.expand(b"coffer/v1/key-id", &mut expected).unwrap();
        assert_eq!(VaultKey::from_bytes(Zeroizing::new(ikm)).key_id(), expected);
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(VaultKey::generate().key_id(), VaultKey::generate().key_id());
    }
}
