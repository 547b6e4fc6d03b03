//! A contact's privacy panel: its consent ledger and the restriction of
//! processing. Requests and retention live on the Privacy page.

use crate::components::consent_panel::ConsentPanel;
use crate::components::restriction_panel::RestrictionPanel;
use crate::state::use_app;
use coffer_core::i18n::privacy::PrivacyMsg;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ContactPrivacy(id: Uuid) -> impl IntoView {
    let state = use_app();
    view! {
        <details class="contact-privacy" id="contact-privacy" open=true>
            <summary>{move || state.t(PrivacyMsg::PanelTitle)}</summary>
            <RestrictionPanel id=id/>
            <ConsentPanel id=id/>
        </details>
    }
}
