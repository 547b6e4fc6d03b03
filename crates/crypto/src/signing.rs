//! Device signatures (Ed25519, RFC 8032, via `ed25519-dalek`).
//!
//! Each device holds a [`DeviceSigningKey`] made from a 32-byte seed — a
//! fresh random one at enrolment ([`DeviceSigningKey::generate`]) or one the
//! account provides (the key bundle's `ed25519_seed`) — and publishes its
//! [`DeviceVerifyingKey`]. Signatures are 64 bytes. Verification is strict
//! (`verify_strict`: no small-order keys, canonical `S`), so one message has
//! one valid signature per key.
//!
//! Callers put a domain label in front of what they sign (the audit log
//! signs `"coffer/v1/audit" ‖ hash`), so a signature made for one purpose
//! never verifies for another.

use core::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::random;

/// Length of a seed, a public key.
pub const ED25519_KEY_LEN: usize = 32;
/// Length of a signature.
pub const ED25519_SIGNATURE_LEN: usize = 64;

/// A device's Ed25519 secret key. Zeroized on drop (`ed25519-dalek`'s
/// `zeroize` feature), redacted in `Debug`.
pub struct DeviceSigningKey(SigningKey);

impl DeviceSigningKey {
    /// The key for a 32-byte seed. The caller keeps (and zeroizes) its copy.
    pub fn from_seed(seed: &[u8; ED25519_KEY_LEN]) -> Self {
        DeviceSigningKey(SigningKey::from_bytes(seed))
    }

    /// A fresh random key.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut seed = Zeroizing::new([0u8; ED25519_KEY_LEN]);
        random::fill(&mut seed[..])?;
        Ok(Self::from_seed(&seed))
    }

    /// The public half, to publish.
    pub fn verifying_key(&self) -> DeviceVerifyingKey {
        DeviceVerifyingKey(self.0.verifying_key())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; ED25519_SIGNATURE_LEN] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceSigningKey(..)")
    }
}

/// A device's Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DeviceVerifyingKey(VerifyingKey);

impl DeviceVerifyingKey {
    /// Reads a published key; refuses bytes that are not a curve point.
    pub fn from_bytes(bytes: &[u8; ED25519_KEY_LEN]) -> Result<Self, CryptoError> {
        VerifyingKey::from_bytes(bytes)
            .map(DeviceVerifyingKey)
            .map_err(|_| CryptoError::InvalidPublicKey)
    }

    /// The 32 bytes to publish.
    pub fn to_bytes(&self) -> [u8; ED25519_KEY_LEN] {
        self.0.to_bytes()
    }

    /// Checks `signature` over `message`: [`CryptoError::BadSignature`] if it
    /// is not exactly 64 bytes or does not verify (strictly).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        let signature = ed25519_dalek::Signature::from_slice(signature)
            .map_err(|_| CryptoError::BadSignature)?;
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| CryptoError::BadSignature)
    }
}

impl fmt::Debug for DeviceVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: String = self.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        write!(f, "DeviceVerifyingKey({hex})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    #[test]
    fn rfc8032_test_vector_1() {
        let seed = unhex::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = DeviceSigningKey::from_seed(&seed);
        assert_eq!(
            key.verifying_key().to_bytes(),
            unhex::<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        let sig = key.sign(b"");
        assert_eq!(
            sig,
            unhex::<64>(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )
        );
        assert_eq!(key.verifying_key().verify(b"", &sig), Ok(()));
    }

    #[test]
    fn altered_messages_signatures_and_other_keys_are_refused() {
        let key = DeviceSigningKey::generate().unwrap();
        let other = DeviceSigningKey::generate().unwrap();
        let public = key.verifying_key();
        let mut sig = key.sign(b"coffer/v1/audit entry");
        assert_eq!(public.verify(b"coffer/v1/audit entry", &sig), Ok(()));
        assert_eq!(
            public.verify(b"coffer/v1/audit entrY", &sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            other.verifying_key().verify(b"coffer/v1/audit entry", &sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            public.verify(b"coffer/v1/audit entry", &sig[..63]),
            Err(CryptoError::BadSignature)
        );
        sig[10] ^= 1;
        assert_eq!(
            public.verify(b"coffer/v1/audit entry", &sig),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn public_keys_round_trip_and_secrets_are_redacted() {
        let key = DeviceSigningKey::from_seed(&[7; 32]);
        let public = key.verifying_key();
        assert_eq!(
            DeviceVerifyingKey::from_bytes(&public.to_bytes()),
            Ok(public)
        );
        assert_eq!(format!("{key:?}"), "DeviceSigningKey(..)");
        assert!(format!("{public:?}").starts_with("DeviceVerifyingKey("));
    }
}
