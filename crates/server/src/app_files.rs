//! Serving the built web app (Trunk's `dist/`): hashed assets cached for a
//! year, the app shell (`index.html`) for every client-side route, and a
//! Content-Security-Policy that allows exactly the shell's inline scripts.
//!
//! The shell is kept in memory together with the policy computed from it, so
//! the HTML a browser gets and the hashes in its CSP always match. It is
//! re-read when the file on disk changes (a rebuild while the server runs,
//! or a build that finishes after the server started).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

use crate::AppState;
use crate::csp;
use crate::error::ApiError;

const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// The dist directory and the app shell loaded from it.
pub struct AppFiles {
    files: ServeDir,
    index_path: PathBuf,
    shell: RwLock<Option<Arc<Shell>>>,
    /// The policy while there is no shell: no inline script is allowed.
    csp_without_shell: HeaderValue,
}

/// `index.html` as last read, with the policy for exactly this text.
struct Shell {
    html: Bytes,
    csp: HeaderValue,
    stamp: Stamp,
}

/// Enough to notice that a file was replaced.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Self {
        Self {
            modified: metadata.modified().ok(),
            len: metadata.len(),
        }
    }
}

impl AppFiles {
    /// Reads `dist/index.html`; a missing app is logged, not fatal, so the
    /// API keeps working while the app is (re)built.
    pub async fn new(dist: &Path) -> Self {
        let files = Self {
            // Directories are not listed and have no index of their own:
            // they are client-side routes like any other extensionless path.
            files: ServeDir::new(dist).append_index_html_on_directories(false),
            index_path: dist.join("index.html"),
            shell: RwLock::new(None),
            csp_without_shell: header_value(csp::policy(&[])),
        };
        match files.shell().await {
            Some(_) => tracing::info!(dist = %dist.display(), "serving the web app"),
            None => warn_not_built(&files.index_path, &"missing or unreadable"),
        }
        files
    }

    /// The policy of the shell most recently served (for every response).
    pub fn csp(&self) -> HeaderValue {
        match &*self.shell.read().unwrap_or_else(PoisonError::into_inner) {
            Some(shell) => shell.csp.clone(),
            None => self.csp_without_shell.clone(),
        }
    }

    /// The current shell, re-read if `index.html` changed on disk.
    async fn shell(&self) -> Option<Arc<Shell>> {
        let cached = self
            .shell
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let fresh = match tokio::fs::metadata(&self.index_path).await {
            Ok(metadata) => {
                let stamp = Stamp::of(&metadata);
                if let Some(shell) = cached.as_ref().filter(|shell| shell.stamp == stamp) {
                    return Some(shell.clone());
                }
                match Shell::read(&self.index_path, stamp).await {
                    Ok(shell) => {
                        if cached.is_some() {
                            tracing::info!("index.html changed; serving the new version");
                        }
                        Some(Arc::new(shell))
                    }
                    Err(error) => {
                        warn_not_built(&self.index_path, &error);
                        None
                    }
                }
            }
            Err(error) => {
                if cached.is_some() {
                    warn_not_built(&self.index_path, &error);
                }
                None
            }
        };
        *self.shell.write().unwrap_or_else(PoisonError::into_inner) = fresh.clone();
        fresh
    }
}

impl Shell {
    async fn read(path: &Path, stamp: Stamp) -> io::Result<Self> {
        let html = tokio::fs::read(path).await?;
        let hashes = csp::inline_script_hashes(&String::from_utf8_lossy(&html));
        Ok(Self {
            html: Bytes::from(html),
            csp: header_value(csp::policy(&hashes)),
            stamp,
        })
    }
}

fn header_value(policy: String) -> HeaderValue {
    // The policy is built from ASCII literals and base64 only.
    HeaderValue::try_from(policy).expect("a CSP made of ASCII is a valid header value")
}

fn warn_not_built(index_path: &Path, error: &dyn std::fmt::Display) {
    tracing::warn!(
        index = %index_path.display(),
        %error,
        "the web app is not built; `/` answers 503 until it is (run `cargo xtask run`)"
    );
}

/// `GET /` and `GET /index.html`: the app shell.
pub async fn index(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    shell_response(&state.app).await
}

/// Everything that is neither the API nor the shell: a file from dist if it
/// exists, the shell for extensionless paths (client-side routes such as
/// `/contacts/123`), else 404.
pub async fn file(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, ApiError> {
    let path = request.uri().path().to_owned();
    let response = state
        .app
        .files
        .clone()
        .try_call(request)
        .await
        .map_err(|error| {
            tracing::error!(%error, "reading a file from the dist directory failed");
            ApiError::Internal
        })?;
    let status = response.status();
    if status == StatusCode::NOT_FOUND {
        return if has_extension(&path) {
            Err(ApiError::NoSuchFile)
        } else {
            shell_response(&state.app).await
        };
    }
    let mut response = response.into_response();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, cache_control(&path));
    }
    Ok(response)
}

async fn shell_response(app: &AppFiles) -> Result<Response, ApiError> {
    let shell = app.shell().await.ok_or(ApiError::AppNotBuilt)?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, REVALIDATE),
            (CONTENT_SECURITY_POLICY, shell.csp.clone()),
        ],
        shell.html.clone(),
    )
        .into_response())
}

/// Trunk puts a content hash in the names of the files it builds, so those
/// never change and may be cached for good. The files whose names are fixed
/// (the shell, the service worker, the manifest) must be revalidated, or an
/// installed app would never see an update.
fn cache_control(path: &str) -> HeaderValue {
    let name = path.rsplit('/').next().unwrap_or_default();
    if path == "/sw.js" || name == "manifest.webmanifest" || name.ends_with(".html") {
        REVALIDATE
    } else {
        IMMUTABLE
    }
}

fn has_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.rfind('.').is_some_and(|dot| dot > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_name_files_are_revalidated_and_hashed_ones_are_immutable() {
        for path in [
            "/sw.js",
            "/manifest.webmanifest",
            "/index.html",
            "/offline.html",
        ] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
        for path in [
            "/coffer-app-8a1b2c3d4e5f6789_bg.wasm",
            "/coffer-app-8a1b2c3d4e5f6789.js",
            "/style-4b1d6c2a9e0f3d77.css",
            "/snippets/x/sw.js",
        ] {
            assert_eq!(cache_control(path), IMMUTABLE, "{path}");
        }
    }

    #[test]
    fn client_side_routes_have_no_extension() {
        assert!(!has_extension("/"));
        assert!(!has_extension("/contacts/123"));
        assert!(!has_extension("/contacts/.hidden"));
        assert!(!has_extension("/v1.2/contacts"));
        assert!(has_extension("/missing.js"));
        assert!(has_extension("/icons/icon-192.png"));
    }
}
