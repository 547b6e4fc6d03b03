//! The account's protections on the server: the IP allowlist (read and
//! replaced through the API; the server refuses a list that would lock
//! this request out), the current session's expiry, and where two-step
//! sign-in is managed.

use coffer_core::i18n::security::SecurityMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::privacy::audit::{AuditAction, count_detail};
use coffer_core::privacy::breach::format_utc;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::account::{FlowError, flow_error_text};
use crate::api::{self, ApiError};
use crate::audit;
use crate::state::{AppState, Phase, View, use_app};

fn api_error_text(state: &AppState, e: ApiError) -> String {
    match e.code().map(str::to_owned).as_deref() {
        Some("allowlist_excludes_you") => state.t(SecurityMsg::AllowlistExcludesYou).to_string(),
        Some("invalid_cidr") => state.t(SecurityMsg::AllowlistInvalid).to_string(),
        _ => flow_error_text(&FlowError::Api(e), state.locale.get_untracked()),
    }
}

#[component]
pub fn ServerSecurity() -> impl IntoView {
    let state = use_app();
    let token = move || {
        state
            .sync()
            .and_then(|s| s.link())
            .map(|l| l.session.token.clone())
    };
    let signed_in = move || state.sync_status.with(|s| s.account.is_some());
    let networks = RwSignal::new(String::new());
    let loaded = RwSignal::new(false);
    let expires = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        let Some(token) = token() else { return };
        spawn_local(async move {
            match api::ip_allowlist(&token).await {
                Ok(list) => {
                    networks.set(list.join("\n"));
                    loaded.set(true);
                    error.set(None);
                }
                Err(e) => error.set(Some(api_error_text(&state, e))),
            }
            if let Ok(sessions) = api::sessions(&token).await {
                expires.set(sessions.iter().find(|s| s.current).map(|s| s.expires_at));
            }
        });
    };
    // Loads once the account is connected (also after a reload).
    Effect::new(move |_| {
        if signed_in() && !loaded.get_untracked() {
            load();
        }
    });
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        let list: Vec<String> = networks
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        spawn_local(async move {
            match api::set_ip_allowlist(&token, &list).await {
                Ok(saved) => {
                    networks.set(saved.join("\n"));
                    error.set(None);
                    audit::record(
                        state,
                        AuditAction::SettingsChanged,
                        "settings",
                        None,
                        &format!("ip_allowlist,{}", count_detail(saved.len())),
                    );
                    state.say(state.t(SecurityMsg::AllowlistSaved));
                }
                Err(e) => error.set(Some(api_error_text(&state, e))),
            }
        });
    };
    view! {
        <section class="security-card" aria-labelledby="server-security-title">
            <h2 id="server-security-title">{move || state.t(SecurityMsg::ServerHeading)}</h2>
            <Show when=signed_in fallback=move || view! {
                <p>{move || state.t(SecurityMsg::NotSignedIn)}</p>
            }>
                <form class="security-form" on:submit=on_save>
                    <div class="field">
                        <label for="ip-allowlist">{move || state.t(SecurityMsg::IpAllowlist)}</label>
                        <textarea id="ip-allowlist" rows="4" spellcheck="false" autocomplete="off"
                            aria-describedby="ip-allowlist-hint ip-allowlist-error"
                            aria-invalid=move || error.get().is_some().to_string()
                            bind:value=networks></textarea>
                        <p id="ip-allowlist-hint" class="hint">{move || state.t(SecurityMsg::IpAllowlistHint)}</p>
                        <p id="ip-allowlist-error" class="field-error" role="alert">{move || error.get()}</p>
                    </div>
                    <div class="actions">
                        <button type="submit" disabled=move || !loaded.get()>{move || state.t(SecurityMsg::SaveAllowlist)}</button>
                    </div>
                </form>
                <p>{move || expires.get().map(|at| fill(state.t(SecurityMsg::SessionExpires), &[("when", &format_utc(at.saturating_mul(1000)))]))}</p>
                <p>
                    {move || state.t(SecurityMsg::TwoStepUnknown)}
                    " "
                    <button type="button" class="link" on:click=move |_| state.phase.set(Phase::Unlocked(View::Settings))>
                        {move || state.t(Msg::Settings)}
                    </button>
                </p>
            </Show>
        </section>
    }
}
