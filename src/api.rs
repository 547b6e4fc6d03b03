//! The HTTP adapter: the only code that talks to the server. It carries
//! OPAQUE messages, the wrapped key bundle and envelopes — never plaintext —
//! and turns every answer into a typed result, so a server that answers
//! with nonsense is reported as such instead of being trusted.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use coffer_account::{
    AccountError, AccountName, ClientLogin, ClientRegistration, KeyBundle, RecoveryLogin,
    RecoveryRegistration, unwrap_bundle, unwrap_recovery_bundle, wrap_bundle, wrap_recovery_bundle,
};
use coffer_sync::{
    ChainEntry, ChainHead, GENESIS, PullResponse, PushItem, PushOutcome, PushResponse, PushResult,
    RecordHead, chain::envelope_hash,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// Entries per pull page.
pub const PULL_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all: offline, DNS, the server is down.
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
    /// The server answered with an error code.
    #[error("the server refused ({status} {code})")]
    Refused {
        status: u16,
        code: String,
        retry_after: Option<u32>,
    },
    /// The answer does not have the promised shape.
    #[error("the server's answer is malformed: {0}")]
    Malformed(String),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl ApiError {
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The session token is no longer accepted (expired or signed out).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Refused { status: 401, code, .. } if code == "unauthorized")
    }
}

fn b64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

fn unb64(field: &str, text: &str) -> Result<Vec<u8>, ApiError> {
    BASE64
        .decode(text)
        .map_err(|_| ApiError::Malformed(format!("{field} is not base64")))
}

fn hash32(field: &str, text: &str) -> Result<[u8; 32], ApiError> {
    unb64(field, text)?
        .try_into()
        .map_err(|_| ApiError::Malformed(format!("{field} is not 32 bytes")))
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Malformed(e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::Unreachable(e.to_string()))
}

async fn refused(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.parse().ok());
    let code = match response.json::<ErrorBody>().await {
        Ok(body) => body.error.code,
        Err(_) => format!("http_{status}"),
    };
    ApiError::Refused {
        status,
        code,
        retry_after,
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(refused(response).await);
    }
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Malformed(e.to_string()))
}

async fn expect_empty(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(refused(response).await)
    }
}

