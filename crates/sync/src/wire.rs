//! What the engine and the server exchange. The server sees envelopes
//! (ciphertext), record ids, revision numbers and hashes — never a field.
//!
//! These are plain data types; the app chooses the transport encoding
//! (JSON over HTTP, say). Hashes are SHA-256. Fields marked *driver* need
//! not travel over the wire: the app's driver knows which request a
//! response answers and fills them in.
//!
//! Server rules the engine relies on: each pushed item is a
//! compare-and-swap on its record's head (`parent_hash` must be the SHA-256
//! of the head's envelope, `None` for a record without revisions); an
//! accepted item gets the next `seq` of the collection's chain and revision
//! `head.revision + 1` (1 for a new record), which is also the revision the
//! client sealed; batches may be per-item or all-or-nothing
//! ([`PushOutcome::NotStored`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::chain::Link;

/// One revision to store: compare-and-swap on `parent_hash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushItem {
    /// The record.
    pub record_id: Uuid,
    /// SHA-256 of the envelope this revision replaces; `None` for a record
    /// the device believes the server does not have.
    pub parent_hash: Option<[u8; 32]>,
    /// The parent's revision + 1 (1 for a new record), as sealed inside the
    /// envelope. A server that assigns revisions itself may ignore it.
    pub revision: u64,
    /// The sealed document.
    pub envelope: Vec<u8>,
}

/// The server's current head of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordHead {
    /// Its revision.
    pub revision: u64,
    /// SHA-256 of its envelope.
    pub hash: [u8; 32],
}

/// What happened to one pushed item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushOutcome {
    /// Stored as entry `seq` of the chain.
    Accepted {
        /// The assigned seq.
        seq: u64,
    },
    /// The parent was not the record's head; nothing was stored.
    Conflict {
        /// The server's head for the record (`None`: it has none).
        current: Option<RecordHead>,
    },
    /// Nothing was stored for this item because another item of the same
    /// batch conflicted (a server whose batches are all-or-nothing).
    NotStored,
}

/// The result for one pushed item, identified by its envelope's hash so a
/// late or duplicated response still finds what it answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    /// The record.
    pub record_id: Uuid,
    /// SHA-256 of the pushed envelope (*driver*: it can compute this from
    /// the item it sent).
    pub envelope_hash: [u8; 32],
    /// Accepted or conflict.
    pub outcome: PushOutcome,
}

/// The server's answer to a batch push: one result per item (each item is
/// its own compare-and-swap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Per-item results.
    pub results: Vec<PushResult>,
}

/// One stored revision as the server serves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    /// Position in the collection's chain, from 1.
    pub seq: u64,
    /// The record (where the envelope must belong).
    pub record_id: Uuid,
    /// The revision (must equal the one sealed in the envelope).
    pub revision: u64,
    /// SHA-256 of the parent envelope, as pushed.
    pub parent_hash: Option<[u8; 32]>,
    /// The sealed document.
    pub envelope: Vec<u8>,
    /// The chain link after this entry.
    pub link: Link,
}

/// The newest entry of a collection's chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    /// Its seq (0: the collection is empty).
    pub seq: u64,
    /// Its link ([`crate::chain::GENESIS`] when empty).
    pub link: Link,
}

/// A page of entries after `since`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The `request` of the [`crate::Action::Pull`] this page answers
    /// (*driver*).
    pub request: u64,
    /// The `since_seq` this page answers (*driver*).
    pub since: u64,
    /// Entries `since + 1 ..`, in order.
    pub entries: Vec<ChainEntry>,
    /// The server's current head (`seq` 0 and [`crate::chain::GENESIS`]
    /// for an empty collection).
    pub head: ChainHead,
    /// Whether more entries follow this page.
    pub has_more: bool,
}
