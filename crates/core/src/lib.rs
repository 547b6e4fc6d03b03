//! `coffer-core` is Coffer's domain model: contacts and their validation and
//! normalisation, in-memory search, passphrase strength policy, unlock
//! throttling, user settings and record namespaces; CSV and vCard import
//! (`import`, `vcard`), CSV and JSON export (`export`), and duplicate
//! detection and merging (`duplicates`). It works only on
//! decrypted values handed to it and returns decisions; it never does I/O,
//! never touches the browser, network or disk, never reads a clock (time
//! comes in as unix milliseconds), and never formats a passphrase. The one
//! ambient read is inside zxcvbn, which looks up the current year to score
//! dates in passphrases. It compiles natively and for wasm32.

#![forbid(unsafe_code)]

pub mod class;
pub mod contact;
pub mod duplicates;
pub mod export;
pub mod i18n;
pub mod import;
pub mod passphrase;
pub mod record;
pub mod search;
pub mod settings;
pub mod text;
pub mod unlock;
pub mod vcard;

pub use class::DataClass;
pub use contact::{
    Address, Contact, ContactError, ContactPointKind, Email, Field, FieldError, NameOrder, Phone,
    Problem, ValidationErrors,
};
pub use passphrase::{Strength, WeakReason, assess};
pub use search::{SearchIndex, SearchResult};
pub use settings::{Locale, Settings, SettingsError};
pub use unlock::{UnlockThrottle, WaitMs};
