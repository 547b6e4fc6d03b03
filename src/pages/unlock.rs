//! The lock screen, and opening the vault once a key is in hand.

use crate::components::passphrase_field::PassphraseField;
use crate::state::{AppState, LockReason, Phase, View, use_app};
use crate::store::Db;
use crate::sync::{self, LaneStart, Syncer};
use crate::vault::{self, Credential, VaultError};
use coffer_core::i18n::{Msg, fill};
use coffer_core::settings::Locale;
use coffer_crypto::{CryptoError, Passphrase, RecoveryCode, VaultKey};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

/// A user-facing message for anything the vault can report.
pub fn error_text(error: &VaultError, locale: Locale) -> String {
    let msg = match error {
        VaultError::Throttled(ms) => {
            let seconds = (ms + 999) / 1000;
            return fill(
                Msg::TryAgainIn.in_locale(locale),
                &[("seconds", &seconds.to_string())],
            );
        }
        VaultError::Crypto(CryptoError::WrongPassphrase) => Msg::WrongPassphrase,
        VaultError::Crypto(CryptoError::WrongRecoveryCode) => Msg::WrongRecoveryCode,
        VaultError::Crypto(CryptoError::RecoveryCodeMistyped) => Msg::RecoveryMistyped,
        VaultError::Crypto(CryptoError::RecoveryCodeMalformed) => Msg::RecoveryMalformed,
        VaultError::Crypto(CryptoError::WeakKdfParams { .. }) => Msg::WeakVaultParams,
        VaultError::Crypto(_) => Msg::VaultDamaged,
        VaultError::Store(crate::store::StoreError::QuotaExceeded) => Msg::QuotaExceeded,
        other => {
            return fill(
                Msg::SaveFailed.in_locale(locale),
                &[("reason", &other.to_string())],
            );
        }
    };
    msg.in_locale(locale).to_string()
}

/// With the key in the session: loads settings and every contact (showing
/// progress), starts the sync engine over them (connected if this device
/// is signed in to an account), then shows the contact list.
pub async fn open_vault(state: AppState) {
    let Some(db) = state.db() else { return };
    let Some(key) = state.key() else {
        return;
    };
    state
        .busy
        .set(Some((state.t(Msg::Unlocking).to_string(), None)));
    match vault::load_settings(&db, &key).await {
        Ok((settings, revision)) => {
            state.settings.set(settings);
            state.session.update_value(|s| {
                if let Some(s) = s {
                    s.settings_revision = revision;
                }
            });
        }
        Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
    }
    let started = start_sync(state, &db, key).await;
    state.busy.set(None);
    match started {
        Ok(()) => {
            if let Err(e) = crate::audit::start(state).await {
                state.warn(error_text(&e, state.locale.get_untracked()));
            }
            state.last_activity_ms.set_value(js_sys::Date::now());
            state.phase.set(Phase::Unlocked(View::Contacts));
            crate::components::retention_panel::run_on_unlock(state);
        }
        Err(e) => {
            state.lock(LockReason::Start);
            state.warn(error_text(&e, state.locale.get_untracked()));
        }
    }
}

