//! The sans-IO sync engine for one device and one collection.
//!
//! The app (or a test) feeds [`Event`]s into [`Engine::handle`] and carries
//! out the [`Action`]s it returns: send a push or a pull, persist a record
//! or the sync state, tell the user about a conflict or a misbehaving
//! server. The engine never waits, reads a clock or touches storage.
//!
//! # Invariants
//!
//! - **Local edits are never dropped.** An edit lives in the record's
//!   [`Doc`] at once (and is handed out to persist as [`Action::Store`]).
//!   A record is *pending* — in the outbox — until the server's newest
//!   revision that this device knows holds everything its document holds.
//!   Only a push acknowledgement or a pulled revision can clear that.
//! - **Nothing unverified overwrites good state.** A pulled page is applied
//!   only if its hash chain extends the pinned head; an envelope that fails
//!   to open, names the wrong revision, or replays an old one is reported
//!   ([`Action::Rejected`]) and never merged. A chain error stops syncing
//!   ([`Action::ChainBroken`]) until the caller decides
//!   ([`Engine::accept_restored_server`] or [`Engine::retry_after_chain_error`]).
//! - **Conflicts merge, never overwrite.** A rejected push (compare-and-swap
//!   on the parent hash) makes the engine pull, merge field by field (see
//!   [`crate::doc`]) and push the merge on top of the server's head.
//!
//! Responses may arrive late, twice, or never: push results are matched by
//! envelope hash, pages by the `since` they answer, and [`Event::Tick`]
//! treats whatever is outstanding as lost and retries.

mod io;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use uuid::Uuid;

pub use self::io::{Action, Event, Rejection};
pub use self::state::{ServerCopy, StoredRecord, SyncState};
use crate::chain::{ChainError, ChainVerifier, envelope_hash};
use crate::codec::Codec;
use crate::doc::Doc;
use crate::hlc::{DeviceId, Hlc};
use crate::wire::{ChainEntry, PullResponse, PushItem, PushOutcome, PushResult};

/// Default largest number of records in one push.
pub const DEFAULT_MAX_BATCH: usize = 64;

/// A push awaiting its answer.
#[derive(Clone, Debug)]
struct Sent {
    record_id: Uuid,
    revision: u64,
    doc: Doc,
}

/// The sync engine of one device for one collection.
pub struct Engine<C: Codec> {
    codec: C,
    clock: Hlc,
    online: bool,
    records: BTreeMap<Uuid, StoredRecord>,
    chain: ChainVerifier,
    broken: Option<ChainError>,
    /// seq → (record, envelope hash) of our acknowledged pushes until seen.
    acked: BTreeMap<u64, (Uuid, [u8; 32])>,
    /// Pushes awaiting an answer, by envelope hash.
    sent: BTreeMap<[u8; 32], Sent>,
    /// Records with a push outstanding (hash of the envelope).
    in_flight: BTreeMap<Uuid, [u8; 32]>,
    /// Ids of the records that are pending (kept in step by `store`, so
    /// polling does not scan every record).
    outbox: BTreeSet<Uuid>,
    /// Records that failed to seal: not retried until the next tick.
    seal_failed: BTreeSet<Uuid>,
    /// Records whose push conflicted: hold them until a pull with at least
    /// this request id has reached the server's head.
    wait_for_pull: BTreeMap<Uuid, u64>,
    /// The outstanding pull, if any: (request id, what the server had
    /// promised when we asked). A page can only be held to promises made
    /// before it was requested; answers to other requests are ignored.
    pull_in_flight: Option<(u64, u64)>,
    next_request: u64,
    want_pull: bool,
    /// After a restore: no pushes until a full pull brought us up to date.
    hold_pushes: bool,
    max_batch: usize,
}

impl<C: Codec> Engine<C> {
    /// A fresh engine for a device with nothing stored, offline.
    pub fn new(device: DeviceId, codec: C) -> Engine<C> {
        Engine::resume(device, codec, Vec::new(), SyncState::default())
    }

