//! Coffer's web app: a Leptos (client-side rendered) interface over an
//! encrypted vault in IndexedDB.
//!
//! The app only adapts: pages and components render state; `store` talks to
//! IndexedDB; `vault` seals and opens records with `coffer-crypto`; all rules
//! (validation, search, throttling, settings) live in `coffer-core`.
//! Plaintext customer data never reaches `store`, localStorage or the network.

pub mod app;
pub mod components;
pub mod idle;
pub mod pages;
pub mod pwa;
pub mod state;
pub mod store;
pub mod vault;
