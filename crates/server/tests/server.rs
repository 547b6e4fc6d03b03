//! `coffer-server` as its users see it: the real binary, real HTTP, a real
//! SQLite file.

#[path = "support/postgres.rs"]
mod postgres_cluster;
mod support;

use std::fs;

use serde_json::Value;
use sqlx::Connection as _;
use support::{
    CSS_FILE, INLINE_SCRIPT, JS_FILE, Sandbox, Server, WASM_FILE, csp_hash, header, open_database,
    server_meta, write_index,
};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

// ---- health and storage ----

#[tokio::test]
async fn health_reports_ok_version_and_database() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    let response = server.get("/api/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/json");
    assert_eq!(
        json(response).await,
        serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "database": "ok",
        })
    );
}

#[tokio::test]
async fn database_is_a_wal_sqlite_file_in_the_data_dir_with_the_schema() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();
    let db_path = sandbox.data_dir().join("coffer.sqlite3");

    assert!(db_path.is_file(), "no database at {}", db_path.display());
    let mut db = open_database(&db_path).await;
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(journal_mode, "wal");
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM server_meta ORDER BY key")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(keys, ["created_at", "schema_version"]);
    drop(db);

    let stderr = server.stderr();
    assert!(
        stderr.contains(&sandbox.data_dir().display().to_string())
            && stderr.contains(&db_path.display().to_string()),
        "the log should name the data dir and the database file:\n{stderr}"
    );
}

#[tokio::test]
async fn sigterm_stops_cleanly_and_checkpoints_the_wal() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();
    // No request first: a signal right after the listening line must
    // already be handled, not kill the process.
    let wal = sandbox.data_dir().join("coffer.sqlite3-wal");
    assert!(wal.exists(), "a running server in WAL mode has a -wal file");

    let status = server.stop();

    assert!(status.success(), "exit status {status:?}");
    let wal_left = fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal_left, 0, "the WAL was not checkpointed on shutdown");
}

#[tokio::test]
async fn restart_with_the_same_data_dir_keeps_the_database() {
    let sandbox = Sandbox::with_app();
    let db_path = sandbox.data_dir().join("coffer.sqlite3");

    assert!(sandbox.start().stop().success());
    let created_at = server_meta(&db_path, "created_at")
        .await
        .expect("created_at");
    assert!(created_at.starts_with("20"), "{created_at}");

    let server = sandbox.start();
    assert_eq!(server.get("/api/health").await.status(), 200);
    assert!(server.stop().success());

    assert_eq!(server_meta(&db_path, "created_at").await, Some(created_at));
    assert_eq!(
        server_meta(&db_path, "schema_version").await.as_deref(),
        Some("7")
    );
}

#[tokio::test]
async fn postgres_url_serves_from_that_database() {
    let sandbox = Sandbox::with_app();
    let url = postgres_cluster::cluster().create_database().await;
    let mut command = support::command(&sandbox.stderr_path());
    command
        .args(["--port", "0", "--data-dir"])
        .arg(sandbox.data_dir())
        .arg("--dist")
        .arg(sandbox.dist())
        .args(["--database-url", &url]);

    let server = Server::spawn(command, &sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(
        json(server.get("/api/health").await).await["database"],
        "ok"
    );
    assert!(
        !sandbox.data_dir().join("coffer.sqlite3").exists(),
        "a SQLite file was created although a PostgreSQL URL was given"
    );
    let stderr = server.stderr();
    assert!(stderr.contains("postgresql database ready"), "{stderr}");
    assert!(server.stop().success());

    let mut db = sqlx::PgConnection::connect(&url).await.expect("connect");
    let version: String =
        sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'schema_version'")
            .fetch_one(&mut db)
            .await
            .expect("server_meta");
    assert_eq!(version, "7");
}

#[tokio::test]
async fn unreachable_postgres_fails_with_a_clear_message_and_no_password() {
    let sandbox = Sandbox::with_app();
    let mut command = support::command(&sandbox.stderr_path());
    // Port 1 on loopback: nothing listens there, so the refusal is immediate.
    command
        .args(["--port", "0", "--data-dir"])
        .arg(sandbox.data_dir())
        .args([
            "--database-url",
            "postgres://coffer:hunter2@127.0.0.1:1/coffer",
        ]);

    let output = command.output().expect("run coffer-server");

    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "it must not claim to listen");
    let stderr = fs::read_to_string(sandbox.stderr_path()).unwrap();
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password leaked:\n{stderr}"
    );
}

