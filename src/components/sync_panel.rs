//! Sync UI: the status line in the top bar, the banners that need a
//! decision (a server whose history does not match, an ended session), and
//! the account section of the settings page (create or sign in, devices,
//! sign out).

use crate::account::{self, flow_error_text};
use crate::api::{self, SessionInfo};
use crate::components::passphrase_field::PassphraseField;
use crate::state::use_app;
use crate::sync::SyncProblem;
use coffer_core::i18n::{Msg, fill};
use coffer_crypto::Passphrase;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "HH:MM" in the browser's time zone, for "synced 14:03".
pub fn clock_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Date and time in the browser's time zone, for lists.
pub fn date_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Online/offline, pending changes and last sync, announced politely.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let state = use_app();
    let status = state.sync_status;
    let data_state = move || {
        status.with(|s| match (&s.account, s.online) {
            (None, _) => "local",
            (Some(_), false) => "offline",
            (Some(_), true) if s.busy => "syncing",
            (Some(_), true) if s.pending > 0 => "pending",
            (Some(_), true) => "synced",
        })
    };
    let text = move || {
        status.with(|s| {
            let mut parts: Vec<String> = Vec::new();
            match (&s.account, s.online) {
                (None, _) => parts.push(state.t(Msg::SyncLocalOnly).to_string()),
                (Some(_), false) => parts.push(state.t(Msg::SyncOffline).to_string()),
                (Some(_), true) if s.busy => parts.push(state.t(Msg::SyncSyncing).to_string()),
                (Some(_), true) => parts.push(state.t(Msg::SyncOnline).to_string()),
            }
            if s.account.is_some() && s.pending > 0 {
                parts.push(fill(
                    state.t(Msg::SyncPending),
                    &[("count", &s.pending.to_string())],
                ));
            } else if let Some(ms) = s.last_sync_ms.filter(|_| s.account.is_some()) {
                parts.push(fill(
                    state.t(Msg::SyncUpToDate),
                    &[("time", &clock_time(ms))],
                ));
            }
            parts.join(" · ")
        })
    };
    let on_sync = move |_| {
        if let Some(sync) = state.sync() {
            sync.sync_now();
        }
    };
    view! {
        <div class="sync-indicator" role="status" aria-live="polite"
            aria-label=move || state.t(Msg::SyncStatusLabel)>
            <span id="sync-status" class="sync-state" data-state=data_state>{text}</span>
            <Show when=move || status.with(|s| s.account.is_some())>
                <button type="button" class="link" on:click=on_sync>{move || state.t(Msg::SyncNow)}</button>
            </Show>
        </div>
    }
}

/// Banners for sync problems that need the user.
#[component]
pub fn SyncBanners() -> impl IntoView {
    let state = use_app();
    move || {
        let problem = state.sync_status.with(|s| s.problem.clone());
        match problem? {
            SyncProblem::ChainBroken(_) => Some(
                view! {
                    <div class="banner warning" role="alert" id="chain-broken">
                        <strong>{move || state.t(Msg::ChainBrokenTitle)}</strong>
                        <p>{move || state.t(Msg::ChainBrokenText)}</p>
                        <div class="actions">
                            <button type="button" on:click=move |_| {
                                if let Some(sync) = state.sync() { sync.accept_restored_server(); }
                            }>{move || state.t(Msg::ServerWasRestored)}</button>
                            <button type="button" on:click=move |_| {
                                if let Some(sync) = state.sync() { sync.retry(); }
                            }>{move || state.t(Msg::TryAgain)}</button>
                        </div>
                    </div>
                }
                .into_any(),
            ),
            SyncProblem::SignedOut => Some(
                view! {
                    <p class="banner warning" role="alert">{move || state.t(Msg::SyncSignedOut)}</p>
                }
                .into_any(),
            ),
            SyncProblem::Refused(code) => Some(
                view! {
                    <p class="banner" role="status">
                        {move || fill(state.t(Msg::SyncRefusedBanner), &[("code", &code)])}
                    </p>
                }
                .into_any(),
            ),
            SyncProblem::Storage(reason) => Some(
                view! {
                    <p class="banner warning" role="alert">
                        {move || fill(state.t(Msg::SyncStorageProblem), &[("reason", &reason)])}
                    </p>
                }
                .into_any(),
            ),
        }
    }
}

