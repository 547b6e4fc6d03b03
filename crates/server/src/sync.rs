//! The sync API: push revisions, pull them back, read a collection's head,
//! and hear about changes (server-sent events).
//!
//! Wire format: `record_id` is a UUID written as lowercase hex, hyphenated
//! (`0123abcd-…`, 36 characters) in answers; requests may also send the 32
//! hex digits without hyphens. Blobs, hashes and chain links are standard
//! base64. A push body may be up to [`MAX_PUSH_BODY_BYTES`] (at most
//! [`MAX_PUSH_ITEMS`] items of at most [`MAX_BLOB_BYTES`] each, and the body
//! limit bounds their sum: batch larger pushes).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::AppState;
use crate::error::ApiError;
use crate::sessions::{self, AuthedAccount};
use crate::store::{
    AccountId, ChainHead, MAX_BLOB_BYTES, MAX_PULL_LIMIT, MAX_PUSH_ITEMS, PushItem, PushOutcome,
    RecordHead, StoreError,
};
use crate::wire::{self, ApiJson};

mod pulled;

/// The largest push body: 8 MiB.
pub const MAX_PUSH_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How often an idle event stream gets a comment, so proxies keep it open,
/// unless the operator says otherwise (`--sse-keepalive-seconds`).
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per account; a stream that falls further behind skips
/// ahead (a `change` is only a hint to pull).
const EVENT_BUFFER: usize = 64;

impl ApiError {
    fn from_store(error: StoreError) -> Self {
        match error {
            StoreError::InvalidCollection => ApiError::InvalidCollection,
            StoreError::BlobTooLarge { limit, .. } => ApiError::BlobTooLarge { limit },
            StoreError::TooManyItems { limit, .. } => ApiError::TooManyItems { limit },
            StoreError::DuplicateRecord(_) => ApiError::DuplicateRecord,
            other => other.into(),
        }
    }
}

/// The stores' account id for a session's account name.
fn account_id(authed: &AuthedAccount) -> Result<AccountId, ApiError> {
    // Account names are e-mail-like; the store wants at most 64 characters
    // of [A-Za-z0-9_-], so the account is keyed by the full SHA-256 of its
    // normalised name in hex (not the 48-bit log tag, which may collide).
    use sha2::{Digest as _, Sha256};
    let hex: String = Sha256::digest(authed.account.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    AccountId::new(hex).map_err(|_| {
        tracing::error!("an account tag is not a valid account id");
        ApiError::Internal
    })
}

pub(crate) fn parse_record_id(text: &str) -> Result<[u8; 16], ApiError> {
    let hex: String = if text.len() == 36 {
        let bytes = text.as_bytes();
        if [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
            return Err(ApiError::InvalidRecordId);
        }
        text.chars().filter(|&c| c != '-').collect()
    } else {
        text.to_owned()
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::InvalidRecordId);
    }
    let mut id = [0u8; 16];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .map_err(|_| ApiError::InvalidRecordId)?;
    }
    Ok(id)
}

pub fn format_record_id(id: &[u8; 16]) -> String {
    // By hand, not `format!` per byte: a pull writes 1,000 of these.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(36);
    for (i, byte) in id.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    text
}

fn parse_hash(field: &'static str, text: &str) -> Result<[u8; 32], ApiError> {
    wire::decode(field, text)?
        .try_into()
        .map_err(|_| ApiError::InvalidHash { field })
}

// ---- push ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    items: Vec<PushBodyItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBodyItem {
    record_id: String,
    parent_hash: Option<String>,
    blob: String,
    /// The revision the client sealed; the server assigns its own and
    /// ignores this (accepted so the sync engine's items fit).
    #[serde(default)]
    #[allow(dead_code)]
    revision: Option<u64>,
}

#[derive(Serialize)]
pub struct Accepted {
    accepted: Vec<AcceptedItem>,
}

#[derive(Serialize)]
pub struct AcceptedItem {
    record_id: String,
    revision: u64,
    seq: u64,
    link: String,
}

#[derive(Serialize)]
struct ConflictBody {
    error: ConflictDetail,
    conflicts: Vec<ConflictItem>,
}