fn authed(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn post_json<T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Result<T, ApiError> {
    let mut builder = Request::post(path);
    if let Some(token) = token {
        builder = authed(builder, token);
    }
    decode(send(builder.json(body)).await?).await
}

/// A signed-in session on this device, kept sealed in the vault.
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionToken {
    pub token: String,
    pub session_id: String,
    /// Unix seconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionToken")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct OpaqueResponse {
    response: String,
}

#[derive(Deserialize)]
struct LoginChallenge {
    login_id: String,
    response: String,
}

#[derive(Deserialize)]
struct LoggedIn {
    token: String,
    session_id: String,
    expires_at: i64,
    wrapped_bundle: String,
}

fn finish_body(login_id: &str, finalization: &[u8], totp: Option<&str>) -> serde_json::Value {
    let mut body = json!({ "login_id": login_id, "finalization": b64(finalization) });
    if let Some(code) = totp.map(str::trim).filter(|c| !c.is_empty()) {
        body["totp"] = json!(code);
    }
    body
}

/// Creates the account on the server: OPAQUE registration with `passphrase`
/// (the normalised one), and `bundle` wrapped under its export key.
pub async fn sign_up(
    account: &AccountName,
    passphrase: &str,
    bundle: &KeyBundle,
) -> Result<(), ApiError> {
    let (registration, request) = ClientRegistration::start(account, passphrase)?;
    let start: OpaqueResponse = post_json(
        "/api/accounts/register/start",
        None,
        &json!({ "account": account.as_str(), "request": b64(&request) }),
    )
    .await?;
    let response = unb64("response", &start.response)?;
    let (upload, export_key) = registration.finish(&response, passphrase)?;
    let wrapped = wrap_bundle(&export_key, bundle, account)?;
    let _: serde_json::Value = post_json(
        "/api/accounts/register/finish",
        None,
        &json!({
            "account": account.as_str(),
            "upload": b64(&upload),
            "wrapped_bundle": b64(&wrapped),
        }),
    )
    .await?;
    Ok(())
}

/// Logs in with OPAQUE (and the authenticator code, when the account has a
/// second factor); returns the session and the unwrapped key bundle.
pub async fn log_in(
    account: &AccountName,
    passphrase: &str,
    totp: Option<&str>,
) -> Result<(SessionToken, KeyBundle), ApiError> {
    let (login, request) = ClientLogin::start(account, passphrase)?;
    let challenge = start_login("/api/login/start", account, &request).await?;
    let (finalization, _session_key, export_key) = login.finish(&challenge.1, passphrase)?;
    let (session, wrapped) =
        finish_login("/api/login/finish", &challenge.0, &finalization, totp).await?;
    Ok((session, unwrap_bundle(&export_key, &wrapped, account)?))
}

/// Step 1 of either login: (login id, the server's OPAQUE response).
async fn start_login(
    path: &str,
    account: &AccountName,
    request: &[u8],
) -> Result<(String, Vec<u8>), ApiError> {
    let challenge: LoginChallenge = post_json(
        path,
        None,
        &json!({ "account": account.as_str(), "request": b64(request) }),
    )
    .await?;
    let response = unb64("response", &challenge.response)?;
    Ok((challenge.login_id, response))
}

/// Step 2 of either login: the session and the wrapped bundle it returns.
async fn finish_login(
    path: &str,
    login_id: &str,
    finalization: &[u8],
    totp: Option<&str>,
) -> Result<(SessionToken, Vec<u8>), ApiError> {
    let done: LoggedIn = post_json(path, None, &finish_body(login_id, finalization, totp)).await?;
    let wrapped = unb64("wrapped_bundle", &done.wrapped_bundle)?;
    let session = SessionToken {
        token: done.token,
        session_id: done.session_id,
        expires_at: done.expires_at,
    };
    Ok((session, wrapped))
}

/// Re-registers the account under a new passphrase and rewraps the same
/// bundle; no record is re-encrypted or re-uploaded.
pub async fn change_passphrase(
    token: &str,
    account: &AccountName,
    new_passphrase: &str,
    bundle: &KeyBundle,
) -> Result<(), ApiError> {
    let (registration, request) = ClientRegistration::start(account, new_passphrase)?;
    let start: OpaqueResponse = post_json(
        "/api/account/passphrase/start",
        Some(token),
        &json!({ "request": b64(&request) }),
    )
    .await?;
    let response = unb64("response", &start.response)?;
    let (upload, export_key) = registration.finish(&response, new_passphrase)?;
    let wrapped = wrap_bundle(&export_key, bundle, account)?;
    let builder = authed(Request::post("/api/account/passphrase/finish"), token);
    let body = json!({ "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) });
    expect_empty(send(builder.json(&body)).await?).await
}

/// Registers (or replaces) the account's recovery credential: an OPAQUE
/// registration whose secret is the recovery code, with its own wrapped copy
/// of the key bundle.
pub async fn set_recovery_code(
    token: &str,
    account: &AccountName,
    code: &str,
    bundle: &KeyBundle,
) -> Result<(), ApiError> {
    let (registration, request) = RecoveryRegistration::start(account, code)?;
    let start: OpaqueResponse = post_json(
        "/api/account/recovery/start",
        Some(token),
        &json!({ "request": b64(&request) }),
    )
    .await?;
    let response = unb64("response", &start.response)?;
    let (upload, export_key) = registration.finish(&response, code)?;
    let wrapped = wrap_recovery_bundle(&export_key, bundle, account)?;
    let builder = authed(Request::post("/api/account/recovery/finish"), token);
    let body = json!({ "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) });
    expect_empty(send(builder.json(&body)).await?).await
}

/// Logs in with the recovery code instead of the passphrase; returns the
/// session and the key bundle from its recovery-wrapped copy.
pub async fn log_in_with_recovery(
    account: &AccountName,
    code: &str,
    totp: Option<&str>,
) -> Result<(SessionToken, KeyBundle), ApiError> {
    let (login, request) = RecoveryLogin::start(account, code)?;
    let challenge = start_login("/api/login/recovery/start", account, &request).await?;
    let (finalization, _session_key, export_key) = login.finish(&challenge.1, code)?;
    let (session, wrapped) = finish_login(
        "/api/login/recovery/finish",
        &challenge.0,
        &finalization,
        totp,
    )
    .await?;
    Ok((
        session,
        unwrap_recovery_bundle(&export_key, &wrapped, account)?,
    ))
}

/// A new second-factor secret for the account: (base32 secret, otpauth URI).
/// It is enabled by [`confirm_totp`] with a first code.
/// Whether the account's second factor is on.
pub async fn totp_enabled(token: &str) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Status {
        enabled: bool,
    }
    let builder = authed(Request::get("/api/account/totp"), token);
    let status: Status = decode(send(builder.build()).await?).await?;
    Ok(status.enabled)
}

pub async fn set_up_totp(token: &str) -> Result<(String, String), ApiError> {
    #[derive(Deserialize)]
    struct Setup {
        secret: String,
        uri: String,
    }
    let builder = authed(Request::post("/api/account/totp/setup"), token);
    let setup: Setup = decode(send(builder.build()).await?).await?;
    Ok((setup.secret, setup.uri))
}

pub async fn confirm_totp(token: &str, code: &str) -> Result<(), ApiError> {
    let builder = authed(Request::post("/api/account/totp/confirm"), token);
    expect_empty(send(builder.json(&json!({ "code": code.trim() }))).await?).await
}

pub async fn disable_totp(token: &str, code: &str) -> Result<(), ApiError> {
    let builder = authed(Request::post("/api/account/totp/disable"), token);
    expect_empty(send(builder.json(&json!({ "code": code.trim() }))).await?).await
}

pub async fn log_out(token: &str) -> Result<(), ApiError> {
    expect_empty(send(authed(Request::post("/api/logout"), token).build()).await?).await
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SessionInfo {
    pub session_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub current: bool,
}

#[derive(Deserialize)]
struct SessionList {
    sessions: Vec<SessionInfo>,
}

pub async fn sessions(token: &str) -> Result<Vec<SessionInfo>, ApiError> {
    let list: SessionList =
        decode(send(authed(Request::get("/api/sessions"), token).build()).await?).await?;
    Ok(list.sessions)
}

pub async fn end_session(token: &str, session_id: &str) -> Result<(), ApiError> {
    let path = format!("/api/sessions/{session_id}");
    expect_empty(send(authed(Request::delete(&path), token).build()).await?).await
}

/// The account's IP allowlist (CIDR networks; empty: any address).
#[derive(Deserialize)]
struct Allowlist {
    networks: Vec<String>,
}

pub async fn ip_allowlist(token: &str) -> Result<Vec<String>, ApiError> {
    let builder = authed(Request::get("/api/account/ip-allowlist"), token);
    let list: Allowlist = decode(send(builder.build()).await?).await?;
    Ok(list.networks)
}

/// Replaces the allowlist; answers it in canonical form. A list without
/// this request's address is refused (`allowlist_excludes_you`).
pub async fn set_ip_allowlist(token: &str, networks: &[String]) -> Result<Vec<String>, ApiError> {
    let builder = authed(Request::put("/api/account/ip-allowlist"), token);
    let list: Allowlist =
        decode(send(builder.json(&json!({ "networks": networks }))).await?).await?;
    Ok(list.networks)
}

/// Whether the server answers at all (used to notice it is back).
pub async fn reachable() -> bool {
    match Request::get("/api/health").send().await {
        Ok(response) => response.ok(),
        Err(_) => false,
    }
}

#[derive(Deserialize)]
struct Accepted {
    accepted: Vec<AcceptedItem>,
}

#[derive(Deserialize)]
struct AcceptedItem {
    record_id: Uuid,
    seq: u64,
}

#[derive(Deserialize)]
struct Conflicts {
    conflicts: Vec<ConflictItem>,
}

#[derive(Deserialize)]
struct ConflictItem {
    record_id: Uuid,
    head: Option<HeadBody>,
}

#[derive(Deserialize)]
struct HeadBody {
    revision: u64,
    hash: String,
}

/// Pushes one batch (all or nothing on the server) and answers per item,
/// identified by envelope hash, as the sync engine expects.
pub async fn push(
    token: &str,
    collection: &str,
    items: &[PushItem],
) -> Result<PushResponse, ApiError> {
    let body = json!({
        "items": items.iter().map(|item| json!({
            "record_id": item.record_id,
            "parent_hash": item.parent_hash.map(|h| b64(&h)),
            "revision": item.revision,
            "blob": b64(&item.envelope),
        })).collect::<Vec<_>>(),
    });
    let path = format!("/api/collections/{collection}/push");
    let response = send(authed(Request::post(&path), token).json(&body)).await?;
    let hashes: Vec<(Uuid, [u8; 32])> = items
        .iter()
        .map(|i| (i.record_id, envelope_hash(&i.envelope)))
        .collect();
    match response.status() {
        200 | 201 => {
            let accepted: Accepted = decode(response).await?;
            let results = accepted
                .accepted
                .into_iter()
                .filter_map(|a| {
                    let (id, hash) = hashes.iter().find(|(id, _)| *id == a.record_id)?;
                    Some(PushResult {
                        record_id: *id,
                        envelope_hash: *hash,
                        outcome: PushOutcome::Accepted { seq: a.seq },
                    })
                })
                .collect();
            Ok(PushResponse { results })
        }
        409 => {
            let conflicts: Conflicts = response
                .json()
                .await
                .map_err(|e| ApiError::Malformed(e.to_string()))?;
            let mut results = Vec::with_capacity(hashes.len());
            for (id, hash) in &hashes {
                let outcome = match conflicts.conflicts.iter().find(|c| c.record_id == *id) {
                    Some(c) => PushOutcome::Conflict {
                        current: match &c.head {
                            Some(h) => Some(RecordHead {
                                revision: h.revision,
                                hash: hash32("head.hash", &h.hash)?,
                            }),
                            None => None,
                        },
                    },
                    None => PushOutcome::NotStored,
                };
                results.push(PushResult {
                    record_id: *id,
                    envelope_hash: *hash,
                    outcome,
                });
            }
            Ok(PushResponse { results })
        }
        _ => Err(refused(response).await),
    }
}

#[derive(Deserialize)]
struct PullPage {
    entries: Vec<PulledEntry>,
    head: Option<PulledHead>,
    more: bool,
}

#[derive(Deserialize)]
struct PulledEntry {
    seq: u64,
    record_id: Uuid,
    revision: u64,
    parent_hash: Option<String>,
    blob: String,
    link: String,
}

#[derive(Deserialize)]
struct PulledHead {
    seq: u64,
    link: String,
}

/// One page of the collection's chain after `since`; the answer is handed
/// to the engine, which verifies the chain before believing any of it.
pub async fn pull(
    token: &str,
    collection: &str,
    since: u64,
    request: u64,
) -> Result<(PullResponse, usize), ApiError> {
    let path = format!("/api/collections/{collection}/pull?since={since}&limit={PULL_LIMIT}");
    let response = send(authed(Request::get(&path), token).build()).await?;
    if !response.ok() {
        return Err(refused(response).await);
    }
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Malformed(e.to_string()))?;
    let page: PullPage =
        serde_json::from_str(&text).map_err(|e| ApiError::Malformed(e.to_string()))?;
    let entries = page
        .entries
        .into_iter()
        .map(|e| {
            Ok(ChainEntry {
                seq: e.seq,
                record_id: e.record_id,
                revision: e.revision,
                parent_hash: match e.parent_hash {
                    Some(h) => Some(hash32("parent_hash", &h)?),
                    None => None,
                },
                envelope: unb64("blob", &e.blob)?,
                link: hash32("link", &e.link)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let head = match page.head {
        Some(h) => ChainHead {
            seq: h.seq,
            link: hash32("head.link", &h.link)?,
        },
        None => ChainHead {
            seq: 0,
            link: GENESIS,
        },
    };
    Ok((
        PullResponse {
            request,
            since,
            entries,
            head,
            has_more: page.more,
        },
        text.len(),
    ))
}

// ---- the keyring (record and backup keys, wrapped; no history) ----

#[derive(Deserialize)]
struct KeyEntries {
    entries: Vec<String>,
}

/// Stores keyring entries on the server (all or none).
pub async fn put_keys(token: &str, entries: &[Vec<u8>]) -> Result<(), ApiError> {
    let body = json!({ "entries": entries.iter().map(|e| b64(e)).collect::<Vec<_>>() });
    expect_empty(send(authed(Request::put("/api/keys"), token).json(&body)).await?).await
}

/// The record key entries the server holds for `ids`.
pub async fn lookup_keys(token: &str, ids: &[Uuid]) -> Result<Vec<Vec<u8>>, ApiError> {
    let found: KeyEntries = post_json(
        "/api/keys/lookup",
        Some(token),
        &json!({ "ids": ids.iter().map(Uuid::to_string).collect::<Vec<_>>() }),
    )
    .await?;
    found.entries.iter().map(|e| unb64("entries", e)).collect()
}

/// Every backup key entry the server holds.
pub async fn backup_keys(token: &str) -> Result<Vec<Vec<u8>>, ApiError> {
    let found: KeyEntries =
        decode(send(authed(Request::get("/api/keys/backups"), token).build()).await?).await?;
    found.entries.iter().map(|e| unb64("entries", e)).collect()
}

/// Deletes one keyring entry on the server for good (`kind`: "record" or
/// "backup"); succeeds whether or not it was there.
pub async fn delete_key(token: &str, kind: &str, id: Uuid) -> Result<(), ApiError> {
    let path = format!("/api/keys/{kind}/{id}");
    expect_empty(send(authed(Request::delete(&path), token).build()).await?).await
}
