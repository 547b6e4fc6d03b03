//! Drives the sans-IO sync engine (`coffer-sync`), one engine per record
//! type ("lane": contacts, companies, deals, ..., consent, audit): persists
//! what each asks to persist (sealed, in IndexedDB), carries its requests to
//! the server (`api.rs`), feeds the answers back, and keeps the contact
//! book, the other records and the sync status the UI shows in step.
//!
//! One task owns every engine and handles one job at a time, so actions
//! run in order: an edit is on disk before the push that sends it. Network
//! requests run beside that task and come back as jobs. Change
//! notifications for every collection arrive over *one* server-sent event
//! stream (browsers allow about six connections per origin); there is no
//! polling loop (only a reachability probe while the server is away).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use coffer_core::contact::Contact;
use coffer_core::i18n::Msg;
use coffer_core::privacy::consent::Actor;
use coffer_core::privacy::erasure::{ErasureCause, ErasureTombstone, TOMBSTONE_NAMESPACE};
use coffer_core::record::{
    ACCOUNT_NAMESPACE, ALL_NAMESPACES, CONTACT_NAMESPACE, Record, SETTINGS_NAMESPACE,
};
use coffer_crypto::{CryptoError, KeyKind, Keyring, VaultKey, WrappedKey};
use coffer_sync::{
    Action, Codec, CryptoCodec, DeviceId, Doc, Engine, Event, Hlc, KeyringCodec, Rejection,
    StoredRecord, SyncState,
};
use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use zeroize::Zeroize;

use crate::api::{self, ApiError, SessionToken};
use crate::keys::{self, LocalKeyring};
use crate::state::{AppState, ContactBook, RecordSet};
use crate::store::{Db, MetaKey};
use crate::vault::{self, PerRecord, VaultError};

/// The server collection contacts sync through (the envelope namespace).
pub const COLLECTION: &str = CONTACT_NAMESPACE;

/// Every record type that syncs, each its own server collection and
/// envelope namespace: every namespace this version knows except the
/// device-only ones (settings, the account session). Contacts come first
/// (`ALL_NAMESPACES` starts with them): they load first on unlock.
pub fn synced_namespaces() -> Vec<&'static str> {
    ALL_NAMESPACES
        .into_iter()
        .filter(|ns| ![SETTINGS_NAMESPACE, ACCOUNT_NAMESPACE].contains(ns))
        .collect()
}

/// Records per push: under the server's 1,000 items, and a typical
/// contact's envelope is a few KiB, so a first upload of 100,000 contacts
/// takes 200 round trips, not 1,600. A push over the server's 8 MiB body
/// limit halves it (large histories).
const PUSH_BATCH: usize = 500;
/// How long to wait between reachability probes while offline.
const PROBE_MS: u32 = 2_000;
/// How long to wait before retrying after the server refused a request.
const RETRY_MS: u32 = 5_000;

type RecordEngine = Engine<LaneCodec>;

/// Keys sent or looked up per request (the server's limit).
const KEYS_PER_REQUEST: usize = 1_000;

/// How a lane's records are sealed: contacts each under their own key (so
/// erasing one crypto-shreds it), everything else under the vault key.
enum LaneCodec {
    Vault(CryptoCodec<Rc<VaultKey>>),
    PerRecord(KeyringCodec<Rc<VaultKey>, Rc<RefCell<Keyring>>>),
}

impl Codec for LaneCodec {
    type Error = CryptoError;

    fn seal(
        &self,
        record_id: Uuid,
        revision: u64,
        doc_json: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        match self {
            LaneCodec::Vault(c) => c.seal(record_id, revision, doc_json),
            LaneCodec::PerRecord(c) => c.seal(record_id, revision, doc_json),
        }
    }

    fn open(&self, record_id: Uuid, envelope: &[u8]) -> Result<(u64, Vec<u8>), CryptoError> {
        match self {
            LaneCodec::Vault(c) => c.open(record_id, envelope),
            LaneCodec::PerRecord(c) => c.open(record_id, envelope),
        }
    }
}

/// Whether records of `namespace` have their own keys.
pub(crate) fn per_record(namespace: &str) -> bool {
    namespace == CONTACT_NAMESPACE
}

/// The account this device syncs with: kept sealed in the vault, never in
/// plain storage. The account's user key is the vault key itself.
#[derive(Clone, Serialize, Deserialize)]
pub struct AccountLink {
    pub account: String,
    pub session: SessionToken,
    /// The rest of the account's key bundle (X25519 secret, Ed25519 seed).
    pub x25519_secret: [u8; 32],
    pub ed25519_seed: [u8; 32],
}

impl Drop for AccountLink {
    fn drop(&mut self) {
        self.session.token.zeroize();
        self.x25519_secret.zeroize();
        self.ed25519_seed.zeroize();
    }
}

impl std::fmt::Debug for AccountLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountLink")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// What the status line shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    /// The account this device syncs with, if any.
    pub account: Option<String>,
    /// Whether the server answers.
    pub online: bool,
    /// Requests under way.
    pub busy: bool,
    /// Records with changes the server does not hold yet.
    pub pending: usize,
    /// When the server last held everything this device has (JS ms).
    pub last_sync_ms: Option<f64>,
    /// Revisions the server sent that failed verification (ignored).
    pub rejected: usize,
    pub problem: Option<SyncProblem>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SyncProblem {
    /// The server's history does not extend what this device verified
    /// (rolled back, reordered, or entries withheld).
    ChainBroken(String),
    /// The session ended (expired, or signed out from another device).
    SignedOut,
    /// The server refused a request, with its error code.
    Refused(String),
    /// This device's storage refused a write.
    Storage(String),
}

