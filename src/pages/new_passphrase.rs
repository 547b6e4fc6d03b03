//! After unlocking with the recovery code: choose a new passphrase.

use crate::account;
use crate::components::passphrase_choice::{PassphraseChoice, PassphraseChoiceFields};
use crate::pages::unlock::{error_text, open_vault};
use crate::state::use_app;
use crate::vault;
use coffer_core::i18n::Msg;
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
    let choice = PassphraseChoice::default();
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let can_submit = move || choice.ready() && !working.get();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_submit() {
            return;
        }
        let Some(db) = state.db() else { return };
        let Some(key) = state.key() else {
            return;
        };
        let pass = choice.passphrase();
        working.set(true);
        spawn_local(async move {
            match vault::change_passphrase(&db, &key, &pass).await {
                Ok(()) => {
                    // The account follows (re-registration and a rewrapped
                    // key bundle; no record is re-uploaded).
                    let message = match account::change_account_passphrase(state, &pass).await {
                        Ok(true) => Msg::PassphraseChangedAccount,
                        Ok(false) => Msg::PassphraseChanged,
                        Err(_) => Msg::PassphraseChangedLocalOnly,
                    };
                    choice.clear();
                    working.set(false);
                    state.say(state.t(message));
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
            <PassphraseChoiceFields choice=choice label=Msg::NewPassphrase/>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || !can_submit()>{move || state.t(Msg::SavePassphrase)}</button>
        </form>
    }
}
