//! Sealing documents into envelopes and opening them again, behind a trait
//! so the engine can be tested with a trivial codec and the app plugs in
//! `coffer-crypto`.

use core::borrow::Borrow;
use core::cell::RefCell;

use coffer_crypto::{CryptoError, Envelope, EnvelopeMeta, Keyring, VaultKey};
use uuid::Uuid;

/// Turns a document's JSON into envelope bytes and back.
///
/// `open` must authenticate: it returns the document only if the envelope
/// was sealed for `record_id` (taken from where the engine found it, never
/// from the envelope) and has not been altered, together with the revision
/// sealed inside it.
pub trait Codec {
    /// Why sealing or opening failed.
    type Error: std::error::Error + Clone;

    /// Seals `doc_json` as revision `revision` of `record_id`.
    fn seal(&self, record_id: Uuid, revision: u64, doc_json: &[u8])
    -> Result<Vec<u8>, Self::Error>;

    /// Opens an envelope expected to hold `record_id`; returns the
    /// authenticated revision and the document's JSON.
    fn open(&self, record_id: Uuid, envelope: &[u8]) -> Result<(u64, Vec<u8>), Self::Error>;
}

/// The production codec: `coffer_crypto` envelopes under a vault key, for
/// one namespace (record type).
///
/// `K` is anything that lends a [`VaultKey`] (the key itself, a reference,
/// an `Rc`), so the app decides who owns the key.
pub struct CryptoCodec<K> {
    key: K,
    namespace: String,
}

impl<K: Borrow<VaultKey>> CryptoCodec<K> {
    /// A codec for records of type `namespace` (e.g.
    /// `coffer_core::record::CONTACT_NAMESPACE`).
    pub fn new(key: K, namespace: &str) -> Result<Self, CryptoError> {
        coffer_crypto::check_namespace(namespace)?;
        Ok(CryptoCodec {
            key,
            namespace: namespace.to_owned(),
        })
    }
}

impl<K> core::fmt::Debug for CryptoCodec<K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CryptoCodec")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl<K: Borrow<VaultKey>> Codec for CryptoCodec<K> {
    type Error = CryptoError;

    fn seal(
        &self,
        record_id: Uuid,
        revision: u64,
        doc_json: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let meta = EnvelopeMeta {
            namespace: self.namespace.clone(),
            record_id,
            revision,
        };
        Ok(coffer_crypto::seal(self.key.borrow(), &meta, doc_json)?.into_bytes())
    }

    fn open(&self, record_id: Uuid, envelope: &[u8]) -> Result<(u64, Vec<u8>), CryptoError> {
        let envelope = Envelope::from_bytes(envelope.to_vec())?;
        let (plaintext, revision) =
            coffer_crypto::open(self.key.borrow(), &envelope, &self.namespace, record_id)?;
        // The engine parses this straight into a `Doc`; it is plaintext in
        // memory exactly as long as the document itself.
        Ok((revision, plaintext.as_bytes().to_vec()))
    }
}

/// A codec for records that each have their own key in a [`Keyring`]
/// (contacts, so that erasing one crypto-shreds every copy of it): seals
/// under the record's key and refuses to seal a record without one; opens
/// an envelope with the key its key id names — the record key, or the
/// vault key for revisions sealed before the record had its own.
pub struct KeyringCodec<K, R> {
    vault: K,
    keyring: R,
    namespace: String,
}

impl<K: Borrow<VaultKey>, R: Borrow<RefCell<Keyring>>> KeyringCodec<K, R> {
    /// A codec for records of type `namespace` whose keys `keyring` holds.
    pub fn new(vault: K, keyring: R, namespace: &str) -> Result<Self, CryptoError> {
        coffer_crypto::check_namespace(namespace)?;
        Ok(KeyringCodec {
            vault,
            keyring,
            namespace: namespace.to_owned(),
        })
    }
}

impl<K, R> core::fmt::Debug for KeyringCodec<K, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyringCodec")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl<K: Borrow<VaultKey>, R: Borrow<RefCell<Keyring>>> Codec for KeyringCodec<K, R> {
    type Error = CryptoError;

    fn seal(
        &self,
        record_id: Uuid,
        revision: u64,
        doc_json: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let meta = EnvelopeMeta {
            namespace: self.namespace.clone(),
            record_id,
            revision,
        };
        let keyring = self.keyring.borrow().borrow();
        Ok(keyring
            .seal(self.vault.borrow(), &meta, doc_json)?
            .into_bytes())
    }

    fn open(&self, record_id: Uuid, envelope: &[u8]) -> Result<(u64, Vec<u8>), CryptoError> {
        let envelope = Envelope::from_bytes(envelope.to_vec())?;
        let vault = self.vault.borrow();
        let (plaintext, revision) = if envelope.key_id() == vault.key_id() {
            coffer_crypto::open(vault, &envelope, &self.namespace, record_id)?
        } else {
            let keyring = self.keyring.borrow().borrow();
            keyring.open(vault, &envelope, &self.namespace, record_id)?
        };
        Ok((revision, plaintext.as_bytes().to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypto_codec_round_trips_and_binds_the_record_id() {
        let codec = CryptoCodec::new(VaultKey::generate(), "contact").unwrap();
        let id = Uuid::from_u128(7);
        let env = codec.seal(id, 3, b"{\"fields\":{}}").unwrap();
        assert_eq!(
            codec.open(id, &env).unwrap(),
            (3, b"{\"fields\":{}}".to_vec())
        );
        assert_eq!(
            codec.open(Uuid::from_u128(8), &env),
            Err(CryptoError::RecordMismatch)
        );
        let mut flipped = env.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(codec.open(id, &flipped), Err(CryptoError::Tampered));
        assert!(CryptoCodec::new(VaultKey::generate(), "Bad Name").is_err());
    }

    #[test]
    fn keyring_codec_seals_under_the_record_key_and_erasure_shreds_it() {
        let vault = std::rc::Rc::new(VaultKey::generate());
        let keyring = std::rc::Rc::new(RefCell::new(Keyring::new()));
        let codec = KeyringCodec::new(vault.clone(), keyring.clone(), "contact").unwrap();
        let id = Uuid::from_u128(7);
        // No key yet: sealing refuses rather than falling back.
        assert_eq!(codec.seal(id, 1, b"{}"), Err(CryptoError::NoRecordKey));
        keyring.borrow_mut().create_record_key(&vault, id).unwrap();
        let env = codec.seal(id, 2, b"{\"fields\":{}}").unwrap();
        assert_eq!(codec.open(id, &env).unwrap().0, 2);
        // The vault key alone does not open it.
        let plain = CryptoCodec::new(vault.clone(), "contact").unwrap();
        assert!(plain.open(id, &env).is_err());
        // Revisions sealed before the record had a key still open.
        let old = plain.seal(id, 1, b"{\"fields\":{}}").unwrap();
        assert_eq!(codec.open(id, &old).unwrap().0, 1);
        // After erasure nothing opens the record's envelopes.
        keyring.borrow_mut().erase(id);
        assert_eq!(codec.open(id, &env), Err(CryptoError::RecordKeyErased));
        assert_eq!(codec.seal(id, 3, b"{}"), Err(CryptoError::RecordKeyErased));
    }
}
