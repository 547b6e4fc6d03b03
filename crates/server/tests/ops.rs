//! Operating `coffer-server`: metrics, rate limits, the OpenAPI description
//! and what the logs hold, checked against the real binary over real HTTP.

// Shared with tests/server.rs; this file uses only part of it.
#[allow(dead_code)]
mod support;

use std::collections::BTreeSet;

use coffer_server::api;
use coffer_server::error::ApiError;
use serde_json::Value;
use support::{Sandbox, Server, WASM_FILE, header};

/// Starts the sandbox's server with extra flags and environment variables.
fn start(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut command = support::command(&sandbox.stderr_path());
    command
        .args(["--port", "0", "--data-dir"])
        .arg(sandbox.data_dir())
        .arg("--dist")
        .arg(sandbox.dist())
        .args(args)
        .envs(env.iter().copied());
    Server::spawn(command, &sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// `GET path` claiming, through `X-Forwarded-For`, to come from `ip`.
async fn get_from(server: &Server, path: &str, ip: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", server.url))
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {path}: {error}"))
}

/// The value of the sample on exactly this line prefix (name and labels).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        line.strip_prefix(series)?
            .strip_prefix(' ')?
            .parse::<f64>()
            .ok()
    })
}

// ---- metrics ----

#[tokio::test]
async fn metrics_count_requests_by_route_template_exactly() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    for _ in 0..3 {
        assert_eq!(server.get("/api/health").await.status(), 200);
    }
    assert_eq!(
        server.get("/api/health?token=SECRET123").await.status(),
        200
    );
    assert_eq!(server.post("/api/health", Vec::new()).await.status(), 405);
    assert_eq!(server.get("/api/records/12345").await.status(), 404);
    assert_eq!(server.get("/contacts/67890").await.status(), 200);
    assert_eq!(server.get(&format!("/{WASM_FILE}")).await.status(), 200);

    let response = server.get("/api/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("text/plain; version=0.0.4"));
    let metrics = response.text().await.unwrap();

    for (series, expected) in [
        (
            r#"coffer_http_requests_total{route="/api/health",method="GET",status="200"}"#,
            4.0,
        ),
        (
            r#"coffer_http_requests_total{route="/api/health",method="POST",status="405"}"#,
            1.0,
        ),
        (
            r#"coffer_http_requests_total{route="unmatched",method="GET",status="404"}"#,
            1.0,
        ),
        (
            r#"coffer_http_requests_total{route="unmatched",method="GET",status="200"}"#,
            2.0,
        ),
        (
            r#"coffer_http_request_duration_seconds_count{route="/api/health"}"#,
            5.0,
        ),
        (
            r#"coffer_http_request_duration_seconds_bucket{route="/api/health",le="+Inf"}"#,
            5.0,
        ),
        (
            &format!(
                r#"coffer_build_info{{version="{}"}}"#,
                env!("CARGO_PKG_VERSION")
            ),
            1.0,
        ),
        ("coffer_db_up", 1.0),
    ] {
        assert_eq!(
            sample(&metrics, series),
            Some(expected),
            "{series} in\n{metrics}"
        );
    }
    for leak in [
        "SECRET123",
        "token",
        "?",
        "12345",
        "67890",
        "records",
        "contacts",
    ] {
        assert!(!metrics.contains(leak), "{leak:?} leaked into\n{metrics}");
    }
    // The scrape itself is counted once it has been answered.
    assert_eq!(
        sample(
            &server.get("/api/metrics").await.text().await.unwrap(),
            r#"coffer_http_requests_total{route="/api/metrics",method="GET",status="200"}"#
        ),
        Some(1.0)
    );
}

// ---- rate limits ----