#[derive(Serialize)]
struct ConflictDetail {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct ConflictItem {
    record_id: String,
    head: Option<HeadOfRecord>,
}

#[derive(Serialize)]
struct HeadOfRecord {
    revision: u64,
    hash: String,
}

impl From<RecordHead> for HeadOfRecord {
    fn from(head: RecordHead) -> Self {
        Self {
            revision: head.revision,
            hash: wire::encode(&head.hash),
        }
    }
}

/// `POST /api/collections/{collection}/push`.
pub async fn push(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    Path(collection): Path<String>,
    ApiJson(body): ApiJson<PushBody>,
) -> Result<Response, ApiError> {
    crate::store::revision::validate_collection(&collection).map_err(ApiError::from_store)?;
    if body.items.len() > MAX_PUSH_ITEMS {
        return Err(ApiError::TooManyItems {
            limit: MAX_PUSH_ITEMS,
        });
    }
    let mut items = Vec::with_capacity(body.items.len());
    for item in &body.items {
        let blob = wire::decode("blob", &item.blob)?;
        if blob.len() > MAX_BLOB_BYTES {
            return Err(ApiError::BlobTooLarge {
                limit: MAX_BLOB_BYTES,
            });
        }
        items.push(PushItem {
            record_id: parse_record_id(&item.record_id)?,
            parent_hash: item
                .parent_hash
                .as_deref()
                .map(|hash| parse_hash("parent_hash", hash))
                .transpose()?,
            blob,
        });
    }
    if let Some(limiter) = &state.write_limit {
        limiter
            .check(&authed.account, Instant::now())
            .map_err(|retry| {
                state.metrics.rate_limited(limiter.scope());
                ApiError::RateLimited {
                    retry_after_seconds: retry.seconds(),
                }
            })?;
    }
    let account = account_id(&authed)?;
    let outcome = state
        .store
        .push(&account, &collection, items)
        .await
        .map_err(ApiError::from_store)?;
    match outcome {
        PushOutcome::Accepted(assigned) => {
            if let Some(last) = assigned.iter().map(|a| a.seq).max() {
                state.events.publish(
                    &authed.account,
                    Change {
                        collection: collection.clone(),
                        seq: last,
                    },
                );
            }
            let accepted = assigned
                .iter()
                .map(|a| AcceptedItem {
                    record_id: format_record_id(&a.record_id),
                    revision: a.revision,
                    seq: a.seq,
                    link: wire::encode(&a.link),
                })
                .collect();
            Ok(Json(Accepted { accepted }).into_response())
        }
        PushOutcome::Conflict(conflicts) => {
            let error = ApiError::Conflict;
            let body = ConflictBody {
                error: ConflictDetail {
                    code: error.code(),
                    message: error.to_string(),
                },
                conflicts: conflicts
                    .iter()
                    .map(|c| ConflictItem {
                        record_id: format_record_id(&c.record_id),
                        head: c.head.map(HeadOfRecord::from),
                    })
                    .collect(),
            };
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
    }
}

// ---- pull and head ----

#[derive(Serialize)]
pub struct Head {
    seq: u64,
    link: String,
}

impl From<ChainHead> for Head {
    fn from(head: ChainHead) -> Self {
        Self {
            seq: head.seq,
            link: wire::encode(&head.link),
        }
    }
}

/// `since` (default 0) and `limit` (default and at most
/// [`MAX_PULL_LIMIT`]; 0 is refused) from a pull's query string.
fn pull_query(query: Option<&str>) -> Result<(u64, u32), ApiError> {
    let mut since = 0;
    let mut limit = MAX_PULL_LIMIT;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "since" => {
                since = value
                    .parse()
                    .map_err(|_| ApiError::InvalidQuery { parameter: "since" })?;
            }
            "limit" => {
                limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|&limit| limit > 0)
                    .ok_or(ApiError::InvalidQuery { parameter: "limit" })?
                    .min(MAX_PULL_LIMIT);
            }
            _ => {
                return Err(ApiError::InvalidQuery {
                    parameter: "since, limit",
                });
            }
        }
    }
    Ok((since, limit))
}

/// `GET /api/collections/{collection}/pull?since=<seq>&limit=<n>`.
pub async fn pull(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (since, limit) = pull_query(query.as_deref())?;
    let account = account_id(&authed)?;
    let page = state
        .store
        .pull(&account, &collection, since, limit)
        .await
        .map_err(ApiError::from_store)?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        pulled::encode(&page),
    )
        .into_response())
}

