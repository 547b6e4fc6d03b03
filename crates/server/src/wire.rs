//! How the account API's bodies travel: JSON in and out, binary fields as
//! standard base64 strings, and every malformed body answered with an
//! [`ApiError`] code instead of axum's plain-text rejections.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body whose rejections are [`ApiError`]s: a missing or
/// wrong `Content-Type` is 415 `unsupported_media_type`, anything that does
/// not parse into `T` is 400 `invalid_json`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(JsonRejection::JsonDataError(error)) => {
                Err(ApiError::InvalidJson(error.body_text()))
            }
            Err(JsonRejection::JsonSyntaxError(error)) => {
                Err(ApiError::InvalidJson(error.body_text()))
            }
            Err(JsonRejection::BytesRejection(error))
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::PayloadTooLarge {
                    limit: crate::MAX_BODY_BYTES,
                })
            }
            Err(other) => Err(ApiError::InvalidJson(other.body_text())),
        }
    }
}

/// Decodes a standard-base64 field of a request body.
pub fn decode(field: &'static str, text: &str) -> Result<Vec<u8>, ApiError> {
    STANDARD
        .decode(text)
        .map_err(|_| ApiError::InvalidBase64 { field })
}

/// Encodes bytes for a response body.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Bytes from the operating system's CSPRNG (`getrandom`: the
/// `getrandom(2)` system call on Linux, no file descriptor to run out of),
/// as a URL-safe string (tokens, session and login ids). A server whose
/// CSPRNG fails must not hand out guessable tokens, so that is an internal
/// error.
pub fn random_id<const N: usize>() -> Result<([u8; N], String), ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|error| {
        tracing::error!(%error, "the operating system's random number generator failed");
        ApiError::Internal
    })?;
    let text = URL_SAFE_NO_PAD.encode(bytes);
    Ok((bytes, text))
}

/// Decodes a URL-safe id made by [`random_id`]; `None` if it is not one.
pub fn decode_id<const N: usize>(text: &str) -> Option<[u8; N]> {
    URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()
}

/// Unix seconds now. Before 1970 means a broken clock; treat it as 0.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
