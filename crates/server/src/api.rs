//! The JSON API under `/api`. Today: health. The sync issue adds accounts,
//! revisions and change notifications here.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::error::ApiError;

/// The routes nested under `/api`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .fallback(no_such_endpoint)
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

async fn no_such_endpoint() -> ApiError {
    ApiError::NoSuchEndpoint
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app_files::AppFiles;
    use crate::config::Database;
    use crate::store::Store;

    #[tokio::test]
    async fn health_is_503_when_the_database_does_not_answer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Database::SqliteFile(dir.path().join("db.sqlite3")))
            .await
            .unwrap();
        let state = Arc::new(AppState {
            store: store.clone(),
            app: AppFiles::new(dir.path()).await,
        });

        let (status, Json(body)) = health(State(state.clone())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.database, "ok");

        store.close().await;
        let (status, Json(body)) = health(State(state)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body.database, "unavailable");
    }
}
