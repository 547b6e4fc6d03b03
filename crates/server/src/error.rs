//! The one error type handlers return. Every error leaves the server as
//! `{"error":{"code":"…","message":"…"}}` with a status that says whose fault
//! it was; `code` is for programs, `message` for people.

use axum::Json;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such API endpoint")]
    NoSuchEndpoint,
    #[error("no such file")]
    NoSuchFile,
    #[error("this endpoint does not accept that method")]
    MethodNotAllowed,
    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many requests; try again in {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u64 },
    #[error("the request body is not the expected JSON: {0}")]
    InvalidJson(String),
    #[error("send the request body as JSON with `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("`{field}` is not standard base64")]
    InvalidBase64 { field: &'static str },
    #[error("invalid account name: {0}")]
    InvalidAccountName(#[from] coffer_account::AccountNameError),
    #[error("`{field}` is not a valid message of this login protocol version")]
    InvalidMessage { field: &'static str },
    #[error("`wrapped_bundle` must be 1 to {limit} bytes")]
    InvalidBundle { limit: usize },
    #[error("an account with this name already exists")]
    AccountExists,
    #[error("login failed: wrong account name or passphrase, or the login expired")]
    LoginFailed,
    #[error("too many failed logins for this account; try again in {retry_after_seconds} s")]
    AccountLocked { retry_after_seconds: u64 },
    #[error("sign in first: no valid session token in `Authorization: Bearer`")]
    Unauthorized,
    #[error("this account has a second factor: send the current code as `totp`")]
    TotpRequired,
    #[error("the one-time code is wrong, expired or already used")]
    TotpInvalid,
    #[error("a second factor is already enabled; disable it first")]
    TotpEnabled,
    #[error("no second factor is waiting for confirmation; start with /api/account/totp/setup")]
    TotpNotSetUp,
    #[error("`networks` is invalid: {0}")]
    InvalidCidr(String),
    #[error(
        "the allowlist does not include the address this request came from ({0}); it would lock you out"
    )]
    AllowlistExcludesYou(std::net::IpAddr),
    #[error("this account may not be used from this IP address")]
    IpNotAllowed,
    #[error("no such session")]
    NoSuchSession,
    #[error("key entry {index} is not a version-1 wrapped key of {len} bytes with kind 1 or 2")]
    InvalidKeyEntry { index: usize, len: usize },
    #[error("invalid collection name: expected 1–32 characters of a–z, 0–9, _, . and -")]
    InvalidCollection,
    #[error("`record_id` must be a UUID: 32 hex digits, hyphenated or not")]
    InvalidRecordId,
    #[error("`{field}` must be the base64 of 32 bytes")]
    InvalidHash { field: &'static str },
    #[error("a blob is larger than the limit of {limit} bytes")]
    BlobTooLarge { limit: usize },
    #[error("a push may carry at most {limit} items")]
    TooManyItems { limit: usize },
    #[error("a record appears more than once in one push; send one revision per record")]
    DuplicateRecord,
    #[error("invalid query parameter; expected {parameter}")]
    InvalidQuery { parameter: &'static str },
    #[error("a pushed parent_hash is not its record's head; nothing was written")]
    Conflict,
    #[error("the web app has not been built yet; run `cargo xtask run` to build and serve it")]
    AppNotBuilt,
    /// Details go to the log where it happened, never to the client.
    #[error("internal server error")]
    Internal,
}

impl ApiError {
    /// Every `code` a client can receive; the OpenAPI description lists
    /// exactly these (a test checks both directions).
    pub const CODES: &[&str] = &[
        "not_found",
        "method_not_allowed",
        "payload_too_large",
        "rate_limited",
        "invalid_json",
        "unsupported_media_type",
        "invalid_base64",
        "invalid_account_name",
        "invalid_message",
        "invalid_bundle",
        "account_exists",
        "login_failed",
        "account_locked",
        "unauthorized",
        "totp_required",
        "totp_invalid",
        "totp_enabled",
        "totp_not_set_up",
        "invalid_cidr",
        "invalid_key_entry",
        "allowlist_excludes_you",
        "ip_not_allowed",
        "app_not_built",
        "invalid_collection",
        "invalid_record_id",
        "invalid_hash",
        "blob_too_large",
        "too_many_items",
        "duplicate_record",
        "invalid_query",
        "conflict",
        "internal",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::NoSuchEndpoint | Self::NoSuchFile | Self::NoSuchSession => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::RateLimited { .. } => "rate_limited",
            Self::InvalidJson(_) => "invalid_json",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::InvalidBase64 { .. } => "invalid_base64",
            Self::InvalidAccountName(_) => "invalid_account_name",
            Self::InvalidMessage { .. } => "invalid_message",
            Self::InvalidBundle { .. } => "invalid_bundle",
            Self::AccountExists => "account_exists",
            Self::LoginFailed => "login_failed",
            Self::AccountLocked { .. } => "account_locked",
            Self::Unauthorized => "unauthorized",
            Self::TotpRequired => "totp_required",
            Self::TotpInvalid => "totp_invalid",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpNotSetUp => "totp_not_set_up",
            Self::InvalidCidr(_) => "invalid_cidr",
            Self::InvalidKeyEntry { .. } => "invalid_key_entry",
            Self::AllowlistExcludesYou(_) => "allowlist_excludes_you",
            Self::IpNotAllowed => "ip_not_allowed",
            Self::AppNotBuilt => "app_not_built",
            Self::InvalidCollection => "invalid_collection",
            Self::InvalidRecordId => "invalid_record_id",
            Self::InvalidHash { .. } => "invalid_hash",
            Self::BlobTooLarge { .. } => "blob_too_large",
            Self::TooManyItems { .. } => "too_many_items",
            Self::DuplicateRecord => "duplicate_record",
            Self::InvalidQuery { .. } => "invalid_query",
            Self::Conflict => "conflict",
            Self::Internal => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NoSuchEndpoint | Self::NoSuchFile | Self::NoSuchSession => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } | Self::AccountLocked { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidJson(_)
            | Self::InvalidBase64 { .. }
            | Self::InvalidAccountName(_)
            | Self::InvalidMessage { .. }
            | Self::InvalidBundle { .. }
            | Self::InvalidCollection
            | Self::InvalidRecordId
            | Self::InvalidHash { .. }
            | Self::DuplicateRecord
            | Self::InvalidQuery { .. }
            | Self::InvalidCidr(_)
            | Self::InvalidKeyEntry { .. }
            | Self::AllowlistExcludesYou(_) => StatusCode::BAD_REQUEST,
            Self::TotpRequired | Self::TotpInvalid => StatusCode::UNAUTHORIZED,
            Self::TotpEnabled | Self::TotpNotSetUp => StatusCode::CONFLICT,
            Self::IpNotAllowed => StatusCode::FORBIDDEN,
            Self::BlobTooLarge { .. } | Self::TooManyItems { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Conflict => StatusCode::CONFLICT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::AccountExists => StatusCode::CONFLICT,
            Self::LoginFailed | Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::AppNotBuilt => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        match self {
            Self::RateLimited {
                retry_after_seconds,
            }
            | Self::AccountLocked {
                retry_after_seconds,
            } => {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            }
            Self::Unauthorized => {
                response
                    .headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each variant. The match has no wildcard, so a new variant
    /// does not compile until it is added here, and so checked against
    /// [`ApiError::CODES`].
    fn one_of_each() -> Vec<ApiError> {
        let all = vec![
            ApiError::NoSuchEndpoint,
            ApiError::NoSuchFile,
            ApiError::MethodNotAllowed,
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::RateLimited {
                retry_after_seconds: 1,
            },
            ApiError::InvalidJson(String::new()),
            ApiError::UnsupportedMediaType,
            ApiError::InvalidBase64 { field: "x" },
            ApiError::InvalidAccountName(coffer_account::AccountNameError::TooShort),
            ApiError::InvalidMessage { field: "x" },
            ApiError::InvalidBundle { limit: 1 },
            ApiError::AccountExists,
            ApiError::LoginFailed,
            ApiError::AccountLocked {
                retry_after_seconds: 1,
            },
            ApiError::Unauthorized,
            ApiError::TotpRequired,
            ApiError::TotpInvalid,
            ApiError::TotpEnabled,
            ApiError::TotpNotSetUp,
            ApiError::InvalidCidr(String::new()),
            ApiError::InvalidKeyEntry { index: 0, len: 94 },
            ApiError::AllowlistExcludesYou(std::net::Ipv4Addr::LOCALHOST.into()),
            ApiError::IpNotAllowed,
            ApiError::NoSuchSession,
            ApiError::AppNotBuilt,
            ApiError::InvalidCollection,
            ApiError::InvalidRecordId,
            ApiError::InvalidHash { field: "x" },
            ApiError::BlobTooLarge { limit: 1 },
            ApiError::TooManyItems { limit: 1 },
            ApiError::DuplicateRecord,
            ApiError::InvalidQuery { parameter: "x" },
            ApiError::Conflict,
            ApiError::Internal,
        ];
        for error in &all {
            match error {
                ApiError::NoSuchEndpoint
                | ApiError::NoSuchFile
                | ApiError::MethodNotAllowed
                | ApiError::PayloadTooLarge { .. }
                | ApiError::RateLimited { .. }
                | ApiError::InvalidJson(_)
                | ApiError::UnsupportedMediaType
                | ApiError::InvalidBase64 { .. }
                | ApiError::InvalidAccountName(_)
                | ApiError::InvalidMessage { .. }
                | ApiError::InvalidBundle { .. }
                | ApiError::AccountExists
                | ApiError::LoginFailed
                | ApiError::AccountLocked { .. }
                | ApiError::Unauthorized
                | ApiError::TotpRequired
                | ApiError::TotpInvalid
                | ApiError::TotpEnabled
                | ApiError::TotpNotSetUp
                | ApiError::InvalidCidr(_)
                | ApiError::InvalidKeyEntry { .. }
                | ApiError::AllowlistExcludesYou(_)
                | ApiError::IpNotAllowed
                | ApiError::NoSuchSession
                | ApiError::AppNotBuilt
                | ApiError::InvalidCollection
                | ApiError::InvalidRecordId
                | ApiError::InvalidHash { .. }
                | ApiError::BlobTooLarge { .. }
                | ApiError::TooManyItems { .. }
                | ApiError::DuplicateRecord
                | ApiError::InvalidQuery { .. }
                | ApiError::Conflict
                | ApiError::Internal => {}
            }
        }
        all
    }

    #[test]
    fn codes_lists_exactly_the_codes_of_the_variants() {
        let mut produced: Vec<&str> = one_of_each().iter().map(ApiError::code).collect();
        produced.sort_unstable();
        produced.dedup();
        let mut listed = ApiError::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(produced, listed);
    }

    #[test]
    fn rate_limited_says_when_to_retry() {
        let response = ApiError::RateLimited {
            retry_after_seconds: 12,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "12");
    }
}
