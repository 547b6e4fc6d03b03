//! The privacy page: the data-subject request register and the retention
//! rules. Consent and restriction are on each contact's page.

use crate::components::requests::RequestRegister;
use crate::components::retention_panel::RetentionPanel;
use crate::state::{View, use_app};
use leptos::prelude::*;

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let state = use_app();
    view! {
        <section class="page privacy-page" aria-labelledby="page-title">
            <h1 id="page-title">{move || View::Privacy.label(state.locale.get())}</h1>
            <RequestRegister/>
            <RetentionPanel/>
        </section>
    }
}
