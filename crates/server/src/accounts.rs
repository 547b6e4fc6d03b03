//! Sign-up, OPAQUE login and changes to an account's credentials: the
//! HTTP handlers. The protocol itself is `coffer-account`'s; what login
//! keeps between requests (pending logins, limits, lockouts) is in
//! [`crate::login`]; a successful login becomes a [`crate::sessions`]
//! session.
//!
//! What a client sends here is a passphrase's blinded or sealed form and a
//! key bundle the server cannot open; none of it, nor the account name (a
//! personal datum), is logged. Logs name an account by [`account_tag`] only.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use coffer_account::{AccountError, AccountName};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;
use crate::factors::{self, TotpRefusal};
use crate::login::{Accounts, LOGIN_TIMEOUT, LoginKind, Pending, account_tag};
use crate::ratelimit::{ClientIp, rate_key};
use crate::sessions::{self, AuthedAccount};
use crate::store::{AccountRecord, StoreError};
use crate::wire::{self, ApiJson};

/// The largest wrapped key bundle accepted. Version 1 bundles are
/// [`coffer_account::WRAPPED_LEN`] bytes; later versions may grow a little.
pub const MAX_BUNDLE_BYTES: usize = 4096;

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "database error");
        ApiError::Internal
    }
}

fn opaque_error(field: &'static str) -> impl Fn(AccountError) -> ApiError {
    move |error| match error {
        AccountError::LoginFailed => ApiError::LoginFailed,
        AccountError::Malformed("password file" | "server setup" | "server login state") => {
            tracing::error!(%error, "stored login data does not parse");
            ApiError::Internal
        }
        _ => ApiError::InvalidMessage { field },
    }
}

fn bundle(text: &str) -> Result<Vec<u8>, ApiError> {
    let bytes = wire::decode("wrapped_bundle", text)?;
    if bytes.is_empty() || bytes.len() > MAX_BUNDLE_BYTES {
        return Err(ApiError::InvalidBundle {
            limit: MAX_BUNDLE_BYTES,
        });
    }
    Ok(bytes)
}

fn limit_ip(
    accounts: &Accounts,
    state: &AppState,
    ip: IpAddr,
    now: Instant,
) -> Result<(), ApiError> {
    if let Some(limiter) = &accounts.per_ip {
        limiter.check(&rate_key(ip), now).map_err(|retry| {
            state.metrics.rate_limited(limiter.scope());
            ApiError::RateLimited {
                retry_after_seconds: retry.seconds(),
            }
        })?;
    }
    Ok(())
}

// ---- sign-up ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterStart {
    account: String,
    request: String,
}

#[derive(Serialize)]
pub struct OpaqueResponse {
    response: String,
}

/// `POST /api/accounts/register/start`.
pub async fn register_start(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RegisterStart>,
) -> Result<Json<OpaqueResponse>, ApiError> {
    let account = AccountName::parse(&body.account)?;
    let request = wire::decode("request", &body.request)?;
    limit_ip(&state.accounts, &state, ip, Instant::now())?;
    // Sign-up cannot hide which names are taken; saying so now spares the
    // client a key stretch.
    if state.store.account(account.as_str()).await?.is_some() {
        return Err(ApiError::AccountExists);
    }
    let response = coffer_account::registration_response(&state.accounts.setup, &request, &account)
        .map_err(opaque_error("request"))?;
    Ok(Json(OpaqueResponse {
        response: wire::encode(&response),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterFinish {
    account: String,
    upload: String,
    wrapped_bundle: String,
}

#[derive(Serialize)]
pub struct Registered {
    account: String,
}

/// `POST /api/accounts/register/finish`: 201, or 409 `account_exists`.
pub async fn register_finish(
    State(state): State<Arc<AppState>>,
    ApiJson(body): ApiJson<RegisterFinish>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let account = AccountName::parse(&body.account)?;
    let upload = wire::decode("upload", &body.upload)?;
    let wrapped_bundle = bundle(&body.wrapped_bundle)?;
    let password_file =
        coffer_account::registration_finish(&upload).map_err(opaque_error("upload"))?;
    let record = AccountRecord {
        password_file,
        wrapped_bundle,
    };
    let created = state
        .store
        .create_account(account.as_str(), &record, wire::unix_now())
        .await?;
    if !created {
        return Err(ApiError::AccountExists);
    }
    tracing::info!(account = %account_tag(account.as_str()), "account created");
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            account: account.as_str().to_owned(),
        }),
    ))
}

// ---- login ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginStart {
    account: String,
    request: String,
}

#[derive(Serialize)]
pub struct LoginChallenge {
    login_id: String,
    response: String,
}

/// `POST /api/login/start`. An unknown account gets a response of the same
/// shape, and its login fails at the finish like a wrong passphrase.
pub async fn login_start(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginStart>,
) -> Result<Json<LoginChallenge>, ApiError> {
    start_login(&state, ip, body, LoginKind::Passphrase).await
}