    /// An engine over what the app persisted from earlier
    /// [`Action::Store`] and [`Action::StoreSyncState`] actions. Starts
    /// offline; the clock continues after every stamp in the records.
    pub fn resume(
        device: DeviceId,
        codec: C,
        records: impl IntoIterator<Item = (Uuid, StoredRecord)>,
        state: SyncState,
    ) -> Engine<C> {
        let records: BTreeMap<Uuid, StoredRecord> = records.into_iter().collect();
        let outbox = records
            .iter()
            .filter(|(_, r)| r.is_pending())
            .map(|(id, _)| *id)
            .collect();
        let mut clock = Hlc::zero(device);
        for rec in records.values() {
            if let Some(s) = rec.doc.max_stamp() {
                clock.observe(&s, 0);
            }
        }
        Engine {
            codec,
            clock,
            online: false,
            records,
            chain: ChainVerifier::resume(state.pin, state.promised),
            broken: None,
            acked: state
                .acked
                .into_iter()
                .map(|(seq, id, hash)| (seq, (id, hash)))
                .collect(),
            sent: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            wait_for_pull: BTreeMap::new(),
            seal_failed: BTreeSet::new(),
            outbox,
            pull_in_flight: None,
            next_request: 1,
            want_pull: true,
            hold_pushes: false,
            max_batch: DEFAULT_MAX_BATCH,
        }
    }

    /// Sets the largest number of records in one push (at least 1).
    pub fn set_max_batch(&mut self, max_batch: usize) {
        self.max_batch = max_batch.max(1);
    }

    /// This device's id.
    pub fn device(&self) -> DeviceId {
        self.clock.device
    }

    /// The clock's latest stamp.
    pub fn clock(&self) -> Hlc {
        self.clock
    }

    /// A record's document.
    pub fn doc(&self, record_id: Uuid) -> Option<&Doc> {
        self.records.get(&record_id).map(|r| &r.doc)
    }

    /// A record with its bookkeeping.
    pub fn record(&self, record_id: Uuid) -> Option<&StoredRecord> {
        self.records.get(&record_id)
    }

    /// Every record (including empty placeholders).
    pub fn records(&self) -> &BTreeMap<Uuid, StoredRecord> {
        &self.records
    }

    /// The records with changes the server does not hold yet.
    pub fn outbox(&self) -> Vec<Uuid> {
        self.outbox.iter().copied().collect()
    }

    /// Drops a record from this engine: its document, bookkeeping and any
    /// unsent change (an erasure: the record's key is gone, so nothing of
    /// it can be sealed or opened again). The caller deletes its stored
    /// copy. Revisions of it pulled later are refused as unreadable.
    pub fn forget(&mut self, record_id: Uuid) {
        self.records.remove(&record_id);
        self.outbox.remove(&record_id);
    }

    /// The error that stopped syncing, if any.
    pub fn chain_error(&self) -> Option<&ChainError> {
        self.broken.as_ref()
    }

    /// The collection's sync state (as last handed out to persist).
    pub fn sync_state(&self) -> SyncState {
        SyncState {
            pin: self.chain.pinned(),
            promised: self.chain.promised(),
            acked: self
                .acked
                .iter()
                .map(|(seq, (id, hash))| (*seq, *id, *hash))
                .collect(),
        }
    }

    /// Feeds one event in; returns what to do.
    #[must_use = "the actions carry the requests to send and the records to persist"]
    pub fn handle(&mut self, event: Event) -> Vec<Action<C::Error>> {
        let mut out = Vec::new();
        match event {
            Event::Edit {
                record_id,
                changes,
                now_ms,
            } => self.edit(record_id, changes, now_ms, &mut out),
            Event::Delete { record_id, now_ms } => {
                let stamp = self.clock.tick(now_ms);
                let rec = self.records.entry(record_id).or_default();
                if rec.doc.delete(stamp).changed {
                    self.store(record_id, &mut out);
                }
            }
            Event::Online => {
                self.online = true;
                self.want_pull = true;
            }
            Event::Offline => {
                self.online = false;
                self.forget_outstanding();
            }
            Event::Tick { now_ms } => {
                // Keep the clock near wall time even without edits.
                if now_ms > self.clock.wall_ms {
                    self.clock.tick(now_ms);
                }
                self.forget_outstanding();
                self.seal_failed.clear();
                self.want_pull = true;
            }
            Event::Pulled(page) => self.pulled(page, &mut out),
            Event::Pushed(response) => {
                for result in response.results {
                    self.pushed(result, &mut out);
                }
            }
        }
        self.poll(&mut out);
        out
    }