/// The authenticator code, asked for once the server says the account has
/// a second factor.
#[component]
pub fn TotpField(
    id: &'static str,
    value: RwSignal<String>,
    shown: RwSignal<bool>,
) -> impl IntoView {
    let state = use_app();
    let hint = format!("{id}-hint");
    view! {
        <Show when=move || shown.get()>
            <div class="field">
                <label for=id>{move || state.t(Msg::TotpCode)}</label>
                <input id=id type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                    aria-describedby=hint.clone() bind:value=value/>
                <p id=hint.clone() class="hint">{move || state.t(Msg::TotpCodeHint)}</p>
            </div>
        </Show>
    }
}

/// Settings: create an account or sign in again; when signed in, the
/// account's devices (sessions) and sign-out.
#[component]
pub fn AccountSection() -> impl IntoView {
    let state = use_app();
    let signed_in = move || {
        state
            .sync_status
            .with(|s| s.account.is_some() && !matches!(s.problem, Some(SyncProblem::SignedOut)))
    };
    view! {
        <section class="account" aria-labelledby="sync-title">
            <h2 id="sync-title">{move || state.t(Msg::SyncTitle)}</h2>
            <AccountRecoveryCode/>
            <Show when=signed_in fallback=move || view! { <AccountForm/> }>
                <SignedIn/>
            </Show>
        </section>
    }
}

/// The account's new recovery code, shown once right after sign-up.
#[component]
fn AccountRecoveryCode() -> impl IntoView {
    let state = use_app();
    let saved = RwSignal::new(false);
    move || {
        state.sync_status.track();
        let code = state
            .recovery_code
            .with_value(|c| c.as_ref().map(|c| c.to_string()))?;
        Some(view! {
            <div class="card recovery" role="region" aria-labelledby="account-code-title">
                <h3 id="account-code-title">{move || state.t(Msg::AccountRecoveryTitle)}</h3>
                <p>{move || state.t(Msg::AccountRecoveryText)}</p>
                <p class="recovery-code" data-testid="account-recovery-code"
                    aria-label=move || state.t(Msg::RecoveryCode)>{code}</p>
                <label class="inline">
                    <input type="checkbox" prop:checked=saved on:change=move |ev| saved.set(event_target_checked(&ev))/>
                    {move || state.t(Msg::RecoverySaved)}
                </label>
                <button type="button" class="primary" disabled=move || !saved.get() on:click=move |_| {
                    state.recovery_code.set_value(None);
                    saved.set(false);
                    // Re-render without the code.
                    state.sync_status.update(|_| {});
                }>{move || state.t(Msg::Done)}</button>
            </div>
        })
    }
}

