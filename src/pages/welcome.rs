//! First visit: create the vault.

use crate::components::passphrase_choice::{PassphraseChoice, PassphraseChoiceFields};
use crate::pages::unlock::error_text;
use crate::state::{Phase, Session, use_app};
use crate::vault;
use coffer_core::i18n::Msg;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

#[component]
pub fn WelcomePage() -> impl IntoView {
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
        working.set(true);
        error.set(None);
        let pass = choice.passphrase();
        spawn_local(async move {
            match vault::create(&db, &pass).await {
                Ok((key, code)) => {
                    choice.clear();
                    state.recovery_code.set_value(Some(code.to_display()));
                    state.session.set_value(Some(Session {
                        key: Rc::new(key),
                        settings_revision: None,
                    }));
                    state.phase.set(Phase::ShowRecovery);
                }
                Err(e) => {
                    error.set(Some(error_text(&e, state.locale.get_untracked())));
                    working.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow" aria-labelledby="create-title">
            <h1 id="create-title">{move || state.t(Msg::CreateTitle)}</h1>
            <p class="hint">{move || state.t(Msg::Tagline)}</p>
            <p>{move || state.t(Msg::CreateIntro)}</p>
            <form on:submit=on_submit novalidate=true>
                <PassphraseChoiceFields choice=choice label=Msg::Passphrase autofocus=true/>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || !can_submit()>
                    {move || if working.get() { state.t(Msg::CreatingVault) } else { state.t(Msg::CreateVault) }}
                </button>
                <Show when=move || working.get()>
                    <progress aria-label=move || state.t(Msg::CreatingVault)></progress>
                </Show>
            </form>
        </section>
    }
}
