//! Drives the sans-IO sync engine (`coffer-sync`) for the contact
//! collection: persists what it asks to persist (sealed, in IndexedDB),
//! carries its requests to the server (`api.rs`), feeds the answers back,
//! and keeps the contact book and the sync status the UI shows in step.
//!
//! One task owns the engine and handles one job at a time, so its actions
//! run in order: an edit is on disk before the push that sends it. Network
//! requests run beside that task and come back as jobs. Change
//! notifications arrive over server-sent events; there is no polling loop
//! (only a reachability probe while the server cannot be reached).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use coffer_core::contact::Contact;
use coffer_core::i18n::Msg;
use coffer_core::record::{ACCOUNT_NAMESPACE, CONTACT_NAMESPACE};
use coffer_crypto::VaultKey;
use coffer_sync::{
    Action, CryptoCodec, DeviceId, Doc, Engine, Event, Hlc, StoredRecord, SyncState,
};
use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use zeroize::Zeroize;

use crate::api::{self, ApiError, SessionToken};
use crate::state::{AppState, ContactBook};
use crate::store::{Db, MetaKey};
use crate::vault::{self, VaultError};

/// The server collection contacts sync through (the envelope namespace).
pub const COLLECTION: &str = CONTACT_NAMESPACE;
/// Records per push: under the server's 1,000 items, and a typical
/// contact's envelope is a few KiB, so a first upload of 100,000 contacts
/// takes 200 round trips, not 1,600. A push over the server's 8 MiB body
/// limit halves it (large histories).
const PUSH_BATCH: usize = 500;
/// How long to wait between reachability probes while offline.
const PROBE_MS: u32 = 2_000;
/// How long to wait before retrying after the server refused a request.
const RETRY_MS: u32 = 5_000;

type ContactEngine = Engine<CryptoCodec<Rc<VaultKey>>>;

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
    Engine(Event),
    /// Local edits; the reply comes once they are on disk.
    Edit(Vec<Event>, oneshot::Sender<Result<(), VaultError>>),
    AcceptRestored,
    Retry,
}

