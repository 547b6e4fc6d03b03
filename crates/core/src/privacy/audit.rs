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

use std::cmp::Ordering;

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
    #[serde(with = "hex32")]
    pub prev_hash: [u8; 32],
    pub at_ms: i64,
    pub actor: Uuid,
    pub action: AuditAction,
    pub record_type: String,
    pub record_id: Option<Uuid>,
    pub detail: String,
    #[serde(with = "hex_vec")]
    pub signature: Vec<u8>,
}

/// The last entry of a verified chain: remember it to catch truncation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub device_id: Uuid,
    pub seq: u64,
    #[serde(with = "hex32")]
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

/// Where and how a chain is broken. `index` is the position in the slice
/// given to [`verify_chain`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {index} belongs to device {found}, not to this chain")]
    ForeignEntry { index: usize, found: Uuid },
    #[error("entries {expected_seq}..{found_seq} are missing before position {index}")]
    Missing {
        index: usize,
        expected_seq: u64,
        found_seq: u64,
    },
    #[error("entry {found_seq} is out of order at position {index} (expected {expected_seq})")]
    Reordered {
        index: usize,
        expected_seq: u64,
        found_seq: u64,
    },
    /// The signature fails and the next entry's link shows the content changed.
    #[error("entry {seq} was edited after it was signed")]
    Edited { index: usize, seq: u64 },
    /// The signature fails and nothing shows the content changed: the next
    /// entry still links to it, or it is the last entry (where an edit and
    /// a bad signature cannot be told apart).
    #[error("entry {seq} has a bad signature")]
    BadSignature { index: usize, seq: u64 },
    #[error("no public key is known for device {device_id}")]
    UnknownDeviceKey { device_id: Uuid },
    #[error("entry {seq} does not follow the entry before it (history was rewritten)")]
    LinkBroken { index: usize, seq: u64 },
    #[error(
        "the chain ends at entry {last_seq:?} but entry {head_seq} was verified before (entries were removed from the end)"
    )]
    Truncated {
        last_seq: Option<u64>,
        head_seq: u64,
    },
    #[error("entry {seq} differs from the one verified before")]
    Rewritten { seq: u64 },
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

/// Verifies one device's chain, given in stored order from its first
/// entry, and returns its head (`None` for an empty chain).
///
/// With `trusted`, the head verified last time, the chain must still reach
/// it and agree with it, which catches entries cut off the end.
pub fn verify_chain(
    device_id: Uuid,
    entries: &[AuditEntry],
    verifier: &impl AuditVerifier,
    trusted: Option<&ChainHead>,
) -> Result<Option<ChainHead>, ChainBreak> {
    let mut prev_hash = [0u8; 32];
    let mut hashes = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        if entry.device_id != device_id {
            return Err(ChainBreak::ForeignEntry {
                index,
                found: entry.device_id,
            });
        }
        let expected_seq = index as u64;
        match entry.seq.cmp(&expected_seq) {
            Ordering::Equal => {}
            Ordering::Less => {
                return Err(ChainBreak::Reordered {
                    index,
                    expected_seq,
                    found_seq: entry.seq,
                });
            }
            Ordering::Greater => {
                let later = entries[index + 1..].iter().any(|e| e.seq == expected_seq);
                return Err(if later {
                    ChainBreak::Reordered {
                        index,
                        expected_seq,
                        found_seq: entry.seq,
                    }
                } else {
                    ChainBreak::Missing {
                        index,
                        expected_seq,
                        found_seq: entry.seq,
                    }
                });
            }
        }
        let hash = entry_hash(entry);
        match verifier.verify(device_id, &signed_message(&hash), &entry.signature) {
            Ok(()) => {}
            Err(SignatureProblem::UnknownDevice) => {
                return Err(ChainBreak::UnknownDeviceKey { device_id });
            }
            Err(SignatureProblem::Invalid) => {
                // The next entry committed to this one's content when it was
                // signed: if it disagrees, the content was edited; if it
                // agrees, only the signature is wrong. The last entry has no
                // witness, so all that can be said is that its signature fails.
                let edited = entries
                    .get(index + 1)
                    .is_some_and(|next| next.prev_hash != hash);
                let seq = entry.seq;
                return Err(if edited {
                    ChainBreak::Edited { index, seq }
                } else {
                    ChainBreak::BadSignature { index, seq }
                });
            }
        }
        if entry.prev_hash != prev_hash {
            return Err(ChainBreak::LinkBroken {
                index,
                seq: entry.seq,
            });
        }
        prev_hash = hash;
        hashes.push(hash);
    }
    if let Some(head) = trusted {
        match hashes.get(head.seq as usize) {
            None => {
                return Err(ChainBreak::Truncated {
                    last_seq: hashes.len().checked_sub(1).map(|n| n as u64),
                    head_seq: head.seq,
                });
            }
            Some(hash) if *hash != head.hash => {
                return Err(ChainBreak::Rewritten { seq: head.seq });
            }
            Some(_) => {}
        }
    }
    Ok(entries.last().map(|last| ChainHead {
        device_id,
        seq: last.seq,
        hash: prev_hash,
    }))
}