    /// The "server was restored" recovery, after [`ChainError::Rollback`]
    /// and only when the user confirms it: forgets the pinned chain and what
    /// the server was known to hold, pulls the restored history from
    /// genesis, merges it, then re-uploads every record. A server that
    /// merely lies also gets this far, so never call it automatically.
    #[must_use = "the actions carry the requests to send and the records to persist"]
    pub fn accept_restored_server(&mut self) -> Vec<Action<C::Error>> {
        let mut out = Vec::new();
        self.chain.accept_restored_server();
        self.broken = None;
        self.acked.clear();
        self.sent.clear();
        self.in_flight.clear();
        self.wait_for_pull.clear();
        self.pull_in_flight = None;
        self.want_pull = true;
        self.hold_pushes = true;
        let ids: Vec<Uuid> = self.records.keys().copied().collect();
        for id in ids {
            if let Some(rec) = self.records.get_mut(&id) {
                rec.server = None;
                rec.chain_revision = 0;
            }
            self.store(id, &mut out);
        }
        out.push(Action::StoreSyncState(self.sync_state()));
        self.poll(&mut out);
        out
    }

    /// Resumes syncing after a [`ChainError`] without resetting the pin
    /// (e.g. the error came from a broken proxy, not the server). The same
    /// checks apply, so a lying server is caught again.
    #[must_use = "the actions carry the requests to send and the records to persist"]
    pub fn retry_after_chain_error(&mut self) -> Vec<Action<C::Error>> {
        let mut out = Vec::new();
        self.broken = None;
        self.pull_in_flight = None;
        self.want_pull = true;
        self.poll(&mut out);
        out
    }

    fn edit(
        &mut self,
        record_id: Uuid,
        changes: Vec<(String, Value)>,
        now_ms: u64,
        out: &mut Vec<Action<C::Error>>,
    ) {
        let rec = self.records.entry(record_id).or_default();
        let deleted = rec.doc.is_deleted();
        let changes: Vec<_> = changes
            .into_iter()
            .filter(|(field, value)| deleted || rec.doc.get(field) != Some(value))
            .collect();
        if changes.is_empty() {
            return;
        }
        // One stamp for the whole edit: the fields differ, so it is unique
        // per field.
        let stamp = self.clock.tick(now_ms);
        for (field, value) in changes {
            rec.doc.set(&field, value, stamp);
        }
        self.store(record_id, out);
    }

    /// Hands a changed record out to persist and refreshes its place in
    /// the outbox. Every change to a record goes through here.
    fn store(&mut self, record_id: Uuid, out: &mut Vec<Action<C::Error>>) {
        if let Some(rec) = self.records.get(&record_id) {
            if rec.is_pending() {
                self.outbox.insert(record_id);
            } else {
                self.outbox.remove(&record_id);
            }
            out.push(Action::Store {
                record_id,
                record: rec.clone(),
            });
        }
    }

    /// Treats outstanding requests as lost so they are retried.
    fn forget_outstanding(&mut self) {
        self.in_flight.clear();
        self.pull_in_flight = None;
        // Bound `sent`: an answer for a revision the record has moved past
        // no longer matters.
        let records = &self.records;
        self.sent.retain(|_, s| {
            records
                .get(&s.record_id)
                .and_then(|r| r.server.as_ref())
                .is_none_or(|server| server.revision < s.revision)
        });
    }

