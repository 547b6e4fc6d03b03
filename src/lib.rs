//! Coffer's web app: a Leptos (client-side rendered) interface over an
//! encrypted vault in IndexedDB.
//!
//! The app only adapts: pages and components render state; `store` talks to
//! IndexedDB; `vault` seals and opens records with `coffer-crypto`; `api`
//! talks to the server; `sync` drives the `coffer-sync` engine between them;
//! all rules (validation, search, throttling, settings, merging) live in the
//! pure crates. Plaintext customer data never reaches `store`, localStorage
//! or the network.

pub mod account;
pub mod api;
pub mod app;
pub mod audit;
pub mod backup;
pub mod components;
pub mod download;
pub mod idle;
pub mod import_job;
pub mod keys;
pub mod pages;
pub mod pwa;
pub mod state;
pub mod store;
pub mod sync;
pub mod vault;