/// Every device's (verified) entries in one list for display, by time,
/// then device, then sequence number.
pub fn merge_for_display<'a>(chains: &[&'a [AuditEntry]]) -> Vec<&'a AuditEntry> {
    let mut all: Vec<&AuditEntry> = chains.iter().flat_map(|c| c.iter()).collect();
    all.sort_by_key(|e| (e.at_ms, e.device_id, e.seq));
    all
}

mod hex32 {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        super::hex_vec::serialize(&bytes[..], s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let v = super::hex_vec::deserialize(d)?;
        <[u8; 32]>::try_from(v.as_slice())
            .map_err(|_| serde::de::Error::custom("expected 32 bytes"))
    }
}

mod hex_vec {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, B: AsRef<[u8]>>(bytes: B, s: S) -> Result<S::Ok, S::Error> {
        let text: String = bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 {
            return Err(serde::de::Error::custom("odd-length hex"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| serde::de::Error::custom("invalid hex"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(0xA);
    const B: Uuid = Uuid::from_u128(0xB);

    /// A stand-in for Ed25519 (the real one lives in coffer-crypto): a keyed
    /// hash, which is all the chain logic needs from a signature.
    fn fake_sign(key: u8, message: &[u8]) -> [u8; 64] {
        let h: [u8; 32] = Sha256::digest([&[key][..], message].concat()).into();
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&h);
        sig[32..].copy_from_slice(&h);
        sig
    }

    fn key_of(device: Uuid) -> Option<u8> {
        match device {
            A => Some(1),
            B => Some(2),
            _ => None,
        }
    }

    fn verifier(device: Uuid, message: &[u8], sig: &[u8]) -> Result<(), SignatureProblem> {
        let key = key_of(device).ok_or(SignatureProblem::UnknownDevice)?;
        if fake_sign(key, message)[..] == *sig {
            Ok(())
        } else {
            Err(SignatureProblem::Invalid)
        }
    }

    fn chain(device: Uuid, n: usize, t0: i64) -> (Vec<AuditEntry>, Option<ChainHead>) {
        let key = key_of(device).unwrap_or(9);
        let signer = move |m: &[u8]| fake_sign(key, m);
        let mut head = None;
        let mut out = Vec::new();
        for i in 0..n {
            let draft = AuditDraft {
                at_ms: t0 + 10 * i as i64,
                actor: Uuid::from_u128(0x05E5),
                action: if i == 0 {
                    AuditAction::Login
                } else {
                    AuditAction::Edit
                },
                record_type: "contact".into(),
                record_id: Some(Uuid::from_u128(i as u128)),
                detail: "fields=emails".into(),
            };
            let (entry, h) = append(device, head.as_ref(), draft, &signer).unwrap();
            out.push(entry);
            head = Some(h);
        }
        (out, head)
    }

    #[test]
    fn an_untouched_chain_verifies_and_reports_its_head() {
        let (entries, head) = chain(A, 5, 0);
        assert_eq!(verify_chain(A, &entries, &verifier, None), Ok(head));
        assert_eq!(
            verify_chain(A, &entries, &verifier, head.as_ref()),
            Ok(head)
        );
        assert_eq!(verify_chain(A, &[], &verifier, None), Ok(None));
        assert_eq!(entries[0].prev_hash, [0; 32]);
        assert_eq!(entries[3].prev_hash, entry_hash(&entries[2]));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (mut entries, _) = chain(A, 5, 0);
        entries[2].action = AuditAction::Export;
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::Edited { index: 2, seq: 2 })
        );
        // The last entry has no successor to testify: reported by position.
        let (mut entries, _) = chain(A, 5, 0);
        entries[4].record_type = "deal".into();
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::BadSignature { index: 4, seq: 4 })
        );
    }

