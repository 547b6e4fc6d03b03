//! The engine's inputs and outputs.

use serde_json::Value;
use uuid::Uuid;

use super::{StoredRecord, SyncState};
use crate::chain::ChainError;
use crate::doc::Superseded;
use crate::wire::{PullResponse, PushItem, PushResponse};

/// Something that happened, fed to [`Engine::handle`](super::Engine::handle).
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The user changed fields of a record (created it if new).
    Edit {
        /// The record (a random id the app made).
        record_id: Uuid,
        /// Field name and new value, in order.
        changes: Vec<(String, Value)>,
        /// Wall-clock time, Unix milliseconds.
        now_ms: u64,
    },
    /// The user deleted a record.
    Delete {
        /// The record.
        record_id: Uuid,
        /// Wall-clock time, Unix milliseconds.
        now_ms: u64,
    },
    /// The server is reachable (again): pull, then push the outbox.
    Online,
    /// The server is unreachable: stop emitting requests (edits still work).
    Offline,
    /// A periodic timer (or a change notification from the server): pull,
    /// and treat requests still unanswered as lost.
    Tick {
        /// Wall-clock time, Unix milliseconds.
        now_ms: u64,
    },
    /// The server answered a [`Action::Pull`].
    Pulled(PullResponse),
    /// The server answered a [`Action::Push`].
    Pushed(PushResponse),
}

/// What the engine asks its driver to do. Carry them out in order: a
/// [`Action::Store`] of an edit comes before the [`Action::Push`] that sends
/// it, so an edit is on disk before the server can acknowledge it.
#[derive(Clone, Debug, PartialEq)]
pub enum Action<E> {
    /// Send these revisions (one compare-and-swap each) and feed the answer
    /// back as [`Event::Pushed`].
    Push(Vec<PushItem>),
    /// Ask for entries after `since_seq` and feed the answer back as
    /// [`Event::Pulled`], with `request` echoed in it.
    Pull {
        /// The last verified seq.
        since_seq: u64,
        /// Identifies this request; answers to any other are ignored.
        request: u64,
    },
    /// Persist this record (replacing what is stored under its id). A
    /// record whose document is empty is a placeholder for a server head
    /// the engine could not read; do not show it.
    Store {
        /// The record.
        record_id: Uuid,
        /// Its document and sync bookkeeping.
        record: StoredRecord,
    },
    /// Persist the collection's sync state (pinned chain head etc.).
    StoreSyncState(SyncState),
    /// A merge moved values into a record's history (a same-field conflict
    /// was resolved, or another device's overwritten values arrived).
    HistoryChanged {
        /// The record.
        record_id: Uuid,
        /// The new history entries.
        added: Vec<Superseded>,
    },
    /// A pulled revision was refused and not merged. Local data is intact;
    /// the engine will re-push its own copy on top of it.
    Rejected {
        /// The record it claimed to be.
        record_id: Uuid,
        /// Its seq in the chain.
        seq: u64,
        /// Why.
        reason: Rejection<E>,
    },
    /// A record could not be sealed; it stays in the outbox and is tried
    /// again after the next [`Event::Tick`].
    SealFailed {
        /// The record.
        record_id: Uuid,
        /// The codec's error.
        error: E,
    },
    /// The server's history failed verification. Syncing is stopped until
    /// the caller calls [`Engine::accept_restored_server`](super::Engine::accept_restored_server) (the user
    /// confirms the server was restored) or
    /// [`Engine::retry_after_chain_error`](super::Engine::retry_after_chain_error).
    ChainBroken(ChainError),
}

/// Why one pulled revision was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Rejection<E> {
    /// The envelope does not open: altered, moved from another record, or
    /// sealed under another key.
    Unreadable(E),
    /// The envelope opened but its revision differs from the one served.
    RevisionMismatch {
        /// The revision the server claimed.
        served: u64,
        /// The revision sealed inside.
        sealed: u64,
    },
    /// The revision is not newer than one already verified for this
    /// record: an old revision replayed.
    Replayed {
        /// The revision served.
        revision: u64,
        /// The newest revision already verified.
        known: u64,
    },
    /// The envelope opened but does not hold a document.
    Undecodable(String),
}
