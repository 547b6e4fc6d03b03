//! Test doubles: a trivial codec, an in-memory reference server and a
//! network of simulated devices that drive engines with random delivery.

#![allow(dead_code)] // each test binary uses a different part

use std::collections::{BTreeMap, HashMap};

use coffer_sync::chain::{GENESIS, entry_link, envelope_hash};
use coffer_sync::codec::Codec;
use coffer_sync::{
    Action, ChainEntry, ChainError, ChainHead, DeviceId, Doc, Engine, Event, PullResponse,
    PushItem, PushOutcome, PushResponse, PushResult, RecordHead, StoredRecord, SyncState,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A codec that does not encrypt but does authenticate (a SHA-256 over id,
/// revision and body stands in for the AEAD tag): enough to test that the
/// engine refuses what does not open.
#[derive(Clone, Debug, Default)]
pub struct PlainCodec;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlainError {
    #[error("envelope does not authenticate")]
    Tampered,
}

fn tag(record_id: Uuid, revision: u64, body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"plain-codec");
    h.update(record_id.as_bytes());
    h.update(revision.to_be_bytes());
    h.update(body);
    h.finalize().into()
}

impl Codec for PlainCodec {
    type Error = PlainError;

    fn seal(&self, record_id: Uuid, revision: u64, doc: &[u8]) -> Result<Vec<u8>, PlainError> {
        let mut out = revision.to_be_bytes().to_vec();
        out.extend_from_slice(&tag(record_id, revision, doc));
        out.extend_from_slice(doc);
        Ok(out)
    }

    fn open(&self, record_id: Uuid, env: &[u8]) -> Result<(u64, Vec<u8>), PlainError> {
        if env.len() < 40 {
            return Err(PlainError::Tampered);
        }
        let revision = u64::from_be_bytes(env[..8].try_into().unwrap());
        let body = &env[40..];
        if env[8..40] != tag(record_id, revision, body) {
            return Err(PlainError::Tampered);
        }
        Ok((revision, body.to_vec()))
    }
}

/// The reference server: per-collection seq and chain, compare-and-swap on
/// the parent hash (and revisions must grow), paged pulls.
#[derive(Clone, Debug)]
pub struct Server {
    pub log: Vec<ChainEntry>,
    pub heads: HashMap<Uuid, RecordHead>,
    pub page_size: usize,
    /// All-or-nothing batches (like the real server) instead of per-item.
    pub atomic: bool,
}

impl Server {
    pub fn new(page_size: usize) -> Server {
        Server {
            log: Vec::new(),
            heads: HashMap::new(),
            page_size,
            atomic: false,
        }
    }

    pub fn head(&self) -> ChainHead {
        self.log.last().map_or(
            ChainHead {
                seq: 0,
                link: GENESIS,
            },
            |e| ChainHead {
                seq: e.seq,
                link: e.link,
            },
        )
    }

    /// Compare-and-swap on the parent hash; the revision must be the
    /// head's + 1 (what a server assigning revisions would give).
    pub fn push(&mut self, items: &[PushItem]) -> PushResponse {
        let fits = |server: &Server, item: &PushItem| {
            let head = server.heads.get(&item.record_id);
            head.map(|h| h.hash) == item.parent_hash
                && item.revision == head.map_or(0, |h| h.revision) + 1
        };
        let all_fit = items.iter().all(|i| fits(self, i));
        let results = items
            .iter()
            .map(|item| {
                let outcome = if fits(self, item) && (all_fit || !self.atomic) {
                    PushOutcome::Accepted {
                        seq: self.append(
                            item.record_id,
                            item.revision,
                            item.parent_hash,
                            item.envelope.clone(),
                        ),
                    }
                } else if fits(self, item) {
                    PushOutcome::NotStored
                } else {
                    PushOutcome::Conflict {
                        current: self.heads.get(&item.record_id).cloned(),
                    }
                };
                PushResult {
                    record_id: item.record_id,
                    envelope_hash: envelope_hash(&item.envelope),
                    outcome,
                }
            })
            .collect();
        PushResponse { results }
    }

    /// Appends an entry without any check (also used by lying servers).
    pub fn append(
        &mut self,
        record_id: Uuid,
        revision: u64,
        parent_hash: Option<[u8; 32]>,
        envelope: Vec<u8>,
    ) -> u64 {
        let prev = self.head();
        let mut entry = ChainEntry {
            seq: prev.seq + 1,
            record_id,
            revision,
            parent_hash,
            envelope,
            link: [0; 32],
        };
        entry.link = entry_link(&prev.link, &entry);
        self.heads.insert(
            record_id,
            RecordHead {
                revision,
                hash: envelope_hash(&entry.envelope),
            },
        );
        let seq = entry.seq;
        self.log.push(entry);
        seq
    }

    /// Recomputes every link (a server covering its tracks after editing
    /// the log) and the record heads.
    pub fn relink(&mut self) {
        let mut prev = GENESIS;
        self.heads.clear();
        for (i, e) in self.log.iter_mut().enumerate() {
            e.seq = i as u64 + 1;
            e.link = entry_link(&prev, e);
            prev = e.link;
            self.heads.insert(
                e.record_id,
                RecordHead {
                    revision: e.revision,
                    hash: envelope_hash(&e.envelope),
                },
            );
        }
    }

    pub fn pull(&self, since: u64, request: u64) -> PullResponse {
        let start = usize::try_from(since).unwrap().min(self.log.len());
        let end = (start + self.page_size).min(self.log.len());
        PullResponse {
            request,
            since,
            entries: self.log[start..end].to_vec(),
            head: self.head(),
            has_more: end < self.log.len(),
        }
    }

    /// The newest document of each record, opened with `codec`.
    pub fn docs<C: Codec>(&self, codec: &C) -> BTreeMap<Uuid, Doc> {
        let mut out = BTreeMap::new();
        for e in &self.log {
            let (_, json) = codec.open(e.record_id, &e.envelope).ok().unwrap();
            out.insert(e.record_id, Doc::from_json(&json).unwrap());
        }
        out
    }
}

#[derive(Clone, Debug)]
pub enum Request {
    Push(Vec<PushItem>),
    Pull { since: u64, request: u64 },
}

/// One simulated device: its engine, requests not yet delivered to the
/// server, responses not yet delivered to it, and what it reported.
pub struct Device<C: Codec> {
    pub id: DeviceId,
    pub engine: Engine<C>,
    /// What the app would have on disk, from `Store` / `StoreSyncState`.
    pub disk_records: BTreeMap<Uuid, StoredRecord>,
    pub disk_state: SyncState,
    pub outgoing: Vec<Request>,
    pub incoming: Vec<Event>,
    pub online: bool,
    pub chain_errors: Vec<ChainError>,
    pub rejected: Vec<(Uuid, u64, String)>,
    pub history_events: usize,
}

impl<C: Codec> Device<C> {
    pub fn new(device: DeviceId, codec: C) -> Self {
        Device {
            id: device,
            engine: Engine::new(device, codec),
            disk_records: BTreeMap::new(),
            disk_state: SyncState::default(),
            outgoing: Vec::new(),
            incoming: Vec::new(),
            online: false,
            chain_errors: Vec::new(),
            rejected: Vec::new(),
            history_events: 0,
        }
    }

    /// Feeds an event and files the resulting actions.
    pub fn feed(&mut self, event: Event) {
        if let Event::Online = event {
            self.online = true;
        }
        if let Event::Offline = event {
            self.online = false;
        }
        let actions = self.engine.handle(event);
        self.file(actions);
    }

    pub fn file(&mut self, actions: Vec<Action<C::Error>>) {
        for a in actions {
            match a {
                Action::Push(items) => self.outgoing.push(Request::Push(items)),
                Action::Pull { since_seq, request } => self.outgoing.push(Request::Pull {
                    since: since_seq,
                    request,
                }),
                Action::ChainBroken(e) => self.chain_errors.push(e),
                Action::Rejected {
                    record_id,
                    seq,
                    reason,
                } => self.rejected.push((record_id, seq, format!("{reason:?}"))),
                Action::HistoryChanged { .. } => self.history_events += 1,
                Action::SealFailed { error, .. } => panic!("seal failed: {error}"),
                Action::Store { record_id, record } => {
                    self.disk_records.insert(record_id, record);
                }
                Action::StoreSyncState(state) => self.disk_state = state,
            }
        }
    }

    /// The app restarts: a new engine from what is on disk. Requests not
    /// yet sent are either delivered (`deliver[i]`) with the answer lost, or
    /// never sent; answers on the way are lost. Starts offline.
    pub fn restart(&mut self, codec: C, deliver: &[bool], server: &mut Server) {
        for (i, req) in std::mem::take(&mut self.outgoing).into_iter().enumerate() {
            if deliver.get(i).copied().unwrap_or(false) {
                match req {
                    Request::Push(items) => {
                        server.push(&items);
                    }
                    Request::Pull { .. } => {}
                }
            }
        }
        self.incoming.clear();
        self.online = false;
        self.engine = Engine::resume(
            self.id,
            codec,
            self.disk_records.clone(),
            self.disk_state.clone(),
        );
    }

    /// Delivers outgoing request `i` to `server`, queueing the response.
    pub fn deliver_request(&mut self, i: usize, server: &mut Server) {
        let req = self.outgoing.remove(i);
        let event = match req {
            Request::Push(items) => Event::Pushed(server.push(&items)),
            Request::Pull { since, request } => Event::Pulled(server.pull(since, request)),
        };
        self.incoming.push(event);
    }

    /// Runs requests and responses in order until nothing is left.
    pub fn settle(&mut self, server: &mut Server) {
        for _ in 0..10_000 {
            if !self.outgoing.is_empty() {
                self.deliver_request(0, server);
            } else if !self.incoming.is_empty() {
                let ev = self.incoming.remove(0);
                self.feed(ev);
            } else {
                return;
            }
        }
        panic!("device did not settle");
    }
}
