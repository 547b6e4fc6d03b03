//! The revision store's vocabulary and its rules, free of any database:
//! what a push may contain, when it is accepted, and how each accepted
//! revision extends its collection's hash chain. The backends only load the
//! current heads, call [`plan_push`] and write what it returns, so SQLite and
//! PostgreSQL cannot drift apart on semantics.

use std::collections::HashSet;
use std::fmt;

use sha2::{Digest as _, Sha256};

use super::StoreError;

/// The largest ciphertext blob one revision may carry.
pub const MAX_BLOB_BYTES: usize = 256 * 1024;
/// The most revisions one push may carry.
pub const MAX_PUSH_ITEMS: usize = 1000;
/// The most entries one pull returns, whatever the caller asks for.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// The link before the first revision of every collection.
pub const GENESIS_LINK: [u8; 32] = [0; 32];

/// Whose data this is. Opaque to the store: OPAQUE registration will hand
/// these out; until then any short printable id will do.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccountId(String);

impl AccountId {
    /// 1–64 characters of `[A-Za-z0-9_-]` (a UUID fits).
    pub fn new(id: impl Into<String>) -> Result<Self, StoreError> {
        let id = id.into();
        let valid = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(Self(id))
        } else {
            Err(StoreError::InvalidAccount)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.0)
    }
}

/// Checks a collection name: 1–32 characters of `[a-z0-9_.-]`. Names travel
/// in URLs and logs, so they are kept boring.
pub fn validate_collection(name: &str) -> Result<(), StoreError> {
    let valid = (1..=32).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        });
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidCollection)
    }
}

/// One new revision of one record, as a client sends it.
#[derive(Clone, PartialEq, Eq)]
pub struct PushItem {
    pub record_id: [u8; 16],
    /// SHA-256 of the blob this revision replaces; `None` for a new record.
    pub parent_hash: Option<[u8; 32]>,
    /// Ciphertext; the server never looks inside.
    pub blob: Vec<u8>,
}

impl fmt::Debug for PushItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushItem")
            .field("record_id", &hex(&self.record_id))
            .field("parent_hash", &self.parent_hash.as_ref().map(|h| hex(h)))
            .field("blob_len", &self.blob.len())
            .finish()
    }
}

/// The latest revision of one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHead {
    pub revision: u64,
    /// SHA-256 of that revision's blob: what the next push must name as its
    /// parent.
    pub hash: [u8; 32],
}

/// A record whose pushed parent was not its current head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub record_id: [u8; 16],
    /// `None` when the record has no revisions yet.
    pub head: Option<RecordHead>,
}

/// What the store gave an accepted revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assigned {
    pub record_id: [u8; 16],
    pub revision: u64,
    pub seq: u64,
    pub link: [u8; 32],
}

/// The answer to a push: all of it was written, or none of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// In the order of the pushed items.
    Accepted(Vec<Assigned>),
    /// Every record whose parent did not match, in the order pushed; nothing
    /// was written.
    Conflict(Vec<Conflict>),
}

/// The end of a collection's chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: u64,
    pub link: [u8; 32],
}

/// One stored revision, as a pull returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct PullEntry {
    pub seq: u64,
    pub record_id: [u8; 16],
    pub revision: u64,
    pub parent_hash: Option<[u8; 32]>,
    pub blob: Vec<u8>,
    pub link: [u8; 32],
}

impl fmt::Debug for PullEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PullEntry")
            .field("seq", &self.seq)
            .field("record_id", &hex(&self.record_id))
            .field("revision", &self.revision)
            .field("blob_len", &self.blob.len())
            .field("link", &hex(&self.link))
            .finish()
    }
}

/// A page of a collection's revisions in `seq` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullPage {
    pub entries: Vec<PullEntry>,
    /// The collection's head when the page was read (`None`: no revisions).
    /// Every entry has `seq <= head.seq`.
    pub head: Option<ChainHead>,
    /// Whether entries after the last one returned exist; pull again with
    /// its `seq` as `since_seq`.
    pub more: bool,
}

/// A revision ready to be written, with everything the backend stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct NewRevision {
    pub seq: u64,
    pub record_id: [u8; 16],
    pub revision: u64,
    pub parent_hash: Option<[u8; 32]>,
    pub blob_hash: [u8; 32],
    pub link: [u8; 32],
}

/// The checks that need no database: size limits, duplicates.
pub(super) fn check_items(items: &[PushItem]) -> Result<(), StoreError> {
    if items.len() > MAX_PUSH_ITEMS {
        return Err(StoreError::TooManyItems {
            count: items.len(),
            limit: MAX_PUSH_ITEMS,
        });
    }
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        if item.blob.len() > MAX_BLOB_BYTES {
            return Err(StoreError::BlobTooLarge {
                size: item.blob.len(),
                limit: MAX_BLOB_BYTES,
            });
        }
        // Two revisions of one record in one batch would need the second's
        // parent to be the first's blob; the client can squash them instead,
        // and refusing keeps "one item, one compare-and-swap" simple.
        if !seen.insert(item.record_id) {
            return Err(StoreError::DuplicateRecord(hex(&item.record_id)));
        }
    }
    Ok(())
}

