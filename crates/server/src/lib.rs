//! `coffer-server`: Coffer's thin server. It serves the built web app and
//! stores what clients upload: opaque ciphertext and the minimum of metadata
//! needed to order and deliver it ([`store`]: per-collection hash-chained
//! revision logs with compare-and-swap per record, no HTTP routes for them
//! yet), and accounts: sign-up and OPAQUE login ([`accounts`], the protocol
//! from `coffer-account`), bearer-token sessions stored as token hashes
//! ([`sessions`]). For an account it holds only the OPAQUE password files
//! (passphrase and, optionally, recovery code) and the key bundle copies the
//! client wrapped under each, login failure counts by name hash, and the
//! account's own policy ([`factors`]: a TOTP secret, an IP allowlist);
//! account names appear in logs only as [`login::account_tag`] hash
//! prefixes.
//!
//! It must never see plaintext or keys, never need them, and never log
//! request bodies or credentials. One binary on one port is a whole
//! deployment: the app, the API and a SQLite file under the data dir, or a
//! PostgreSQL database given by `--database-url postgres://…`.
//!
//! Operations: `GET /api/health`, Prometheus text at `GET /api/metrics`
//! ([`metrics`], labelled by route template, never by raw path), the OpenAPI
//! description at `GET /api/openapi.json` (checked in as `src/openapi.json`,
//! tested against [`api::endpoints`] and [`error::ApiError::CODES`]), and a
//! per-client-IP token-bucket limit on every `/api` request
//! ([`ratelimit`]). Request logs carry method, path and status: never the
//! query string, headers or bodies.
//!
//! The binary (`main.rs`) only parses [`config::Config`], sets up logging and
//! calls [`run`]; everything here is reusable by tests.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod app_files;
pub mod backup;
pub mod cidr;
pub mod config;
pub mod csp;
pub mod error;
pub mod factors;
pub mod keys;
pub mod login;
pub mod metrics;
pub mod ratelimit;
pub mod server;
pub mod sessions;
pub mod store;
pub mod sync;
pub mod totp;
pub mod wire;

pub use server::{AppState, Limits, MAX_BODY_BYTES, ServerError, router, run};
