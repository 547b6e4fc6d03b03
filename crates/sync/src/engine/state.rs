//! What the engine keeps per record and per collection, and hands out for
//! the app to persist.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::chain::Pin;
use crate::doc::Doc;

/// The newest server revision of a record that this device knows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerCopy {
    /// Its seq in the collection's chain.
    pub seq: u64,
    /// Its revision.
    pub revision: u64,
    /// SHA-256 of its envelope (the parent of our next push).
    pub hash: [u8; 32],
    /// Its document (empty if it could not be read).
    pub doc: Doc,
}

/// A record as the app persists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The merged document: what the user sees.
    pub doc: Doc,
    /// The newest server revision known (pulled or acknowledged).
    pub server: Option<ServerCopy>,
    /// The newest revision of this record verified in the chain.
    pub chain_revision: u64,
}

impl StoredRecord {
    /// Whether the record has local changes the server does not hold yet
    /// (it is in the outbox).
    pub fn is_pending(&self) -> bool {
        match &self.server {
            Some(s) => s.doc != self.doc,
            None => self.doc != Doc::new(),
        }
    }
}

/// The collection's sync bookkeeping, to persist with the records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The last verified chain position.
    pub pin: Option<Pin>,
    /// The highest seq the server acknowledged or reported.
    pub promised: u64,
    /// Our acknowledged revisions not yet seen in a pulled page:
    /// `(seq, record id, envelope hash)`.
    pub acked: Vec<(u64, Uuid, [u8; 32])>,
}
