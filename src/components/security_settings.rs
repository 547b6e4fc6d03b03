//! The security settings of this device (sealed in the vault, not synced):
//! the strength new passphrases need and the clipboard delay; with the
//! auto-lock time and the unlock throttle schedule shown (set elsewhere).

use coffer_core::i18n::fill;
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::passphrase::MIN_SCORE;
use coffer_core::privacy::audit::AuditAction;
use coffer_core::privacy::security_settings::{
    CLIPBOARD_MAX_SECONDS, CLIPBOARD_MIN_SECONDS, SECURITY_SETTINGS_NAMESPACE, SecuritySettings,
};
use coffer_core::unlock::UnlockThrottle;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::audit;
use crate::pages::unlock::error_text;
use crate::state::{AppState, Phase, View, use_app};
use crate::vault::{self, VaultError};

/// This device's security settings (defaults when none are saved or the
/// vault is locked).
pub async fn load_settings(state: AppState) -> Result<SecuritySettings, VaultError> {
    let (Some(db), Some(key)) = (state.db(), state.key()) else {
        return Ok(SecuritySettings::default());
    };
    Ok(
        vault::load_private::<SecuritySettings>(&db, &key, SECURITY_SETTINGS_NAMESPACE)
            .await?
            .unwrap_or_default()
            .clamped(),
    )
}

pub async fn save_settings(state: AppState, settings: &SecuritySettings) -> Result<(), VaultError> {
    let (Some(db), Some(key)) = (state.db(), state.key()) else {
        return Err(VaultError::NoVault);
    };
    vault::save_private(&db, &key, SECURITY_SETTINGS_NAMESPACE, settings).await?;
    audit::record(
        state,
        AuditAction::SettingsChanged,
        "settings",
        None,
        "security",
    );
    Ok(())
}

#[component]
pub fn SecuritySettingsPanel() -> impl IntoView {
    let state = use_app();
    let score = RwSignal::new(MIN_SCORE);
    let seconds = RwSignal::new(String::new());
    let loaded = RwSignal::new(None::<SecuritySettings>);
    spawn_local(async move {
        let s = load_settings(state).await.unwrap_or_default();
        score.set(s.min_passphrase_score);
        seconds.set(s.clipboard_clear_seconds.to_string());
        loaded.set(Some(s));
    });
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut s) = loaded.get_untracked() else {
            return;
        };
        s.min_passphrase_score = score.get_untracked();
        s.clipboard_clear_seconds = seconds
            .get_untracked()
            .trim()
            .parse()
            .unwrap_or(s.clipboard_clear_seconds);
        let s = s.clamped();
        seconds.set(s.clipboard_clear_seconds.to_string());
        spawn_local(async move {
            match save_settings(state, &s).await {
                Ok(()) => {
                    loaded.set(Some(s));
                    state.say(state.t(SecurityMsg::SecuritySettingsSaved));
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };
    view! {
        <section class="security-card" aria-labelledby="security-settings-title">
            <h2 id="security-settings-title">{move || state.t(SecurityMsg::SecuritySettingsHeading)}</h2>
            <form class="security-form" on:submit=on_save>
                <div class="field">
                    <label for="min-strength">{move || state.t(SecurityMsg::MinStrength)}</label>
                    <select id="min-strength" on:change=move |ev| {
                        score.set(event_target_value(&ev).parse().unwrap_or(MIN_SCORE));
                    }>
                        <option value="3" selected=move || score.get() == 3>{move || state.t(SecurityMsg::StrengthStrong)}</option>
                        <option value="4" selected=move || score.get() == 4>{move || state.t(SecurityMsg::StrengthVeryStrong)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="clipboard-seconds">{move || state.t(SecurityMsg::ClipboardDelay)}</label>
                    <input id="clipboard-seconds" type="number" inputmode="numeric"
                        min=CLIPBOARD_MIN_SECONDS max=CLIPBOARD_MAX_SECONDS bind:value=seconds/>
                </div>
                <p>
                    {move || fill(state.t(SecurityMsg::AutoLockIs), &[("minutes", &state.settings.get().auto_lock_minutes.to_string())])}
                    " "
                    <button type="button" class="link" on:click=move |_| state.phase.set(Phase::Unlocked(View::Settings))>
                        {move || state.t(SecurityMsg::ChangeInSettings)}
                    </button>
                </p>
                <p>{move || fill(state.t(SecurityMsg::ThrottleSchedule), &[("free", &UnlockThrottle::FREE_ATTEMPTS.to_string())])}</p>
                <div class="actions">
                    <button type="submit" disabled=move || loaded.get().is_none()>
                        {move || state.t(SecurityMsg::SaveSecuritySettings)}
                    </button>
                </div>
            </form>
        </section>
    }
}
