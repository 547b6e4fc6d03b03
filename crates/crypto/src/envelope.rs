//! Record envelopes: one per stored record revision.
//!
//! # Binary format, version 1 (integers big-endian)
//!
//! | field          | len      |                                            |
//! |----------------|----------|--------------------------------------------|
//! | version        | 1        | = 1                                        |
//! | namespace len  | 1        | `n`, 1..=32                                |
//! | namespace      | `n`      | ASCII `[a-z0-9_.-]`, the record type       |
//! | record id      | 16       | UUID bytes                                 |
//! | revision       | 8        | u64                                        |
//! | key id         | 8        | [`VaultKey::key_id`] of the sealing key    |
//! | nonce          | 12       | random                                     |
//! | ciphertext+tag | `c` + 16 | AES-256-GCM of the padded plaintext        |
//!
//! Associated data (AD) = every byte before the nonce. The AES key is
//! derived per revision: `HKDF-Expand(PRK, "coffer/v1/envelope" ‖ AD, 32)`,
//! where `PRK = HKDF-Extract(salt = "coffer/v1/vault-key", IKM = vault key)`.
//! The plaintext is padded to [`crate::padme_len`] bytes
//! (`plaintext ‖ 0x80 ‖ 00…`), so `c >= 512`.
//!
//! The header fields are readable without the key ([`Envelope::meta`]) but
//! only [`open`] authenticates them.

use core::fmt;

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::aead::{self, NONCE_LEN, TAG_LEN};
use crate::error::CryptoError;
use crate::key::VaultKey;
use crate::padding::{self, PAD_FLOOR};
use crate::random;

const VERSION: u8 = 1;
const ENVELOPE_INFO: &[u8] = b"coffer/v1/envelope";
const MAX_NAMESPACE_LEN: usize = 32;
/// version, namespace length, record id, revision, key id — without the
/// namespace itself.
const FIXED_AD_LEN: usize = 1 + 1 + 16 + 8 + 8;

/// The public, cleartext header fields of an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeMeta {
    /// The record type, e.g. `"contact"`: 1..=32 characters of `[a-z0-9_.-]`.
    pub namespace: String,
    /// The record's random id.
    pub record_id: Uuid,
    /// The revision this envelope holds.
    pub revision: u64,
}

/// Checks that `namespace` is 1..=32 ASCII characters of `[a-z0-9_.-]`.
pub fn check_namespace(namespace: &str) -> Result<(), CryptoError> {
    if is_valid_namespace(namespace.as_bytes()) {
        Ok(())
    } else {
        Err(CryptoError::InvalidNamespace)
    }
}

fn is_valid_namespace(ns: &[u8]) -> bool {
    (1..=MAX_NAMESPACE_LEN).contains(&ns.len())
        && ns
            .iter()
            .all(|&b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-'))
}

/// A sealed record revision: opaque bytes safe to store and sync.
///
/// Holding an `Envelope` means the bytes are well formed (version, lengths,
/// namespace syntax); it does not mean they are authentic — only [`open`]
/// decides that.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    bytes: Vec<u8>,
    meta: EnvelopeMeta,
    key_id: [u8; 8],
}

impl Envelope {
    /// Parses stored bytes, checking the version, the lengths and the
    /// namespace syntax.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Envelope, CryptoError> {
        let version = *bytes
            .first()
            .ok_or(CryptoError::Malformed("envelope is empty"))?;
        if version != VERSION {
            return Err(CryptoError::UnsupportedVersion(version));
        }
        let ns_len = usize::from(
            *bytes
                .get(1)
                .ok_or(CryptoError::Malformed("envelope is truncated"))?,
        );
        if !(1..=MAX_NAMESPACE_LEN).contains(&ns_len) {
            return Err(CryptoError::Malformed("envelope namespace is invalid"));
        }
        let ad_len = FIXED_AD_LEN + ns_len;
        if bytes.len() < ad_len + NONCE_LEN + PAD_FLOOR + TAG_LEN {
            return Err(CryptoError::Malformed("envelope is truncated"));
        }
        let namespace = &bytes[2..2 + ns_len];
        if !is_valid_namespace(namespace) {
            return Err(CryptoError::Malformed("envelope namespace is invalid"));
        }
        let mut rest = &bytes[2 + ns_len..];
        let record_id = Uuid::from_bytes(take(&mut rest)?);
        let revision = u64::from_be_bytes(take(&mut rest)?);
        let key_id = take(&mut rest)?;
        let meta = EnvelopeMeta {
            // The namespace is ASCII (checked above), so each byte is a char.
            namespace: namespace.iter().map(|&b| char::from(b)).collect(),
            record_id,
            revision,
        };
        Ok(Envelope {
            bytes,
            meta,
            key_id,
        })
    }

    /// The envelope's bytes, for storage.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The envelope's bytes, for storage.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The cleartext header fields. Not authenticated until [`open`]
    /// succeeds: use them to route, never to decide.
    pub fn meta(&self) -> EnvelopeMeta {
        self.meta.clone()
    }

    /// The [`VaultKey::key_id`] the envelope claims to be sealed under.
    pub fn key_id(&self) -> [u8; 8] {
        self.key_id
    }

    fn ad_len(&self) -> usize {
        FIXED_AD_LEN + self.meta.namespace.len()
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("namespace", &self.meta.namespace)
            .field("record_id", &self.meta.record_id)
            .field("revision", &self.meta.revision)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Takes the next `N` bytes off the front of `rest`.
fn take<const N: usize>(rest: &mut &[u8]) -> Result<[u8; N], CryptoError> {
    let (head, tail) = rest
        .split_first_chunk::<N>()
        .ok_or(CryptoError::Malformed("envelope is truncated"))?;
    *rest = tail;
    Ok(*head)
}

/// A decrypted record. Zeroized on drop, redacted in `Debug`.
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl Plaintext {
    /// The record's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the record is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Plaintext(..)")
    }
}

