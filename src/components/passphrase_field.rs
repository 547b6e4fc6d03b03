//! A labelled passphrase input with a show/hide toggle.

use crate::state::use_app;
use coffer_core::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn PassphraseField(
    /// The element id (also used to link the label).
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    /// `new-password` when choosing one, `current-password` when entering one.
    autocomplete: &'static str,
    #[prop(optional, into)] described_by: Option<String>,
    #[prop(optional, into)] invalid: Signal<bool>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let state = use_app();
    let shown = RwSignal::new(false);
    let toggle_id = format!("{id}-show");
    view! {
        <div class="field">
            <label for=id>{move || state.t(label)}</label>
            <input
                id=id
                name=id
                type=move || if shown.get() { "text" } else { "password" }
                autocomplete=autocomplete
                autocapitalize="off"
                spellcheck="false"
                autofocus=autofocus
                required=true
                aria-describedby=described_by
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                bind:value=value
            />
            <label class="inline" for=toggle_id.clone()>
                <input id=toggle_id.clone() type="checkbox" bind:checked=shown/>
                {move || state.t(Msg::ShowPassphrase)}
            </label>
        </div>
    }
}