/// `POST /api/login/recovery/start`: as [`login_start`], with the recovery
/// code as the credential. An unknown account and an account without a
/// recovery credential look the same as a wrong code.
pub async fn recovery_login_start(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginStart>,
) -> Result<Json<LoginChallenge>, ApiError> {
    start_login(&state, ip, body, LoginKind::Recovery).await
}

/// Both logins share the per-IP and per-account limits and the lockout: a
/// recovery code is no way around them.
async fn start_login(
    state: &AppState,
    ip: IpAddr,
    body: LoginStart,
    kind: LoginKind,
) -> Result<Json<LoginChallenge>, ApiError> {
    let account = AccountName::parse(&body.account)?;
    let request = wire::decode("request", &body.request)?;
    let accounts = &state.accounts;
    let now = Instant::now();
    limit_ip(accounts, state, ip, now)?;
    let name = account.as_str();
    if let Some(limiter) = &accounts.per_account {
        limiter.check(&name.to_owned(), now).map_err(|retry| {
            state.metrics.rate_limited(limiter.scope());
            tracing::info!(account = %account_tag(name), "login rate limited");
            ApiError::RateLimited {
                retry_after_seconds: retry.seconds(),
            }
        })?;
    }
    if let Some(left) = accounts
        .locked_for(&state.store, name, wire::unix_now())
        .await?
    {
        return Err(ApiError::AccountLocked {
            retry_after_seconds: crate::ratelimit::RetryAfter(left).seconds(),
        });
    }
    // Each start is one guess: with OPAQUE a client learns that its
    // passphrase is wrong from this response alone and need never send a
    // finish. So a start counts as a failure until a finish succeeds (which
    // forgets the account's failures).
    accounts
        .failed(&state.store, name, wire::unix_now())
        .await?;
    let (login, response) = match kind {
        LoginKind::Passphrase => {
            let record = state.store.account(name).await?;
            coffer_account::login_start(
                &accounts.setup,
                record.as_ref().map(|record| &record.password_file[..]),
                &request,
                &account,
            )
        }
        LoginKind::Recovery => {
            let record = state.store.recovery(name).await?;
            coffer_account::recovery_login_start(
                &accounts.setup,
                record.as_ref().map(|record| &record.password_file[..]),
                &request,
                &account,
            )
        }
    }
    .map_err(opaque_error("request"))?;
    let (id, login_id) = wire::random_id::<16>()?;
    let pending = Pending {
        state: login,
        account: name.to_owned(),
        kind,
        expires: now + LOGIN_TIMEOUT,
    };
    if !accounts.remember(pending, id, now) {
        tracing::warn!("too many logins in progress");
        return Err(ApiError::RateLimited {
            retry_after_seconds: 1,
        });
    }
    Ok(Json(LoginChallenge {
        login_id,
        response: wire::encode(&response),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginFinish {
    login_id: String,
    finalization: String,
    /// The current TOTP code, for an account with a second factor.
    #[serde(default)]
    totp: Option<String>,
}

#[derive(Serialize)]
pub struct LoggedIn {
    token: String,
    session_id: String,
    /// Unix seconds.
    expires_at: i64,
    wrapped_bundle: String,
}

/// `POST /api/login/finish`: a session and the wrapped bundle, or 401
/// `login_failed`.
pub async fn login_finish(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginFinish>,
) -> Result<Json<LoggedIn>, ApiError> {
    finish_login(&state, ip, &headers, body, LoginKind::Passphrase).await
}

/// `POST /api/login/recovery/finish`: a session and the recovery-wrapped
/// bundle, or 401 `login_failed`. The client then sets a new passphrase
/// with `/api/account/passphrase/start` and `/finish`.
pub async fn recovery_login_finish(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginFinish>,
) -> Result<Json<LoggedIn>, ApiError> {
    finish_login(&state, ip, &headers, body, LoginKind::Recovery).await
}

async fn finish_login(
    state: &AppState,
    ip: IpAddr,
    headers: &HeaderMap,
    body: LoginFinish,
    kind: LoginKind,
) -> Result<Json<LoggedIn>, ApiError> {
    let finalization = wire::decode("finalization", &body.finalization)?;
    let accounts = &state.accounts;
    let now = Instant::now();
    // A login started at the other endpoint is taken (so it cannot be
    // retried) and fails like an unknown one.
    let pending = wire::decode_id::<16>(&body.login_id)
        .and_then(|id| accounts.take(&id, now))
        .filter(|pending| pending.kind == kind)
        .ok_or(ApiError::LoginFailed)?;
    let account = pending.account;
    match coffer_account::login_finish(pending.state, &finalization) {
        Ok(_session_key) => {}
        Err(AccountError::LoginFailed) => {
            // Already counted when the login started.
            tracing::info!(account = %account_tag(&account), ?kind, "login failed");
            return Err(ApiError::LoginFailed);
        }
        Err(error) => return Err(opaque_error("finalization")(error)),
    }
    // A proof for a name that has no record cannot happen (the fake record
    // has no passphrase); the account or its recovery credential may have
    // been removed or replaced since.
    let record = match kind {
        LoginKind::Passphrase => state.store.account(&account).await?,
        LoginKind::Recovery => state.store.recovery(&account).await?,
    }
    .ok_or(ApiError::LoginFailed)?;
    // The policy checks come after the proof, so only someone who knows the
    // passphrase (or recovery code) learns that the account has them. The
    // address first: a code sent from a refused address is not used up.
    factors::check_ip(state, &account, ip).await?;
    match factors::check_login_totp(state, &account, body.totp.as_deref()).await {
        Ok(()) => {}
        Err(TotpRefusal::Wrong) => {
            // Counted as a failure when the login started; only a success
            // clears it.
            tracing::info!(account = %account_tag(&account), "wrong second-factor code");
            return Err(ApiError::TotpInvalid);
        }
        Err(TotpRefusal::Other(error)) => return Err(error),
    }
    accounts.succeeded(&state.store, &account).await?;
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| {
            agent
                .chars()
                .take(sessions::MAX_USER_AGENT_CHARS)
                .collect::<String>()
        });
    let session = sessions::create(state, &account, user_agent.as_deref()).await?;
    tracing::info!(account = %account_tag(&account), ?kind, "logged in");
    Ok(Json(LoggedIn {
        token: session.token,
        session_id: session.session_id,
        expires_at: session.expires_at,
        wrapped_bundle: wire::encode(&record.wrapped_bundle),
    }))
}

// ---- changing credentials ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleUpdate {
    wrapped_bundle: String,
}

/// `PUT /api/account/bundle`: 204.
pub async fn put_bundle(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<BundleUpdate>,
) -> Result<StatusCode, ApiError> {
    let wrapped_bundle = bundle(&body.wrapped_bundle)?;
    let updated = state
        .store
        .update_account(&authed.account, None, &wrapped_bundle, wire::unix_now())
        .await?;
    if !updated {
        return Err(ApiError::Unauthorized);
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassphraseStart {
    request: String,
}

/// `POST /api/account/passphrase/start`: a new registration for the
/// signed-in account.
pub async fn passphrase_start(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<PassphraseStart>,
) -> Result<Json<OpaqueResponse>, ApiError> {
    let request = wire::decode("request", &body.request)?;
    let account = stored_name(&authed)?;
    let response = coffer_account::registration_response(&state.accounts.setup, &request, &account)
        .map_err(opaque_error("request"))?;
    Ok(Json(OpaqueResponse {
        response: wire::encode(&response),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassphraseFinish {
    upload: String,
    wrapped_bundle: String,
}

/// `POST /api/account/passphrase/finish`: replaces the password file and
/// the bundle together; 204.
pub async fn passphrase_finish(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<PassphraseFinish>,
) -> Result<StatusCode, ApiError> {
    let upload = wire::decode("upload", &body.upload)?;
    let wrapped_bundle = bundle(&body.wrapped_bundle)?;
    let password_file =
        coffer_account::registration_finish(&upload).map_err(opaque_error("upload"))?;
    let updated = state
        .store
        .update_account(
            &authed.account,
            Some(&password_file),
            &wrapped_bundle,
            wire::unix_now(),
        )
        .await?;
    if !updated {
        return Err(ApiError::Unauthorized);
    }
    tracing::info!(account = %account_tag(&authed.account), "passphrase changed");
    Ok(StatusCode::NO_CONTENT)
}

// ---- the recovery credential ----

/// `POST /api/account/recovery/start`: answers an OPAQUE registration of
/// the signed-in account's recovery code (its own credential identifier).
pub async fn recovery_start(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<PassphraseStart>,
) -> Result<Json<OpaqueResponse>, ApiError> {
    let request = wire::decode("request", &body.request)?;
    let account = stored_name(&authed)?;
    let response =
        coffer_account::recovery_registration_response(&state.accounts.setup, &request, &account)
            .map_err(opaque_error("request"))?;
    Ok(Json(OpaqueResponse {
        response: wire::encode(&response),
    }))
}

/// `POST /api/account/recovery/finish`: sets or replaces the recovery
/// credential and its wrapped bundle together; 204.
pub async fn recovery_finish(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<PassphraseFinish>,
) -> Result<StatusCode, ApiError> {
    let upload = wire::decode("upload", &body.upload)?;
    let wrapped_bundle = bundle(&body.wrapped_bundle)?;
    let password_file =
        coffer_account::registration_finish(&upload).map_err(opaque_error("upload"))?;
    let record = AccountRecord {
        password_file,
        wrapped_bundle,
    };
    let set = state
        .store
        .set_recovery(&authed.account, &record, wire::unix_now())
        .await?;
    if !set {
        return Err(ApiError::Unauthorized);
    }
    tracing::info!(account = %account_tag(&authed.account), "recovery code set");
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account's name, parsed again: stored names were
/// normalised by this parser, so they parse.
fn stored_name(authed: &AuthedAccount) -> Result<AccountName, ApiError> {
    AccountName::parse(&authed.account).map_err(|_| {
        tracing::error!("a stored account name does not parse");
        ApiError::Internal
    })
}