/// The running sync of one unlocked vault. Dropped (after [`Syncer::stop`])
/// on lock, with the key it holds.
pub struct Syncer {
    engine: RefCell<ContactEngine>,
    db: Rc<Db>,
    key: Rc<VaultKey>,
    link: RefCell<Option<AccountLink>>,
    jobs: mpsc::UnboundedSender<Job>,
    state: AppState,
    in_flight: Cell<usize>,
    /// Records per push now (halved after a push was too large).
    batch: Cell<usize>,
    /// A change notification arrived while requests were under way.
    pull_later: Cell<bool>,
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

pub async fn load_sync_state(db: &Db) -> Result<SyncState, VaultError> {
    Ok(db
        .meta_text(MetaKey::SyncState)
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

/// A contact as document fields: its top-level JSON members, so that edits
/// to different members merge.
pub fn contact_fields(contact: &Contact) -> Vec<(String, Value)> {
    match serde_json::to_value(contact) {
        Ok(Value::Object(map)) => map.into_iter().filter(|(k, _)| k != "id").collect(),
        _ => Vec::new(),
    }
}

/// The contact a document holds, unless it is deleted or a placeholder.
pub fn contact_from_doc(id: Uuid, doc: &Doc) -> Option<Contact> {
    if doc.is_deleted() || doc.fields().is_empty() {
        return None;
    }
    let map: serde_json::Map<String, Value> = doc
        .fields()
        .iter()
        .map(|(k, f)| (k.clone(), f.value.clone()))
        .collect();
    let mut contact: Contact = serde_json::from_value(Value::Object(map)).ok()?;
    contact.id = id;
    Some(contact)
}

fn now_ms() -> u64 {
    u64::try_from(vault::now_ms()).unwrap_or(0)
}

impl Syncer {
    /// Starts the engine over the records loaded from this device (offline
    /// until [`Syncer::connect`]), and fills the contact book from them.
    pub fn start(
        state: AppState,
        db: Rc<Db>,
        key: Rc<VaultKey>,
        device: DeviceId,
        records: Vec<(Uuid, StoredRecord)>,
        sync_state: SyncState,
    ) -> Result<Rc<Syncer>, VaultError> {
        let codec = CryptoCodec::new(key.clone(), COLLECTION)?;
        let mut engine = Engine::resume(device, codec, records, sync_state);
        engine.set_max_batch(PUSH_BATCH);
        let book = ContactBook::from_contacts(
            engine
                .records()
                .iter()
                .filter_map(|(id, r)| contact_from_doc(*id, &r.doc)),
        );
        state.book.set(book);
        let (jobs, rx) = mpsc::unbounded();
        let syncer = Rc::new(Syncer {
            engine: RefCell::new(engine),
            db,
            key,
            link: RefCell::new(None),
            jobs,
            state,
            in_flight: Cell::new(0),
            batch: Cell::new(PUSH_BATCH),
            pull_later: Cell::new(false),
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
        self.send(Job::Engine(Event::Online));
    }

    /// Stops syncing with the account (signed out); local data stays.
    pub fn disconnect(&self) {
        self.events.replace(None);
        self.link.replace(None);
        self.send(Job::Engine(Event::Offline));
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

    /// Records an edit of `contact`: only the fields that differ from
    /// `original` (what the form started from), so fields another device
    /// changed meanwhile are not overwritten with stale values.
    pub async fn save_contact(
        &self,
        original: Option<&Contact>,
        contact: &Contact,
    ) -> Result<(), VaultError> {
        let before: std::collections::HashMap<String, Value> = original
            .map(contact_fields)
            .unwrap_or_default()
            .into_iter()
            .collect();
        let changes: Vec<(String, Value)> = contact_fields(contact)
            .into_iter()
            .filter(|(field, value)| before.get(field) != Some(value))
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        self.submit(Event::Edit {
            record_id: contact.id,
            changes,
            now_ms: now_ms(),
        })
        .await
    }

    pub async fn delete_contact(&self, id: Uuid) -> Result<(), VaultError> {
        self.submit(Event::Delete {
            record_id: id,
            now_ms: now_ms(),
        })
        .await
    }

    /// Many new contacts at once (import, tests): one job, stored together.
    pub async fn add_contacts(&self, contacts: &[Contact]) -> Result<(), VaultError> {
        let now = now_ms();
        self.submit_all(
            contacts
                .iter()
                .map(|c| Event::Edit {
                    record_id: c.id,
                    changes: contact_fields(c),
                    now_ms: now,
                })
                .collect(),
        )
        .await
    }

    /// The record's history: values that were replaced, newest first, with
    /// the bookkeeping fields left out.
    pub fn history(&self, id: Uuid) -> Vec<coffer_sync::Superseded> {
        let engine = self.engine.borrow();
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
        self.engine.borrow().device()
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
            self.send(Job::Engine(Event::Tick { now_ms: now_ms() }));
        } else {
            self.probe();
        }
    }

    fn send(&self, job: Job) {
        let _ = self.jobs.unbounded_send(job);
    }

    async fn submit(&self, event: Event) -> Result<(), VaultError> {
        self.submit_all(vec![event]).await
    }

    async fn submit_all(&self, events: Vec<Event>) -> Result<(), VaultError> {
        let (reply, done) = oneshot::channel();
        self.send(Job::Edit(events, reply));
        done.await
            .map_err(|_| VaultError::Encoding("sync stopped".into()))?
    }

    async fn pump(self: Rc<Self>, mut rx: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = rx.next().await {
            if self.stopped.get() {
                break;
            }
            match job {
                Job::Engine(event) => {
                    let actions = self.engine.borrow_mut().handle(event);
                    let _ = self.run(actions).await;
                }
                Job::Edit(events, reply) => {
                    let mut actions = Vec::new();
                    {
                        let mut engine = self.engine.borrow_mut();
                        for event in events {
                            actions.extend(engine.handle(event));
                        }
                    }
                    let result = self.run(actions).await;
                    let _ = reply.send(result);
                }
                Job::AcceptRestored => {
                    self.state.sync_status.update(|s| s.problem = None);
                    let actions = self.engine.borrow_mut().accept_restored_server();
                    let _ = self.run(actions).await;
                }
                Job::Retry => {
                    self.state.sync_status.update(|s| s.problem = None);
                    let actions = self.engine.borrow_mut().retry_after_chain_error();
                    let _ = self.run(actions).await;
                }
            }
            self.refresh_status();
        }
    }

    /// Carries out the engine's actions in order; stores are batched into
    /// one transaction up to the next action that is not a store.
    async fn run(
        self: &Rc<Self>,
        actions: Vec<Action<coffer_crypto::CryptoError>>,
    ) -> Result<(), VaultError> {
        let mut stores: Vec<(Uuid, StoredRecord)> = Vec::new();
        let mut result = Ok(());
        for action in actions {
            if let Action::Store { record_id, record } = action {
                stores.push((record_id, record));
                continue;
            }
            if let Err(e) = self.flush(&mut stores).await {
                result = Err(e);
            }
            match action {
                Action::Store { .. } => {}
                Action::StoreSyncState(sync_state) => {
                    if let Ok(text) = serde_json::to_string(&sync_state) {
                        let _ = self.db.put_meta_text(MetaKey::SyncState, &text).await;
                    }
                }
                Action::Push(items) => self.send_push(items),
                Action::Pull { since_seq, request } => self.send_pull(since_seq, request),
                Action::HistoryChanged { .. } => {
                    self.state.history_version.update(|v| *v += 1);
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
        if let Err(e) = self.flush(&mut stores).await {
            result = Err(e);
        }
        result
    }

    async fn flush(&self, stores: &mut Vec<(Uuid, StoredRecord)>) -> Result<(), VaultError> {
        if stores.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(stores);
        let refs: Vec<(Uuid, &StoredRecord)> = batch.iter().map(|(id, r)| (*id, r)).collect();
        if let Err(e) = vault::store_synced(&self.db, &self.key, COLLECTION, &refs).await {
            self.state
                .sync_status
                .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
            return Err(e);
        }
        self.state.book.update(|book| {
            for (id, record) in &batch {
                match contact_from_doc(*id, &record.doc) {
                    Some(contact) => book.upsert(contact),
                    None => book.remove(*id),
                }
            }
        });
        Ok(())
    }

    fn token(&self) -> Option<String> {
        self.link.borrow().as_ref().map(|l| l.session.token.clone())
    }

    fn begin_request(&self) {
        self.in_flight.set(self.in_flight.get() + 1);
        self.state.sync_status.update(|s| s.busy = true);
    }

    fn end_request(self: &Rc<Self>) {
        let left = self.in_flight.get().saturating_sub(1);
        self.in_flight.set(left);
        if left == 0 {
            self.state.sync_status.update(|s| s.busy = false);
            if self.pull_later.replace(false) {
                self.send(Job::Engine(Event::Tick { now_ms: now_ms() }));
            }
        }
    }

    fn send_push(self: &Rc<Self>, items: Vec<coffer_sync::PushItem>) {
        let Some(token) = self.token() else { return };
        self.begin_request();
        let this = self.clone();
        spawn_local(async move {
            let result = api::push(&token, COLLECTION, &items).await;
            this.end_request();
            match result {
                Ok(response) => this.send(Job::Engine(Event::Pushed(response))),
                Err(e) => this.request_failed(e),
            }
        });
    }

    fn send_pull(self: &Rc<Self>, since: u64, request: u64) {
        let Some(token) = self.token() else { return };
        self.begin_request();
        let this = self.clone();
        spawn_local(async move {
            let result = api::pull(&token, COLLECTION, since, request).await;
            this.end_request();
            match result {
                Ok((page, _bytes)) => this.send(Job::Engine(Event::Pulled(page))),
                Err(e) => this.request_failed(e),
            }
        });
    }

    fn request_failed(self: &Rc<Self>, error: ApiError) {
        if self.stopped.get() {
            return;
        }
        match &error {
            ApiError::Unreachable(_) => self.went_offline(),
            ApiError::Refused { code, .. }
                if code == "payload_too_large" && self.batch.get() > 1 =>
            {
                let smaller = self.batch.get() / 2;
                self.batch.set(smaller);
                self.engine.borrow_mut().set_max_batch(smaller);
                self.send(Job::Engine(Event::Tick { now_ms: now_ms() }));
            }
            e if e.is_unauthorized() => {
                self.events.replace(None);
                self.send(Job::Engine(Event::Offline));
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
                        this.send(Job::Engine(Event::Tick { now_ms: now_ms() }));
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
            self.send(Job::Engine(Event::Offline));
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
                let about_us = event
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<Value>(&d).ok())
                    .is_some_and(|v| v["collection"] == COLLECTION);
                if about_us {
                    this.pull_soon();
                }
            },
        );
        // The stream reconnects by itself after the server was away; what
        // changed meanwhile was not announced, so pull once it is back.
        let weak = Rc::downgrade(self);
        let opened_before = Cell::new(false);
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let Some(this) = weak.upgrade() else { return };
            if opened_before.replace(true) {
                this.pull_soon();
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

    /// Pulls after the requests under way (a pull now would count them as
    /// lost and send them again).
    fn pull_soon(&self) {
        if self.in_flight.get() > 0 {
            self.pull_later.set(true);
        } else {
            self.send(Job::Engine(Event::Tick { now_ms: now_ms() }));
        }
    }

    fn refresh_status(&self) {
        let engine = self.engine.borrow();
        let pending = engine.outbox().len();
        let broken = engine.chain_error().map(|e| e.to_string());
        drop(engine);
        let linked = self.link.borrow().is_some();
        let idle = self.in_flight.get() == 0;
        self.state.sync_status.update(|s| {
            s.pending = pending;
            if linked && idle && pending == 0 && s.online && broken.is_none() && s.problem.is_none()
            {
                s.last_sync_ms = Some(js_sys::Date::now());
            }
            if let Some(b) = broken {
                s.problem = Some(SyncProblem::ChainBroken(b));
            }
        });
    }
}
