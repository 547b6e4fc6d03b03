//! The one error type handlers return. Every error leaves the server as
//! `{"error":{"code":"…","message":"…"}}` with a status that says whose fault
//! it was; `code` is for programs, `message` for people.

use axum::Json;
use axum::http::header::RETRY_AFTER;
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
        "app_not_built",
        "internal",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::NoSuchEndpoint | Self::NoSuchFile => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::RateLimited { .. } => "rate_limited",
            Self::AppNotBuilt => "app_not_built",
            Self::Internal => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NoSuchEndpoint | Self::NoSuchFile => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
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
        if let Self::RateLimited {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_seconds));
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
            ApiError::AppNotBuilt,
            ApiError::Internal,
        ];
        for error in &all {
            match error {
                ApiError::NoSuchEndpoint
                | ApiError::NoSuchFile
                | ApiError::MethodNotAllowed
                | ApiError::PayloadTooLarge { .. }
                | ApiError::RateLimited { .. }
                | ApiError::AppNotBuilt
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