    /// Emits the requests the current state calls for.
    fn poll(&mut self, out: &mut Vec<Action<C::Error>>) {
        if !self.online || self.broken.is_some() {
            return;
        }
        if self.want_pull && self.pull_in_flight.is_none() {
            let since_seq = self.chain.cursor();
            let request = self.next_request;
            self.next_request += 1;
            self.pull_in_flight = Some((request, self.chain.promised()));
            self.want_pull = false;
            out.push(Action::Pull { since_seq, request });
        }
        if self.hold_pushes {
            return;
        }
        let mut items = Vec::new();
        let mut sealed = Vec::new();
        let mut failed = Vec::new();
        for id in &self.outbox {
            if items.len() >= self.max_batch {
                break;
            }
            // Invariant: the outbox only holds ids of records.
            let Some(rec) = self.records.get(id) else {
                continue;
            };
            if self.in_flight.contains_key(id)
                || self.wait_for_pull.contains_key(id)
                || self.seal_failed.contains(id)
            {
                continue;
            }
            let (parent_hash, revision) = match &rec.server {
                // The server numbers a record's revisions 1, 2, 3…: the
                // one we seal must be the one it will assign.
                Some(s) => (Some(s.hash), s.revision.saturating_add(1)),
                None => (None, 1),
            };
            match self.codec.seal(*id, revision, &rec.doc.to_json()) {
                Ok(envelope) => {
                    let hash = envelope_hash(&envelope);
                    sealed.push((
                        hash,
                        Sent {
                            record_id: *id,
                            revision,
                            doc: rec.doc.clone(),
                        },
                    ));
                    items.push(PushItem {
                        record_id: *id,
                        parent_hash,
                        revision,
                        envelope,
                    });
                }
                Err(error) => {
                    failed.push(*id);
                    out.push(Action::SealFailed {
                        record_id: *id,
                        error,
                    });
                }
            }
        }
        self.seal_failed.extend(failed);
        for (hash, sent) in sealed {
            self.in_flight.insert(sent.record_id, hash);
            self.sent.insert(hash, sent);
        }
        if !items.is_empty() {
            out.push(Action::Push(items));
        }
    }

    fn pushed(&mut self, result: PushResult, out: &mut Vec<Action<C::Error>>) {
        let hash = result.envelope_hash;
        let Some(sent) = self.sent.get(&hash) else {
            return; // a duplicate or a late answer that no longer matters
        };
        let record_id = sent.record_id;
        if result.record_id != record_id {
            return; // not an answer to what we sent
        }
        if self.in_flight.get(&record_id) == Some(&hash) {
            self.in_flight.remove(&record_id);
        }
        match result.outcome {
            PushOutcome::Accepted { seq } => self.accepted(hash, seq, out),
            PushOutcome::Conflict { current } => {
                self.sent.remove(&hash);
                match current {
                    Some(_) => {
                        // Someone else's revision (or ours, if an answer
                        // was lost) is the head: hold this record until a
                        // pull asked for from now on has caught up with the
                        // server, then push the merge on top of it.
                        self.wait_for_pull.insert(record_id, self.next_request);
                        self.want_pull = true;
                    }
                    None => {
                        // The server has no head for it: push as new.
                        if let Some(rec) = self.records.get_mut(&record_id) {
                            rec.server = None;
                        }
                        self.store(record_id, out);
                    }
                }
            }
            PushOutcome::NotStored => {
                // Refused with its batch; it is pushed again by `poll`.
                self.sent.remove(&hash);
            }
        }
    }

    fn accepted(&mut self, hash: [u8; 32], seq: u64, out: &mut Vec<Action<C::Error>>) {
        let Some(sent) = self.sent.remove(&hash) else {
            return;
        };
        self.chain.expect_at_least(seq);
        if seq > self.chain.cursor() {
            self.acked.insert(seq, (sent.record_id, hash));
        }
        let rec = self.records.entry(sent.record_id).or_default();
        if rec.server.as_ref().is_none_or(|s| s.seq < seq) {
            rec.server = Some(ServerCopy {
                seq,
                revision: sent.revision,
                hash,
                doc: sent.doc,
            });
        }
        self.store(sent.record_id, out);
        out.push(Action::StoreSyncState(self.sync_state()));
    }

