//! Sign-up, OPAQUE login and changes to an account's credentials. The
//! protocol itself is `coffer-account`'s; this module keeps what lies
//! between the two login requests (in memory, a minute at most), counts
//! failures per account, and turns a successful login into a session.
//!
//! What a client sends here is a passphrase's blinded or sealed form and a
//! key bundle the server cannot open; none of it, nor the account name (a
//! personal datum), is logged. Logs name an account by [`account_tag`] only.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use coffer_account::{AccountError, AccountName, ServerLoginState, ServerSetup};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::ratelimit::{ClientIp, Limiter, Rate, rate_key};
use crate::sessions::{self, AuthedAccount};
use crate::store::{AccountRecord, Store, StoreError};
use crate::wire::{self, ApiJson};

/// The largest wrapped key bundle accepted. Version 1 bundles are
/// [`coffer_account::WRAPPED_LEN`] bytes; later versions may grow a little.
pub const MAX_BUNDLE_BYTES: usize = 4096;

/// How long a login may take between its two requests.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(60);

/// How many logins may be half-done at once; more are refused until some
/// finish or expire, so a flood of login starts cannot exhaust memory.
pub const MAX_PENDING_LOGINS: usize = 10_000;

/// How many accounts' failure counts are kept at once.
const MAX_FAILURE_ENTRIES: usize = 100_000;

/// Where the OPAQUE server setup is kept in `server_secrets`.
const SETUP_SECRET: &str = "opaque_setup";

/// The operator's login policy (see [`crate::config::Config`]).
#[derive(Clone, Copy, Debug)]
pub struct LoginPolicy {
    /// Login starts per minute per account; `None` for no limit.
    pub per_account_per_minute: Option<u32>,
    /// Login (and sign-up) starts per minute per client IP.
    pub per_ip_per_minute: Option<u32>,
    /// Failed logins in a row that lock an account; `None` never locks.
    pub lockout_failures: Option<u32>,
    /// How long a locked account stays locked.
    pub lockout: Duration,
    /// How long a session lasts after login.
    pub session_ttl: Duration,
}

impl Default for LoginPolicy {
    /// No limits (for in-process tests), 30-day sessions.
    fn default() -> Self {
        Self {
            per_account_per_minute: None,
            per_ip_per_minute: None,
            lockout_failures: None,
            lockout: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(720 * 3600),
        }
    }
}

/// Everything login keeps in memory.
pub struct Accounts {
    setup: ServerSetup,
    pending: Mutex<HashMap<[u8; 16], Pending>>,
    failures: Mutex<HashMap<String, Failures>>,
    per_ip: Option<Limiter<IpAddr>>,
    per_account: Option<Limiter<String>>,
    policy: LoginPolicy,
}

struct Pending {
    state: ServerLoginState,
    /// The normalised name, for counting a failure against it.
    account: String,
    expires: Instant,
}

struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Accounts {
    pub fn new(setup: ServerSetup, policy: LoginPolicy) -> Self {
        Self {
            setup,
            pending: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            per_ip: limiter("login_ip", policy.per_ip_per_minute),
            per_account: limiter("login_account", policy.per_account_per_minute),
            policy,
        }
    }

    pub fn session_ttl(&self) -> Duration {
        self.policy.session_ttl
    }

    /// Keeps a login's state; its id, or `None` when too many are pending.
    fn remember(&self, pending: Pending, id: [u8; 16], now: Instant) -> bool {
        // Nothing in the map is left half-updated by a panic, so a poisoned
        // lock is still usable.
        let mut map = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_PENDING_LOGINS {
            map.retain(|_, pending| pending.expires > now);
            if map.len() >= MAX_PENDING_LOGINS {
                return false;
            }
        }
        map.insert(id, pending);
        true
    }

    fn take(&self, id: &[u8; 16], now: Instant) -> Option<Pending> {
        let mut map = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(id).filter(|pending| pending.expires > now)
    }

    /// How long `account` stays locked, if it is.
    fn locked_for(&self, account: &str, now: Instant) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let until = map.get(account)?.locked_until?;
        (until > now).then(|| until - now)
    }

    fn failed(&self, account: &str, now: Instant) {
        let Some(limit) = self.policy.lockout_failures else {
            return;
        };
        let window = self.policy.lockout;
        let mut map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_FAILURE_ENTRIES && !map.contains_key(account) {
            map.retain(|_, entry| {
                entry.locked_until.is_some_and(|until| until > now)
                    || now.saturating_duration_since(entry.last) < window
            });
        }
        let entry = map.entry(account.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        // Failures spread further apart than a lockout do not add up.
        if now.saturating_duration_since(entry.last) >= window {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= limit {
            entry.count = 0;
            entry.locked_until = Some(now + window);
            tracing::warn!(account = %account_tag(account), "account locked after failed logins");
        }
    }

    fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(account);
    }
}

fn limiter<K: std::hash::Hash + Eq + Clone>(
    scope: &'static str,
    rate: Option<u32>,
) -> Option<Limiter<K>> {
    rate.map(|rate| {
        Limiter::new(
            scope,
            Rate::per_minute(rate),
            crate::ratelimit::DEFAULT_MAX_KEYS,
        )
    })
}

/// Loads the deployment's OPAQUE setup, generating and storing it on the
/// first start. It is never logged.
pub async fn load_setup(store: &Store) -> Result<ServerSetup, StoreError> {
    let fresh = ServerSetup::generate();
    let bytes = store.server_secret(SETUP_SECRET, &fresh.to_bytes()).await?;
    ServerSetup::from_bytes(&bytes).map_err(|_| StoreError::Corrupt("the OPAQUE server setup"))
}

