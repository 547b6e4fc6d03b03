//! The audit log: who did what to which record, when, from which device —
//! hash-chained and signed so that an edited, removed or reordered entry is
//! found and named.
//!
//! Each device appends to its own chain (no two writers, so no merge
//! conflicts): entry `n` carries `seq = n` and the SHA-256 hash of entry
//! `n - 1` (zeros for the first), and the device signs the entry's hash with
//! its Ed25519 key. Each entry is stored as its own record (namespace
//! [`AUDIT_NAMESPACE`]). [`verify_chain`] checks one device's chain;
//! [`merge_for_display`] interleaves all devices' chains by time.
//!
//! Why here and not in `coffer-crypto`: the entries are domain data (actions,
//! record types) and the chain rules are domain rules; only the signature is
//! cryptography. So this module hashes (SHA-256 via `sha2`) and takes the
//! signature as an [`AuditSigner`] / [`AuditVerifier`], which the app backs
//! with `coffer_crypto::DeviceSigningKey` / `DeviceVerifyingKey`, keeping
//! `coffer-core` free of our crypto crate.
//!
//! # Canonical encoding (what is hashed), integers big-endian
//!
//! ```text
//! "CFAU" ‖ 0x01 ‖ device id (16) ‖ seq (u64) ‖ prev hash (32) ‖ at_ms (i64)
//!   ‖ actor (16) ‖ action code (u8) ‖ len (u8) ‖ record type
//!   ‖ 0x00 | 0x01 ‖ record id (16, if 0x01) ‖ len (u16) ‖ detail
//! hash      = SHA-256(encoding)
//! signed    = "coffer/v1/audit" ‖ hash      (Ed25519, 64-byte signature)
//! ```
//!
//! `detail` is a short machine code (`"fields=emails,phones"`, `"count=12"`),
//! never a value: it is limited to `[a-z0-9_.:=,-]`, 128 characters, and no
//! run of five or more digits (a phone or ID number). The UI translates it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Record namespace of audit entries.
pub const AUDIT_NAMESPACE: &str = "audit";
/// Prefix of the signed message.
pub const SIGNATURE_LABEL: &[u8] = b"coffer/v1/audit";
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
const MAX_DETAIL: usize = 128;

/// What was done. The numeric codes are hashed: never renumber one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Edit,
    Delete,
    Export,
    Reveal,
    Login,
    Logout,
    Erasure,
    Anonymise,
    Consent,
    Restrict,
    Unrestrict,
    SubjectRequest,
    Breach,
    KeyChange,
    DeviceAdded,
    DeviceRevoked,
    SettingsChanged,
}

impl AuditAction {
    pub fn code(self) -> u8 {
        self as u8 + 1
    }
}

/// What the caller supplies for a new entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditDraft {
    pub at_ms: i64,
    /// The user id.
    pub actor: Uuid,
    pub action: AuditAction,
    /// A record namespace (`"contact"`), or `"session"` for logins.
    pub record_type: String,
    pub record_id: Option<Uuid>,
    pub detail: String,
}

/// One signed entry of one device's chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub device_id: Uuid,
    pub seq: u64,
    #[serde(with = "hex::hex32")]
    pub prev_hash: [u8; 32],
    pub at_ms: i64,
    pub actor: Uuid,
    pub action: AuditAction,
    pub record_type: String,
    pub record_id: Option<Uuid>,
    pub detail: String,
    #[serde(with = "hex::hex_vec")]
    pub signature: Vec<u8>,
}

/// The last entry of a verified chain: remember it to catch truncation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub device_id: Uuid,
    pub seq: u64,
    #[serde(with = "hex::hex32")]
    pub hash: [u8; 32],
}

/// Produces the device's signature over a message.
pub trait AuditSigner {
    fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN];
}

impl<F: Fn(&[u8]) -> [u8; SIGNATURE_LEN]> AuditSigner for F {
    fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self(message)
    }
}

/// Why a signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("no public key is known for this device")]
    UnknownDevice,
    #[error("the signature does not verify")]
    Invalid,
}