/// Decides a push given each item's current record head (same order as
/// `items`) and the collection's chain head: either the revisions to write,
/// or every conflict.
pub(super) fn plan_push(
    items: &[PushItem],
    record_heads: &[Option<RecordHead>],
    chain: Option<ChainHead>,
) -> Result<Vec<NewRevision>, Vec<Conflict>> {
    debug_assert_eq!(items.len(), record_heads.len());
    let conflicts: Vec<Conflict> = items
        .iter()
        .zip(record_heads)
        .filter(|(item, head)| item.parent_hash != head.map(|h| h.hash))
        .map(|(item, head)| Conflict {
            record_id: item.record_id,
            head: *head,
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let (mut seq, mut link) = chain.map_or((0, GENESIS_LINK), |c| (c.seq, c.link));
    Ok(items
        .iter()
        .zip(record_heads)
        .map(|(item, head)| {
            seq += 1;
            let revision = head.map_or(0, |h| h.revision) + 1;
            let blob_hash: [u8; 32] = Sha256::digest(&item.blob).into();
            link = chain_link(&link, seq, &item.record_id, revision, &blob_hash);
            NewRevision {
                seq,
                record_id: item.record_id,
                revision,
                parent_hash: item.parent_hash,
                blob_hash,
                link,
            }
        })
        .collect())
}

/// `SHA-256(prev_link ‖ seq ‖ record_id ‖ revision ‖ SHA-256(blob))`, the
/// integers as 8-byte big-endian. A client that remembers a link can check
/// that later history extends it.
pub fn chain_link(
    prev_link: &[u8; 32],
    seq: u64,
    record_id: &[u8; 16],
    revision: u64,
    blob_hash: &[u8; 32],
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_link);
    hasher.update(seq.to_be_bytes());
    hasher.update(record_id);
    hasher.update(revision.to_be_bytes());
    hasher.update(blob_hash);
    hasher.finalize().into()
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: u8, parent: Option<[u8; 32]>, blob: &[u8]) -> PushItem {
        PushItem {
            record_id: [id; 16],
            parent_hash: parent,
            blob: blob.to_vec(),
        }
    }

    #[test]
    fn collection_names_are_short_lowercase_words() {
        for good in ["contacts", "a", "deals.v2", "x_y-z", &"a".repeat(32)] {
            assert!(validate_collection(good).is_ok(), "{good}");
        }
        for bad in ["", "Contacts", "a/b", "a b", "é", &"a".repeat(33)] {
            assert!(validate_collection(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn account_ids_are_short_and_printable() {
        assert!(AccountId::new("0b3c6a2e-8d1f-4a55-9d0e-2f6f1b7c9a10").is_ok());
        assert!(AccountId::new("").is_err());
        assert!(AccountId::new("a b").is_err());
        assert!(AccountId::new("x".repeat(65)).is_err());
    }

    #[test]
    fn duplicate_records_and_oversized_blobs_are_refused() {
        let duplicate = [item(1, None, b"a"), item(1, None, b"b")];
        assert!(matches!(
            check_items(&duplicate),
            Err(StoreError::DuplicateRecord(_))
        ));
        let big = [item(1, None, &vec![0; MAX_BLOB_BYTES + 1])];
        assert!(matches!(
            check_items(&big),
            Err(StoreError::BlobTooLarge { .. })
        ));
        assert!(check_items(&[item(1, None, &vec![0; MAX_BLOB_BYTES])]).is_ok());
    }

    #[test]
    fn plan_numbers_and_chains_from_the_current_heads() {
        let old: [u8; 32] = Sha256::digest(b"old").into();
        let items = [item(1, None, b"new"), item(2, Some(old), b"edit")];
        let heads = [
            None,
            Some(RecordHead {
                revision: 4,
                hash: old,
            }),
        ];
        let chain = ChainHead {
            seq: 9,
            link: [7; 32],
        };
        let planned = plan_push(&items, &heads, Some(chain)).unwrap();
        assert_eq!(
            planned
                .iter()
                .map(|r| (r.seq, r.revision))
                .collect::<Vec<_>>(),
            [(10, 1), (11, 5)]
        );
        let first = chain_link(&[7; 32], 10, &[1; 16], 1, &Sha256::digest(b"new").into());
        assert_eq!(planned[0].link, first);
        assert_eq!(
            planned[1].link,
            chain_link(&first, 11, &[2; 16], 5, &Sha256::digest(b"edit").into())
        );
    }

    #[test]
    fn plan_lists_every_conflict() {
        let items = [
            item(1, Some([1; 32]), b"a"),
            item(2, None, b"b"),
            item(3, None, b"c"),
        ];
        let head = RecordHead {
            revision: 1,
            hash: [9; 32],
        };
        let heads = [None, None, Some(head)];
        assert_eq!(
            plan_push(&items, &heads, None),
            Err(vec![
                Conflict {
                    record_id: [1; 16],
                    head: None
                },
                Conflict {
                    record_id: [3; 16],
                    head: Some(head)
                },
            ])
        );
    }
}
