//! `coffer-sync` keeps a collection of records the same on every device
//! through a server that only ever sees ciphertext. It holds the hybrid
//! logical clock ([`hlc`]), the mergeable record document ([`doc`]), the
//! per-collection hash chain and its verifier ([`chain`]), the wire types
//! ([`wire`]), the envelope codec seam ([`codec`]) and the sans-IO sync
//! engine ([`engine`]) that ties them together: events in, actions out.
//!
//! This crate is pure and must stay so: it must never do I/O (no network,
//! disk, browser storage or logging), never read a clock or draw randomness
//! (time and device ids are passed in), never let a pulled revision that
//! failed verification (hash chain, envelope authentication, revision
//! order) overwrite or merge into local data, never drop a local edit that
//! the server has not acknowledged, and never reset a pinned chain head
//! unless the caller explicitly accepts a restored server. Plaintext
//! documents exist in it only between a [`codec::Codec`] and the app.
//!
//! ```
//! use coffer_sync::{Action, DeviceId, Engine, Event};
//! # use coffer_sync::codec::Codec;
//! # #[derive(Clone, Debug, thiserror::Error)] #[error("never")] struct Never;
//! # struct Plain;
//! # impl Codec for Plain {
//! #     type Error = Never;
//! #     fn seal(&self, _: uuid::Uuid, r: u64, d: &[u8]) -> Result<Vec<u8>, Never> {
//! #         Ok([&r.to_be_bytes()[..], d].concat())
//! #     }
//! #     fn open(&self, _: uuid::Uuid, e: &[u8]) -> Result<(u64, Vec<u8>), Never> {
//! #         Ok((u64::from_be_bytes(e[..8].try_into().unwrap()), e[8..].to_vec()))
//! #     }
//! # }
//! let mut engine = Engine::new(DeviceId([7; 16]), Plain); // the app: CryptoCodec
//! let id = uuid::Uuid::from_u128(1);
//! let actions = engine.handle(Event::Edit {
//!     record_id: id,
//!     changes: vec![("name".into(), "张伟".into())],
//!     now_ms: 1_700_000_000_000,
//! });
//! assert!(matches!(actions[0], Action::Store { .. })); // persist it
//! assert_eq!(engine.outbox(), vec![id]); // offline: queued
//! let actions = engine.handle(Event::Online);
//! assert!(actions.iter().any(|a| matches!(a, Action::Push(_))));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chain;
pub mod codec;
pub mod doc;
pub mod engine;
pub mod hlc;
pub mod wire;

pub use chain::{ChainError, ChainVerifier, GENESIS, Link, Pin};
pub use codec::{Codec, CryptoCodec, KeyringCodec};
pub use doc::{Doc, FieldValue, HISTORY_LIMIT, MergeReport, Superseded};
pub use engine::{Action, Engine, Event, Rejection, ServerCopy, StoredRecord, SyncState};
pub use hlc::{DeviceId, Hlc};
pub use wire::{
    ChainEntry, ChainHead, PullResponse, PushItem, PushOutcome, PushResponse, PushResult,
    RecordHead,
};
