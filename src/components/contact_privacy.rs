//! A contact's privacy panel: consent ledger, restriction, requests and
//! erasure (not built yet).

use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ContactPrivacy(id: Uuid) -> impl IntoView {
    let _ = id;
}
