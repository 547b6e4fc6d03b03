//! Sealing documents into envelopes and opening them again, behind a trait
//! so the engine can be tested with a trivial codec and the app plugs in
//! `coffer-crypto`.

use core::borrow::Borrow;

use coffer_crypto::{CryptoError, Envelope, EnvelopeMeta, VaultKey};
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
}
