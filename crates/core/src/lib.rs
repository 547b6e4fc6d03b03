//! `coffer-core` is Coffer's domain model. It holds:
//!
//! - the records a CRM keeps, each with normalisation, validation that
//!   reports every problem per field, and a JSON form that tolerates missing
//!   and unknown fields: contacts ([`contact`]), companies with Chinese
//!   unified social credit code checks ([`company`]), pipelines and their
//!   stages ([`pipeline`]), deals and their moves, forecasts and board totals
//!   ([`deal`]), activities ([`activity`]), tasks with due buckets and
//!   reminders ([`task`]), support tickets with status rules ([`ticket`]),
//!   and user-defined custom fields ([`custom_field`]);
//! - the value types they share: money in integer minor units with ISO 4217
//!   currencies ([`money`]), calendar dates ([`date`]), web addresses
//!   ([`website`]), data classes ([`class`]), validation problems
//!   ([`problem`]), record namespaces and the [`record::Record`] trait;
//! - the privacy controls for GDPR, CCPA and PIPL ([`privacy`]: consent
//!   ledger, data-subject requests and their deadlines, restriction,
//!   retention, anonymisation, masking, erasure tombstones, the signed audit
//!   log, the breach and processing registers, the access package);
//! - in-memory search across record types with pinyin initials and full
//!   pinyin for Han names ([`search`]), table views over any record's JSON
//!   form ([`query`]: typed filters, sorts, saved views), dashboard figures
//!   and chart geometry ([`dashboard`]);
//! - moving contacts in and out: CSV import from other CRMs and
//!   spreadsheets with a create/update plan and undo ([`import`]), vCard
//!   2.1–4.0 in and 3.0/4.0 out ([`vcard`]), CSV and versioned JSON export
//!   ([`export`]), and finding and merging duplicates ([`duplicates`]);
//! - passphrase strength policy, unlock throttling, user
//!   settings and locales, and every UI message in English and Chinese
//!   ([`i18n`]).
//!
//! It works only on decrypted values handed to it and returns decisions; it
//! never does I/O, never touches the browser, network or disk, never reads a
//! clock (time comes in as unix milliseconds, the UTC offset in minutes),
//! and never formats a passphrase. The one ambient read is inside zxcvbn,
//! which looks up the current year to score dates in passphrases. It
//! compiles natively and for wasm32.

#![forbid(unsafe_code)]

pub mod activity;
pub mod class;
pub mod company;
pub mod contact;
pub mod custom_field;
pub mod dashboard;
pub mod date;
pub mod deal;
pub mod duplicates;
pub mod export;
pub mod i18n;
pub mod import;
pub mod money;
pub mod passphrase;
pub mod pipeline;
pub mod privacy;
pub mod problem;
pub mod query;
pub mod record;
pub mod search;
pub mod settings;
pub mod task;
pub mod text;
pub mod ticket;
pub mod unlock;
pub mod vcard;
pub mod website;

pub use activity::{Activity, ActivityKind, Outcome};
pub use class::DataClass;
pub use company::{Company, CompanyAddress, Registration, RegistrationScheme, SizeBand};
pub use contact::{
    Address, Contact, ContactError, ContactPointKind, Email, Field, FieldError, NameOrder, Phone,
    Problem, ValidationErrors,
};
pub use custom_field::{CustomFieldDef, CustomValues, FieldKind, RecordKind};
pub use date::CivilDate;
pub use deal::{Deal, DealContact, DealRole, DealStage};
pub use money::{Currency, Money, MoneyError};
pub use passphrase::{Strength, WeakReason, assess};
pub use pipeline::{Pipeline, Stage, StageKind};
pub use record::{LoadError, Record};
pub use search::{RecordHit, RecordResults, SearchDoc, SearchIndex, SearchResult};
pub use settings::{Locale, Settings, SettingsError};
pub use task::{Due, Task, TaskBucket, TaskStatus};
pub use ticket::{Priority, Ticket, TicketStatus};
pub use unlock::{UnlockThrottle, WaitMs};
