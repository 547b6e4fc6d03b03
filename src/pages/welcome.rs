//! First visit: create the vault.

use crate::components::passphrase_field::PassphraseField;
use crate::components::strength_meter::{StrengthMeter, strength_of};
use crate::pages::unlock::error_text;
use crate::state::{Phase, Session, use_app};
use crate::vault;
use coffer_core::i18n::{Msg, fill};
use coffer_core::passphrase::MIN_LENGTH;
use coffer_crypto::Passphrase;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

#[component]
pub fn WelcomePage() -> impl IntoView {
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
        working.set(true);
        error.set(None);
        let pass = Passphrase::new(passphrase.get_untracked());
        spawn_local(async move {
            match vault::create(&db, &pass).await {
                Ok((key, code)) => {
                    passphrase.set(String::new());
                    confirm.set(String::new());
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
            <p>{move || state.t(Msg::CreateIntro)}</p>
            <form on:submit=on_submit novalidate=true>
                <PassphraseField id="new-passphrase" label=Msg::Passphrase value=passphrase
                    autocomplete="new-password" described_by="passphrase-hint passphrase-strength" autofocus=true/>
                <p id="passphrase-hint" class="hint">
                    {move || fill(state.t(Msg::PassphraseHint), &[("min", &MIN_LENGTH.to_string())])}
                </p>
                <StrengthMeter id="passphrase-strength" strength=strength value=passphrase/>
                <PassphraseField id="confirm-passphrase" label=Msg::ConfirmPassphrase value=confirm
                    autocomplete="new-password" described_by="confirm-error" invalid=Signal::derive(mismatch)/>
                <p id="confirm-error" class="field-error" aria-live="polite">
                    {move || mismatch().then(|| state.t(Msg::PassphrasesDiffer))}
                </p>
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
