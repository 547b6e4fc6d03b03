//! Settings kept inside the vault (encrypted like any record), and the
//! passphrase change.

use crate::components::backup_panel::BackupPanel;
use crate::components::custom_fields::CustomFieldEditor;
use crate::components::passphrase_field::PassphraseField;
use crate::components::sync_panel::AccountSection;
use crate::pages::new_passphrase::NewPassphraseForm;
use crate::pages::unlock::error_text;
use crate::state::{Phase, View, use_app};
use crate::vault::{self, Credential};
use coffer_core::contact::NameOrder;
use coffer_core::i18n::Msg;
use coffer_crypto::Passphrase;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_app();
    let current = state.settings.get_untracked();
    let minutes = RwSignal::new(current.auto_lock_minutes.to_string());
    let order = RwSignal::new(current.name_order);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut settings = state.settings.get_untracked();
        settings.auto_lock_minutes = minutes.get_untracked().trim().parse().unwrap_or(0);
        settings.name_order = order.get_untracked();
        settings.locale = state.locale.get_untracked();
        if settings.validate().is_err() {
            error.set(Some(state.t(Msg::AutoLockHint).to_string()));
            return;
        }
        error.set(None);
        let Some(db) = state.db() else { return };
        let Some((key, previous)) = state
            .session
            .with_value(|s| s.as_ref().map(|s| (s.key.clone(), s.settings_revision)))
        else {
            return;
        };
        saving.set(true);
        spawn_local(async move {
            match vault::save_settings(&db, &key, &settings, previous).await {
                Ok(revision) => {
                    state.session.update_value(|s| {
                        if let Some(s) = s {
                            s.settings_revision = Some(revision);
                        }
                    });
                    state.settings.set(settings);
                    state.say(state.t(Msg::SettingsSaved));
                }
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
            saving.set(false);
        });
    };

    // Changing the passphrase first proves the current one (a walk-up
    // attacker at an unlocked screen must not be able to take the vault over).
    let current_pass = RwSignal::new(String::new());
    let verified = RwSignal::new(false);
    let verify_error = RwSignal::new(None::<String>);
    let on_verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(db) = state.db() else { return };
        let pass = Passphrase::new(current_pass.get_untracked());
        spawn_local(async move {
            match vault::unlock(&db, Credential::Passphrase(&pass)).await {
                Ok(_) => {
                    current_pass.set(String::new());
                    verify_error.set(None);
                    verified.set(true);
                }
                Err(e) => verify_error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="settings-title">
            <h1 id="settings-title">{move || state.t(Msg::SettingsTitle)}</h1>
            <form on:submit=on_save novalidate=true>
                <div class="field">
                    <label for="auto-lock">{move || state.t(Msg::AutoLock)}</label>
                    <input id="auto-lock" type="number" min="1" max="240" inputmode="numeric"
                        aria-describedby="auto-lock-hint" bind:value=minutes/>
                    <p id="auto-lock-hint" class="hint">{move || state.t(Msg::AutoLockHint)}</p>
                </div>
                <fieldset>
                    <legend>{move || state.t(Msg::NameOrder)}</legend>
                    <label class="inline">
                        <input type="radio" name="name-order" prop:checked=move || order.get() == NameOrder::GivenFirst
                            on:change=move |_| order.set(NameOrder::GivenFirst)/>
                        {move || state.t(Msg::GivenFirst)}
                    </label>
                    <label class="inline">
                        <input type="radio" name="name-order" prop:checked=move || order.get() == NameOrder::SurnameFirst
                            on:change=move |_| order.set(NameOrder::SurnameFirst)/>
                        {move || state.t(Msg::SurnameFirst)}
                    </label>
                </fieldset>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                    <button type="button" on:click=move |_| state.phase.set(Phase::Unlocked(View::Contacts))>
                        {move || state.t(Msg::Back)}
                    </button>
                </div>
            </form>
            <AccountSection/>
            <BackupPanel/>
            <CustomFieldEditor/>
            <h2>{move || state.t(Msg::ChangePassphrase)}</h2>
            <Show
                when=move || verified.get()
                fallback=move || view! {
                    <form on:submit=on_verify novalidate=true>
                        <PassphraseField id="current-passphrase" label=Msg::CurrentPassphrase value=current_pass
                            autocomplete="current-password" described_by="verify-error"/>
                        <p id="verify-error" class="form-error" role="alert">{move || verify_error.get()}</p>
                        <button type="submit">{move || state.t(Msg::Continue)}</button>
                    </form>
                }
            >
                <NewPassphraseForm on_done=Callback::new(move |()| verified.set(false))/>
            </Show>
        </section>
    }
}
