//! Verifying one device's chain, and merging chains for display.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    AuditEntry, AuditVerifier, ChainHead, DeviceChain, SignatureProblem, entry_hash, signed_message,
};

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
        match usize::try_from(head.seq).ok().and_then(|i| hashes.get(i)) {
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

/// The chain heads one device has seen: its own last entry as written, and
/// every device's last entry as verified. Kept sealed on that device and
/// never synced, so whoever can change the stored entries (the server, or
/// someone at the browser's storage) cannot change these too: a chain that
/// later stops short of its head lost entries off its end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedHeads {
    heads: BTreeMap<Uuid, ChainHead>,
}

impl TrustedHeads {
    pub fn get(&self, device: Uuid) -> Option<&ChainHead> {
        self.heads.get(&device)
    }

    /// After this device appended the entry with head `new` on top of
    /// `prev`. The head only moves along the chain already trusted: entries
    /// written after the stored chain was cut continue the cut chain, and
    /// must not make the cut disappear. Returns whether it moved.
    pub fn written(&mut self, prev: Option<&ChainHead>, new: ChainHead) -> bool {
        let current = self.heads.get(&new.device_id);
        if current.is_none() || current == prev {
            self.heads.insert(new.device_id, new);
            true
        } else {
            false
        }
    }

    /// Where `device` (this one) carries on writing, given the last entry
    /// of its stored chain: after that, unless entries were cut off the end
    /// (the trusted head is further on), then after the trusted head, so
    /// the cut stays a gap that verification names.
    pub fn continue_from(&self, device: Uuid, stored: Option<ChainHead>) -> Option<ChainHead> {
        match (stored, self.heads.get(&device)) {
            (Some(s), Some(t)) if t.seq > s.seq => Some(*t),
            (None, t) => t.copied(),
            (s, _) => s,
        }
    }

    /// Verifies every device's chain against its trusted head, including
    /// devices whose every entry is gone, and trusts the heads of the chains
    /// that verify. Returns each device's result (with its number of
    /// stored entries), by device.
    pub fn verify(
        &mut self,
        chains: &BTreeMap<Uuid, DeviceChain>,
        verifier: &impl AuditVerifier,
    ) -> Vec<(Uuid, usize, Result<(), ChainBreak>)> {
        let empty = DeviceChain::default();
        let mut devices: Vec<Uuid> = chains.keys().chain(self.heads.keys()).copied().collect();
        devices.sort_unstable();
        devices.dedup();
        devices
            .into_iter()
            .map(|device| {
                let chain = chains.get(&device).unwrap_or(&empty);
                let result =
                    verify_chain(device, &chain.entries, verifier, self.heads.get(&device));
                let result = match result {
                    Ok(head) => {
                        if let Some(head) = head {
                            self.heads.insert(device, head);
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
                (device, chain.entries.len(), result)
            })
            .collect()
    }
}

/// Every device's (verified) entries in one list for display, by time,
/// then device, then sequence number.
pub fn merge_for_display<'a>(chains: &[&'a [AuditEntry]]) -> Vec<&'a AuditEntry> {
    let mut all: Vec<&AuditEntry> = chains.iter().flat_map(|c| c.iter()).collect();
    all.sort_by_key(|e| (e.at_ms, e.device_id, e.seq));
    all
}
