//! After unlocking with the recovery code: choose a new passphrase.

use crate::components::passphrase_field::PassphraseField;
use crate::components::strength_meter::{StrengthMeter, strength_of};
use crate::pages::unlock::{error_text, open_vault};
use crate::state::use_app;
use crate::vault;
use coffer_core::i18n::Msg;
use coffer_crypto::Passphrase;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn NewPassphrasePage() -> impl IntoView {
    let state = use_app();
    view! {
        <section class="card narrow" aria-labelledby="newpass-title">
            <h1 id="newpass-title">{move || state.t(Msg::NewPassphraseTitle)}</h1>
            <p>{move || state.t(Msg::NewPassphraseIntro)}</p>
            <NewPassphraseForm on_done=Callback::new(move |()| spawn_local(async move { open_vault(state).await }))/>
        </section>
    }
}

/// Choose and confirm a new passphrase, then re-wrap the vault key with it.
#[component]
pub fn NewPassphraseForm(on_done: Callback<()>) -> impl IntoView {
    let state = use_app();
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let strength = strength_of(passphrase);
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let mismatch = move || confirm.with(|c| !c.is_empty()) && passphrase.get() != confirm.get();
    let can_submit = move || {
        strength.get().acceptable
            && !mismatch()
            && !working.get()
            && confirm.with(|c| !c.is_empty())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_submit() {
            return;
        }
        let Some(db) = state.db() else { return };
        let Some(key) = state
            .session
            .with_value(|s| s.as_ref().map(|s| s.key.clone()))
        else {
            return;
        };
        let pass = Passphrase::new(passphrase.get_untracked());
        working.set(true);
        spawn_local(async move {
            match vault::change_passphrase(&db, &key, &pass).await {
                Ok(()) => {
                    passphrase.set(String::new());
                    confirm.set(String::new());
                    working.set(false);
                    state.say(state.t(Msg::PassphraseChanged));
                    on_done.run(());
                }
                Err(e) => {
                    error.set(Some(error_text(&e, state.locale.get_untracked())));
                    working.set(false);
                }
            }
        });
    };
    view! {
        <form on:submit=on_submit novalidate=true>
            <PassphraseField id="change-passphrase" label=Msg::NewPassphrase value=passphrase
                autocomplete="new-password" described_by="change-strength"/>
            <StrengthMeter id="change-strength" strength=strength value=passphrase/>
            <PassphraseField id="change-confirm" label=Msg::ConfirmPassphrase value=confirm
                autocomplete="new-password" described_by="change-confirm-error" invalid=Signal::derive(mismatch)/>
            <p id="change-confirm-error" class="field-error" aria-live="polite">
                {move || mismatch().then(|| state.t(Msg::PassphrasesDiffer))}
            </p>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || !can_submit()>{move || state.t(Msg::SavePassphrase)}</button>
        </form>
    }
}
