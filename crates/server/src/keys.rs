//! The account's keyring on the server: record keys and backup keys, each
//! wrapped by a key only the user's devices hold (`coffer-crypto`'s keyring
//! entries, 94 bytes). Unlike revisions, entries have no history: a
//! delete removes the only copy, which is how an erasure crypto-shreds the
//! record's ciphertext that stays in revision history and server backups.
//!
//! - `PUT /api/keys` `{entries: [base64]}`: add or replace entries.
//! - `POST /api/keys/lookup` `{ids: [uuid]}`: the record keys of those ids.
//! - `GET /api/keys/backups`: every backup key entry.
//! - `DELETE /api/keys/{kind}/{id}`: delete one entry (`record` or `backup`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;
use crate::login::account_tag;
use crate::sessions::AuthedAccount;
use crate::store::KeyEntry;
use crate::sync::parse_record_id;
use crate::wire::{self, ApiJson};

/// The size of a version-1 wrapped key (see crates/crypto/FORMAT.md).
pub const ENTRY_LEN: usize = 94;
/// The most entries one request may carry or ask for.
pub const MAX_ENTRIES: usize = 1_000;
const RECORD: u8 = 1;
const BACKUP: u8 = 2;

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entries {
    /// Wrapped keys, standard base64.
    pub entries: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// Record ids (UUIDs).
    pub ids: Vec<String>,
}

/// Checks an entry's layout (version 1, kind 1 or 2, 94 bytes) and files
/// it under its kind and id. Its content stays opaque.
fn parse_entry(index: usize, bytes: Vec<u8>) -> Result<KeyEntry, ApiError> {
    let invalid = ApiError::InvalidKeyEntry {
        index,
        len: ENTRY_LEN,
    };
    if bytes.len() != ENTRY_LEN || bytes[0] != 1 || !matches!(bytes[1], RECORD | BACKUP) {
        return Err(invalid);
    }
    let id: [u8; 16] = bytes[2..18].try_into().map_err(|_| invalid)?;
    Ok(KeyEntry {
        kind: bytes[1],
        id,
        entry: bytes,
    })
}

fn too_many(count: usize) -> Result<(), ApiError> {
    if count > MAX_ENTRIES {
        return Err(ApiError::TooManyItems { limit: MAX_ENTRIES });
    }
    Ok(())
}

/// `PUT /api/keys`: 204 once every entry is stored (all or none).
pub async fn put(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<Entries>,
) -> Result<StatusCode, ApiError> {
    too_many(body.entries.len())?;
    let entries = body
        .entries
        .iter()
        .enumerate()
        .map(|(index, text)| parse_entry(index, wire::decode("entries", text)?))
        .collect::<Result<Vec<_>, ApiError>>()?;
    state
        .store
        .put_keys(&authed.account, &entries, wire::unix_now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/keys/lookup`: the record keys the account holds for `ids`
/// (ids without one are left out).
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    ApiJson(body): ApiJson<Lookup>,
) -> Result<Json<Entries>, ApiError> {
    too_many(body.ids.len())?;
    let ids = body
        .ids
        .iter()
        .map(|text| parse_record_id(text))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let found = state
        .store
        .keys(&authed.account, RECORD, Some(&ids))
        .await?;
    Ok(Json(Entries {
        entries: found.iter().map(|e| wire::encode(e)).collect(),
    }))
}

/// `GET /api/keys/backups`: every backup key entry of the account.
pub async fn backups(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
) -> Result<Json<Entries>, ApiError> {
    let found = state.store.keys(&authed.account, BACKUP, None).await?;
    Ok(Json(Entries {
        entries: found.iter().map(|e| wire::encode(e)).collect(),
    }))
}

/// `DELETE /api/keys/{kind}/{id}`: 204 whether or not the entry existed
/// (an erasure may be applied by several devices).
pub async fn delete(
    State(state): State<Arc<AppState>>,
    authed: AuthedAccount,
    Path((kind, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = match kind.as_str() {
        "record" => RECORD,
        "backup" => BACKUP,
        _ => {
            return Err(ApiError::InvalidQuery {
                parameter: "kind `record` or `backup`",
            });
        }
    };
    let id = parse_record_id(&id)?;
    let existed = state.store.delete_key(&authed.account, kind, &id).await?;
    if existed {
        tracing::info!(account = %account_tag(&authed.account), kind, "key entry deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}