    fn pulled(&mut self, page: PullResponse, out: &mut Vec<Action<C::Error>>) {
        let request = page.request;
        let promised = match self.pull_in_flight {
            Some((asked, promised)) if asked == request => promised,
            // Late, duplicated, or answering a request we gave up on.
            _ => return,
        };
        self.pull_in_flight = None;
        if self.broken.is_some() || page.since != self.chain.cursor() {
            return;
        }
        let verified = self
            .chain
            .verify_with_promise(&page, promised)
            .and_then(|to| {
                self.check_own_entries(&page.entries)?;
                Ok(to)
            });
        let to = match verified {
            Ok(to) => to,
            Err(error) => {
                self.broken = Some(error.clone());
                out.push(Action::ChainBroken(error));
                return;
            }
        };
        for entry in &page.entries {
            self.apply(entry, out);
        }
        self.chain.advance(to);
        self.acked = self.acked.split_off(&(to.seq + 1));
        if page.has_more {
            self.want_pull = true;
        } else {
            // Caught up with the head as of this request.
            self.hold_pushes = false;
            self.wait_for_pull.retain(|_, from| *from > page.request);
        }
        out.push(Action::StoreSyncState(self.sync_state()));
    }

    /// Our acknowledged revisions must appear exactly where the server said.
    fn check_own_entries(&self, entries: &[ChainEntry]) -> Result<(), ChainError> {
        for e in entries {
            if let Some((id, hash)) = self.acked.get(&e.seq)
                && (*id != e.record_id || *hash != envelope_hash(&e.envelope))
            {
                return Err(ChainError::Substituted { seq: e.seq });
            }
        }
        Ok(())
    }

    /// Applies one verified chain entry.
    fn apply(&mut self, entry: &ChainEntry, out: &mut Vec<Action<C::Error>>) {
        let id = entry.record_id;
        let hash = envelope_hash(&entry.envelope);
        if self.acked.get(&entry.seq).is_some_and(|(_, h)| *h == hash) {
            // Our own revision: its content is already merged.
            let rec = self.records.entry(id).or_default();
            rec.chain_revision = rec.chain_revision.max(entry.revision);
            self.store(id, out);
            return;
        }
        let known = self.records.get(&id).map_or(0, |r| r.chain_revision);
        let opened = if entry.revision <= known {
            Err(Rejection::Replayed {
                revision: entry.revision,
                known,
            })
        } else {
            self.open(entry)
        };
        let remote = match opened {
            Ok(doc) => doc,
            Err(reason) => {
                out.push(Action::Rejected {
                    record_id: id,
                    seq: entry.seq,
                    reason,
                });
                // The refused envelope is now the server's head for the
                // record: build the next push on top of it, as if it were
                // empty, so our good copy replaces it. Its content is never
                // merged.
                let rec = self.records.entry(id).or_default();
                rec.chain_revision = known.max(entry.revision);
                if rec.server.as_ref().is_none_or(|s| s.seq < entry.seq) {
                    rec.server = Some(ServerCopy {
                        seq: entry.seq,
                        revision: entry.revision,
                        hash,
                        doc: Doc::new(),
                    });
                }
                self.store(id, out);
                return;
            }
        };
        if let Some(stamp) = remote.max_stamp() {
            let wall = self.clock.wall_ms;
            self.clock.observe(&stamp, wall);
        }
        let rec = self.records.entry(id).or_default();
        rec.chain_revision = entry.revision;
        let report = rec.doc.merge(&remote);
        if rec.server.as_ref().is_none_or(|s| s.seq < entry.seq) {
            rec.server = Some(ServerCopy {
                seq: entry.seq,
                revision: entry.revision,
                hash,
                doc: remote,
            });
        }
        self.store(id, out);
        if !report.superseded.is_empty() {
            out.push(Action::HistoryChanged {
                record_id: id,
                added: report.superseded,
            });
        }
    }

    fn open(&self, entry: &ChainEntry) -> Result<Doc, Rejection<C::Error>> {
        let (sealed, json) = self
            .codec
            .open(entry.record_id, &entry.envelope)
            .map_err(Rejection::Unreadable)?;
        if sealed != entry.revision {
            return Err(Rejection::RevisionMismatch {
                served: entry.revision,
                sealed,
            });
        }
        Doc::from_json(&json).map_err(|e| Rejection::Undecodable(e.to_string()))
    }
}

#[cfg(test)]
mod tests;