enum Job {
    /// An event for the engine of lane `.0`.
    Engine(usize, Event),
    /// Local edits in lane `.0`; the reply comes once they are on disk.
    Edit(usize, Vec<Event>, oneshot::Sender<Result<(), VaultError>>),
    /// Erase a contact everywhere (crypto-shredding); replies when done here.
    Erase(Uuid, ErasureCause, oneshot::Sender<Result<(), VaultError>>),
    AcceptRestored,
    Retry,
}

/// One record type's engine and its requests under way.
struct Lane {
    namespace: &'static str,
    engine: RefCell<RecordEngine>,
    in_flight: Cell<usize>,
    /// Records per push now (halved after a push was too large).
    batch: Cell<usize>,
    /// A change notification arrived while requests were under way.
    pull_later: Cell<bool>,
}

/// What one lane loaded from this device on unlock.
pub struct LaneStart {
    pub namespace: &'static str,
    pub records: Vec<(Uuid, StoredRecord)>,
    pub sync_state: SyncState,
}

/// The running sync of one unlocked vault. Dropped (after [`Syncer::stop`])
/// on lock, with the key it holds.
pub struct Syncer {
    lanes: Vec<Lane>,
    db: Rc<Db>,
    key: Rc<VaultKey>,
    /// Each contact's own key (see `keys.rs`).
    keyring: Rc<RefCell<Keyring>>,
    /// Record keys the server does not hold yet.
    unsent_keys: Rc<RefCell<BTreeSet<Uuid>>>,
    /// Erased records whose key the server may still hold.
    undeleted_keys: Rc<RefCell<BTreeSet<Uuid>>>,
    device: DeviceId,
    link: RefCell<Option<AccountLink>>,
    jobs: mpsc::UnboundedSender<Job>,
    state: AppState,
    probing: Cell<bool>,
    stopped: Cell<bool>,
    events: RefCell<Option<EventStream>>,
    listeners: RefCell<Vec<WindowListenerHandle>>,
}

struct EventStream {
    source: web_sys::EventSource,
    _on_change: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// A device id: random, kept in plain storage (it names no one).
pub async fn device_id(db: &Db) -> Result<DeviceId, VaultError> {
    if let Some(id) = db
        .meta_text(MetaKey::DeviceId)
        .await?
        .and_then(|hex| DeviceId::from_hex(&hex))
    {
        return Ok(id);
    }
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| VaultError::Encoding(format!("no randomness: {e}")))?;
    let id = DeviceId(bytes);
    db.put_meta_text(MetaKey::DeviceId, &id.to_hex()).await?;
    Ok(id)
}

pub async fn load_sync_state(db: &Db, namespace: &'static str) -> Result<SyncState, VaultError> {
    Ok(db
        .meta_text(MetaKey::SyncState(namespace))
        .await?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

pub async fn load_link(db: &Db, key: &VaultKey) -> Result<Option<AccountLink>, VaultError> {
    vault::load_private(db, key, ACCOUNT_NAMESPACE).await
}

/// Reads a contact stored by the version before sync (a bare contact
/// envelope) into a document stamped at its last update by this device.
pub fn legacy_contact(device: DeviceId) -> impl Fn(Uuid, &[u8]) -> Option<StoredRecord> {
    move |id, bytes| {
        let mut contact = Contact::from_json(bytes).ok()?;
        contact.id = id;
        let stamp = Hlc {
            wall_ms: u64::try_from(contact.updated_ms).unwrap_or(0),
            counter: 0,
            device,
        };
        let mut doc = Doc::new();
        for (field, value) in contact_fields(&contact) {
            doc.set(&field, value, stamp);
        }
        Some(StoredRecord {
            doc,
            server: None,
            chain_revision: 0,
        })
    }
}

/// A record as document fields: its top-level JSON members, so that edits
/// to different members merge.
pub fn record_fields<T: Serialize>(record: &T) -> Vec<(String, Value)> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map.into_iter().filter(|(k, _)| k != "id").collect(),
        _ => Vec::new(),
    }
}

pub fn contact_fields(contact: &Contact) -> Vec<(String, Value)> {
    record_fields(contact)
}

/// The JSON object a document holds (with its id), unless it is deleted or
/// a placeholder.
pub fn json_from_doc(id: Uuid, doc: &Doc) -> Option<Value> {
    if doc.is_deleted() || doc.fields().is_empty() {
        return None;
    }
    let mut map: serde_json::Map<String, Value> = doc
        .fields()
        .iter()
        .map(|(k, f)| (k.clone(), f.value.clone()))
        .collect();
    map.insert("id".into(), Value::String(id.to_string()));
    Some(Value::Object(map))
}

/// The record a document holds, unless it is deleted or a placeholder.
pub fn record_from_doc<T: DeserializeOwned>(id: Uuid, doc: &Doc) -> Option<T> {
    serde_json::from_value(json_from_doc(id, doc)?).ok()
}

/// The contact a document holds, unless it is deleted or a placeholder.
pub fn contact_from_doc(id: Uuid, doc: &Doc) -> Option<Contact> {
    let mut contact: Contact = record_from_doc(id, doc)?;
    contact.id = id;
    Some(contact)
}

