//! Shows the recovery code once, right after the vault is created.

use crate::pages::unlock::open_vault;
use crate::state::use_app;
use coffer_core::i18n::Msg;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RecoveryPage() -> impl IntoView {
    let state = use_app();
    let saved = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let code = state
        .recovery_code
        .with_value(|c| c.as_ref().map(|c| c.to_string()))
        .unwrap_or_default();
    let code_for_copy = code.clone();
    let on_copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&code_for_copy);
            copied.set(true);
        }
    };
    let on_continue = move |_| {
        // Drop (and zeroize) the only copy the app keeps.
        state.recovery_code.set_value(None);
        spawn_local(async move { open_vault(state).await });
    };
    view! {
        <section class="card narrow" aria-labelledby="recovery-title">
            <h1 id="recovery-title">{move || state.t(Msg::RecoveryTitle)}</h1>
            <p>{move || state.t(Msg::RecoveryIntro)}</p>
            <p class="recovery-code" aria-label=move || state.t(Msg::RecoveryCode) data-testid="recovery-code">{code}</p>
            <button type="button" on:click=on_copy>{move || state.t(Msg::CopyRecoveryCode)}</button>
            <span role="status">{move || copied.get().then(|| state.t(Msg::Copied))}</span>
            <label class="inline">
                <input type="checkbox" bind:checked=saved/>
                {move || state.t(Msg::RecoverySaved)}
            </label>
            <button type="button" class="primary" disabled=move || !saved.get() on:click=on_continue>
                {move || state.t(Msg::Continue)}
            </button>
        </section>
    }
}