    #[test]
    fn a_bad_signature_on_intact_content_is_told_apart_from_an_edit() {
        let (mut entries, _) = chain(A, 5, 0);
        entries[1].signature[0] ^= 1;
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::BadSignature { index: 1, seq: 1 })
        );
        // Re-signed by another device's key: still a bad signature.
        let (mut entries, _) = chain(A, 3, 0);
        entries[1].signature = fake_sign(2, &signed_message(&entry_hash(&entries[1]))).to_vec();
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::BadSignature { index: 1, seq: 1 })
        );
    }

    #[test]
    fn a_removed_entry_is_named() {
        let (mut entries, head) = chain(A, 5, 0);
        entries.remove(2);
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::Missing {
                index: 2,
                expected_seq: 2,
                found_seq: 3
            })
        );
        let (mut entries, _) = chain(A, 5, 0);
        entries.remove(0);
        assert!(matches!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::Missing { index: 0, .. })
        ));
        // Cutting the end is only visible against the head verified before.
        let (mut entries, _) = chain(A, 5, 0);
        entries.truncate(3);
        assert!(verify_chain(A, &entries, &verifier, None).is_ok());
        assert_eq!(
            verify_chain(A, &entries, &verifier, head.as_ref()),
            Err(ChainBreak::Truncated {
                last_seq: Some(2),
                head_seq: 4
            })
        );
    }

    #[test]
    fn reordered_entries_are_named() {
        let (mut entries, _) = chain(A, 5, 0);
        entries.swap(1, 3);
        assert_eq!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::Reordered {
                index: 1,
                expected_seq: 1,
                found_seq: 3
            })
        );
        // Renumbering to hide the swap breaks the signatures instead.
        let (mut entries, _) = chain(A, 5, 0);
        entries.swap(1, 2);
        entries[1].seq = 1;
        entries[2].seq = 2;
        assert!(matches!(
            verify_chain(A, &entries, &verifier, None),
            Err(ChainBreak::Edited { index: 1, .. })
        ));
    }

    #[test]
    fn unknown_devices_foreign_entries_and_rewritten_history_are_named() {
        let stranger = Uuid::from_u128(0xEE);
        let (entries, _) = chain(stranger, 2, 0);
        assert_eq!(
            verify_chain(stranger, &entries, &verifier, None),
            Err(ChainBreak::UnknownDeviceKey {
                device_id: stranger
            })
        );
        let (mut a, _) = chain(A, 3, 0);
        let (b, _) = chain(B, 3, 0);
        a[1] = b[1].clone();
        assert_eq!(
            verify_chain(A, &a, &verifier, None),
            Err(ChainBreak::ForeignEntry { index: 1, found: B })
        );
        // The device itself (or a thief of its key) re-signs a new history:
        // each entry verifies but the chain no longer matches what was seen.
        let (original, head) = chain(A, 3, 0);
        let (forked, _) = chain(A, 3, 5);
        assert_ne!(original, forked);
        assert_eq!(
            verify_chain(A, &forked, &verifier, head.as_ref()),
            Err(ChainBreak::Rewritten { seq: 2 })
        );
        // Splicing two histories breaks the link.
        let mut spliced = original.clone();
        spliced[2] = forked[2].clone();
        assert_eq!(
            verify_chain(A, &spliced, &verifier, None),
            Err(ChainBreak::LinkBroken { index: 2, seq: 2 })
        );
    }

    #[test]
    fn details_must_be_codes() {
        assert!(check_detail("fields=emails,phones").is_ok());
        assert!(check_detail("count=1200").is_ok());
        for bad in [
            "Wei Zhang",
            "wei@example.cn",
            "phone=13800131234",
            "张伟",
            &"a".repeat(129),
        ] {
            assert!(check_detail(bad).is_err(), "{bad}");
        }
        let draft = AuditDraft {
            at_ms: 0,
            actor: A,
            action: AuditAction::Reveal,
            record_type: "contact".into(),
            record_id: None,
            detail: "name=Ann".into(),
        };
        assert!(matches!(
            append(A, None, draft, &|m: &[u8]| fake_sign(1, m)),
            Err(AuditError::DetailNotACode(_))
        ));
    }

    #[test]
    fn chains_merge_by_time_and_round_trip_through_json() {
        let (a, _) = chain(A, 3, 0); // 0, 10, 20
        let (b, _) = chain(B, 3, 5); // 5, 15, 25
        let merged: Vec<(i64, Uuid)> = merge_for_display(&[&a, &b])
            .into_iter()
            .map(|e| (e.at_ms, e.device_id))
            .collect();
        assert_eq!(merged, [(0, A), (5, B), (10, A), (15, B), (20, A), (25, B)]);
        let json = serde_json::to_string(&a[1]).unwrap();
        assert_eq!(serde_json::from_str::<AuditEntry>(&json).unwrap(), a[1]);
        assert_eq!(AuditAction::Create.code(), 1);
        assert_eq!(AuditAction::SettingsChanged.code(), 18);
    }
}