#[component]
fn AccountForm() -> impl IntoView {
    let state = use_app();
    // After an ended session the account is known: only sign in again.
    let known = state.sync_status.with_untracked(|s| s.account.clone());
    let again = known.is_some();
    let name = RwSignal::new(known.unwrap_or_default());
    let passphrase = RwSignal::new(String::new());
    let totp = RwSignal::new(String::new());
    let need_totp = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let working = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if working.get_untracked() {
            return;
        }
        let pass = Passphrase::new(passphrase.get_untracked());
        let account = name.get_untracked();
        let code = totp.get_untracked();
        working.set(true);
        error.set(None);
        spawn_local(async move {
            let result = if again {
                account::sign_in_again(state, &account, &pass, Some(code.as_str()))
                    .await
                    .map(|()| None)
            } else {
                account::create_account(state, &account, &pass).await
            };
            working.set(false);
            match result {
                Ok(code) => {
                    passphrase.set(String::new());
                    if let Some(code) = code {
                        state.recovery_code.set_value(Some(code.to_display()));
                        state.say(state.t(Msg::AccountCreated));
                    }
                }
                Err(e) => {
                    if account::needs_totp(&e) {
                        need_totp.set(true);
                        totp.set(String::new());
                    }
                    error.set(Some(flow_error_text(&e, state.locale.get_untracked())));
                }
            }
        });
    };
    let label = move || match (again, working.get()) {
        (true, false) => state.t(Msg::SignIn),
        (true, true) => state.t(Msg::SigningIn),
        (false, false) => state.t(Msg::CreateAccount),
        (false, true) => state.t(Msg::CreatingAccount),
    };
    view! {
        <p>{move || state.t(Msg::SyncIntro)}</p>
        <form on:submit=on_submit novalidate=true>
            <div class="field">
                <label for="account-name">{move || state.t(Msg::AccountName)}</label>
                <input id="account-name" type="email" autocomplete="username" required=true
                    aria-describedby="account-name-hint account-error" bind:value=name/>
                <p id="account-name-hint" class="hint">{move || state.t(Msg::AccountNameHint)}</p>
            </div>
            <PassphraseField id="account-passphrase" label=Msg::Passphrase value=passphrase
                autocomplete="current-password" described_by="account-passphrase-hint account-error"/>
            <p id="account-passphrase-hint" class="hint">{move || state.t(Msg::AccountPassphraseHint)}</p>
            <TotpField id="account-totp" value=totp shown=need_totp/>
            <p id="account-error" class="form-error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || working.get()>{label}</button>
            <Show when=move || working.get()>
                <progress aria-label=label></progress>
            </Show>
        </form>
    }
}