#[derive(Serialize)]
pub struct HeadBody {
    head: Option<Head>,
}

/// `GET /api/collections/{collection}/head`.
pub async fn head(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    Path(collection): Path<String>,
) -> Result<Json<HeadBody>, ApiError> {
    let account = account_id(&authed)?;
    let head = state
        .store
        .head(&account, &collection)
        .await
        .map_err(ApiError::from_store)?;
    Ok(Json(HeadBody {
        head: head.map(Head::from),
    }))
}

// ---- change notifications ----

/// What a `change` event says: `collection` now ends at `seq`.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub collection: String,
    pub seq: u64,
}

/// One broadcast channel per account with open event streams.
#[derive(Debug, Default)]
pub struct Events {
    channels: Mutex<HashMap<String, broadcast::Sender<Change>>>,
    closed: AtomicBool,
}

impl Events {
    pub fn subscribe(&self, account: &str) -> broadcast::Receiver<Change> {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if self.closed.load(Ordering::SeqCst) {
            // Its sender is gone: the stream ends at once.
            return broadcast::channel(1).1;
        }
        // Forget accounts whose streams have all closed.
        channels.retain(|_, sender| sender.receiver_count() > 0);
        channels
            .entry(account.to_owned())
            .or_insert_with(|| broadcast::channel(EVENT_BUFFER).0)
            .subscribe()
    }

    /// Ends every open stream (graceful shutdown waits for open
    /// connections, so streams must end for the server to stop).
    pub fn close(&self) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        self.closed.store(true, Ordering::SeqCst);
        channels.clear();
    }

    pub fn publish(&self, account: &str, change: Change) {
        let channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = channels.get(account) {
            // No receivers left is fine: nobody is listening.
            let _ = sender.send(change);
        }
    }
}

/// The session of an event stream: `Authorization: Bearer`, or (browsers'
/// EventSource cannot set headers) a `token` query parameter. Query strings
/// never reach the request log.
async fn events_session(
    parts: &mut Parts,
    state: &Arc<AppState>,
) -> Result<AuthedAccount, ApiError> {
    use axum::extract::FromRequestParts as _;
    if parts
        .headers
        .contains_key(axum::http::header::AUTHORIZATION)
    {
        return AuthedAccount::from_request_parts(parts, state).await;
    }
    let token = parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .ok_or(ApiError::Unauthorized)?
        .to_owned();
    let Ok(crate::ratelimit::ClientIp(ip)) =
        crate::ratelimit::ClientIp::from_request_parts(parts, state).await;
    sessions::authenticate(state, &token, ip).await
}

/// `GET /api/events`: server-sent events; `change` with data
/// `{"collection":…,"seq":…}` after each accepted push of this account.
pub async fn events(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (mut parts, _body) = request.into_parts();
    let authed = events_session(&mut parts, &state).await?;
    let receiver = state.events.subscribe(&authed.account);
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(change) => {
                    let event = Event::default()
                        .event("change")
                        .json_data(&change)
                        .unwrap_or_else(|_| Event::default().comment("unencodable change"));
                    return Some((Ok::<_, Infallible>(event), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(state.sse_keepalive))
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_round_trip_in_both_spellings() {
        let id = parse_record_id("0123456789abcdef0123456789ABCDEF").unwrap();
        let text = format_record_id(&id);
        assert_eq!(text, "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(parse_record_id(&text).unwrap(), id);
        assert!(parse_record_id("0123456789abcdef0123456789abcde").is_err());
        assert!(parse_record_id("01234567x89ab-cdef-0123-456789abcdef").is_err());
        assert!(parse_record_id("é123456789abcdef0123456789abcde").is_err());
    }

    #[test]
    fn pull_queries_parse_strictly() {
        assert_eq!(pull_query(None).unwrap(), (0, MAX_PULL_LIMIT));
        assert_eq!(pull_query(Some("since=5&limit=2")).unwrap(), (5, 2));
        assert_eq!(pull_query(Some("limit=99999")).unwrap().1, MAX_PULL_LIMIT);
        assert!(pull_query(Some("limit=0")).is_err());
        assert!(pull_query(Some("since=-1")).is_err());
        assert!(pull_query(Some("token=x")).is_err());
    }
}
