//! The TOTP second factor and the per-account IP allowlist, through the
//! real binary over HTTP. Codes are computed with the server's own
//! `totp::code_at`, which its unit tests pin to the RFC 6238 vectors.

#[path = "support/api.rs"]
mod api;
#[path = "support/postgres.rs"]
mod postgres_cluster;
#[allow(dead_code)]
mod support;

use api::{Setup, b64, code, send, unb64};
use coffer_account::{AccountName, ClientLogin, ClientRegistration, KeyBundle, wrap_bundle};
use coffer_server::totp;
use reqwest::Method;
use serde_json::{Value, json};
use support::Server;

const ALICE: &str = "alice@example.com";
const PASSPHRASE: &str = "correct horse battery staple";

fn name() -> AccountName {
    AccountName::parse(ALICE).unwrap()
}

/// Whether the account's second factor is on, as the server says.
async fn totp_enabled(server: &Server, session: &str) -> bool {
    let (status, body) = call(
        server,
        Method::GET,
        "/api/account/totp",
        Some(session),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["enabled"].as_bool().expect("a boolean")
}

/// A POST or PUT with an optional bearer token and `X-Forwarded-For`.
async fn call(
    server: &Server,
    method: Method,
    path: &str,
    token: Option<&str>,
    from: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server.request(method, path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(from) = from {
        request = request.header("x-forwarded-for", from);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
    };
    (status, value)
}

async fn sign_up(server: &Server) {
    let (registration, request) = ClientRegistration::start(&name(), PASSPHRASE).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/accounts/register/start",
        None,
        Some(json!({ "account": ALICE, "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (upload, export_key) = registration
        .finish(&unb64(&body["response"]), PASSPHRASE)
        .unwrap();
    let wrapped = wrap_bundle(&export_key, &KeyBundle::generate().unwrap(), &name()).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/accounts/register/finish",
        None,
        Some(json!({ "account": ALICE, "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// A login with the right passphrase, from `from`, sending `totp` (if
/// any) with the finish; the finish's status and body.
async fn log_in(server: &Server, from: Option<&str>, totp: Option<&str>) -> (u16, Value) {
    let (login, request) = ClientLogin::start(&name(), PASSPHRASE).unwrap();
    let (status, body) = call(
        server,
        Method::POST,
        "/api/login/start",
        None,
        from,
        Some(json!({ "account": ALICE, "request": b64(&request) })),
    )
    .await;
    if status != 200 {
        return (status, body);
    }
    let (finalization, _, _) = login.finish(&unb64(&body["response"]), PASSPHRASE).unwrap();
    let mut finish = json!({ "login_id": body["login_id"], "finalization": b64(&finalization) });
    if let Some(totp) = totp {
        finish["totp"] = json!(totp);
    }
    call(
        server,
        Method::POST,
        "/api/login/finish",
        None,
        from,
        Some(finish),
    )
    .await
}

fn token(body: &Value) -> String {
    body["token"].as_str().expect("a token").to_owned()
}

fn now_step() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp::step_at(i64::try_from(now).unwrap())
}

/// Decodes the base32 secret the server hands out.
fn unbase32(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

// ---- TOTP ----

async fn totp_is_required_after_it_is_enabled_and_codes_are_single_use(setup: &Setup) {
    let server = setup.start(&[]);
    sign_up(&server).await;
    let (status, body) = log_in(&server, None, None).await;
    assert_eq!(status, 200, "{body}");
    let session = token(&body);

    assert!(!totp_enabled(&server, &session).await);

    // Confirming before any setup.
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/confirm",
        Some(&session),
        None,
        Some(json!({ "code": "123456" })),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "totp_not_set_up"), "{body}");

    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/setup",
        Some(&session),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let secret = unbase32(body["secret"].as_str().unwrap());
    assert_eq!(secret.len(), totp::SECRET_LEN);
    let uri = body["uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Coffer:"), "{uri}");
    assert!(uri.contains(body["secret"].as_str().unwrap()), "{uri}");

    // Not enabled until confirmed: logins still need no code.
    assert_eq!(log_in(&server, None, None).await.0, 200);
    assert!(!totp_enabled(&server, &session).await);

    let step = now_step();
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/confirm",
        Some(&session),
        None,
        Some(json!({ "code": "000000" == totp::code_at(&secret, step) })),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (400, "invalid_json"),
        "a code is a string"
    );
    let wrong = if totp::code_at(&secret, step) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/confirm",
        Some(&session),
        None,
        Some(json!({ "code": wrong })),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "totp_invalid"), "{body}");
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/confirm",
        Some(&session),
        None,
        Some(json!({ "code": totp::code_at(&secret, step) })),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert!(totp_enabled(&server, &session).await);
    // The session that enabled it stays signed in.
    assert_eq!(
        call(
            &server,
            Method::GET,
            "/api/sessions",
            Some(&session),
            None,
            None
        )
        .await
        .0,
        200
    );
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/setup",
        Some(&session),
        None,
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (409, "totp_enabled"));

    let (status, body) = log_in(&server, None, None).await;
    assert_eq!((status, code(&body)), (401, "totp_required"), "{body}");
    let (status, body) = log_in(&server, None, Some(wrong)).await;
    assert_eq!((status, code(&body)), (401, "totp_invalid"), "{body}");
    // The confirming code was used; so was every older one.
    let used = totp::code_at(&secret, step);
    let (status, body) = log_in(&server, None, Some(&used)).await;
    assert_eq!((status, code(&body)), (401, "totp_invalid"), "{body}");
    // The next step's code (one step of drift is allowed) logs in once.
    let next = totp::code_at(&secret, step + 1);
    let (status, body) = log_in(&server, None, Some(&next)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = log_in(&server, None, Some(&next)).await;
    assert_eq!(
        (status, code(&body)),
        (401, "totp_invalid"),
        "a replay: {body}"
    );
    assert!(server.stop().success());

    // Still required after a restart.
    let server = setup.start(&[]);
    let (status, body) = log_in(&server, None, None).await;
    assert_eq!((status, code(&body)), (401, "totp_required"), "{body}");
    assert!(server.stop().success());
}

#[tokio::test]
async fn totp_is_required_after_it_is_enabled_and_codes_are_single_use_on_sqlite() {
    totp_is_required_after_it_is_enabled_and_codes_are_single_use(&Setup::sqlite()).await;
}

#[tokio::test]
async fn totp_is_required_after_it_is_enabled_and_codes_are_single_use_on_postgres() {
    totp_is_required_after_it_is_enabled_and_codes_are_single_use(&Setup::postgres().await).await;
}

#[tokio::test]
async fn wrong_totp_codes_count_towards_the_lockout() {
    let setup = Setup::sqlite();
    let server = setup.start(&[
        "--login-rate-per-minute",
        "0",
        "--login-ip-rate-per-minute",
        "0",
        "--login-lockout-failures",
        "2",
    ]);
    sign_up(&server).await;
    let session = token(&log_in(&server, None, None).await.1);
    let (_, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/setup",
        Some(&session),
        None,
        None,
    )
    .await;
    let secret = unbase32(body["secret"].as_str().unwrap());
    let step = now_step();
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/account/totp/confirm",
        Some(&session),
        None,
        Some(json!({ "code": totp::code_at(&secret, step) })),
    )
    .await;
    assert_eq!(status, 204);
    let wrong = totp::code_at(&secret, step + 5);
    for _ in 0..2 {
        let (status, body) = log_in(&server, None, Some(&wrong)).await;
        assert_eq!((status, code(&body)), (401, "totp_invalid"), "{body}");
    }
    let (status, body) = log_in(&server, None, Some(&totp::code_at(&secret, step + 1))).await;
    assert_eq!((status, code(&body)), (429, "account_locked"), "{body}");

    // Disabling needs a current code; afterwards no code is asked for.
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/disable",
        Some(&session),
        None,
        Some(json!({ "code": wrong })),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "totp_invalid"), "{body}");
    let (status, body) = call(
        &server,
        Method::POST,
        "/api/account/totp/disable",
        Some(&session),
        None,
        Some(json!({ "code": totp::code_at(&secret, step + 1) })),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert!(!totp_enabled(&server, &session).await);
}

// ---- IP allowlist ----

async fn the_ip_allowlist_refuses_logins_and_requests_from_elsewhere(setup: &Setup) {
    // Behind a proxy: the client address is the last X-Forwarded-For entry.
    let server = setup.start(&["--trust-proxy", "--login-ip-rate-per-minute", "0"]);
    sign_up(&server).await;
    let office = Some("203.0.113.7");
    let elsewhere = Some("198.51.100.1");
    let (status, body) = log_in(&server, office, None).await;
    assert_eq!(status, 200, "{body}");
    let session = token(&body);

    let path = "/api/account/ip-allowlist";
    let (status, body) = call(&server, Method::GET, path, Some(&session), office, None).await;
    assert_eq!((status, &body), (200, &json!({ "networks": [] })));

    let bad = [
        (json!({ "networks": ["203.0.113.0/33"] }), "invalid_cidr"),
        (json!({ "networks": ["office"] }), "invalid_cidr"),
        (json!({ "networks": vec!["10.0.0.1"; 65] }), "invalid_cidr"),
        (
            json!({ "networks": ["10.0.0.0/8"] }),
            "allowlist_excludes_you",
        ),
        (json!({ "networks": "10.0.0.0/8" }), "invalid_json"),
    ];
    for (body, expected) in bad {
        let (status, answer) = call(
            &server,
            Method::PUT,
            path,
            Some(&session),
            office,
            Some(body.clone()),
        )
        .await;
        assert_eq!((status, code(&answer)), (400, expected), "{body} {answer}");
    }
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&session),
        office,
        Some(json!({ "networks": ["203.0.113.99/24", "2001:db8::/32"] })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "networks": ["203.0.113.0/24", "2001:db8::/32"] })
    );

    // Signed-in requests from elsewhere are refused, from the office not.
    let (status, body) = call(
        &server,
        Method::GET,
        "/api/sessions",
        Some(&session),
        elsewhere,
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (403, "ip_not_allowed"), "{body}");
    let (status, body) = send_from(&server, "/api/events", &session, elsewhere).await;
    assert_eq!((status, code(&body)), (403, "ip_not_allowed"), "{body}");
    let (status, _) = call(
        &server,
        Method::GET,
        "/api/sessions",
        Some(&session),
        Some("203.0.113.200"),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // So are logins, after the proof (the answer is the same shape as any
    // other refusal), and from a listed IPv6 network they work.
    let (status, body) = log_in(&server, elsewhere, None).await;
    assert_eq!((status, code(&body)), (403, "ip_not_allowed"), "{body}");
    let (status, body) = log_in(&server, Some("2001:db8::5"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(server.stop().success());

    // Kept across a restart; an empty list allows every address again.
    let server = setup.start(&["--trust-proxy"]);
    let (status, body) = call(&server, Method::GET, path, Some(&session), elsewhere, None).await;
    assert_eq!((status, code(&body)), (403, "ip_not_allowed"), "{body}");
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&session),
        office,
        Some(json!({ "networks": [] })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(&server, Method::GET, path, Some(&session), elsewhere, None).await;
    assert_eq!(status, 200);
    assert!(server.stop().success());
}

async fn send_from(server: &Server, path: &str, token: &str, from: Option<&str>) -> (u16, Value) {
    call(server, Method::GET, path, Some(token), from, None).await
}

#[tokio::test]
async fn the_ip_allowlist_refuses_logins_and_requests_from_elsewhere_on_sqlite() {
    the_ip_allowlist_refuses_logins_and_requests_from_elsewhere(&Setup::sqlite()).await;
}

#[tokio::test]
async fn the_ip_allowlist_refuses_logins_and_requests_from_elsewhere_on_postgres() {
    the_ip_allowlist_refuses_logins_and_requests_from_elsewhere(&Setup::postgres().await).await;
}

#[tokio::test]
async fn without_trust_proxy_the_socket_address_counts_not_x_forwarded_for() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    sign_up(&server).await;
    let session = token(&log_in(&server, None, None).await.1);
    let path = "/api/account/ip-allowlist";
    // The header claims the office, but the request comes from 127.0.0.1.
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&session),
        Some("203.0.113.7"),
        Some(json!({ "networks": ["203.0.113.0/24"] })),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (400, "allowlist_excludes_you"),
        "{body}"
    );
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&session),
        None,
        Some(json!({ "networks": ["127.0.0.1"] })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(log_in(&server, Some("198.51.100.1"), None).await.0, 200);
}
