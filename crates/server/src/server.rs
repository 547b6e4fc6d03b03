//! Wiring: the router with its layers, start-up and graceful shutdown.

use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{
    CONTENT_LENGTH, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt as _;
use coffer_account::ServerSetup;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::api;
use crate::app_files::{self, AppFiles};
use crate::config::{Config, ConfigError};
use crate::error::ApiError;
use crate::login::{self, Accounts, LoginPolicy};
use crate::metrics::{self, Metrics};
use crate::ratelimit::{self, Limiter, Rate};
use crate::store::{Store, StoreError};
use crate::sync::{Events, MAX_PUSH_BODY_BYTES};

/// The largest request body accepted. Sync will send batches of envelopes;
/// revisit this limit with it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
pub struct AppState {
    pub store: Store,
    pub app: AppFiles,
    pub metrics: Metrics,
    /// Whether client IPs come from `X-Forwarded-For` (see
    /// [`ratelimit::client_ip`]).
    pub trust_proxy: bool,
    /// The per-IP limit on every `/api` request, unless turned off.
    pub api_limit: Option<Limiter<IpAddr>>,
    /// Login state, limits and lockouts.
    pub accounts: Accounts,
    /// Pushes per account.
    pub write_limit: Option<Limiter<String>>,
    pub events: Events,
    /// Between keep-alive comments on idle event streams.
    pub sse_keepalive: Duration,
}

/// The rate limits an operator configures. The default, for in-process
/// tests, limits nothing; the binary's defaults are in [`Config`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// Requests per minute per client IP on `/api`; `None` for no limit.
    pub api_per_minute: Option<u32>,
    pub write_per_minute: Option<u32>,
    /// Whether the client IP comes from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Login limits, lockout and session lifetime.
    pub login: LoginPolicy,
    /// Between keep-alive comments on idle event streams; `None` for
    /// [`crate::sync::KEEP_ALIVE`].
    pub sse_keepalive: Option<Duration>,
}

impl Limits {
    pub fn from_config(config: &Config) -> Self {
        Self {
            api_per_minute: Some(config.api_rate_per_minute).filter(|&rate| rate > 0),
            write_per_minute: Some(config.write_rate_per_minute).filter(|&rate| rate > 0),
            trust_proxy: config.trust_proxy,
            login: LoginPolicy {
                per_account_per_minute: Some(config.login_rate_per_minute).filter(|&r| r > 0),
                per_ip_per_minute: Some(config.login_ip_rate_per_minute).filter(|&r| r > 0),
                lockout_failures: Some(config.login_lockout_failures).filter(|&n| n > 0),
                lockout: Duration::from_secs(u64::from(config.login_lockout_minutes) * 60),
                session_ttl: config.session_ttl(),
            },
            sse_keepalive: Some(Duration::from_secs(config.sse_keepalive_seconds.max(1))),
        }
    }
}

