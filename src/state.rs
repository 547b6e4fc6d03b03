//! The application state shared by every page, provided once at the root.

use crate::store::Db;
use crate::sync::{SyncStatus, Syncer};
use crate::vault::Damaged;
use coffer_core::contact::Contact;
use coffer_core::i18n::{Message, Msg};
use coffer_core::import::ImportUndo;
use coffer_core::record::Record;
use coffer_core::search::SearchIndex;
use coffer_core::settings::{Locale, Settings};
use coffer_crypto::VaultKey;
use leptos::prelude::*;
use std::collections::HashMap;
use std::rc::Rc;
use uuid::Uuid;
use zeroize::Zeroizing;

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Starting,
    StorageUnavailable(String),
    /// No vault on this device yet.
    Welcome,
    /// The vault was just created; the recovery code is shown once.
    ShowRecovery,
    Locked(LockReason),
    /// Unlocked with the recovery code: a new passphrase must be chosen.
    ChoosePassphrase,
    Unlocked(View),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockReason {
    Start,
    Manual,
    Idle(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Dashboard,
    Contacts,
    Companies,
    Deals,
    Activities,
    Tasks,
    Tickets,
    Privacy,
    Security,
    Import,
    Settings,
}

impl View {
    /// The pages in the order the navigation lists them.
    pub const NAV: [View; 11] = [
        View::Dashboard,
        View::Contacts,
        View::Companies,
        View::Deals,
        View::Activities,
        View::Tasks,
        View::Tickets,
        View::Privacy,
        View::Security,
        View::Import,
        View::Settings,
    ];

    /// The page's name in the interface language.
    pub fn label(self, locale: coffer_core::settings::Locale) -> &'static str {
        use coffer_core::i18n::{
            crm::CrmMsg, privacy::PrivacyMsg, security::SecurityMsg, work::WorkMsg,
        };
        match self {
            View::Dashboard => WorkMsg::NavDashboard.in_locale(locale),
            View::Contacts => Msg::Contacts.in_locale(locale),
            View::Companies => CrmMsg::NavCompanies.in_locale(locale),
            View::Deals => CrmMsg::NavDeals.in_locale(locale),
            View::Activities => WorkMsg::NavActivities.in_locale(locale),
            View::Tasks => WorkMsg::NavTasks.in_locale(locale),
            View::Tickets => WorkMsg::NavTickets.in_locale(locale),
            View::Privacy => PrivacyMsg::NavPrivacy.in_locale(locale),
            View::Security => SecurityMsg::NavSecurity.in_locale(locale),
            View::Import => Msg::Import.in_locale(locale),
            View::Settings => Msg::Settings.in_locale(locale),
        }
    }
}

/// A message for the live status region.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// Decrypted contacts and the search index over them. Exists only while
/// unlocked; the sync engine's documents are the source it is built from.
#[derive(Default)]
pub struct ContactBook {
    pub entries: HashMap<Uuid, Contact>,
    pub index: SearchIndex,
}

impl ContactBook {
    pub fn from_contacts(contacts: impl IntoIterator<Item = Contact>) -> Self {
        let contacts = contacts.into_iter();
        let mut index = SearchIndex::with_capacity(contacts.size_hint().0);
        let mut entries = HashMap::with_capacity(contacts.size_hint().0);
        for contact in contacts {
            index.upsert(&contact);
            entries.insert(contact.id, contact);
        }
        ContactBook { entries, index }
    }

    pub fn upsert(&mut self, contact: Contact) {
        self.index.upsert(&contact);
        self.entries.insert(contact.id, contact);
    }

    pub fn remove(&mut self, id: Uuid) {
        self.index.remove(id);
        self.entries.remove(&id);
    }
}

/// Decrypted records of every synced type other than contacts, as the JSON
/// objects their documents hold, by namespace. Exists only while unlocked.
/// Pages read typed records with [`RecordSet::get`] and [`RecordSet::all`].
#[derive(Clone, Debug, Default)]
pub struct RecordSet {
    by_namespace: HashMap<&'static str, HashMap<Uuid, serde_json::Value>>,
}

impl RecordSet {
    pub fn upsert(&mut self, namespace: &'static str, id: Uuid, json: serde_json::Value) {
        self.by_namespace
            .entry(namespace)
            .or_default()
            .insert(id, json);
    }

    pub fn remove(&mut self, namespace: &str, id: Uuid) {
        if let Some(map) = self.by_namespace.get_mut(namespace) {
            map.remove(&id);
        }
    }

    /// The JSON of every record of a namespace, in no particular order.
    pub fn json(&self, namespace: &str) -> impl Iterator<Item = (&Uuid, &serde_json::Value)> {
        self.by_namespace.get(namespace).into_iter().flatten()
    }

    /// Records that belong to one contact alone (their `contact_id` names
    /// it): consent entries, requests about them. Erasure deletes these.
    pub fn owned_by_contact(&self, contact: Uuid) -> Vec<(&'static str, Uuid)> {
        let wanted = contact.to_string();
        self.by_namespace
            .iter()
            .flat_map(|(namespace, records)| {
                records
                    .iter()
                    .filter(|(_, json)| json["contact_id"].as_str() == Some(wanted.as_str()))
                    .map(|(id, _)| (*namespace, *id))
            })
            .collect()
    }

    pub fn count(&self, namespace: &str) -> usize {
        self.by_namespace.get(namespace).map_or(0, HashMap::len)
    }