/// Checks a device's signature over a message with its known public key.
pub trait AuditVerifier {
    fn verify(
        &self,
        device_id: Uuid,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureProblem>;
}

impl<F: Fn(Uuid, &[u8], &[u8]) -> Result<(), SignatureProblem>> AuditVerifier for F {
    fn verify(
        &self,
        device_id: Uuid,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureProblem> {
        self(device_id, message, signature)
    }
}

/// A new entry could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("the audit detail may hold only codes, never personal data: {0:?} is refused")]
    DetailNotACode(String),
    #[error("invalid record type (use 1-32 characters of a-z, 0-9, '_', '.', '-')")]
    InvalidRecordType,
    #[error("the chain head belongs to device {head}, not {device}")]
    OtherDevicesHead { head: Uuid, device: Uuid },
}

/// The canonical bytes of an entry (everything but the signature).
pub fn canonical_bytes(e: &AuditEntry) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + e.record_type.len() + e.detail.len());
    out.extend_from_slice(b"CFAU\x01");
    out.extend_from_slice(e.device_id.as_bytes());
    out.extend_from_slice(&e.seq.to_be_bytes());
    out.extend_from_slice(&e.prev_hash);
    out.extend_from_slice(&e.at_ms.to_be_bytes());
    out.extend_from_slice(e.actor.as_bytes());
    out.push(e.action.code());
    // Lengths are bounded on append (32 and 128); a longer field in a forged
    // entry is truncated in its length prefix only, which still changes the
    // hash, so it can never verify.
    out.push(e.record_type.len().min(255) as u8);
    out.extend_from_slice(e.record_type.as_bytes());
    match e.record_id {
        Some(id) => {
            out.push(1);
            out.extend_from_slice(id.as_bytes());
        }
        None => out.push(0),
    }
    out.extend_from_slice(&(e.detail.len().min(usize::from(u16::MAX)) as u16).to_be_bytes());
    out.extend_from_slice(e.detail.as_bytes());
    out
}

/// SHA-256 of [`canonical_bytes`].
pub fn entry_hash(e: &AuditEntry) -> [u8; 32] {
    Sha256::digest(canonical_bytes(e)).into()
}

/// The message the device signs for an entry with this hash.
pub fn signed_message(hash: &[u8; 32]) -> Vec<u8> {
    [SIGNATURE_LABEL, &hash[..]].concat()
}

/// Refuses details that are not short machine codes.
pub fn check_detail(detail: &str) -> Result<(), AuditError> {
    let allowed = detail.len() <= MAX_DETAIL
        && detail.bytes().all(
            |b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b':' | b'=' | b',' | b'-'),
        );
    let mut run = 0;
    let long_number = detail.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= 5
    });
    if allowed && !long_number {
        Ok(())
    } else {
        Err(AuditError::DetailNotACode(detail.to_owned()))
    }
}

fn check_record_type(t: &str) -> Result<(), AuditError> {
    let ok = (1..=32).contains(&t.len())
        && t.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(AuditError::InvalidRecordType)
    }
}

/// Appends a signed entry after `head` (`None` for a device's first entry)
/// and returns it with the new head.
pub fn append(
    device_id: Uuid,
    head: Option<&ChainHead>,
    draft: AuditDraft,
    signer: &impl AuditSigner,
) -> Result<(AuditEntry, ChainHead), AuditError> {
    check_detail(&draft.detail)?;
    check_record_type(&draft.record_type)?;
    let (seq, prev_hash) = match head {
        Some(h) if h.device_id != device_id => {
            return Err(AuditError::OtherDevicesHead {
                head: h.device_id,
                device: device_id,
            });
        }
        Some(h) => (h.seq + 1, h.hash),
        None => (0, [0; 32]),
    };
    let mut entry = AuditEntry {
        device_id,
        seq,
        prev_hash,
        at_ms: draft.at_ms,
        actor: draft.actor,
        action: draft.action,
        record_type: draft.record_type,
        record_id: draft.record_id,
        detail: draft.detail,
        signature: Vec::new(),
    };
    let hash = entry_hash(&entry);
    entry.signature = signer.sign(&signed_message(&hash)).to_vec();
    Ok((
        entry,
        ChainHead {
            device_id,
            seq,
            hash,
        },
    ))
}

mod hex;
mod record;
mod verify;

pub use record::{
    AUDIT_HEADS_NAMESPACE, AUDIT_KEY_NAMESPACE, AuditFilter, AuditRecord, DeviceChain, chains,
    count_detail, entries_csv, entries_json, fields_detail, record_id,
};

pub use verify::{ChainBreak, TrustedHeads, merge_for_display, verify_chain};

#[cfg(test)]
mod tests;