fn now_ms() -> u64 {
    u64::try_from(vault::now_ms()).unwrap_or(0)
}

/// Only the fields of `after` that differ from `before` (what the form
/// started from), so fields another device changed meanwhile are not
/// overwritten with stale values.
fn changed_fields(
    before: Vec<(String, Value)>,
    after: Vec<(String, Value)>,
) -> Vec<(String, Value)> {
    let before: std::collections::HashMap<String, Value> = before.into_iter().collect();
    after
        .into_iter()
        .filter(|(field, value)| before.get(field) != Some(value))
        .collect()
}

impl Lane {
    fn pending(&self) -> usize {
        self.engine.borrow().outbox().len()
    }
}

impl Syncer {
    /// Starts one engine per record type over the records loaded from this
    /// device (offline until [`Syncer::connect`]), and fills the contact
    /// book and the record set from them.
    pub fn start(
        state: AppState,
        db: Rc<Db>,
        key: Rc<VaultKey>,
        device: DeviceId,
        starts: Vec<LaneStart>,
        local_keys: LocalKeyring,
    ) -> Result<Rc<Syncer>, VaultError> {
        let keyring = Rc::new(RefCell::new(local_keys.keyring));
        let mut lanes = Vec::with_capacity(starts.len());
        let mut book = None;
        let mut records = RecordSet::default();
        for start in starts {
            let codec = if per_record(start.namespace) {
                LaneCodec::PerRecord(KeyringCodec::new(
                    key.clone(),
                    keyring.clone(),
                    start.namespace,
                )?)
            } else {
                LaneCodec::Vault(CryptoCodec::new(key.clone(), start.namespace)?)
            };
            let mut engine = Engine::resume(device, codec, start.records, start.sync_state);
            engine.set_max_batch(PUSH_BATCH);
            let docs = engine.records().iter();
            if start.namespace == CONTACT_NAMESPACE {
                book = Some(ContactBook::from_contacts(
                    docs.filter_map(|(id, r)| contact_from_doc(*id, &r.doc)),
                ));
            } else {
                for (id, r) in docs {
                    if let Some(json) = json_from_doc(*id, &r.doc) {
                        records.upsert(start.namespace, *id, json);
                    }
                }
            }
            lanes.push(Lane {
                namespace: start.namespace,
                engine: RefCell::new(engine),
                in_flight: Cell::new(0),
                batch: Cell::new(PUSH_BATCH),
                pull_later: Cell::new(false),
            });
        }
        state.book.set(book.unwrap_or_default());
        state.records.set(records);
        let (jobs, rx) = mpsc::unbounded();
        let syncer = Rc::new(Syncer {
            lanes,
            db,
            key,
            keyring,
            unsent_keys: Rc::new(RefCell::new(local_keys.unsent)),
            undeleted_keys: Rc::new(RefCell::new(local_keys.undeleted)),
            device,
            link: RefCell::new(None),
            jobs,
            state,
            probing: Cell::new(false),
            stopped: Cell::new(false),
            events: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        });
        spawn_local(syncer.clone().pump(rx));
        let weak = Rc::downgrade(&syncer);
        let on_offline = window_event_listener(leptos::ev::offline, move |_| {
            if let Some(s) = weak.upgrade() {
                s.went_offline();
            }
        });
        let weak = Rc::downgrade(&syncer);
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            if let Some(s) = weak.upgrade() {
                s.probe();
            }
        });
        syncer.listeners.replace(vec![on_offline, on_online]);
        syncer.refresh_status();
        Ok(syncer)
    }

    /// Stops syncing (lock): closes the stream, ends the task, forgets keys.
    pub fn stop(&self) {
        self.stopped.set(true);
        self.events.replace(None);
        for handle in self.listeners.take() {
            handle.remove();
        }
        self.link.replace(None);
        self.jobs.close_channel();
    }

    pub fn link(&self) -> Option<AccountLink> {
        self.link.borrow().clone()
    }

    /// Starts syncing with an account (just signed in, or on unlock).
    pub fn connect(self: &Rc<Self>, link: AccountLink) {
        let account = link.account.clone();
        self.link.replace(Some(link));
        self.state.sync_status.update(|s| {
            s.account = Some(account);
            s.problem = None;
        });
        self.went_online();
    }

    fn went_online(self: &Rc<Self>) {
        self.state.sync_status.update(|s| s.online = true);
        self.open_events();
        self.delete_erased_keys();
        self.to_every_lane(|| Event::Online);
    }

    fn to_every_lane(&self, event: impl Fn() -> Event) {
        for lane in 0..self.lanes.len() {
            self.send(Job::Engine(lane, event()));
        }
    }

    /// Stops syncing with the account (signed out); local data stays.
    pub fn disconnect(&self) {
        self.events.replace(None);
        self.link.replace(None);
        self.to_every_lane(|| Event::Offline);
        self.state.sync_status.update(|s| {
            s.account = None;
            s.online = false;
            s.problem = None;
        });
    }

    /// Replaces the session (after signing in again).
    pub async fn save_link(&self, link: &AccountLink) -> Result<(), VaultError> {
        vault::save_private(&self.db, &self.key, ACCOUNT_NAMESPACE, link).await
    }

    fn lane_of(&self, namespace: &str) -> Result<usize, VaultError> {
        self.lanes
            .iter()
            .position(|l| l.namespace == namespace)
            .ok_or_else(|| VaultError::Encoding(format!("{namespace} records do not sync")))
    }

    /// Records an edit of `contact`: only the fields that differ from
    /// `original` (what the form started from).
    pub async fn save_contact(
        &self,
        original: Option<&Contact>,
        contact: &Contact,
    ) -> Result<(), VaultError> {
        self.save_record(original, contact).await
    }

    /// Records an edit of any record type: only the fields that differ from
    /// `original` (what the form started from), so fields another device
    /// changed meanwhile are not overwritten with stale values.
    pub async fn save_record<T: Record>(
        &self,
        original: Option<&T>,
        record: &T,
    ) -> Result<(), VaultError> {
        let changes = changed_fields(
            original.map(record_fields).unwrap_or_default(),
            record_fields(record),
        );
        if changes.is_empty() {
            return Ok(());
        }
        let fields: Vec<String> = changes.iter().map(|(f, _)| f.clone()).collect();
        let lane = self.lane_of(T::NAMESPACE)?;
        self.submit(
            lane,
            vec![Event::Edit {
                record_id: record.id(),
                changes,
                now_ms: now_ms(),
            }],
        )
        .await?;
        let created = original.is_none();
        crate::audit::saved(self.state, T::NAMESPACE, record.id(), created, &fields);
        Ok(())
    }

    pub async fn delete_contact(&self, id: Uuid) -> Result<(), VaultError> {
        self.delete_record(CONTACT_NAMESPACE, id).await
    }

    /// Deletes a record of any type (a tombstone that syncs).
    pub async fn delete_record(&self, namespace: &str, id: Uuid) -> Result<(), VaultError> {
        let lane = self.lane_of(namespace)?;
        self.submit(
            lane,
            vec![Event::Delete {
                record_id: id,
                now_ms: now_ms(),
            }],
        )
        .await?;
        crate::audit::deleted(self.state, namespace, id);
        Ok(())
    }

    /// Many new contacts at once (import, tests): one job, stored together.
    pub async fn add_contacts(&self, contacts: &[Contact]) -> Result<(), VaultError> {
        self.add_records(contacts).await
    }

    /// Many new records of one type at once: one job, stored together.
    pub async fn add_records<T: Record>(&self, records: &[T]) -> Result<(), VaultError> {
        let now = now_ms();
        let lane = self.lane_of(T::NAMESPACE)?;
        self.submit(
            lane,
            records
                .iter()
                .map(|r| Event::Edit {
                    record_id: r.id(),
                    changes: record_fields(r),
                    now_ms: now,
                })
                .collect(),
        )
        .await?;
        let ids: Vec<Uuid> = records.iter().map(Record::id).collect();
        crate::audit::added(self.state, T::NAMESPACE, &ids);
        Ok(())
    }

    /// A contact's history: values that were replaced, newest first, with
    /// the bookkeeping fields left out.
    pub fn history(&self, id: Uuid) -> Vec<coffer_sync::Superseded> {
        self.record_history(CONTACT_NAMESPACE, id)
    }

    /// Any record's history, newest first, bookkeeping fields left out.
    pub fn record_history(&self, namespace: &str, id: Uuid) -> Vec<coffer_sync::Superseded> {
        let Ok(lane) = self.lane_of(namespace) else {
            return Vec::new();
        };
        let engine = self.lanes[lane].engine.borrow();
        let Some(doc) = engine.doc(id) else {
            return Vec::new();
        };
        let mut entries: Vec<_> = doc
            .changed_history()
            .into_iter()
            .filter(|h| !matches!(h.field.as_str(), "updated_ms" | "created_ms"))
            .cloned()
            .collect();
        entries.reverse();
        entries
    }

    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The user confirmed the server was restored from a backup: forget the
    /// pinned history and upload everything this device has on top.
    pub fn accept_restored_server(&self) {
        self.send(Job::AcceptRestored);
    }

    pub fn retry(&self) {
        self.send(Job::Retry);
    }

    /// Pull now (the "sync now" button).
    pub fn sync_now(self: &Rc<Self>) {
        if self.state.sync_status.with_untracked(|s| s.online) {
            self.to_every_lane(|| Event::Tick { now_ms: now_ms() });
        } else {
            self.probe();
        }
    }

    fn send(&self, job: Job) {
        let _ = self.jobs.unbounded_send(job);
    }

    async fn submit(&self, lane: usize, events: Vec<Event>) -> Result<(), VaultError> {
        let (reply, done) = oneshot::channel();
        self.send(Job::Edit(lane, events, reply));
        done.await
            .map_err(|_| VaultError::Encoding("sync stopped".into()))?
    }

    async fn pump(self: Rc<Self>, mut rx: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = rx.next().await {
            if self.stopped.get() {
                break;
            }
            match job {
                Job::Engine(lane, event) => {
                    let actions = self.lanes[lane].engine.borrow_mut().handle(event);
                    let _ = self.run(lane, actions).await;
                }
                Job::Edit(lane, events, reply) => {
                    if let Err(e) = self.ensure_keys(lane, &events).await {
                        let _ = reply.send(Err(e));
                        continue;
                    }
                    let mut actions = Vec::new();
                    {
                        let mut engine = self.lanes[lane].engine.borrow_mut();
                        for event in events {
                            actions.extend(engine.handle(event));
                        }
                    }
                    let result = self.run(lane, actions).await;
                    let _ = reply.send(result);
                }
                Job::Erase(id, cause, reply) => {
                    let _ = reply.send(self.erase_here(id, cause).await);
                }
                Job::AcceptRestored => {
                    self.state.sync_status.update(|s| s.problem = None);
                    // A server restored from a backup may hold keys of
                    // records erased since: delete them again.
                    let erased: Vec<Uuid> = self.keyring.borrow().erased_ids().collect();
                    self.undeleted_keys.borrow_mut().extend(erased);
                    self.delete_erased_keys();
                    // It may lack keys made since its backup: send them all
                    // again before the records they open.
                    let entries: Vec<WrappedKey> = self
                        .keyring
                        .borrow()
                        .entries()
                        .filter(|e| e.kind() == KeyKind::Record)
                        .cloned()
                        .collect();
                    if keys::store(&self.db, &entries, true).await.is_ok() {
                        self.unsent_keys
                            .borrow_mut()
                            .extend(entries.iter().map(WrappedKey::id));
                    }
                    for lane in 0..self.lanes.len() {
                        let actions = self.lanes[lane]
                            .engine
                            .borrow_mut()
                            .accept_restored_server();
                        let _ = self.run(lane, actions).await;
                    }
                }
                Job::Retry => {
                    self.state.sync_status.update(|s| s.problem = None);
                    for lane in 0..self.lanes.len() {
                        let actions = self.lanes[lane]
                            .engine
                            .borrow_mut()
                            .retry_after_chain_error();
                        let _ = self.run(lane, actions).await;
                    }
                }
            }
            self.refresh_status();
        }
    }

    /// Carries out the engine's actions in order; stores are batched into
    /// one transaction up to the next action that is not a store.
    async fn run(
        self: &Rc<Self>,
        lane: usize,
        actions: Vec<Action<coffer_crypto::CryptoError>>,
    ) -> Result<(), VaultError> {
        let namespace = self.lanes[lane].namespace;
        let mut stores: Vec<(Uuid, StoredRecord)> = Vec::new();
        let mut result = Ok(());
        for action in actions {
            if let Action::Store { record_id, record } = action {
                stores.push((record_id, record));
                continue;
            }
            if let Err(e) = self.flush(namespace, &mut stores).await {
                result = Err(e);
            }
            match action {
                Action::Store { .. } => {}
                Action::StoreSyncState(sync_state) => {
                    if let Ok(text) = serde_json::to_string(&sync_state) {
                        let _ = self
                            .db
                            .put_meta_text(MetaKey::SyncState(namespace), &text)
                            .await;
                    }
                }
                Action::Push(items) => self.send_push(lane, items),
                Action::Pull { since_seq, request } => self.send_pull(lane, since_seq, request),
                Action::HistoryChanged { .. } => {
                    self.state.history_version.update(|v| *v += 1);
                }
                // A revision of an erased contact: its key is gone by design.
                Action::Rejected {
                    reason: Rejection::Unreadable(CryptoError::RecordKeyErased),
                    ..
                } => {}
                // No key for it (yet): erased on another device before this
                // one heard of it, or withheld. Counted, not alarmed about.
                Action::Rejected {
                    reason: Rejection::Unreadable(CryptoError::NoRecordKey),
                    ..
                } => {
                    self.state.sync_status.update(|s| s.rejected += 1);
                }
                Action::Rejected { .. } => {
                    self.state.sync_status.update(|s| s.rejected += 1);
                    self.state.warn(self.state.t(Msg::SyncRejected));
                }
                Action::SealFailed { error, .. } => {
                    self.state.warn(error.to_string());
                }
                Action::ChainBroken(error) => {
                    self.state
                        .sync_status
                        .update(|s| s.problem = Some(SyncProblem::ChainBroken(error.to_string())));
                }
            }
        }
        if let Err(e) = self.flush(namespace, &mut stores).await {
            result = Err(e);
        }
        result
    }

    async fn flush(
        &self,
        namespace: &'static str,
        stores: &mut Vec<(Uuid, StoredRecord)>,
    ) -> Result<(), VaultError> {
        if stores.is_empty() {
            return Ok(());
        }
        let mut batch = std::mem::take(stores);
        let sealed = if per_record(namespace) {
            let keyring = self.keyring.borrow();
            // A placeholder for a revision that could not be opened (an
            // erased record's) holds nothing and has no key to seal with.
            batch.retain(|(id, r)| {
                !(r.doc.fields().is_empty() && keyring.entry(KeyKind::Record, *id).is_none())
            });
            let refs: Vec<(Uuid, &StoredRecord)> = batch.iter().map(|(id, r)| (*id, r)).collect();
            vault::seal_synced(
                &PerRecord {
                    vault: &self.key,
                    keyring: &keyring,
                },
                namespace,
                &refs,
            )
        } else {
            let refs: Vec<(Uuid, &StoredRecord)> = batch.iter().map(|(id, r)| (*id, r)).collect();
            vault::seal_synced(&*self.key, namespace, &refs)
        };
        let stored = match sealed {
            Ok(sealed) => vault::put_sealed(&self.db, namespace, &sealed).await,
            Err(e) => Err(e),
        };
        if let Err(e) = stored {
            self.state
                .sync_status
                .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
            return Err(e);
        }
        if namespace == CONTACT_NAMESPACE {
            self.state.book.update(|book| {
                for (id, record) in &batch {
                    match contact_from_doc(*id, &record.doc) {
                        Some(contact) => book.upsert(contact),
                        None => book.remove(*id),
                    }
                }
            });
        } else {
            self.state.records.update(|set| {
                for (id, record) in &batch {
                    match json_from_doc(*id, &record.doc) {
                        Some(json) => set.upsert(namespace, *id, json),
                        None => set.remove(namespace, *id),
                    }
                }
            });
        }
        if namespace == TOMBSTONE_NAMESPACE {
            // Another device erased these: do the same here.
            for (_, record) in &batch {
                let tombstone: Option<ErasureTombstone> = json_from_doc(Uuid::nil(), &record.doc)
                    .and_then(|json| serde_json::from_value(json).ok());
                if let Some(t) = tombstone.filter(|t| t.record_type == CONTACT_NAMESPACE)
                    && !self.keyring.borrow().is_erased(t.record_id)
                {
                    self.shred(t.record_id).await?;
                }
            }
        }
        Ok(())
    }

    /// Makes keys for new contacts before their first edit is sealed, and
    /// stores them (marked unsent) before anything else happens.
    async fn ensure_keys(&self, lane: usize, events: &[Event]) -> Result<(), VaultError> {
        if !per_record(self.lanes[lane].namespace) {
            return Ok(());
        }
        let ids = events.iter().filter_map(|e| match e {
            Event::Edit { record_id, .. } => Some(*record_id),
            _ => None,
        });
        let created = keys::ensure_record_keys(&mut self.keyring.borrow_mut(), &self.key, ids)?;
        if created.is_empty() {
            return Ok(());
        }
        keys::store(&self.db, &created, true).await?;
        self.unsent_keys
            .borrow_mut()
            .extend(created.iter().map(WrappedKey::id));
        Ok(())
    }

    /// Builds an encrypted backup file of this device's vault (see
    /// `backup.rs`); needs the account, which keeps the backup's key.
    pub async fn backup(&self) -> Result<Vec<u8>, crate::backup::BackupError> {
        let link = self.link();
        crate::backup::create(&self.db, &self.key, &self.keyring, link.as_ref()).await
    }

    /// Erases a contact everywhere: a tombstone (ids and times only) that
    /// syncs to every device, then the contact and its key are destroyed
    /// here and the key is deleted on the server. Every copy of the
    /// contact's envelopes (server history, other devices' stores, backup
    /// files) is then unreadable: no key that remains opens them.
    pub async fn erase_contact(&self, id: Uuid, cause: ErasureCause) -> Result<(), VaultError> {
        let (reply, done) = oneshot::channel();
        self.send(Job::Erase(id, cause, reply));
        done.await
            .map_err(|_| VaultError::Encoding("sync stopped".into()))??;
        crate::audit::record(
            self.state,
            coffer_core::privacy::audit::AuditAction::Erasure,
            CONTACT_NAMESPACE,
            Some(id),
            "",
        );
        Ok(())
    }

    async fn erase_here(self: &Rc<Self>, id: Uuid, cause: ErasureCause) -> Result<(), VaultError> {
        let tombstone = ErasureTombstone {
            record_type: CONTACT_NAMESPACE.into(),
            record_id: id,
            erased_ms: vault::now_ms(),
            erased_by: Actor {
                user_id: Uuid::nil(),
                device_id: Uuid::from_bytes(self.device.0),
            },
            cause,
        };
        let lane = self.lane_of(TOMBSTONE_NAMESPACE)?;
        let actions = self.lanes[lane].engine.borrow_mut().handle(Event::Edit {
            record_id: id,
            changes: record_fields(&tombstone),
            now_ms: now_ms(),
        });
        // Storing the tombstone shreds the contact (see `flush`).
        self.run(lane, actions).await
    }

    /// Destroys a contact and its key on this device, and its key on the
    /// server (now, or on the next connection).
    async fn shred(&self, id: Uuid) -> Result<(), VaultError> {
        if let Ok(lane) = self.lane_of(CONTACT_NAMESPACE) {
            self.lanes[lane].engine.borrow_mut().forget(id);
        }
        self.state.book.update(|book| book.remove(id));
        // Records that belong to the person alone go with them.
        let owned: Vec<(&'static str, Uuid)> = self
            .state
            .records
            .with_untracked(|set| set.owned_by_contact(id));
        let erasure = self.keyring.borrow_mut().erase(id);
        keys::store_erasure(&self.db, id, &erasure.shredded_backups).await?;
        self.db.delete_record(CONTACT_NAMESPACE, id).await?;
        self.undeleted_keys.borrow_mut().insert(id);
        for (namespace, owned_id) in owned {
            if let Ok(lane) = self.lane_of(namespace) {
                self.send(Job::Engine(
                    lane,
                    Event::Delete {
                        record_id: owned_id,
                        now_ms: now_ms(),
                    },
                ));
            }
        }
        self.delete_erased_keys();
        Ok(())
    }

    /// Deletes erased records' keys on the server (and, after an erasure,
    /// every backup key it holds: those backups can no longer be restored).
    fn delete_erased_keys(&self) {
        let Some(token) = self.token() else { return };
        let pending: Vec<Uuid> = self.undeleted_keys.borrow().iter().copied().collect();
        if pending.is_empty() || !self.state.sync_status.with_untracked(|s| s.online) {
            return;
        }
        let db = self.db.clone();
        let undeleted = self.undeleted_keys.clone();
        spawn_local(async move {
            if let Ok(backups) = api::backup_keys(&token).await {
                for entry in backups {
                    if let Ok(entry) = WrappedKey::from_bytes(&entry) {
                        let _ = api::delete_key(&token, "backup", entry.id()).await;
                    }
                }
            }
            for id in pending {
                if api::delete_key(&token, "record", id).await.is_ok()
                    && keys::mark_deleted(&db, id).await.is_ok()
                {
                    undeleted.borrow_mut().remove(&id);
                }
            }
        });
    }

    fn token(&self) -> Option<String> {
        self.link.borrow().as_ref().map(|l| l.session.token.clone())
    }

    fn in_flight(&self) -> usize {
        self.lanes.iter().map(|l| l.in_flight.get()).sum()
    }

    fn begin_request(&self, lane: usize) {
        let l = &self.lanes[lane];
        l.in_flight.set(l.in_flight.get() + 1);
        self.state.sync_status.update(|s| s.busy = true);
    }

    fn end_request(self: &Rc<Self>, lane: usize) {
        let l = &self.lanes[lane];
        let left = l.in_flight.get().saturating_sub(1);
        l.in_flight.set(left);
        if left == 0 && l.pull_later.replace(false) {
            self.send(Job::Engine(lane, Event::Tick { now_ms: now_ms() }));
        }
        if self.in_flight() == 0 {
            self.state.sync_status.update(|s| s.busy = false);
        }
    }

    fn send_push(self: &Rc<Self>, lane: usize, items: Vec<coffer_sync::PushItem>) {
        let Some(token) = self.token() else { return };
        self.begin_request(lane);
        let this = self.clone();
        let collection = self.lanes[lane].namespace;
        spawn_local(async move {
            // A record's key reaches the server before any revision of it.
            let keys_sent = if per_record(collection) {
                this.send_unsent_keys(&token).await
            } else {
                Ok(())
            };
            let result = match keys_sent {
                Ok(()) => api::push(&token, collection, &items).await,
                Err(e) => Err(e),
            };
            this.end_request(lane);
            match result {
                Ok(response) => this.send(Job::Engine(lane, Event::Pushed(response))),
                Err(e) => this.request_failed(lane, e),
            }
        });
    }

    fn send_pull(self: &Rc<Self>, lane: usize, since: u64, request: u64) {
        let Some(token) = self.token() else { return };
        self.begin_request(lane);
        let this = self.clone();
        let collection = self.lanes[lane].namespace;
        spawn_local(async move {
            let mut result = api::pull(&token, collection, since, request).await;
            if per_record(collection)
                && let Ok((page, _)) = &result
                && let Err(e) = this.fetch_keys(&token, page).await
            {
                result = Err(e);
            }
            this.end_request(lane);
            match result {
                Ok((page, _bytes)) => this.send(Job::Engine(lane, Event::Pulled(page))),
                Err(e) => this.request_failed(lane, e),
            }
        });
    }

    async fn send_unsent_keys(&self, token: &str) -> Result<(), ApiError> {
        loop {
            let batch: Vec<(Uuid, Vec<u8>)> = {
                let keyring = self.keyring.borrow();
                self.unsent_keys
                    .borrow()
                    .iter()
                    .filter_map(|id| {
                        keyring
                            .entry(KeyKind::Record, *id)
                            .map(|e| (*id, e.as_bytes().to_vec()))
                    })
                    .take(KEYS_PER_REQUEST)
                    .collect()
            };
            if batch.is_empty() {
                // Whatever is left has no key any more (erased).
                self.unsent_keys.borrow_mut().clear();
                return Ok(());
            }
            let entries: Vec<Vec<u8>> = batch.iter().map(|(_, e)| e.clone()).collect();
            api::put_keys(token, &entries).await?;
            let ids: Vec<Uuid> = batch.iter().map(|(id, _)| *id).collect();
            let _ = keys::mark_sent(&self.db, &ids).await;
            let mut unsent = self.unsent_keys.borrow_mut();
            for id in &ids {
                unsent.remove(id);
            }
        }
    }

    /// Fetches the keys of pulled records this device has no key for
    /// (contacts created on another device), before the engine opens them.
    async fn fetch_keys(
        &self,
        token: &str,
        page: &coffer_sync::PullResponse,
    ) -> Result<(), ApiError> {
        let missing: Vec<Uuid> = {
            let keyring = self.keyring.borrow();
            let vault_key_id = self.key.key_id();
            let mut ids: Vec<Uuid> = page
                .entries
                .iter()
                .filter(|e| {
                    coffer_crypto::Envelope::from_bytes(e.envelope.clone())
                        .is_ok_and(|env| env.key_id() != vault_key_id)
                        && keyring.entry(KeyKind::Record, e.record_id).is_none()
                        && !keyring.is_erased(e.record_id)
                })
                .map(|e| e.record_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for chunk in missing.chunks(KEYS_PER_REQUEST) {
            let found = api::lookup_keys(token, chunk).await?;
            let mut accepted = Vec::new();
            {
                let mut keyring = self.keyring.borrow_mut();
                for bytes in found {
                    // Only a record key for an id asked for; a key for an
                    // erased record is refused by the keyring itself.
                    let Ok(entry) = WrappedKey::from_bytes(&bytes) else {
                        continue;
                    };
                    if entry.kind() == KeyKind::Record
                        && chunk.contains(&entry.id())
                        && keyring.insert(entry.clone()).is_ok()
                    {
                        accepted.push(entry);
                    }
                }
            }
            if let Err(e) = keys::store(&self.db, &accepted, false).await {
                self.state
                    .sync_status
                    .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
            }
        }
        Ok(())
    }

    fn request_failed(self: &Rc<Self>, lane: usize, error: ApiError) {
        if self.stopped.get() {
            return;
        }
        let l = &self.lanes[lane];
        match &error {
            ApiError::Unreachable(_) => self.went_offline(),
            ApiError::Refused { code, .. } if code == "payload_too_large" && l.batch.get() > 1 => {
                let smaller = l.batch.get() / 2;
                l.batch.set(smaller);
                l.engine.borrow_mut().set_max_batch(smaller);
                self.send(Job::Engine(lane, Event::Tick { now_ms: now_ms() }));
            }
            e if e.is_unauthorized() => {
                self.events.replace(None);
                self.to_every_lane(|| Event::Offline);
                self.state.sync_status.update(|s| {
                    s.online = false;
                    s.problem = Some(SyncProblem::SignedOut);
                });
            }
            other => {
                let code = match other {
                    ApiError::Refused { code, .. } => code.clone(),
                    e => e.to_string(),
                };
                let wait = match other {
                    ApiError::Refused {
                        retry_after: Some(s),
                        ..
                    } => s.saturating_mul(1000).max(RETRY_MS),
                    _ => RETRY_MS,
                };
                self.state
                    .sync_status
                    .update(|s| s.problem = Some(SyncProblem::Refused(code)));
                let this = self.clone();
                spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(wait).await;
                    if !this.stopped.get() && this.link.borrow().is_some() {
                        this.state.sync_status.update(|s| {
                            if matches!(s.problem, Some(SyncProblem::Refused(_))) {
                                s.problem = None;
                            }
                        });
                        this.send(Job::Engine(lane, Event::Tick { now_ms: now_ms() }));
                    }
                });
            }
        }
    }

    fn went_offline(self: &Rc<Self>) {
        if self.link.borrow().is_none() {
            return;
        }
        if self.state.sync_status.with_untracked(|s| s.online) {
            self.to_every_lane(|| Event::Offline);
            self.state.sync_status.update(|s| s.online = false);
        }
        self.probe();
    }

    /// Checks until the server answers again, then resumes syncing.
    fn probe(self: &Rc<Self>) {
        if self.probing.replace(true) {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            loop {
                if this.stopped.get() || this.link.borrow().is_none() {
                    break;
                }
                if api::reachable().await {
                    if !this.state.sync_status.with_untracked(|s| s.online) {
                        this.went_online();
                    }
                    break;
                }
                gloo_timers::future::TimeoutFuture::new(PROBE_MS).await;
            }
            this.probing.set(false);
        });
    }

    fn open_events(self: &Rc<Self>) {
        let Some(token) = self.token() else { return };
        // EventSource cannot send headers; the server accepts the token in
        // the query for this one route and never logs query strings.
        let url = format!("/api/events?token={token}");
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let weak = Rc::downgrade(self);
        let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(this) = weak.upgrade() else { return };
                let lane = event
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<Value>(&d).ok())
                    .and_then(|v| v["collection"].as_str().map(str::to_owned))
                    .and_then(|c| this.lane_of(&c).ok());
                if let Some(lane) = lane {
                    this.pull_soon(lane);
                }
            },
        );
        // A change is announced only to streams open at the time: one made
        // while this stream was connecting (after the pull that going online
        // started) or while it was reconnecting (the server was away) is
        // never announced here. So pull every time the stream opens, after
        // it is subscribed.
        let weak = Rc::downgrade(self);
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let Some(this) = weak.upgrade() else { return };
            for lane in 0..this.lanes.len() {
                this.pull_soon(lane);
            }
        });
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
        self.events.replace(Some(EventStream {
            source,
            _on_change: on_change,
            _on_open: on_open,
        }));
    }

    /// Pulls after the lane's requests under way (a pull now would count
    /// them as lost and send them again).
    fn pull_soon(&self, lane: usize) {
        let l = &self.lanes[lane];
        if l.in_flight.get() > 0 {
            l.pull_later.set(true);
        } else {
            self.send(Job::Engine(lane, Event::Tick { now_ms: now_ms() }));
        }
    }

    fn refresh_status(&self) {
        // Audit entries record the changes counted here: not counted twice
        // (but the device is only up to date once they are uploaded too).
        let all_pending: usize = self.lanes.iter().map(Lane::pending).sum();
        let pending: usize = self
            .lanes
            .iter()
            .filter(|l| l.namespace != coffer_core::privacy::audit::AUDIT_NAMESPACE)
            .map(Lane::pending)
            .sum();
        let broken = self
            .lanes
            .iter()
            .find_map(|l| l.engine.borrow().chain_error().map(|e| e.to_string()));
        let linked = self.link.borrow().is_some();
        let idle = self.in_flight() == 0;
        self.state.sync_status.update(|s| {
            s.pending = pending;
            if linked
                && idle
                && all_pending == 0
                && s.online
                && broken.is_none()
                && s.problem.is_none()
            {
                s.last_sync_ms = Some(js_sys::Date::now());
            }
            if let Some(b) = broken {
                s.problem = Some(SyncProblem::ChainBroken(b));
            }
        });
    }
}