async fn start_sync(state: AppState, db: &Rc<Db>, key: Rc<VaultKey>) -> Result<(), VaultError> {
    let device = sync::device_id(db).await?;
    let local_keys = crate::keys::load(db).await?;
    let mut starts = Vec::new();
    let mut damaged = Vec::new();
    for namespace in sync::synced_namespaces() {
        let legacy = sync::legacy_contact(device);
        let per_record = vault::PerRecord {
            vault: &key,
            keyring: &local_keys.keyring,
        };
        let loaded = vault::load_synced(
            db,
            &per_record,
            namespace,
            |id, bytes| {
                (namespace == sync::COLLECTION)
                    .then(|| legacy(id, bytes))
                    .flatten()
            },
            |done, total| {
                // Contacts are most of the vault; other types load in a blink.
                if namespace == sync::COLLECTION {
                    let text = fill(
                        state.t(Msg::Decrypting),
                        &[("done", &done.to_string()), ("total", &total.to_string())],
                    );
                    state.busy.set(Some((text, Some((done, total)))));
                }
            },
        )
        .await?;
        damaged.extend(loaded.damaged);
        starts.push(LaneStart {
            namespace,
            records: loaded.records,
            sync_state: sync::load_sync_state(db, namespace).await?,
        });
    }
    state.damaged.set(damaged);
    // Contacts from before per-record keys (or pulled from an older
    // device) get their key now, so their next revision is sealed under it.
    let mut local_keys = local_keys;
    if let Some(contacts) = starts.iter().find(|s| s.namespace == sync::COLLECTION) {
        let ids = contacts
            .records
            .iter()
            .filter(|(_, r)| !r.doc.fields().is_empty())
            .map(|(id, _)| *id);
        let created = crate::keys::ensure_record_keys(&mut local_keys.keyring, &key, ids)?;
        crate::keys::store(db, &created, true).await?;
        local_keys
            .unsent
            .extend(created.iter().map(coffer_crypto::WrappedKey::id));
    }
    let link = sync::load_link(db, &key).await?;
    let syncer = Syncer::start(state, db.clone(), key, device, starts, local_keys)?;
    state.session.update_value(|s| {
        if let Some(s) = s {
            s.sync = Some(syncer.clone());
        }
    });
    if let Some(link) = link {
        syncer.connect(link);
    }
    Ok(())
}

#[component]
pub fn UnlockPage(reason: LockReason) -> impl IntoView {
    let state = use_app();
    let passphrase = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let use_recovery = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if working.get_untracked() {
            return;
        }
        let Some(db) = state.db() else { return };
        let recovery = use_recovery.get_untracked();
        let locale = state.locale.get_untracked();
        let code_text = code.get_untracked();
        let pass = Passphrase::new(passphrase.get_untracked());
        working.set(true);
        error.set(None);
        spawn_local(async move {
            let result = if recovery {
                match RecoveryCode::parse(&code_text) {
                    Ok(code) => vault::unlock(&db, Credential::Recovery(&code)).await,
                    Err(e) => Err(e.into()),
                }
            } else {
                vault::unlock(&db, Credential::Passphrase(&pass)).await
            };
            match result {
                Ok(key) => {
                    passphrase.set(String::new());
                    code.set(String::new());
                    state
                        .session
                        .set_value(Some(crate::state::Session::new(key)));
                    if recovery {
                        state.phase.set(Phase::ChoosePassphrase);
                    } else {
                        open_vault(state).await;
                    }
                }
                Err(e) => {
                    error.set(Some(error_text(&e, locale)));
                    working.set(false);
                }
            }
        });
    };

    let reason_text = move || match reason {
        LockReason::Start => None,
        LockReason::Manual => Some(state.t(Msg::LockedManual).to_string()),
        LockReason::Idle(minutes) => Some(fill(
            state.t(Msg::LockedIdle),
            &[("minutes", &minutes.to_string())],
        )),
    };

    view! {
        <section class="card narrow" aria-labelledby="unlock-title">
            <h1 id="unlock-title">{move || state.t(Msg::UnlockTitle)}</h1>
            <p class="hint">{reason_text}</p>
            <p>{move || state.t(Msg::UnlockIntro)}</p>
            <form on:submit=on_submit novalidate=true>
                <Show
                    when=move || use_recovery.get()
                    fallback=move || view! {
                        <PassphraseField id="unlock-passphrase" label=Msg::Passphrase value=passphrase
                            autocomplete="current-password" described_by="unlock-error" autofocus=true/>
                    }
                >
                    <div class="field">
                        <label for="recovery-input">{move || state.t(Msg::RecoveryCode)}</label>
                        <input id="recovery-input" type="text" autocomplete="off" autocapitalize="characters"
                            spellcheck="false" aria-describedby="unlock-error" bind:value=code/>
                    </div>
                </Show>
                <p id="unlock-error" class="form-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary" disabled=move || working.get()>
                    {move || if working.get() { state.t(Msg::Unlocking) } else { state.t(Msg::Unlock) }}
                </button>
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