#[tokio::test]
async fn unsupported_database_url_scheme_is_refused() {
    let sandbox = Sandbox::with_app();
    let mut command = support::command(&sandbox.stderr_path());
    command
        .args(["--port", "0", "--data-dir"])
        .arg(sandbox.data_dir())
        .args(["--database-url", "mysql://coffer:hunter2@db.example/coffer"]);

    let output = command.output().expect("run coffer-server");

    assert!(!output.status.success());
    let stderr = fs::read_to_string(sandbox.stderr_path()).unwrap();
    assert!(
        stderr.contains("use a sqlite: or postgres: URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

// ---- configuration ----

#[tokio::test]
async fn configuration_comes_from_environment_variables() {
    let sandbox = Sandbox::with_app();
    let mut command = support::command(&sandbox.stderr_path());
    command
        .env("COFFER_HOST", "127.0.0.1")
        .env("COFFER_PORT", "0")
        .env("COFFER_DATA_DIR", sandbox.data_dir())
        .env("COFFER_DIST", sandbox.dist())
        .env("COFFER_LOG_FORMAT", "json");

    let server = Server::spawn(command, &sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"));

    assert!(server.url.starts_with("http://127.0.0.1:"));
    assert!(!server.url.ends_with(":8080"), "COFFER_PORT=0 was ignored");
    assert_eq!(server.get("/api/health").await.status(), 200);
    assert_eq!(
        server.get("/").await.status(),
        200,
        "COFFER_DIST was ignored"
    );
    assert!(sandbox.data_dir().join("coffer.sqlite3").is_file());
    let stderr = server.stderr();
    let first_log_line = stderr.lines().next().expect("a log line");
    serde_json::from_str::<Value>(first_log_line)
        .unwrap_or_else(|e| panic!("COFFER_LOG_FORMAT=json gave {first_log_line:?}: {e}"));
}

#[tokio::test]
async fn default_data_dir_is_under_xdg_data_home() {
    let sandbox = Sandbox::with_app();
    let xdg = sandbox.root.path().join("xdg");
    let mut command = support::command(&sandbox.stderr_path());
    command
        .args(["--port", "0", "--dist"])
        .arg(sandbox.dist())
        .env("XDG_DATA_HOME", &xdg);

    let server = Server::spawn(command, &sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(server.get("/api/health").await.status(), 200);
    assert!(xdg.join("coffer/coffer.sqlite3").is_file());
}

// ---- the app ----

#[tokio::test]
async fn app_files_are_served_with_the_right_content_types() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    for (path, content_type) in [
        ("/".to_owned(), "text/html; charset=utf-8"),
        (format!("/{WASM_FILE}"), "application/wasm"),
        (format!("/{JS_FILE}"), "text/javascript"),
        (format!("/{CSS_FILE}"), "text/css"),
        ("/sw.js".to_owned(), "text/javascript"),
        (
            "/manifest.webmanifest".to_owned(),
            "application/manifest+json",
        ),
    ] {
        let response = server.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type"), content_type, "{path}");
    }
    let wasm = server
        .get(&format!("/{WASM_FILE}"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&wasm[..4], b"\0asm");
}

#[tokio::test]
async fn hashed_files_are_cached_for_good_and_fixed_names_revalidate() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    for path in [
        format!("/{WASM_FILE}"),
        format!("/{JS_FILE}"),
        format!("/{CSS_FILE}"),
    ] {
        let response = server.get(&path).await;
        assert_eq!(header(&response, "cache-control"), IMMUTABLE, "{path}");
    }
    for path in [
        "/",
        "/index.html",
        "/sw.js",
        "/manifest.webmanifest",
        "/contacts/123",
    ] {
        let response = server.get(path).await;
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn client_side_routes_get_the_app_shell() {
    let sandbox = Sandbox::with_app();
    let index = fs::read_to_string(sandbox.dist().join("index.html")).unwrap();
    let server = sandbox.start();

    for path in ["/", "/index.html", "/contacts/123", "/deals/"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8"
        );
        assert_eq!(response.text().await.unwrap(), index, "{path}");
    }
}

#[tokio::test]
async fn missing_file_with_an_extension_is_404_not_the_shell() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    let response = server.get("/coffer-app-ffffffffffffffff.js").await;

    assert_eq!(response.status(), 404);
    assert!(
        response
            .headers()
            .get("cache-control")
            .is_none_or(|v| v != IMMUTABLE)
    );
    assert_eq!(json(response).await["error"]["code"], "not_found");
}

#[tokio::test]
async fn csp_allows_exactly_the_inline_script_of_the_served_shell() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();
    let expected_hash = csp_hash(INLINE_SCRIPT);

    for path in ["/", "/contacts/123"] {
        let response = server.get(path).await;
        let csp = header(&response, "content-security-policy").to_owned();
        let body = response.text().await.unwrap();
        assert!(body.contains(INLINE_SCRIPT), "the shell was altered");
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_else(|| panic!("no script-src in {csp}"));
        assert_eq!(
            script_src,
            format!("script-src 'self' 'wasm-unsafe-eval' {expected_hash}"),
            "{path}"
        );
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} missing from {csp}");
        }
    }
}

#[tokio::test]
async fn rebuilt_app_is_served_with_a_matching_csp_without_a_restart() {
    let sandbox = Sandbox::empty();
    fs::create_dir_all(sandbox.dist()).unwrap();
    let server = sandbox.start();
    assert_eq!(server.get("/").await.status(), 503);

    // The build finishes after the server started…
    write_index(&sandbox.dist(), INLINE_SCRIPT);
    let response = server.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-security-policy").contains(&csp_hash(INLINE_SCRIPT)));

    // …and a rebuild changes the inline script.
    let rebuilt = "\nimport init from '/coffer-app-1111111111111111.js';\nawait init();\n";
    let html = write_index(&sandbox.dist(), rebuilt);
    let response = server.get("/contacts/1").await;
    let csp = header(&response, "content-security-policy").to_owned();
    assert!(csp.contains(&csp_hash(rebuilt)), "{csp}");
    assert!(!csp.contains(&csp_hash(INLINE_SCRIPT)), "{csp}");
    assert_eq!(response.text().await.unwrap(), html);
}

#[tokio::test]
async fn missing_app_answers_503_app_not_built_and_the_api_still_works() {
    let sandbox = Sandbox::empty(); // no dist dir at all
    let server = sandbox.start();

    for path in ["/", "/contacts/123"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 503, "{path}");
        let body = json(response).await;
        assert_eq!(body["error"]["code"], "app_not_built");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("cargo xtask run"), "{message}");
    }
    assert_eq!(server.get("/api/health").await.status(), 200);
    assert!(
        server.stderr().contains("not built"),
        "no warning logged:\n{}",
        server.stderr()
    );
}