/// How logs name an account: the first 48 bits of the SHA-256 of its
/// normalised name, enough to follow one account through a log and not
/// enough to carry the name.
pub fn account_tag(account: &str) -> String {
    Sha256::digest(account.as_bytes())[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

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
    let account = AccountName::parse(&body.account)?;
    let request = wire::decode("request", &body.request)?;
    let accounts = &state.accounts;
    let now = Instant::now();
    limit_ip(accounts, &state, ip, now)?;
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
    if let Some(left) = accounts.locked_for(name, now) {
        return Err(ApiError::AccountLocked {
            retry_after_seconds: crate::ratelimit::RetryAfter(left).seconds(),
        });
    }
    let record = state.store.account(name).await?;
    let (login, response) = coffer_account::login_start(
        &accounts.setup,
        record.as_ref().map(|record| &record.password_file[..]),
        &request,
        &account,
    )
    .map_err(opaque_error("request"))?;
    let (id, login_id) = wire::random_id::<16>()?;
    let pending = Pending {
        state: login,
        account: name.to_owned(),
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
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginFinish>,
) -> Result<Json<LoggedIn>, ApiError> {
    let finalization = wire::decode("finalization", &body.finalization)?;
    let accounts = &state.accounts;
    let now = Instant::now();
    let pending = wire::decode_id::<16>(&body.login_id)
        .and_then(|id| accounts.take(&id, now))
        .ok_or(ApiError::LoginFailed)?;
    let account = pending.account;
    match coffer_account::login_finish(pending.state, &finalization) {
        Ok(_session_key) => {}
        Err(AccountError::LoginFailed) => {
            accounts.failed(&account, now);
            tracing::info!(account = %account_tag(&account), "login failed");
            return Err(ApiError::LoginFailed);
        }
        Err(error) => return Err(opaque_error("finalization")(error)),
    }
    // A proof for a name that has no record cannot happen (the fake record
    // has no passphrase); the account may have been removed since.
    let record = state
        .store
        .account(&account)
        .await?
        .ok_or(ApiError::LoginFailed)?;
    accounts.succeeded(&account);
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| {
            agent
                .chars()
                .take(sessions::MAX_USER_AGENT_CHARS)
                .collect::<String>()
        });
    let session = sessions::create(&state, &account, user_agent.as_deref()).await?;
    tracing::info!(account = %account_tag(&account), "logged in");
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
    // Stored names were normalised by this parser, so they parse again.
    let account = AccountName::parse(&authed.account).map_err(|_| {
        tracing::error!("a stored account name does not parse");
        ApiError::Internal
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(failures: u32) -> Accounts {
        Accounts::new(
            ServerSetup::generate(),
            LoginPolicy {
                lockout_failures: Some(failures),
                lockout: Duration::from_secs(900),
                ..LoginPolicy::default()
            },
        )
    }

    #[test]
    fn account_tag_is_a_short_hash_not_the_name() {
        let tag = account_tag("alice@example.com");
        assert_eq!(tag.len(), 12);
        assert!(!tag.contains("alice"));
        assert_eq!(tag, account_tag("alice@example.com"));
        assert_ne!(tag, account_tag("bob@example.com"));
    }

    #[test]
    fn failures_in_a_row_lock_for_the_lockout_period() {
        let accounts = accounts(3);
        let start = Instant::now();
        for _ in 0..2 {
            accounts.failed("a@b.c", start);
        }
        assert_eq!(accounts.locked_for("a@b.c", start), None);
        accounts.failed("a@b.c", start);
        assert_eq!(
            accounts.locked_for("a@b.c", start),
            Some(Duration::from_secs(900))
        );
        assert_eq!(accounts.locked_for("d@e.f", start), None);
        let later = start + Duration::from_secs(900);
        assert_eq!(accounts.locked_for("a@b.c", later), None);
    }

    #[test]
    fn failures_far_apart_or_before_a_success_do_not_add_up() {
        let accounts = accounts(2);
        let start = Instant::now();
        accounts.failed("a@b.c", start);
        accounts.failed("a@b.c", start + Duration::from_secs(901));
        assert_eq!(accounts.locked_for("a@b.c", start), None);
        accounts.succeeded("a@b.c");
        accounts.failed("a@b.c", start + Duration::from_secs(902));
        assert_eq!(
            accounts.locked_for("a@b.c", start + Duration::from_secs(902)),
            None
        );
    }

    #[test]
    fn expired_or_taken_logins_are_gone() {
        let accounts = accounts(3);
        let setup = ServerSetup::generate();
        let name = AccountName::parse("a@b.c").unwrap();
        let (_, request) = coffer_account::ClientLogin::start(&name, "passphrase").unwrap();
        let now = Instant::now();
        let mut ids = Vec::new();
        for id in [[1u8; 16], [2u8; 16]] {
            let (state, _) = coffer_account::login_start(&setup, None, &request, &name).unwrap();
            let pending = Pending {
                state,
                account: name.as_str().to_owned(),
                expires: now + LOGIN_TIMEOUT,
            };
            assert!(accounts.remember(pending, id, now));
            ids.push(id);
        }
        assert!(accounts.take(&ids[0], now).is_some());
        assert!(accounts.take(&ids[0], now).is_none(), "taken once");
        assert!(accounts.take(&ids[1], now + LOGIN_TIMEOUT).is_none());
    }
}
