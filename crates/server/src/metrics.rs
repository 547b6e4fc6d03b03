//! Prometheus metrics, in the text exposition format, served at
//! `GET /api/metrics`.
//!
//! Requests are labelled by the route *template* that matched (axum's
//! `MatchedPath`, such as `/api/health`), never by the raw path, so ids and
//! query strings never reach a label and the number of series stays fixed.
//! Requests no route matched (app files, unknown API paths) share the label
//! `unmatched`. The metrics endpoint counts its own requests like any other;
//! a scrape shows the scrapes before it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram's buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The label of requests that no route matched.
pub const UNMATCHED: &str = "unmatched";

const TEXT_FORMAT: HeaderValue =
    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");

/// The server's counters; cheap to update, read only on a scrape.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    requests: BTreeMap<(String, &'static str, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    rate_limited: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last is `+Inf`.
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Metrics {
    fn recorded(&self) -> std::sync::MutexGuard<'_, Recorded> {
        // Every update is a few integer additions that cannot panic midway,
        // so the counters behind a poisoned lock are still consistent.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn request(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        let mut recorded = self.recorded();
        *recorded
            .requests
            .entry((route.to_owned(), method_label(method), status))
            .or_default() += 1;
        let histogram = recorded.latency.entry(route.to_owned()).or_default();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        histogram.buckets[bucket] += 1;
        histogram.sum += seconds;
        histogram.count += 1;
    }

    pub fn rate_limited(&self, scope: &'static str) {
        *self.recorded().rate_limited.entry(scope).or_default() += 1;
    }

    /// The exposition text; `db_up` is whether the database answered just now.
    pub fn render(&self, db_up: bool) -> String {
        let recorded = self.recorded();
        let mut out = String::new();
        // Writing to a String cannot fail; the results are ignored below.
        let _ = writeln!(
            out,
            "# HELP coffer_build_info The running build.\n\
             # TYPE coffer_build_info gauge\n\
             coffer_build_info{{version=\"{}\"}} 1",
            escape(env!("CARGO_PKG_VERSION"))
        );
        let _ = writeln!(
            out,
            "# HELP coffer_db_up Whether the database answered the scrape's ping.\n\
             # TYPE coffer_db_up gauge\n\
             coffer_db_up {}",
            u8::from(db_up)
        );
        out.push_str(
            "# HELP coffer_http_requests_total HTTP requests by route template, method and status.\n\
             # TYPE coffer_http_requests_total counter\n",
        );
        for ((route, method, status), count) in &recorded.requests {
            let _ = writeln!(
                out,
                "coffer_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP coffer_http_request_duration_seconds Time to the response head, by route template.\n\
             # TYPE coffer_http_request_duration_seconds histogram\n",
        );
        for (route, histogram) in &recorded.latency {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, count) in LATENCY_BUCKETS.iter().zip(&histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "coffer_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "coffer_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 coffer_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 coffer_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count, histogram.sum, histogram.count
            );
        }
        out.push_str(
            "# HELP coffer_rate_limited_total Requests refused by a rate limit, by scope.\n\
             # TYPE coffer_rate_limited_total counter\n",
        );
        for (scope, count) in &recorded.rate_limited {
            let _ = writeln!(
                out,
                "coffer_rate_limited_total{{scope=\"{}\"}} {count}",
                escape(scope)
            );
        }
        out
    }
}

/// Methods a client can make up would be unbounded label values.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Label values escape backslash, double quote and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware (outermost): counts and times every request by route template.
pub async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| route_label(path.as_str()));
    let response = next.run(request).await;
    state.metrics.request(
        route.as_deref().unwrap_or(UNMATCHED),
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// axum names the catch-all of a nested fallback with a private parameter;
/// that is "no route" too.
fn route_label(matched: &str) -> String {
    if matched.contains("__private__axum") {
        UNMATCHED.to_owned()
    } else {
        matched.to_owned()
    }
}

/// `GET /api/metrics`.
pub async fn serve(State(state): State<Arc<AppState>>) -> Response {
    let db_up = state.store.ping().await.is_ok();
    ([(CONTENT_TYPE, TEXT_FORMAT)], state.metrics.render(db_up)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_with_sum_and_count() {
        let metrics = Metrics::default();
        metrics.request("/api/health", &Method::GET, 200, 0.003_906_25);
        metrics.request("/api/health", &Method::GET, 200, 0.125);
        metrics.request("/api/health", &Method::GET, 503, 32.0);
        let text = metrics.render(true);
        for line in [
            "coffer_http_requests_total{route=\"/api/health\",method=\"GET\",status=\"200\"} 2",
            "coffer_http_requests_total{route=\"/api/health\",method=\"GET\",status=\"503\"} 1",
            "coffer_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"0.005\"} 1",
            "coffer_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"0.1\"} 1",
            "coffer_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"0.25\"} 2",
            "coffer_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"10\"} 2",
            "coffer_http_request_duration_seconds_bucket{route=\"/api/health\",le=\"+Inf\"} 3",
            "coffer_http_request_duration_seconds_sum{route=\"/api/health\"} 32.12890625",
            "coffer_http_request_duration_seconds_count{route=\"/api/health\"} 3",
            "coffer_db_up 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
        assert!(metrics.render(false).contains("\ncoffer_db_up 0\n"));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        let metrics = Metrics::default();
        let made_up = Method::from_bytes(b"BREW").unwrap();
        metrics.request(UNMATCHED, &made_up, 405, 0.0);
        let text = metrics.render(true);
        assert!(text.contains("method=\"other\""), "{text}");
        assert!(!text.contains("BREW"), "{text}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
