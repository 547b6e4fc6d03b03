//! The JSON API under `/api`: health, metrics, the OpenAPI description,
//! sign-up and login ([`accounts`]), sessions ([`sessions`]), and sync:
//! push, pull, collection heads and change events ([`sync`]).

use std::sync::{Arc, LazyLock};

use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{self, MethodRouter};
use axum::{Json, Router};
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::MAX_BODY_BYTES;
use crate::accounts;
use crate::error::ApiError;
use crate::factors;
use crate::keys;
use crate::metrics;
use crate::ratelimit::{self, PerIp};
use crate::sessions;
use crate::sync;

/// The OpenAPI 3.1 description of everything under `/api`, as checked in
/// (its `info.version` is replaced by this build's version when served).
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// One endpoint under `/api`. The router is built from [`endpoints`] and
/// the OpenAPI test compares the description with the same list, so an
/// endpoint cannot be served without being described.
pub struct Endpoint {
    pub method: Method,
    /// Relative to `/api`, as axum writes it (`/records/{id}`).
    pub path: &'static str,
    route: MethodRouter<Arc<AppState>>,
    body_limit: usize,
}

impl Endpoint {
    fn get<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        Self {
            method: Method::GET,
            path,
            route: routing::get(handler),
            body_limit: MAX_BODY_BYTES,
        }
    }

    fn post<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        Self {
            method: Method::POST,
            path,
            route: routing::post(handler),
            body_limit: MAX_BODY_BYTES,
        }
    }

    fn put<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        Self {
            method: Method::PUT,
            path,
            route: routing::put(handler),
            body_limit: MAX_BODY_BYTES,
        }
    }

    fn delete<H, T>(path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        Self {
            method: Method::DELETE,
            path,
            route: routing::delete(handler),
            body_limit: MAX_BODY_BYTES,
        }
    }
}

impl Endpoint {
    fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }
}

/// Every endpoint under `/api`.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/health", health),
        Endpoint::get("/metrics", metrics::serve),
        Endpoint::get("/openapi.json", openapi),
        Endpoint::post("/accounts/register/start", accounts::register_start),
        Endpoint::post("/accounts/register/finish", accounts::register_finish),
        Endpoint::post("/login/start", accounts::login_start),
        Endpoint::post("/login/finish", accounts::login_finish),
        Endpoint::post("/login/recovery/start", accounts::recovery_login_start),
        Endpoint::post("/login/recovery/finish", accounts::recovery_login_finish),
        Endpoint::post("/logout", sessions::logout),
        Endpoint::get("/sessions", sessions::list),
        Endpoint::delete("/sessions/{session_id}", sessions::delete),
        Endpoint::put("/account/bundle", accounts::put_bundle),
        Endpoint::post("/account/passphrase/start", accounts::passphrase_start),
        Endpoint::post("/account/passphrase/finish", accounts::passphrase_finish),
        Endpoint::post("/account/recovery/start", accounts::recovery_start),
        Endpoint::post("/account/recovery/finish", accounts::recovery_finish),
        Endpoint::get("/account/totp", factors::status),
        Endpoint::post("/account/totp/setup", factors::setup),
        Endpoint::post("/account/totp/confirm", factors::confirm),
        Endpoint::post("/account/totp/disable", factors::disable),
        Endpoint::get("/account/ip-allowlist", factors::get_allowlist),
        Endpoint::put("/account/ip-allowlist", factors::put_allowlist),
        Endpoint::put("/keys", keys::put),
        Endpoint::post("/keys/lookup", keys::lookup),
        Endpoint::get("/keys/backups", keys::backups),
        Endpoint::delete("/keys/{kind}/{id}", keys::delete),
        Endpoint::post("/collections/{collection}/push", sync::push)
            .body_limit(sync::MAX_PUSH_BODY_BYTES),
        Endpoint::get("/collections/{collection}/pull", sync::pull),
        Endpoint::get("/collections/{collection}/head", sync::head),
        Endpoint::get("/events", sync::events),
    ]
}

/// The routes nested under `/api`, all of them (unknown paths included)
/// behind the per-IP API rate limit.
pub fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    endpoints()
        .into_iter()
        // Two endpoints on one path merge into one method router.
        .fold(Router::new(), |router, endpoint| {
            router.route(
                endpoint.path,
                endpoint
                    .route
                    .layer(DefaultBodyLimit::max(endpoint.body_limit)),
            )
        })
        .fallback(no_such_endpoint)
        .layer(middleware::from_fn_with_state(
            PerIp::new(state.clone(), |state| state.api_limit.as_ref()),
            ratelimit::limit_by_ip,
        ))
        // API answers describe the server's state right now.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
}

/// `GET /api/health`: 200 when the database answers, 503 when it does not.
pub async fn health(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Health>) {
    let version = env!("CARGO_PKG_VERSION");
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                version,
                database: "ok",
            }),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    version,
                    database: "unavailable",
                }),
            )
        }
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    static SERVED: LazyLock<String> = LazyLock::new(|| {
        // The file is checked in and parsed by a unit test, so it is JSON
        // with an `info` object; failing here would be a broken build.
        let mut document: serde_json::Value =
            serde_json::from_str(OPENAPI_JSON).expect("openapi.json is valid JSON");
        document["info"]["version"] = env!("CARGO_PKG_VERSION").into();
        document.to_string()
    });
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        SERVED.as_str(),
    )
        .into_response()
}

async fn no_such_endpoint() -> ApiError {
    ApiError::NoSuchEndpoint
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app_files::AppFiles;
    use crate::config::Database;
    use crate::server::Limits;
    use crate::store::Store;

    #[test]
    fn the_openapi_description_is_json_with_an_info_object() {
        let document: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert!(document["info"].is_object());
        assert_eq!(document["openapi"], "3.1.0");
    }

    #[tokio::test]
    async fn health_is_503_when_the_database_does_not_answer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Database::SqliteFile(dir.path().join("db.sqlite3")))
            .await
            .unwrap();
        let state = Arc::new(AppState::new(
            store.clone(),
            AppFiles::new(dir.path()).await,
            Limits::default(),
            coffer_account::ServerSetup::generate(),
        ));

        let (status, Json(body)) = health(State(state.clone())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.database, "ok");

        store.close().await;
        let (status, Json(body)) = health(State(state)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body.database, "unavailable");
    }
}