impl AppState {
    /// `setup` is the deployment's OPAQUE setup ([`login::load_setup`]).
    pub fn new(store: Store, app: AppFiles, limits: Limits, setup: ServerSetup) -> Self {
        Self {
            store,
            app,
            metrics: Metrics::default(),
            trust_proxy: limits.trust_proxy,
            api_limit: limits.api_per_minute.map(|rate| {
                Limiter::new("api", Rate::per_minute(rate), ratelimit::DEFAULT_MAX_KEYS)
            }),
            accounts: Accounts::new(setup, limits.login),
            write_limit: limits.write_per_minute.map(|rate| {
                Limiter::new("write", Rate::per_minute(rate), ratelimit::DEFAULT_MAX_KEYS)
            }),
            events: Events::default(),
            sse_keepalive: limits
                .sse_keepalive
                .filter(|interval| !interval.is_zero())
                .unwrap_or(crate::sync::KEEP_ALIVE),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot create the data directory {path}: {error}")]
    DataDir { path: PathBuf, error: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {host}:{port}: {error}")]
    Bind {
        host: String,
        port: u16,
        error: io::Error,
    },
    #[error("cannot listen for shutdown signals: {0}")]
    Signals(io::Error),
    #[error("the server stopped with an error: {0}")]
    Serve(io::Error),
}

/// The whole HTTP surface: the API under `/api`, the app everywhere else.
pub fn router(state: Arc<AppState>) -> Router {
    let csp_source = state.clone();
    let layers = ServiceBuilder::new()
        // Outermost, so it counts every final status, including rejections
        // below; it labels by route template, so it sees no ids either.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        // Sees every final status too. Only method and path: paths will
        // carry record ids, never content; the query string, headers
        // (Authorization, Cookie) and bodies are not logged.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(security_header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(REFERRER_POLICY, "no-referrer"))
        .layer(security_header(X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(security_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
        // The shell sets the policy matching the exact HTML it sends; every
        // other response gets the policy of the current shell.
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            move |_: &Response| Some(csp_source.app.csp()),
        ))
        .layer(middleware::from_fn(reject_declared_oversized_body))
        // Bodies without a Content-Length are cut off here when read.
        // The largest body of any route; each route's own limit is set in
        // `api::router` (push bodies may be larger than the rest).
        .layer(RequestBodyLimitLayer::new(MAX_PUSH_BODY_BYTES));

    Router::new()
        .route("/", get(app_files::index))
        .route("/index.html", get(app_files::index))
        .nest("/api", api::router(&state))
        .fallback(app_files::file)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(layers)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Answers an oversized declared body with our JSON error before anything
/// reads it (`RequestBodyLimitLayer` would answer in plain text).
async fn reject_declared_oversized_body(
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let path = request.uri().path();
    let limit = if path.starts_with("/api/collections/") && path.ends_with("/push") {
        MAX_PUSH_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(next.run(request).await)
}

/// Runs the server until SIGINT or SIGTERM, then closes the database.
pub async fn run(config: Config) -> Result<(), ServerError> {
    let shutdown = shutdown_signal().map_err(ServerError::Signals)?;
    let data_dir = config.data_dir()?;
    create_private_dir(&data_dir).map_err(|error| ServerError::DataDir {
        path: data_dir.clone(),
        error,
    })?;
    tracing::info!(data_dir = %data_dir.display(), "data directory");

    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|error| ServerError::Bind {
            host: config.host.clone(),
            port: config.port,
            error,
        })?;
    let address = listener.local_addr().map_err(ServerError::Serve)?;
    // Answers go out as soon as they are written, not after the client's
    // delayed ACK of the previous segment (Nagle).
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    let store = Store::open(&config.database(&data_dir)).await?;
    let setup = login::load_setup(&store).await?;
    let state = Arc::new(AppState::new(
        store.clone(),
        AppFiles::new(&config.dist).await,
        Limits::from_config(&config),
        setup,
    ));

    announce(address);
    // The peer address is what per-IP limits key on.
    let events = state.clone();
    let shutdown = async move {
        shutdown.await;
        events.events.close();
    };
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    store.close().await;
    tracing::info!("stopped");
    served.map_err(ServerError::Serve)
}

/// The one line on stdout; tests and `cargo xtask run` read the address
/// from it. Everything else goes to the log on stderr.
fn announce(address: SocketAddr) {
    let mut stdout = io::stdout().lock();
    let written = writeln!(stdout, "coffer-server listening on http://{address}")
        .and_then(|()| stdout.flush());
    if let Err(error) = written {
        tracing::warn!(%error, "cannot write the listening address to stdout");
    }
    tracing::info!(%address, "listening");
}

/// The data dir holds only ciphertext, but nobody else needs to list it.
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Installs the SIGINT and SIGTERM handlers now, since a signal that arrives
/// before they exist kills the process without closing the database, and
/// returns a future that completes on the first of them.
#[cfg(unix)]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        log_shutdown();
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    Ok(async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        log_shutdown();
    })
}

fn log_shutdown() {
    tracing::info!("shutting down: finishing open requests, then closing the database");
}
