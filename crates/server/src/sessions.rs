//! Sessions: a bearer token of 32 random bytes, handed out once at login.
//! The database keeps only its SHA-256, so a copy of the database does not
//! sign anyone in. [`AuthedAccount`] is the extractor every signed-in
//! endpoint takes.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::factors;
use crate::ratelimit::ClientIp;
use crate::store::{NewSession, SessionRow};
use crate::wire;

/// The longest user-agent label kept with a session.
pub const MAX_USER_AGENT_CHARS: usize = 200;

/// A session just created; the token exists nowhere else.
pub struct Created {
    pub token: String,
    pub session_id: String,
    pub expires_at: i64,
}

/// Creates a session for `account`, valid for the configured TTL.
pub async fn create(
    state: &AppState,
    account: &str,
    user_agent: Option<&str>,
) -> Result<Created, ApiError> {
    let (token_bytes, token) = wire::random_id::<32>()?;
    let (_, session_id) = wire::random_id::<16>()?;
    let now = wire::unix_now();
    let ttl = i64::try_from(state.accounts.session_ttl().as_secs()).unwrap_or(i64::MAX);
    let expires_at = now.saturating_add(ttl);
    state
        .store
        .insert_session(&NewSession {
            session_id: &session_id,
            token_hash: &Sha256::digest(token_bytes).into(),
            account,
            now,
            expires_at,
            user_agent,
        })
        .await?;
    Ok(Created {
        token,
        session_id,
        expires_at,
    })
}

/// The account of a request with a valid `Authorization: Bearer` token, and
/// which of its sessions that is. Anything else is 401 `unauthorized`; a
/// request from outside the account's IP allowlist is 403 `ip_not_allowed`.
#[derive(Debug)]
pub struct AuthedAccount {
    /// The normalised account name.
    pub account: String,
    pub session_id: String,
}

impl FromRequestParts<Arc<AppState>> for AuthedAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            // The scheme is case-insensitive (RFC 9110, section 11.1).
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .ok_or(ApiError::Unauthorized)?
            .1;
        let token = token.to_owned();
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        authenticate(state, &token, ip).await
    }
}

/// The session a token (as handed out at login) belongs to, if the request
/// comes from an address the account allows.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    ip: IpAddr,
) -> Result<AuthedAccount, ApiError> {
    let token = wire::decode_id::<32>(token.trim()).ok_or(ApiError::Unauthorized)?;
    let hash: [u8; 32] = Sha256::digest(token).into();
    let session = state
        .store
        .touch_session(&hash, wire::unix_now())
        .await?
        .ok_or(ApiError::Unauthorized)?;
    factors::check_ip(state, &session.account, ip).await?;
    Ok(AuthedAccount {
        account: session.account,
        session_id: session.session_id,
    })
}

#[derive(Serialize)]
pub struct SessionList {
    sessions: Vec<SessionInfo>,
}

#[derive(Serialize)]
pub struct SessionInfo {
    session_id: String,
    /// Unix seconds, as are the other times.
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    /// Whether this is the session the request came with.
    current: bool,
}

/// `GET /api/sessions`: the caller's unexpired sessions, oldest first.
pub async fn list(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<Json<SessionList>, ApiError> {
    let rows = state
        .store
        .sessions(&authed.account, wire::unix_now())
        .await?;
    let sessions = rows
        .into_iter()
        .map(|row: SessionRow| SessionInfo {
            current: row.session_id == authed.session_id,
            session_id: row.session_id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            user_agent: row.user_agent,
        })
        .collect();
    Ok(Json(SessionList { sessions }))
}

/// `DELETE /api/sessions/{session_id}`: 204; 404 for a session the caller
/// does not have (another account's included).
pub async fn delete(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    Path(session_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let deleted = state
        .store
        .delete_session(&authed.account, &session_id, wire::unix_now())
        .await?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NoSuchSession)
    }
}

/// `POST /api/logout`: ends the session the request came with; 204.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .delete_session(&authed.account, &authed.session_id, wire::unix_now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
