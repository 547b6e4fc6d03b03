//! Account security policy beyond the passphrase: an optional TOTP second
//! factor ([`crate::totp`]) and an optional IP allowlist ([`crate::cidr`]).
//! Both are set by the signed-in user and enforced at login (after the
//! OPAQUE proof, so they reveal nothing to someone who does not know the
//! passphrase); the allowlist also on every signed-in request.
//!
//! The TOTP secret and the allowlist are the only account data the server
//! can read; neither is ever logged.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::cidr::Cidr;
use crate::error::ApiError;
use crate::login::account_tag;
use crate::ratelimit::ClientIp;
use crate::sessions::AuthedAccount;
use crate::totp;
use crate::wire::{self, ApiJson};

/// The most networks one allowlist may hold.
pub const MAX_NETWORKS: usize = 64;

// ---- enforcement ----

/// `Err(IpNotAllowed)` if `account` has a non-empty allowlist without `ip`.
pub async fn check_ip(state: &AppState, account: &str, ip: IpAddr) -> Result<(), ApiError> {
    let Some(stored) = state.store.ip_allowlist(account).await? else {
        return Ok(());
    };
    let networks = parse_stored(&stored);
    if networks.is_empty() || networks.iter().any(|network| network.contains(ip)) {
        Ok(())
    } else {
        tracing::info!(account = %account_tag(account), "request from an address not on the allowlist");
        Err(ApiError::IpNotAllowed)
    }
}

fn parse_stored(stored: &str) -> Vec<Cidr> {
    stored
        .lines()
        .filter_map(|line| {
            // Written only by `put_allowlist` after parsing; a line that no
            // longer parses is corrupt, and skipping it only narrows the list.
            line.parse()
                .map_err(|()| tracing::error!("a stored allowlist entry does not parse"))
                .ok()
        })
        .collect()
}

/// At login, after the passphrase (or recovery code) proof: an account with
/// an enabled factor needs a fresh code (one not used before).
pub async fn check_login_totp(
    state: &AppState,
    account: &str,
    code: Option<&str>,
) -> Result<(), TotpRefusal> {
    let row = state
        .store
        .totp(account)
        .await
        .map_err(|e| TotpRefusal::Other(e.into()))?;
    let Some(row) = row.filter(|row| row.enabled) else {
        return Ok(());
    };
    let code = code.ok_or(TotpRefusal::Other(ApiError::TotpRequired))?;
    let step =
        totp::matching_step(&row.secret, code, wire::unix_now()).ok_or(TotpRefusal::Wrong)?;
    let fresh = state
        .store
        .use_totp_step(account, step, None)
        .await
        .map_err(|e| TotpRefusal::Other(e.into()))?;
    if fresh {
        Ok(())
    } else {
        Err(TotpRefusal::Wrong)
    }
}

/// Why [`check_login_totp`] refused.
pub enum TotpRefusal {
    /// A wrong, expired or replayed code: `totp_invalid`, and a failure
    /// against the account's lockout.
    Wrong,
    /// Anything else, as it should be answered.
    Other(ApiError),
}

// ---- TOTP endpoints ----

#[derive(Serialize)]
pub struct TotpSetup {
    /// Base32, for typing into an authenticator app.
    secret: String,
    /// `otpauth://` URI, for a QR code.
    uri: String,
}

#[derive(Serialize)]
pub struct TotpStatus {
    /// Whether sign-ins need a code (a set-up not yet confirmed is not).
    enabled: bool,
}