// ---- HTTP hygiene ----

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    for path in [
        "/".to_owned(),
        format!("/{WASM_FILE}"),
        "/api/health".to_owned(),
        "/api/nope".to_owned(),
        "/nope.png".to_owned(),
    ] {
        let response = server.get(&path).await;
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(header(&response, name), value, "{name} on {path}");
        }
        assert!(header(&response, "permissions-policy").contains("camera=()"));
        assert!(header(&response, "content-security-policy").contains("'wasm-unsafe-eval'"));
    }
}

#[tokio::test]
async fn unknown_api_route_is_a_json_404_with_a_code() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    for path in ["/api/nope", "/api/contacts/123", "/api"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(header(&response, "content-type"), "application/json");
        let body = json(response).await;
        assert_eq!(body["error"]["code"], "not_found", "{path}");
        assert!(body["error"]["message"].is_string());
    }
}

#[tokio::test]
async fn wrong_method_on_an_api_route_is_a_json_405() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();

    let response = server.post("/api/health", Vec::new()).await;

    assert_eq!(response.status(), 405);
    assert_eq!(json(response).await["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn oversized_body_is_rejected_with_413_not_500() {
    let sandbox = Sandbox::with_app();
    let server = sandbox.start();
    let limit = coffer_server::MAX_BODY_BYTES;

    let (status, body) = server.post_declaring("/api/anything", limit + 1);
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(body["error"]["code"], "payload_too_large");

    // At the limit the request goes through (to a 404: no such route yet).
    let (status, _) = server.post_declaring("/api/anything", limit);
    assert_eq!(status, 404);
}
