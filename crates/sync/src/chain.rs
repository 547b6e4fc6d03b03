//! The per-collection hash chain the server keeps over its revisions, and
//! the client-side verifier that pins it.
//!
//! The server numbers every revision it accepts in a collection with a
//! sequence number `seq` (1, 2, 3, …) and links it to the previous one:
//!
//! ```text
//! link(0)   = 32 zero bytes (genesis)
//! link(seq) = SHA-256(link(seq-1) ‖ seq_be64 ‖ record_id(16) ‖ revision_be64
//!                     ‖ SHA-256(envelope bytes))
//! ```
//!
//! A client remembers ("pins") the last `(seq, link)` it verified and only
//! accepts pages that extend it. The server computes the links itself, so
//! the chain does not prove *who* wrote an entry (the envelope's
//! authentication does that); it proves the server tells every client one
//! linear history and never rewrites, reorders, hides or rolls back what a
//! client already saw. What it cannot show: entries the server withholds
//! from a client that never saw them or a later head (only a client that
//! was told of a newer seq — by a push acknowledgement or an earlier page —
//! notices).

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::wire::{ChainEntry, ChainHead, PullResponse};

/// A 32-byte chain link.
pub type Link = [u8; 32];

/// The link before the first entry.
pub const GENESIS: Link = [0; 32];

/// SHA-256 of an envelope's bytes: the parent hash of the next revision and
/// the envelope's identity in push results.
pub fn envelope_hash(envelope: &[u8]) -> [u8; 32] {
    Sha256::digest(envelope).into()
}

/// The link of entry `seq`, given the previous link.
pub fn link(prev: &Link, seq: u64, record_id: Uuid, revision: u64, envelope: &[u8]) -> Link {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(record_id.as_bytes());
    h.update(revision.to_be_bytes());
    h.update(envelope_hash(envelope));
    h.finalize().into()
}

/// Why a page from the server was refused. Each is evidence that the server
/// (or something between it and us) misbehaved; none is a network hiccup.
/// Nothing from a refused page is applied.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// The server's history is shorter than what this device already
    /// verified or was told was stored: it lost or rolled back revisions
    /// (e.g. restored from a backup). Recover with
    /// [`ChainVerifier::accept_restored_server`] and re-upload.
    #[error(
        "the server's history ends at {server_seq} but this device has seen it reach {known_seq}: the server was rolled back or restored"
    )]
    Rollback {
        /// The newest seq this device verified or was acknowledged.
        known_seq: u64,
        /// The head the server now reports.
        server_seq: u64,
    },
    /// Entries are missing between what we have and what the server sent.
    #[error("the server skipped revisions: expected seq {expected}, got {found}")]
    Gap {
        /// The seq that should have come next.
        expected: u64,
        /// The seq that came.
        found: u64,
    },
    /// Entries came out of order or repeated.
    #[error("the server sent revisions out of order: expected seq {expected}, got {found}")]
    OutOfOrder {
        /// The seq that should have come next.
        expected: u64,
        /// The seq that came.
        found: u64,
    },
    /// An entry's link does not follow from the previous one: the entry or
    /// an earlier one was altered, dropped or reordered.
    #[error("the server's history was altered at seq {seq}")]
    Tampered {
        /// The first entry whose link is wrong.
        seq: u64,
    },
    /// The server reports a head that does not extend what we verified:
    /// it shows different histories to different clients.
    #[error("the server's history forked from the one this device verified (at seq {seq})")]
    Forked {
        /// Where the histories disagree.
        seq: u64,
    },
    /// The server says there is nothing more but stops short of its own
    /// head: it is hiding the newest revisions.
    #[error("the server is withholding revisions {after}..={head}")]
    Withheld {
        /// The last seq the server sent.
        after: u64,
        /// The head it reported.
        head: u64,
    },
    /// A revision the server acknowledged to us is not the one we sent.
    #[error("the server replaced the revision this device stored at seq {seq}")]
    Substituted {
        /// The acknowledged seq.
        seq: u64,
    },
}

/// A verified position in the chain, to persist between sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pin {
    /// The last verified seq.
    pub seq: u64,
    /// Its link.
    pub link: Link,
}