    /// One record, if it exists and reads as `T`.
    pub fn get<T: Record>(&self, id: Uuid) -> Option<T> {
        let json = self.by_namespace.get(T::NAMESPACE)?.get(&id)?;
        serde_json::from_value(json.clone()).ok()
    }

    /// Every record of type `T` that reads (in no particular order).
    pub fn all<T: Record>(&self) -> Vec<T> {
        self.json(T::NAMESPACE)
            .filter_map(|(_, json)| serde_json::from_value(json.clone()).ok())
            .collect()
    }
}

/// Keys and the database handle: browser objects, kept off the reactive graph.
pub struct Session {
    /// Shared with running tasks; zeroized when the last holder drops it.
    pub key: Rc<VaultKey>,
    pub settings_revision: Option<u64>,
    /// Set once the contacts are loaded.
    pub sync: Option<Rc<Syncer>>,
}

impl Session {
    pub fn new(key: VaultKey) -> Self {
        Session {
            key: Rc::new(key),
            settings_revision: None,
            sync: None,
        }
    }
}

/// Long work in progress: what is happening and, when known, (done, total).
pub type Busy = (String, Option<(usize, usize)>);

const NOTICE_MS: u32 = 4_000;
const NOTICE_ERROR_MS: u32 = 10_000;

#[derive(Clone, Copy)]
pub struct AppState {
    pub phase: RwSignal<Phase>,
    pub locale: RwSignal<Locale>,
    pub settings: RwSignal<Settings>,
    pub book: RwSignal<ContactBook>,
    /// Companies, deals, activities, tasks, ... (everything but contacts).
    pub records: RwSignal<RecordSet>,
    pub damaged: RwSignal<Vec<Damaged>>,
    pub notice: RwSignal<Option<Notice>>,
    /// Work in progress: a message and, when known, (done, total).
    pub busy: RwSignal<Option<Busy>>,
    pub sync_status: RwSignal<SyncStatus>,
    /// Bumped when a merge adds to some record's history.
    pub history_version: RwSignal<u64>,
    pub db: StoredValue<Option<Rc<Db>>, LocalStorage>,
    pub session: StoredValue<Option<Session>, LocalStorage>,
    /// Shown once after creating the vault, then dropped (zeroized).
    pub recovery_code: StoredValue<Option<Zeroizing<String>>, LocalStorage>,
    pub last_activity_ms: StoredValue<f64>,
    /// How to undo the last import. Kept in memory only (never stored, so
    /// never on disk in any form) and dropped on lock: undo is offered for
    /// the session in which the import ran.
    pub last_import: StoredValue<Option<ImportUndo>, LocalStorage>,
}

impl AppState {
    pub fn new(locale: Locale) -> Self {
        AppState {
            phase: RwSignal::new(Phase::Starting),
            locale: RwSignal::new(locale),
            settings: RwSignal::new(Settings::default()),
            book: RwSignal::new(ContactBook::default()),
            records: RwSignal::new(RecordSet::default()),
            damaged: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            sync_status: RwSignal::new(SyncStatus::default()),
            history_version: RwSignal::new(0),
            db: StoredValue::new_local(None),
            session: StoredValue::new_local(None),
            recovery_code: StoredValue::new_local(None),
            last_activity_ms: StoredValue::new(js_sys::Date::now()),
            last_import: StoredValue::new_local(None),
        }
    }

    /// The translated text of a message in the current language.
    /// A message in the interface language (tracked: re-renders on switch).
    pub fn t<M: Message>(&self, msg: M) -> &'static str {
        msg.in_locale(self.locale.get())
    }

    /// The unlocked vault key, shared with the task that needs it.
    pub fn key(&self) -> Option<Rc<VaultKey>> {
        self.session
            .with_value(|s| s.as_ref().map(|s| s.key.clone()))
    }

    /// The running sync (exists while unlocked).
    pub fn sync(&self) -> Option<Rc<Syncer>> {
        self.session
            .with_value(|s| s.as_ref().and_then(|s| s.sync.clone()))
    }

    pub fn db(&self) -> Option<Rc<Db>> {
        self.db.with_value(|db| db.clone())
    }

    pub fn say(&self, text: impl Into<String>) {
        self.show_notice(Notice {
            text: text.into(),
            error: false,
        });
    }

    pub fn warn(&self, text: impl Into<String>) {
        self.show_notice(Notice {
            text: text.into(),
            error: true,
        });
    }

    /// Shows a notice and clears it after a while, unless a newer one
    /// replaced it meanwhile.
    fn show_notice(&self, notice: Notice) {
        let ms = if notice.error {
            NOTICE_ERROR_MS
        } else {
            NOTICE_MS
        };
        self.notice.set(Some(notice.clone()));
        let slot = self.notice;
        gloo_timers::callback::Timeout::new(ms, move || {
            if slot.with_untracked(|n| n.as_ref() == Some(&notice)) {
                slot.set(None);
            }
        })
        .forget();
    }

    /// Drops the key (zeroized on drop) and every decrypted record.
    pub fn lock(&self, reason: LockReason) {
        if let Some(sync) = self.sync() {
            sync.stop();
        }
        self.session.set_value(None);
        crate::audit::forget();
        self.last_import.set_value(None);
        self.sync_status.set(SyncStatus::default());
        self.book.set(ContactBook::default());
        self.records.set(RecordSet::default());
        self.damaged.set(Vec::new());
        self.busy.set(None);
        self.notice.set(None);
        self.phase.set(Phase::Locked(reason));
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