#[component]
fn SignedIn() -> impl IntoView {
    let state = use_app();
    let sessions = RwSignal::new(None::<Result<Vec<SessionInfo>, String>>);
    let load = move || {
        let Some(link) = state.sync().and_then(|s| s.link()) else {
            return;
        };
        spawn_local(async move {
            let result = api::sessions(&link.session.token)
                .await
                .map_err(|e| flow_error_text(&e.into(), state.locale.get_untracked()));
            sessions.set(Some(result));
        });
    };
    load();
    let end = move |id: String| {
        let Some(link) = state.sync().and_then(|s| s.link()) else {
            return;
        };
        spawn_local(async move {
            match api::end_session(&link.session.token, &id).await {
                Ok(()) => {
                    state.say(state.t(Msg::DeviceSignedOut));
                    load();
                }
                Err(e) => state.warn(flow_error_text(&e.into(), state.locale.get_untracked())),
            }
        });
    };
    let on_sign_out = move |_| {
        spawn_local(async move {
            match account::sign_out(state).await {
                Ok(()) => state.say(state.t(Msg::SignedOut)),
                Err(e) => state.warn(flow_error_text(&e, state.locale.get_untracked())),
            }
        });
    };
    let account = move || {
        state
            .sync_status
            .with(|s| s.account.clone().unwrap_or_default())
    };
    view! {
        <p id="signed-in-as">{move || fill(state.t(Msg::SignedInAs), &[("account", &account())])}</p>
        <h3>{move || state.t(Msg::Devices)}</h3>
        {move || match sessions.get() {
            None => view! { <p><progress aria-label=move || state.t(Msg::Loading)></progress></p> }.into_any(),
            Some(Err(text)) => view! { <p class="form-error" role="alert">{text}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="devices" aria-label=move || state.t(Msg::Devices)>
                    {list.into_iter().map(|s| {
                        let id = s.session_id.clone();
                        let agent = s.user_agent.clone().unwrap_or_else(|| state.t(Msg::DeviceUnknown).to_string());
                        let seen = fill(state.t(Msg::DeviceLastSeen), &[("time", &date_time(s.last_seen_at as f64 * 1000.0))]);
                        view! {
                            <li class="device">
                                <span class="device-name">{agent}</span>
                                {s.current.then(|| view! { <strong class="badge">{move || state.t(Msg::DeviceThis)}</strong> })}
                                <span class="hint">{seen}</span>
                                {(!s.current).then(|| {
                                    let id = id.clone();
                                    view! {
                                        <button type="button" on:click=move |_| end(id.clone())>
                                            {move || state.t(Msg::DeviceSignOut)}
                                        </button>
                                    }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <TwoStep/>
        <button type="button" id="sign-out" on:click=on_sign_out>{move || state.t(Msg::SignOut)}</button>
    }
}

/// Turning the account's second factor (TOTP) on and off.
#[component]
fn TwoStep() -> impl IntoView {
    let state = use_app();
    // The secret being set up (shown until confirmed), and whether the
    // factor is known to be on.
    let secret = RwSignal::new(None::<String>);
    let uri = RwSignal::new(None::<String>);
    let on = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let token = move || {
        state
            .sync()
            .and_then(|s| s.link())
            .map(|l| l.session.token.clone())
    };
    // Whether it is on already (set up earlier, or on another device).
    if let Some(token) = token() {
        spawn_local(async move {
            if let Ok(enabled) = api::totp_enabled(&token).await {
                on.try_set(enabled);
            }
        });
    }
    let fail = move |e: crate::api::ApiError| {
        if e.code() == Some("totp_enabled") {
            on.set(true);
        }
        error.set(Some(flow_error_text(
            &e.into(),
            state.locale.get_untracked(),
        )));
    };
    let on_set_up = move |_| {
        let Some(token) = token() else { return };
        error.set(None);
        spawn_local(async move {
            match api::set_up_totp(&token).await {
                Ok((key, link)) => {
                    uri.set(Some(link));
                    secret.set(Some(key));
                }
                Err(e) => fail(e),
            }
        });
    };
    let on_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        let typed = code.get_untracked();
        let turning_off = on.get_untracked();
        error.set(None);
        spawn_local(async move {
            let result = if turning_off {
                api::disable_totp(&token, &typed).await
            } else {
                api::confirm_totp(&token, &typed).await
            };
            match result {
                Ok(()) => {
                    code.set(String::new());
                    secret.set(None);
                    uri.set(None);
                    on.set(!turning_off);
                    state.say(state.t(if turning_off {
                        Msg::TotpOff
                    } else {
                        Msg::TotpOn
                    }));
                }
                Err(e) => fail(e),
            }
        });
    };
    view! {
        <section class="two-step" aria-labelledby="two-step-title">
            <h3 id="two-step-title">{move || state.t(Msg::TotpTitle)}</h3>
            <p>{move || state.t(Msg::TotpIntro)}</p>
            <Show when=move || secret.get().is_none() && !on.get()>
                <button type="button" on:click=on_set_up>{move || state.t(Msg::TotpSetUp)}</button>
            </Show>
            {move || secret.get().map(|key| view! {
                <p>{move || state.t(Msg::TotpSecretIntro)}</p>
                <p class="recovery-code" data-testid="totp-secret" aria-label=move || state.t(Msg::TotpSecret)>{key}</p>
            })}
            {move || uri.get().and_then(|link| {
                let svg = qr_svg(&link)?;
                Some(view! {
                    <div class="totp-qr" role="img" aria-label=move || state.t(Msg::TotpQr) inner_html=svg></div>
                    <p><a href=link>{move || state.t(Msg::TotpOpenApp)}</a></p>
                })
            })}
            <Show when=move || secret.get().is_some() || on.get()>
                <form on:submit=on_confirm novalidate=true>
                    <TotpField id="two-step-code" value=code shown=RwSignal::new(true)/>
                    <button type="submit" class="primary">
                        {move || if on.get() { state.t(Msg::TotpTurnOff) } else { state.t(Msg::TotpTurnOn) }}
                    </button>
                </form>
            </Show>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// The `otpauth://` link as a QR code (SVG markup), for authenticator apps
/// that scan; drawn here, so the key never goes to a QR service.
fn qr_svg(link: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    let image = code.render::<svg::Color>().min_dimensions(192, 192).build();
    // Markup for an element's content: without the XML declaration.
    Some(match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    })
}
