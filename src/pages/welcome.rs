//! First visit: create the vault, or sign in to an existing account.

use crate::account::{flow_error_text, needs_totp, recover_new_device, sign_in_new_device};
use crate::components::passphrase_choice::{PassphraseChoice, PassphraseChoiceFields};
use crate::components::passphrase_field::PassphraseField;
use crate::components::sync_panel::TotpField;
use crate::pages::unlock::error_text;
use crate::pages::unlock::open_vault;
use crate::state::{Phase, Session, use_app};
use crate::vault;
use coffer_core::i18n::{Msg, fill};
use coffer_crypto::Passphrase;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let state = use_app();
    let sign_in = RwSignal::new(false);
    view! {
        <Show when=move || sign_in.get() fallback=move || view! { <CreateVault/> }>
            <SignInForm/>
        </Show>
        <p class="switch-mode">
            <button type="button" class="link" on:click=move |_| sign_in.update(|s| *s = !*s)>
                {move || if sign_in.get() { state.t(Msg::CreateVaultInstead) } else { state.t(Msg::SignInInstead) }}
            </button>
        </p>
    }
}

/// A new device of an existing account: download the key bundle, keep the
/// vault key under this device's passphrase wrap, then sync everything down.
#[component]
fn SignInForm() -> impl IntoView {
    let state = use_app();
    let name = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let totp = RwSignal::new(String::new());
    let backup_file = NodeRef::<leptos::html::Input>::new();
    let need_totp = RwSignal::new(false);
    let use_recovery = RwSignal::new(false);
    let choice = PassphraseChoice::default();
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if working.get_untracked() {
            return;
        }
        let recovery = use_recovery.get_untracked();
        if recovery && !choice.ready() {
            return;
        }
        let pass = if recovery {
            choice.passphrase()
        } else {
            Passphrase::new(passphrase.get_untracked())
        };
        let account = name.get_untracked();
        let code_text = code.get_untracked();
        let totp_code = totp.get_untracked();
        let file = backup_file
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.item(0));
        working.set(true);
        error.set(None);
        spawn_local(async move {
            let file_bytes = match file {
                Some(file) => wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                    .await
                    .ok()
                    .map(|b| js_sys::Uint8Array::new(&b).to_vec()),
                None => None,
            };
            let failed = move |e: crate::account::FlowError| {
                if needs_totp(&e) {
                    need_totp.set(true);
                    totp.set(String::new());
                }
                error.set(Some(flow_error_text(&e, state.locale.get_untracked())));
                working.set(false);
            };
            let totp_code = Some(totp_code.as_str());
            if recovery {
                match recover_new_device(state, &account, &code_text, &pass, totp_code).await {
                    Ok(()) => {
                        code.set(String::new());
                        choice.clear();
                        restore_backup(state, file_bytes).await;
                        open_vault(state).await;
                    }
                    Err(e) => failed(e),
                }
                return;
            }
            match sign_in_new_device(state, &account, &pass, totp_code).await {
                Ok(code) => {
                    passphrase.set(String::new());
                    restore_backup(state, file_bytes).await;
                    state.recovery_code.set_value(Some(code.to_display()));
                    state.phase.set(Phase::ShowRecovery);
                }
                Err(e) => failed(e),
            }
        });
    };
    view! {
        <section class="card narrow" aria-labelledby="signin-title">
            <h1 id="signin-title">{move || if use_recovery.get() { state.t(Msg::RecoverSignInTitle) } else { state.t(Msg::SignInTitle) }}</h1>
            <p>{move || if use_recovery.get() { state.t(Msg::RecoverSignInIntro) } else { state.t(Msg::SignInIntro) }}</p>
            <form on:submit=on_submit novalidate=true>
                <div class="field">
                    <label for="signin-account">{move || state.t(Msg::AccountName)}</label>
                    <input id="signin-account" type="email" autocomplete="username" required=true
                        aria-describedby="signin-error" bind:value=name/>
                </div>
                <Show
                    when=move || use_recovery.get()
                    fallback=move || view! {
                        <PassphraseField id="signin-passphrase" label=Msg::Passphrase value=passphrase
                            autocomplete="current-password" described_by="signin-error"/>
                    }
                >
                    <div class="field">
                        <label for="signin-recovery">{move || state.t(Msg::RecoveryCode)}</label>
                        <input id="signin-recovery" type="text" autocomplete="off" autocapitalize="characters"
                            spellcheck="false" aria-describedby="signin-error" bind:value=code/>
                    </div>
                    <PassphraseChoiceFields choice=choice label=Msg::NewPassphrase/>
                </Show>
                <div class="field">
                    <label for="signin-backup">{move || state.t(Msg::RestoreFile)}</label>
                    <input id="signin-backup" type="file" accept=".json,application/json" node_ref=backup_file/>
                </div>
                <TotpField id="signin-totp" value=totp shown=need_totp/>
                <p id="signin-error" class="form-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || working.get()>
                    {move || if working.get() { state.t(Msg::SigningIn) } else { state.t(Msg::SignIn) }}
                </button>
                <Show when=move || working.get()>
                    <progress aria-label=move || state.t(Msg::SigningIn)></progress>
                </Show>
            </form>
            <button type="button" class="link" on:click=move |_| {
                use_recovery.update(|r| *r = !*r);
                error.set(None);
            }>
                {move || if use_recovery.get() { state.t(Msg::UsePassphrase) } else { state.t(Msg::UseRecoveryCode) }}
            </button>
        </section>
    }
}

/// Restores a backup file chosen at sign-in into the just-created vault,
/// before it is opened, and says what happened.
async fn restore_backup(state: crate::state::AppState, file: Option<Vec<u8>>) {
    let (Some(file), Some(db), Some(key)) = (file, state.db(), state.key()) else {
        return;
    };
    let Ok(Some(link)) = crate::sync::load_link(&db, &key).await else {
        return;
    };
    state
        .busy
        .set(Some((state.t(Msg::Restoring).to_string(), None)));
    let result = crate::backup::restore(&db, &key, &link, &file).await;
    state.busy.set(None);
    let locale = state.locale.get_untracked();
    match result {
        Ok(report) => state.say(fill(
            Msg::Restored.in_locale(locale),
            &[
                ("restored", &report.restored.to_string()),
                ("unreadable", &report.unreadable.to_string()),
            ],
        )),
        Err(e) => state.warn(e.text(locale)),
    }
}

#[component]
fn CreateVault() -> impl IntoView {
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
                    state.session.set_value(Some(Session::new(key)));
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