/// `GET /api/account/totp`: whether the second factor is on.
pub async fn status(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<Json<TotpStatus>, ApiError> {
    let row = state.store.totp(&authed.account).await?;
    Ok(Json(TotpStatus {
        enabled: row.is_some_and(|r| r.enabled),
    }))
}

/// `POST /api/account/totp/setup`: a new secret, waiting for a first code;
/// 409 `totp_enabled` if a factor is already enabled.
pub async fn setup(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<Json<TotpSetup>, ApiError> {
    let mut secret = [0u8; totp::SECRET_LEN];
    getrandom::getrandom(&mut secret).map_err(|error| {
        tracing::error!(%error, "the operating system's random number generator failed");
        ApiError::Internal
    })?;
    let stored = state
        .store
        .set_pending_totp(&authed.account, &secret, wire::unix_now())
        .await?;
    if !stored {
        return Err(ApiError::TotpEnabled);
    }
    Ok(Json(TotpSetup {
        secret: totp::base32(&secret),
        uri: totp::otpauth_uri(&secret, &authed.account),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    code: String,
}

/// `POST /api/account/totp/confirm`: enables the pending factor with a
/// first code; 204.
pub async fn confirm(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<TotpCode>,
) -> Result<StatusCode, ApiError> {
    let row = state
        .store
        .totp(&authed.account)
        .await?
        .ok_or(ApiError::TotpNotSetUp)?;
    if row.enabled {
        return Err(ApiError::TotpEnabled);
    }
    let now = wire::unix_now();
    let step = totp::matching_step(&row.secret, &body.code, now).ok_or(ApiError::TotpInvalid)?;
    if !state
        .store
        .use_totp_step(&authed.account, step, Some(now))
        .await?
    {
        return Err(ApiError::TotpInvalid);
    }
    tracing::info!(account = %account_tag(&authed.account), "second factor enabled");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/account/totp/disable`: removes the factor; an enabled one
/// only with a current code. 204, also when there was none.
pub async fn disable(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<TotpCode>,
) -> Result<StatusCode, ApiError> {
    let enabled = state
        .store
        .totp(&authed.account)
        .await?
        .filter(|row| row.enabled);
    if let Some(row) = enabled {
        let step = totp::matching_step(&row.secret, &body.code, wire::unix_now())
            .ok_or(ApiError::TotpInvalid)?;
        if !state
            .store
            .use_totp_step(&authed.account, step, None)
            .await?
        {
            return Err(ApiError::TotpInvalid);
        }
        tracing::info!(account = %account_tag(&authed.account), "second factor disabled");
    }
    state.store.delete_totp(&authed.account).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- IP allowlist endpoints ----

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// CIDR networks (or single addresses); empty allows every address.
    networks: Vec<String>,
}

/// `GET /api/account/ip-allowlist`.
pub async fn get_allowlist(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<Json<Allowlist>, ApiError> {
    let stored = state.store.ip_allowlist(&authed.account).await?;
    let networks = parse_stored(stored.as_deref().unwrap_or(""))
        .iter()
        .map(Cidr::to_string)
        .collect();
    Ok(Json(Allowlist { networks }))
}

/// `PUT /api/account/ip-allowlist`: replaces the list and answers it in
/// canonical form. A list that would refuse this very request is refused
/// (400 `allowlist_excludes_you`), so nobody locks themselves out by typo.
pub async fn put_allowlist(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<Allowlist>,
) -> Result<Json<Allowlist>, ApiError> {
    if body.networks.len() > MAX_NETWORKS {
        return Err(ApiError::InvalidCidr(format!(
            "at most {MAX_NETWORKS} networks"
        )));
    }
    let mut networks: Vec<Cidr> = Vec::with_capacity(body.networks.len());
    for (index, text) in body.networks.iter().enumerate() {
        let network: Cidr = text.parse().map_err(|()| {
            ApiError::InvalidCidr(format!(
                "entry {index} is not an IP network like 10.0.0.0/8 or 2001:db8::/32, \
                 or a single address"
            ))
        })?;
        if !networks.contains(&network) {
            networks.push(network);
        }
    }
    if !networks.is_empty() && !networks.iter().any(|network| network.contains(ip)) {
        return Err(ApiError::AllowlistExcludesYou(ip));
    }
    let stored: Vec<String> = networks.iter().map(Cidr::to_string).collect();
    state
        .store
        .set_ip_allowlist(&authed.account, &stored.join("\n"), wire::unix_now())
        .await?;
    tracing::info!(
        account = %account_tag(&authed.account),
        networks = stored.len(),
        "IP allowlist set"
    );
    Ok(Json(Allowlist { networks: stored }))
}