#[tokio::test]
async fn api_requests_over_the_per_ip_limit_get_429_with_retry_after() {
    let sandbox = Sandbox::with_app();
    let server = start(&sandbox, &["--api-rate-per-minute", "5"], &[]);

    for i in 0..5 {
        assert_eq!(server.get("/api/health").await.status(), 200, "request {i}");
    }
    let response = server.get("/api/health").await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = header(&response, "retry-after").parse().unwrap();
    // 5 per minute: the next token comes within 12 s.
    assert!((1..=12).contains(&retry_after), "{retry_after}");
    assert_eq!(header(&response, "content-type"), "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"].is_string());

    // Unknown API paths count too, and a made-up X-Forwarded-For does not
    // help when the proxy is not trusted.
    assert_eq!(server.get("/api/nope").await.status(), 429);
    assert_eq!(
        get_from(&server, "/api/health", "203.0.113.9")
            .await
            .status(),
        429
    );

    // The app itself is not limited.
    for _ in 0..10 {
        assert_eq!(server.get("/").await.status(), 200);
        assert_eq!(server.get(&format!("/{WASM_FILE}")).await.status(), 200);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_ip_has_its_own_limit() {
    let sandbox = Sandbox::with_app();
    let server = start(
        &sandbox,
        &["--api-rate-per-minute", "2"],
        &[("COFFER_TRUST_PROXY", "true")],
    );

    for _ in 0..2 {
        assert_eq!(
            get_from(&server, "/api/health", "203.0.113.1")
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        get_from(&server, "/api/health", "203.0.113.1")
            .await
            .status(),
        429
    );
    // The proxy appends the address it saw; what the client claimed before
    // it does not count.
    assert_eq!(
        get_from(&server, "/api/health", "198.51.100.1, 203.0.113.1")
            .await
            .status(),
        429
    );
    assert_eq!(
        get_from(&server, "/api/health", "203.0.113.2")
            .await
            .status(),
        200
    );

    let metrics = get_from(&server, "/api/metrics", "203.0.113.3")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        sample(&metrics, r#"coffer_rate_limited_total{scope="api"}"#),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            r#"coffer_http_requests_total{route="/api/health",method="GET",status="429"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
}

// ---- OpenAPI ----

#[tokio::test]
async fn openapi_describes_every_api_endpoint_and_error_code() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    let response = server.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/json");
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));

    let served: BTreeSet<(String, String)> = api::endpoints()
        .iter()
        .map(|e| (format!("/api{}", e.path), e.method.as_str().to_lowercase()))
        .collect();
    let described: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .map(move |method| (path.clone(), method.clone()))
        })
        .collect();
    assert_eq!(served, described);

    // Each served endpoint really is there (the list builds the router).
    for (path, method) in &served {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let status = server.request(method, path).send().await.unwrap().status();
        assert!(status != 404 && status != 405, "{path}: {status}");
    }

    let codes: BTreeSet<&str> = document["components"]["schemas"]["Error"]["properties"]["error"]
        ["properties"]["code"]["enum"]
        .as_array()
        .expect("the Error schema lists its codes")
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    assert_eq!(codes, ApiError::CODES.iter().copied().collect());

    let mut refs = Vec::new();
    collect_refs(&document, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference.strip_prefix('#').expect("a local $ref");
        assert!(
            document.pointer(pointer).is_some(),
            "dangling $ref {reference}"
        );
    }
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(target) if key == "$ref" => refs.push(target.clone()),
                    _ => collect_refs(value, refs),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
        _ => {}
    }
}

// ---- logs ----

#[tokio::test]
async fn logs_hold_no_query_strings_or_bodies() {
    let sandbox = Sandbox::with_app();
    // As chatty as an operator debugging would make it.
    let server = start(
        &sandbox,
        &["--log-format", "json"],
        &[("RUST_LOG", "debug")],
    );

    for path in [
        "/api/health?token=SECRET123",
        "/api/nope?token=SECRET123",
        "/?token=SECRET123",
        "/contacts/1?token=SECRET123",
        "/missing.js?token=SECRET123",
    ] {
        server.get(path).await;
    }
    server.post("/api/health", b"SECRET123".to_vec()).await;
    server
        .post("/api/nope?token=SECRET123", b"SECRET123".to_vec())
        .await;
    client()
        .get(format!("{}/api/health", server.url))
        .header("authorization", "Bearer SECRET123")
        .header("cookie", "session=SECRET123")
        .send()
        .await
        .unwrap();
    let stderr = server.stderr();
    drop(server);

    assert!(
        stderr.contains("/api/health") && stderr.contains("/contacts/1"),
        "requests should be logged (by path):\n{stderr}"
    );
    for (number, line) in stderr.lines().enumerate() {
        assert!(!line.contains("SECRET123"), "line {number} leaks: {line}");
        assert!(!line.contains("token="), "line {number} leaks: {line}");
    }
}