/// Verifies pulled pages against the pinned head.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainVerifier {
    pinned: Option<Pin>,
    /// The highest seq the server told us exists (push acknowledgements,
    /// reported heads). A later head below it is a rollback.
    promised: u64,
}

impl ChainVerifier {
    /// A verifier that trusts nothing yet: the first page must start at
    /// seq 1 from [`GENESIS`].
    pub fn new() -> ChainVerifier {
        ChainVerifier::default()
    }

    /// Resumes from a persisted pin.
    pub fn resume(pinned: Option<Pin>, promised: u64) -> ChainVerifier {
        let floor = pinned.map_or(0, |p| p.seq);
        ChainVerifier {
            pinned,
            promised: promised.max(floor),
        }
    }

    /// The last verified position.
    pub fn pinned(&self) -> Option<Pin> {
        self.pinned
    }

    /// The seq to pull from (the pinned seq, 0 before anything).
    pub fn cursor(&self) -> u64 {
        self.pinned.map_or(0, |p| p.seq)
    }

    /// The highest seq the server has told us exists.
    pub fn promised(&self) -> u64 {
        self.promised
    }

    /// Notes that the server said it stored something at `seq` (a push
    /// acknowledgement): a later head below it is a rollback.
    pub fn expect_at_least(&mut self, seq: u64) {
        self.promised = self.promised.max(seq);
    }

    /// Checks a page that was requested from [`Self::cursor`]. On success
    /// returns the position after it; the caller applies the entries and
    /// then calls [`Self::advance`]. Checks, in order: the head is not
    /// behind what we know (rollback or fork), entries follow the pin one
    /// by one (gap, order), each link follows (tampering), and a final page
    /// ends exactly at the head (withholding, fork).
    pub fn verify(&self, page: &PullResponse) -> Result<Pin, ChainError> {
        self.verify_with_promise(page, self.promised)
    }

    /// [`Self::verify`], holding the server only to the seq it had promised
    /// when the page was requested: a page asked for before a push was
    /// acknowledged may honestly end before that push.
    pub fn verify_with_promise(
        &self,
        page: &PullResponse,
        promised: u64,
    ) -> Result<Pin, ChainError> {
        let pin = self.pinned.unwrap_or(Pin {
            seq: 0,
            link: GENESIS,
        });
        check_head(&pin, promised.min(self.promised), &page.head)?;

        let mut at = pin;
        for entry in &page.entries {
            let expected = at.seq + 1;
            if entry.seq > expected {
                return Err(ChainError::Gap {
                    expected,
                    found: entry.seq,
                });
            }
            if entry.seq < expected {
                return Err(ChainError::OutOfOrder {
                    expected,
                    found: entry.seq,
                });
            }
            let computed = entry_link(&at.link, entry);
            if computed != entry.link {
                return Err(ChainError::Tampered { seq: entry.seq });
            }
            at = Pin {
                seq: entry.seq,
                link: computed,
            };
        }

        if at.seq > page.head.seq {
            return Err(ChainError::Forked { seq: page.head.seq });
        }
        if at.seq == page.head.seq {
            if at.link != page.head.link {
                return Err(ChainError::Forked { seq: at.seq });
            }
        } else if !page.has_more || page.entries.is_empty() {
            // A final page short of the head, or a "more" page that makes
            // no progress (which would loop forever), hides entries.
            return Err(ChainError::Withheld {
                after: at.seq,
                head: page.head.seq,
            });
        }
        Ok(at)
    }

    /// Moves the pin to a position returned by [`Self::verify`].
    pub fn advance(&mut self, to: Pin) {
        self.promised = self.promised.max(to.seq);
        self.pinned = Some(to);
    }

    /// The "server was restored" recovery: forgets the pinned head and
    /// every promise, so the next page is verified from genesis. Only call
    /// this when the user has confirmed the server really was restored
    /// (after a [`ChainError::Rollback`]); otherwise it lets a malicious
    /// server erase history undetected.
    pub fn accept_restored_server(&mut self) {
        *self = ChainVerifier::new();
    }
}