/// Seals one record revision under `key` with a fresh random nonce.
pub fn seal(
    key: &VaultKey,
    meta: &EnvelopeMeta,
    plaintext: &[u8],
) -> Result<Envelope, CryptoError> {
    check_namespace(&meta.namespace)?;
    seal_with_nonce(key, meta, plaintext, random::array()?)
}

pub(crate) fn seal_with_nonce(
    key: &VaultKey,
    meta: &EnvelopeMeta,
    plaintext: &[u8],
    nonce: [u8; NONCE_LEN],
) -> Result<Envelope, CryptoError> {
    check_namespace(&meta.namespace)?;
    let key_id = key.key_id();
    let ns = meta.namespace.as_bytes();
    let mut body = padding::pad(plaintext)?;
    let mut out = Vec::with_capacity(FIXED_AD_LEN + ns.len() + NONCE_LEN + body.len() + TAG_LEN);
    out.push(VERSION);
    // At most 32, checked above.
    out.push(ns.len() as u8);
    out.extend_from_slice(ns);
    out.extend_from_slice(meta.record_id.as_bytes());
    out.extend_from_slice(&meta.revision.to_be_bytes());
    out.extend_from_slice(&key_id);
    let aes_key = record_key(key, &out);

    let tag = aead::encrypt(&aes_key, &nonce, &out, &mut body)
        .map_err(|()| CryptoError::Malformed("record is too large to encrypt"))?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag);
    Ok(Envelope {
        bytes: out,
        meta: meta.clone(),
        key_id,
    })
}

/// Opens an envelope expected to hold record `expected_id` of type
/// `expected_namespace` — taken from where the caller found it (e.g. the
/// IndexedDB key), never from the envelope itself.
///
/// Returns the plaintext and the authenticated revision. Errors:
/// [`CryptoError::RecordMismatch`] if the envelope names another record,
/// [`CryptoError::WrongKey`] if it was sealed under another key,
/// [`CryptoError::Tampered`] if authentication fails.
pub fn open(
    key: &VaultKey,
    envelope: &Envelope,
    expected_namespace: &str,
    expected_id: Uuid,
) -> Result<(Plaintext, u64), CryptoError> {
    check_namespace(expected_namespace)?;
    if envelope.meta.namespace != expected_namespace || envelope.meta.record_id != expected_id {
        return Err(CryptoError::RecordMismatch);
    }
    if envelope.key_id != key.key_id() {
        return Err(CryptoError::WrongKey);
    }
    let (ad, mut rest) = envelope.bytes.split_at(envelope.ad_len());
    let nonce: [u8; NONCE_LEN] = take(&mut rest)?;
    let (ciphertext, tag) = rest
        .split_last_chunk::<TAG_LEN>()
        .ok_or(CryptoError::Malformed("envelope is truncated"))?;

    let aes_key = record_key(key, ad);
    let mut body = Zeroizing::new(ciphertext.to_vec());
    aead::decrypt(&aes_key, &nonce, ad, &mut body, tag).map_err(|()| CryptoError::Tampered)?;
    padding::unpad(&mut body)?;
    Ok((Plaintext(body), envelope.meta.revision))
}

/// The per-revision AES key: `HKDF-Expand(PRK, "coffer/v1/envelope" ‖ AD)`.
fn record_key(key: &VaultKey, ad: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    key.derive(&[ENVELOPE_INFO, ad], &mut out[..]);
    out
}
