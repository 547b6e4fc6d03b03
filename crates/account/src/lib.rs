//! Coffer's account layer: sign-up and login with OPAQUE (RFC 9807, via
//! `opaque-ke`, Argon2id as the key-stretching function), and the account
//! key bundle wrapped under OPAQUE's export key. Both the browser's half
//! ([`ClientRegistration`], [`ClientLogin`]) and the server's half
//! ([`ServerSetup`], [`registration_response`], [`login_start`], ...) live
//! here, exchanging plain byte strings that travel as HTTP bodies.
//!
//! The passphrase never leaves the client in any form the server could test
//! a guess against offline; the server stores only the OPAQUE password file
//! and the wrapped bundle (`FORMAT.md`). A second device logs in with the
//! passphrase alone, receives the wrapped bundle and opens it with the
//! export key. Changing the passphrase is a new registration plus
//! [`rewrap`]: the bundle's keys, and so all data, stay the same. An
//! account may also have a recovery code as a second OPAQUE credential with
//! its own wrapped copy of the bundle ([`RecoveryRegistration`],
//! [`RecoveryLogin`], [`wrap_recovery_bundle`]).
//!
//! This crate is pure: it must never do I/O (no disk, network, browser
//! storage, clocks or logging), never hold a secret in a type that is
//! `Debug`/`Display` in clear or that does not zeroize on drop, and never
//! stretch a passphrase with less than [`KsfParams::FLOOR`]. Its only
//! contact with the outside world is the platform CSPRNG (`getrandom`; on
//! wasm32 the browser's `crypto.getRandomValues`). opaque-ke draws from it
//! through `OsRng`, which panics if the platform RNG fails.
//!
//! ```
//! use coffer_account::*;
//! # fn main() -> Result<(), AccountError> {
//! let setup = ServerSetup::generate(); // once per deployment, kept secret
//! let alice = AccountName::parse(" Alice@Example.com ")?;
//!
//! // Sign-up. Client:
//! let (registration, request) = ClientRegistration::start(&alice, "correct horse")?;
//! // Server:
//! let response = registration_response(&setup, &request, &alice)?;
//! // Client:
//! let (upload, export_key) = registration.finish(&response, "correct horse")?;
//! let bundle = KeyBundle::generate()?;
//! let wrapped = wrap_bundle(&export_key, &bundle, &alice)?;
//! // Server stores both:
//! let password_file = registration_finish(&upload)?;
//!
//! // Login on another device. Client:
//! let (login, request) = ClientLogin::start(&alice, "correct horse")?;
//! // Server (`None` for an unknown account):
//! let (state, response) = login_start(&setup, Some(&password_file), &request, &alice)?;
//! // Client:
//! let (finalization, _session, export_key) = login.finish(&response, "correct horse")?;
//! // Server:
//! let _session = login_finish(state, &finalization)?;
//! // Client, after fetching `wrapped`:
//! assert!(unwrap_bundle(&export_key, &wrapped, &alice)? == bundle);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bundle;
mod client;
mod error;
mod name;
mod recovery;
mod secret;
mod server;
mod suite;

pub use bundle::{
    BUNDLE_VERSION, KeyBundle, RECOVERY_BUNDLE_LABEL, RECOVERY_UNLOCK_INFO, UNLOCK_INFO,
    WRAPPED_LEN, rewrap, unwrap_bundle, wrap_bundle,
};
pub use client::{ClientLogin, ClientRegistration};
pub use error::AccountError;
pub use name::{AccountName, AccountNameError};
pub use recovery::{
    RecoveryExportKey, RecoveryLogin, RecoveryRegistration, recovery_login_start,
    recovery_registration_response, unwrap_recovery_bundle, wrap_recovery_bundle,
};
pub use secret::{ExportKey, SECRET_LEN, SessionKey};
pub use server::{
    ServerLoginState, ServerSetup, login_finish, login_start, registration_finish,
    registration_response,
};
pub use suite::{Argon2idKsf, KSF_PARAMS, KsfParams, SUITE_VERSION, Suite};