fn check_head(pin: &Pin, promised: u64, head: &ChainHead) -> Result<(), ChainError> {
    let known = pin.seq.max(promised);
    if head.seq < known {
        return Err(ChainError::Rollback {
            known_seq: known,
            server_seq: head.seq,
        });
    }
    if head.seq == pin.seq && head.link != pin.link {
        return Err(ChainError::Forked { seq: pin.seq });
    }
    Ok(())
}

/// Recomputes an entry's link from the previous one.
pub fn entry_link(prev: &Link, entry: &ChainEntry) -> Link {
    link(
        prev,
        entry.seq,
        entry.record_id,
        entry.revision,
        &entry.envelope,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<ChainEntry> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let record_id = Uuid::from_u128(u128::from(seq % 3));
                let envelope = vec![seq as u8; 8];
                let l = link(&prev, seq, record_id, seq, &envelope);
                prev = l;
                ChainEntry {
                    seq,
                    record_id,
                    revision: seq,
                    parent_hash: None,
                    envelope,
                    link: l,
                }
            })
            .collect()
    }

    fn page(entries: &[ChainEntry], head: &ChainEntry, has_more: bool) -> PullResponse {
        PullResponse {
            request: 1,
            since: entries.first().map_or(head.seq, |e| e.seq - 1),
            entries: entries.to_vec(),
            head: ChainHead {
                seq: head.seq,
                link: head.link,
            },
            has_more,
        }
    }

    #[test]
    fn honest_pages_verify_and_advance() {
        let c = chain(5);
        let mut v = ChainVerifier::new();
        let to = v.verify(&page(&c[..2], &c[4], true)).unwrap();
        v.advance(to);
        let to = v.verify(&page(&c[2..], &c[4], false)).unwrap();
        v.advance(to);
        assert_eq!(v.cursor(), 5);
        // Nothing new: an empty page at the head is fine.
        assert_eq!(v.verify(&page(&[], &c[4], false)), Ok(to));
    }

    #[test]
    fn dishonest_pages_are_refused() {
        let c = chain(5);
        let mut v = ChainVerifier::new();
        v.advance(v.verify(&page(&c[..3], &c[2], false)).unwrap());

        // Rolled back: head older than the pin.
        assert!(matches!(
            v.verify(&page(&[], &c[1], false)),
            Err(ChainError::Rollback {
                known_seq: 3,
                server_seq: 2
            })
        ));
        // Gap: seq 4 hidden.
        assert!(matches!(
            v.verify(&page(&c[4..], &c[4], false)),
            Err(ChainError::Gap {
                expected: 4,
                found: 5
            })
        ));
        // Altered envelope.
        let mut bad = c[3..].to_vec();
        bad[0].envelope[0] ^= 1;
        assert_eq!(
            v.verify(&page(&bad, &c[4], false)),
            Err(ChainError::Tampered { seq: 4 })
        );
        // Withheld: claims no more but stops before its own head.
        assert!(matches!(
            v.verify(&page(&c[3..4], &c[4], false)),
            Err(ChainError::Withheld { after: 4, head: 5 })
        ));
        // Forked: same seq, different link.
        let mut other = c[2].clone();
        other.link = [9; 32];
        assert_eq!(
            v.verify(&page(&[], &other, false)),
            Err(ChainError::Forked { seq: 3 })
        );
        // Out of order / replayed.
        assert!(matches!(
            v.verify(&page(&c[2..], &c[4], false)),
            Err(ChainError::OutOfOrder {
                expected: 4,
                found: 3
            })
        ));
    }

    #[test]
    fn an_acknowledged_seq_later_missing_is_a_rollback() {
        let c = chain(3);
        let mut v = ChainVerifier::new();
        v.expect_at_least(3);
        assert!(matches!(
            v.verify(&page(&c[..2], &c[1], false)),
            Err(ChainError::Rollback {
                known_seq: 3,
                server_seq: 2
            })
        ));
    }

    #[test]
    fn restored_server_is_accepted_only_when_asked() {
        let c = chain(3);
        let mut v = ChainVerifier::new();
        v.advance(v.verify(&page(&c, &c[2], false)).unwrap());
        let restored = chain(1);
        let p = page(&restored, &restored[0], false);
        assert!(v.verify(&p).is_err());
        v.accept_restored_server();
        assert!(v.verify(&p).is_ok());
    }
}
