//! The security page (not built yet: shows its heading).

use crate::state::{View, use_app};
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let state = use_app();
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || View::Security.label(state.locale.get())}</h1>
        </section>
    }
}
