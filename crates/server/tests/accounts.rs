//! Sign-up, OPAQUE login and sessions, through the real binary over HTTP,
//! with `coffer-account`'s client half playing the browser. The key flows
//! run against SQLite and PostgreSQL alike.

#[path = "support/postgres.rs"]
mod postgres_cluster;
// Shared with the other test files; this one uses only part of it.
#[path = "support/api.rs"]
mod api;
#[allow(dead_code)]
mod support;

use std::path::PathBuf;
use std::time::Duration;

use api::{Setup, b64, code, send, unb64};
use coffer_account::{
    AccountError, AccountName, ClientLogin, ClientRegistration, ExportKey, KeyBundle,
    RecoveryExportKey, RecoveryLogin, RecoveryRegistration, rewrap, unwrap_bundle,
    unwrap_recovery_bundle, wrap_bundle, wrap_recovery_bundle,
};
use reqwest::Method;
use serde_json::{Value, json};
use support::Server;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const PASSPHRASE: &str = "correct horse battery staple";

/// A server in a sandbox, on SQLite or on a fresh PostgreSQL database.
impl Setup {
    fn sqlite_files(&self) -> Vec<PathBuf> {
        let db = self.sandbox.data_dir().join("coffer.sqlite3");
        ["", "-wal", "-shm"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", db.display())))
            .filter(|path| path.exists())
            .collect()
    }
}

fn name(account: &str) -> AccountName {
    AccountName::parse(account).unwrap()
}

async fn post_json(server: &Server, path: &str, body: Value) -> (u16, Value) {
    send(server, Method::POST, path, None, Some(body)).await
}

/// Signs up and returns the wrapped bundle the server now holds.
async fn sign_up(server: &Server, account: &str, passphrase: &str) -> (u16, Value, Vec<u8>) {
    let account_name = name(account);
    let (registration, request) = ClientRegistration::start(&account_name, passphrase).unwrap();
    let (status, body) = post_json(
        server,
        "/api/accounts/register/start",
        json!({ "account": account, "request": b64(&request) }),
    )
    .await;
    if status != 200 {
        return (status, body, Vec::new());
    }
    let (upload, export_key) = registration
        .finish(&unb64(&body["response"]), passphrase)
        .unwrap();
    let wrapped = wrap_bundle(&export_key, &KeyBundle::generate().unwrap(), &account_name).unwrap();
    let (status, body) = post_json(
        server,
        "/api/accounts/register/finish",
        json!({ "account": account, "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) }),
    )
    .await;
    (status, body, wrapped)
}

/// What a login attempt came to.
enum Login {
    /// 200 from the finish: the body and the export key.
    In(Value, ExportKey),
    /// The start was refused.
    StartRefused(u16, Value),
    /// The client could not open the response (wrong passphrase or unknown
    /// account); the server's answer to a made-up proof.
    Failed(u16, Value),
}

impl Login {
    fn unwrap(self) -> (Value, ExportKey) {
        match self {
            Login::In(body, key) => (body, key),
            Login::StartRefused(status, body) => panic!("login start refused: {status} {body}"),
            Login::Failed(status, body) => panic!("login failed: {status} {body}"),
        }
    }

    fn token(self) -> String {
        self.unwrap().0["token"].as_str().unwrap().to_owned()
    }
}

async fn log_in(server: &Server, account: &str, passphrase: &str) -> Login {
    let (login, request) = ClientLogin::start(&name(account), passphrase).unwrap();
    let (status, body) = post_json(
        server,
        "/api/login/start",
        json!({ "account": account, "request": b64(&request) }),
    )
    .await;
    if status != 200 {
        return Login::StartRefused(status, body);
    }
    let response = unb64(&body["response"]);
    assert_eq!(response.len(), 320, "the credential response's size");
    let login_id = body["login_id"].as_str().unwrap().to_owned();
    match login.finish(&response, passphrase) {
        Ok((finalization, _session_key, export_key)) => {
            let (status, body) = post_json(
                server,
                "/api/login/finish",
                json!({ "login_id": login_id, "finalization": b64(&finalization) }),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            Login::In(body, export_key)
        }
        Err(AccountError::WrongPassphrase) => {
            // A client that guesses sends some proof anyway.
            let (status, body) = post_json(
                server,
                "/api/login/finish",
                json!({ "login_id": login_id, "finalization": b64(&[7u8; 64]) }),
            )
            .await;
            Login::Failed(status, body)
        }
        Err(other) => panic!("client login: {other}"),
    }
}

async fn sessions(server: &Server, token: &str) -> (u16, Value) {
    send(server, Method::GET, "/api/sessions", Some(token), None).await
}

// ---- the key flows, on both databases ----

async fn sign_up_log_in_and_sign_out(setup: &Setup) {
    let server = setup.start(&[]);
    let (status, body, wrapped) = sign_up(&server, " Alice@Example.com ", PASSPHRASE).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["account"], ALICE, "the name comes back normalised");

    let (status, body, _) = sign_up(&server, ALICE, "another passphrase").await;
    assert_eq!((status, code(&body)), (409, "account_exists"), "{body}");

    let (body, export_key) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    assert_eq!(unb64(&body["wrapped_bundle"]), wrapped);
    unwrap_bundle(&export_key, &wrapped, &name(ALICE)).expect("the bundle opens");
    let token = body["token"].as_str().unwrap();
    let (status, list) = sessions(&server, token).await;
    assert_eq!(status, 200, "{list}");
    let listed = list["sessions"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["session_id"], body["session_id"]);
    assert_eq!(listed[0]["current"], true);
    assert_eq!(listed[0]["expires_at"], body["expires_at"]);

    match log_in(&server, ALICE, "wrong passphrase").await {
        Login::Failed(status, body) => {
            assert_eq!((status, code(&body)), (401, "login_failed"), "{body}");
        }
        _ => panic!("a wrong passphrase logged in"),
    }

    let (status, _) = send(&server, Method::POST, "/api/logout", Some(token), None).await;
    assert_eq!(status, 204);
    let (status, body) = sessions(&server, token).await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));
    assert!(server.stop().success());

    // Accounts and the server's OPAQUE setup survive a restart.
    let server = setup.start(&[]);
    let (body, _) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    assert_eq!(unb64(&body["wrapped_bundle"]), wrapped);
    assert!(server.stop().success());
}

#[tokio::test]
async fn sign_up_log_in_and_sign_out_on_sqlite() {
    sign_up_log_in_and_sign_out(&Setup::sqlite()).await;
}

#[tokio::test]
async fn sign_up_log_in_and_sign_out_on_postgres() {
    sign_up_log_in_and_sign_out(&Setup::postgres().await).await;
}

async fn sessions_are_per_account_and_end_when_deleted(setup: &Setup) {
    let server = setup.start(&[]);
    for account in [ALICE, BOB] {
        assert_eq!(sign_up(&server, account, PASSPHRASE).await.0, 201);
    }
    let (first, _) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    let second = log_in(&server, ALICE, PASSPHRASE).await.token();
    let (bob, _) = log_in(&server, BOB, PASSPHRASE).await.unwrap();
    let first_token = first["token"].as_str().unwrap();
    let bob_token = bob["token"].as_str().unwrap();

    let (_, list) = sessions(&server, &second).await;
    let listed = list["sessions"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{list}");
    assert_eq!(listed.iter().filter(|s| s["current"] == true).count(), 1);

    // Bob cannot see or end Alice's sessions.
    let path = format!("/api/sessions/{}", first["session_id"].as_str().unwrap());
    let (status, body) = send(&server, Method::DELETE, &path, Some(bob_token), None).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    assert_eq!(sessions(&server, first_token).await.0, 200);

    // Alice signs her first session out from the second.
    let (status, _) = send(&server, Method::DELETE, &path, Some(&second), None).await;
    assert_eq!(status, 204);
    assert_eq!(sessions(&server, first_token).await.0, 401);
    assert_eq!(sessions(&server, &second).await.0, 200);
    let (status, _) = send(&server, Method::DELETE, &path, Some(&second), None).await;
    assert_eq!(status, 404, "already gone");
    assert_eq!(sessions(&server, bob_token).await.0, 200);
}

#[tokio::test]
async fn sessions_are_per_account_and_end_when_deleted_on_sqlite() {
    sessions_are_per_account_and_end_when_deleted(&Setup::sqlite()).await;
}

#[tokio::test]
async fn sessions_are_per_account_and_end_when_deleted_on_postgres() {
    sessions_are_per_account_and_end_when_deleted(&Setup::postgres().await).await;
}

async fn passphrase_change_replaces_the_password_file_and_bundle(setup: &Setup) {
    let server = setup.start(&[]);
    let (_, _, wrapped) = sign_up(&server, ALICE, PASSPHRASE).await;
    let (body, old_key) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    let token = body["token"].as_str().unwrap();

    let new_passphrase = "a new and longer passphrase";
    let (registration, request) = ClientRegistration::start(&name(ALICE), new_passphrase).unwrap();
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/account/passphrase/start",
        Some(token),
        Some(json!({ "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (upload, new_key) = registration
        .finish(&unb64(&body["response"]), new_passphrase)
        .unwrap();
    let rewrapped = rewrap(&old_key, &wrapped, &new_key, &name(ALICE)).unwrap();
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/account/passphrase/finish",
        Some(token),
        Some(json!({ "upload": b64(&upload), "wrapped_bundle": b64(&rewrapped) })),
    )
    .await;
    assert_eq!(status, 204, "{body}");

    assert!(matches!(
        log_in(&server, ALICE, PASSPHRASE).await,
        Login::Failed(401, _)
    ));
    let (body, _) = log_in(&server, ALICE, new_passphrase).await.unwrap();
    assert_eq!(unb64(&body["wrapped_bundle"]), rewrapped);

    // The bundle alone can be replaced too.
    let (status, _) = send(
        &server,
        Method::PUT,
        "/api/account/bundle",
        Some(token),
        Some(json!({ "wrapped_bundle": b64(&wrapped) })),
    )
    .await;
    assert_eq!(status, 204);
    let (body, _) = log_in(&server, ALICE, new_passphrase).await.unwrap();
    assert_eq!(unb64(&body["wrapped_bundle"]), wrapped);
}

#[tokio::test]
async fn passphrase_change_replaces_the_password_file_and_bundle_on_sqlite() {
    passphrase_change_replaces_the_password_file_and_bundle(&Setup::sqlite()).await;
}

#[tokio::test]
async fn passphrase_change_replaces_the_password_file_and_bundle_on_postgres() {
    passphrase_change_replaces_the_password_file_and_bundle(&Setup::postgres().await).await;
}

// ---- the recovery code ----

/// What the app passes: coffer-crypto's `RecoveryCode::to_display()`.
const CODE: &str = "7K3M-Q9TX-2WRF-HC8P-MV4N-J6YD-BG5A";
const OTHER_CODE: &str = "7K3M-Q9TX-2WRF-HC8P-MV4N-J6YD-BG5B";

/// Sets (or replaces) the recovery credential of the session's account,
/// wrapping `bundle` under it; returns the status of the finish and the
/// wrapped copy.
async fn set_recovery(
    server: &Server,
    token: &str,
    account: &str,
    code: &str,
    bundle: &KeyBundle,
) -> (u16, Value, Vec<u8>) {
    let (registration, request) = RecoveryRegistration::start(&name(account), code).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/account/recovery/start",
        Some(token),
        Some(json!({ "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (upload, export_key) = registration
        .finish(&unb64(&body["response"]), code)
        .unwrap();
    let wrapped = wrap_recovery_bundle(&export_key, bundle, &name(account)).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/account/recovery/finish",
        Some(token),
        Some(json!({ "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) })),
    )
    .await;
    (status, body, wrapped)
}

enum Recovered {
    In(Value, RecoveryExportKey),
    StartRefused(u16, Value),
    Failed(u16, Value),
}

async fn recovery_log_in(server: &Server, account: &str, code: &str) -> Recovered {
    let (login, request) = RecoveryLogin::start(&name(account), code).unwrap();
    let (status, body) = post_json(
        server,
        "/api/login/recovery/start",
        json!({ "account": account, "request": b64(&request) }),
    )
    .await;
    if status != 200 {
        return Recovered::StartRefused(status, body);
    }
    let response = unb64(&body["response"]);
    assert_eq!(response.len(), 320, "the credential response's size");
    let login_id = body["login_id"].as_str().unwrap().to_owned();
    let finalization = match login.finish(&response, code) {
        Ok((finalization, _session_key, export_key)) => {
            let (status, body) = post_json(
                server,
                "/api/login/recovery/finish",
                json!({ "login_id": login_id, "finalization": b64(&finalization) }),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            return Recovered::In(body, export_key);
        }
        Err(AccountError::WrongPassphrase) => vec![7u8; 64],
        Err(other) => panic!("client recovery login: {other}"),
    };
    let (status, body) = post_json(
        server,
        "/api/login/recovery/finish",
        json!({ "login_id": login_id, "finalization": b64(&finalization) }),
    )
    .await;
    Recovered::Failed(status, body)
}

fn failed_body(recovered: Recovered) -> Value {
    match recovered {
        Recovered::Failed(status, body) => {
            assert_eq!((status, code(&body)), (401, "login_failed"), "{body}");
            body
        }
        Recovered::In(..) => panic!("a recovery login succeeded"),
        Recovered::StartRefused(status, body) => panic!("start refused: {status} {body}"),
    }
}

async fn recovery_code_logs_in_and_a_new_passphrase_follows(setup: &Setup) {
    let server = setup.start(&[]);
    let (_, _, wrapped) = sign_up(&server, ALICE, PASSPHRASE).await;
    let (body, export_key) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let bundle = unwrap_bundle(&export_key, &wrapped, &name(ALICE)).unwrap();

    // No recovery credential yet: just like a wrong code, or no account.
    let without = failed_body(recovery_log_in(&server, ALICE, CODE).await);
    let unknown = failed_body(recovery_log_in(&server, "nobody@example.com", CODE).await);
    assert_eq!(without, unknown);

    let (status, body, recovery_wrapped) =
        set_recovery(&server, &token, ALICE, CODE, &bundle).await;
    assert_eq!(status, 204, "{body}");
    // Setting it changed nothing about the passphrase.
    let (body, _) = log_in(&server, ALICE, PASSPHRASE).await.unwrap();
    assert_eq!(unb64(&body["wrapped_bundle"]), wrapped);

    let wrong = failed_body(recovery_log_in(&server, ALICE, OTHER_CODE).await);
    assert_eq!(wrong, unknown);

    let Recovered::In(body, recovery_key) = recovery_log_in(&server, ALICE, CODE).await else {
        panic!("the recovery code did not log in");
    };
    assert_eq!(unb64(&body["wrapped_bundle"]), recovery_wrapped);
    let opened =
        unwrap_recovery_bundle(&recovery_key, &unb64(&body["wrapped_bundle"]), &name(ALICE))
            .unwrap();
    assert!(opened == bundle, "the same keys as the passphrase's copy");
    let recovery_token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(sessions(&server, &recovery_token).await.0, 200);

    // The forgotten passphrase is replaced from the recovery session.
    let new_passphrase = "a brand new passphrase after recovery";
    let (registration, request) = ClientRegistration::start(&name(ALICE), new_passphrase).unwrap();
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/account/passphrase/start",
        Some(&recovery_token),
        Some(json!({ "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (upload, new_key) = registration
        .finish(&unb64(&body["response"]), new_passphrase)
        .unwrap();
    let rewrapped = wrap_bundle(&new_key, &opened, &name(ALICE)).unwrap();
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/account/passphrase/finish",
        Some(&recovery_token),
        Some(json!({ "upload": b64(&upload), "wrapped_bundle": b64(&rewrapped) })),
    )
    .await;
    assert_eq!(status, 204, "{body}");

    assert!(matches!(
        log_in(&server, ALICE, PASSPHRASE).await,
        Login::Failed(401, _)
    ));
    let (body, key) = log_in(&server, ALICE, new_passphrase).await.unwrap();
    let reopened = unwrap_bundle(&key, &unb64(&body["wrapped_bundle"]), &name(ALICE)).unwrap();
    assert!(reopened == bundle);
    assert!(server.stop().success());

    // Both credentials survive a restart; the recovery code still works.
    let server = setup.start(&[]);
    assert!(matches!(
        recovery_log_in(&server, ALICE, CODE).await,
        Recovered::In(..)
    ));
    assert!(server.stop().success());
}

#[tokio::test]
async fn recovery_code_logs_in_and_a_new_passphrase_follows_on_sqlite() {
    recovery_code_logs_in_and_a_new_passphrase_follows(&Setup::sqlite()).await;
}

#[tokio::test]
async fn recovery_code_logs_in_and_a_new_passphrase_follows_on_postgres() {
    recovery_code_logs_in_and_a_new_passphrase_follows(&Setup::postgres().await).await;
}

#[tokio::test]
async fn a_replaced_recovery_code_stops_working_and_logins_do_not_cross_endpoints() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    sign_up(&server, ALICE, PASSPHRASE).await;
    let token = log_in(&server, ALICE, PASSPHRASE).await.token();
    let bundle = KeyBundle::generate().unwrap();
    assert_eq!(
        set_recovery(&server, &token, ALICE, CODE, &bundle).await.0,
        204
    );
    assert_eq!(
        set_recovery(&server, &token, ALICE, OTHER_CODE, &bundle)
            .await
            .0,
        204
    );
    failed_body(recovery_log_in(&server, ALICE, CODE).await);
    assert!(matches!(
        recovery_log_in(&server, ALICE, OTHER_CODE).await,
        Recovered::In(..)
    ));
    // The recovery code is not a passphrase.
    assert!(matches!(
        log_in(&server, ALICE, OTHER_CODE).await,
        Login::Failed(401, _)
    ));

    // A recovery login cannot be finished at the passphrase endpoint, even
    // with a valid proof, and is gone afterwards.
    let (login, request) = RecoveryLogin::start(&name(ALICE), OTHER_CODE).unwrap();
    let (_, body) = post_json(
        &server,
        "/api/login/recovery/start",
        json!({ "account": ALICE, "request": b64(&request) }),
    )
    .await;
    let (finalization, _, _) = login.finish(&unb64(&body["response"]), OTHER_CODE).unwrap();
    let finish = json!({ "login_id": body["login_id"], "finalization": b64(&finalization) });
    let (status, answer) = post_json(&server, "/api/login/finish", finish.clone()).await;
    assert_eq!((status, code(&answer)), (401, "login_failed"), "{answer}");
    let (status, answer) = post_json(&server, "/api/login/recovery/finish", finish).await;
    assert_eq!((status, code(&answer)), (401, "login_failed"), "{answer}");
}

#[tokio::test]
async fn recovery_routes_refuse_bad_input_precisely_and_write_nothing() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    sign_up(&server, ALICE, PASSPHRASE).await;
    let token = log_in(&server, ALICE, PASSPHRASE).await.token();
    let (_, request) = RecoveryRegistration::start(&name(ALICE), CODE).unwrap();

    let (status, body) = send(
        &server,
        Method::POST,
        "/api/account/recovery/start",
        None,
        Some(json!({ "request": b64(&request) })),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));
    let cases = [
        (
            "/api/account/recovery/start",
            json!({ "request": "%%" }),
            "invalid_base64",
        ),
        (
            "/api/account/recovery/start",
            json!({ "request": b64(&request[1..]) }),
            "invalid_message",
        ),
        (
            "/api/account/recovery/finish",
            json!({ "upload": b64(&[1; 192]), "wrapped_bundle": "" }),
            "invalid_bundle",
        ),
        (
            "/api/account/recovery/finish",
            json!({ "upload": b64(&[1; 10]), "wrapped_bundle": b64(&[1; 125]) }),
            "invalid_message",
        ),
        (
            "/api/account/recovery/finish",
            json!({ "upload": b64(&[1; 192]) }),
            "invalid_json",
        ),
        (
            "/api/login/recovery/start",
            json!({ "account": "no at sign", "request": b64(&[0; 96]) }),
            "invalid_account_name",
        ),
        (
            "/api/login/recovery/finish",
            json!({ "login_id": "x", "finalization": "%%%" }),
            "invalid_base64",
        ),
    ];
    for (path, body, expected) in cases {
        let (status, answer) = send(
            &server,
            Method::POST,
            path,
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!((status, code(&answer)), (400, expected), "{path} {body}");
    }
    // Nothing was stored: there is still no recovery credential, so even
    // the right code fails.
    failed_body(recovery_log_in(&server, ALICE, CODE).await);
}

#[tokio::test]
async fn recovery_logins_share_the_login_rate_limits() {
    let setup = Setup::sqlite();
    let server = setup.start(&[
        "--login-rate-per-minute",
        "2",
        "--login-ip-rate-per-minute",
        "0",
    ]);
    let start = |path: &'static str| {
        let (_, request) = ClientLogin::start(&name(ALICE), PASSPHRASE).unwrap();
        let server = &server;
        async move {
            post_json(
                server,
                path,
                json!({ "account": ALICE, "request": b64(&request) }),
            )
            .await
        }
    };
    assert_eq!(start("/api/login/start").await.0, 200);
    assert_eq!(start("/api/login/recovery/start").await.0, 200);
    for path in ["/api/login/start", "/api/login/recovery/start"] {
        let (status, body) = start(path).await;
        assert_eq!(
            (status, code(&body)),
            (429, "rate_limited"),
            "{path} {body}"
        );
    }
}

// ---- lockouts are kept in the database ----

async fn a_lockout_survives_a_restart(setup: &Setup) {
    let flags = [
        "--login-rate-per-minute",
        "0",
        "--login-ip-rate-per-minute",
        "0",
        "--login-lockout-failures",
        "3",
    ];
    let server = setup.start(&flags);
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);
    assert_eq!(sign_up(&server, BOB, PASSPHRASE).await.0, 201);
    let token = log_in(&server, ALICE, PASSPHRASE).await.token();
    let bundle = KeyBundle::generate().unwrap();
    assert_eq!(
        set_recovery(&server, &token, ALICE, CODE, &bundle).await.0,
        204
    );
    // Failures with either credential count together.
    for _ in 0..2 {
        assert!(matches!(
            log_in(&server, ALICE, "wrong passphrase").await,
            Login::Failed(401, _)
        ));
    }
    failed_body(recovery_log_in(&server, ALICE, OTHER_CODE).await);
    assert!(server.stop().success());

    let server = setup.start(&flags);
    match log_in(&server, ALICE, PASSPHRASE).await {
        Login::StartRefused(status, body) => {
            assert_eq!((status, code(&body)), (429, "account_locked"), "{body}");
            let retry = body["error"]["message"].as_str().unwrap_or("");
            assert!(retry.contains("try again"), "{body}");
        }
        _ => panic!("the lockout did not survive the restart"),
    }
    match recovery_log_in(&server, ALICE, CODE).await {
        Recovered::StartRefused(status, body) => {
            assert_eq!((status, code(&body)), (429, "account_locked"), "{body}");
        }
        _ => panic!("the recovery code went around the lockout"),
    }
    log_in(&server, BOB, PASSPHRASE).await.unwrap();
    assert!(server.stop().success());
}

#[tokio::test]
async fn a_lockout_survives_a_restart_on_sqlite() {
    a_lockout_survives_a_restart(&Setup::sqlite()).await;
}

#[tokio::test]
async fn a_lockout_survives_a_restart_on_postgres() {
    a_lockout_survives_a_restart(&Setup::postgres().await).await;
}

// ---- SQLite only ----

#[tokio::test]
async fn unknown_account_looks_like_a_wrong_passphrase() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);

    let (known_status, known) = match log_in(&server, ALICE, "wrong passphrase").await {
        Login::Failed(status, body) => (status, body),
        _ => panic!("logged in with a wrong passphrase"),
    };
    // `log_in` checks the response size (320 bytes) for both.
    let (unknown_status, unknown) = match log_in(&server, "nobody@example.com", PASSPHRASE).await {
        Login::Failed(status, body) => (status, body),
        _ => panic!("logged in to an account that does not exist"),
    };
    assert_eq!((known_status, code(&known)), (401, "login_failed"));
    assert_eq!((unknown_status, &unknown), (known_status, &known));

    // A login id that is unknown or already used fails the same way.
    let (status, body) = post_json(
        &server,
        "/api/login/finish",
        json!({ "login_id": "AAAAAAAAAAAAAAAAAAAAAA", "finalization": b64(&[0; 64]) }),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "login_failed"));
}

#[tokio::test]
async fn sessions_expire() {
    let setup = Setup::sqlite();
    let server = setup.start(&["--session-ttl-seconds", "1"]);
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);
    let token = log_in(&server, ALICE, PASSPHRASE).await.token();
    assert_eq!(sessions(&server, &token).await.0, 200);
    // The scheme is case-insensitive.
    let response = server
        .request(Method::GET, "/api/sessions")
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = sessions(&server, &token).await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));
}

#[tokio::test]
async fn missing_or_malformed_tokens_are_unauthorized() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    let response = server.get("/api/sessions").await;
    assert_eq!(response.status(), 401);
    assert_eq!(support::header(&response, "www-authenticate"), "Bearer");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "unauthorized");
    for token in ["", "not base64!", "AAAA", &"A".repeat(43)] {
        let (status, body) = sessions(&server, token).await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{token:?}");
    }
    let (status, _) = send(&server, Method::POST, "/api/logout", None, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn login_is_rate_limited_per_account_and_per_ip() {
    let setup = Setup::sqlite();
    let server = setup.start(&[
        "--login-rate-per-minute",
        "3",
        "--login-ip-rate-per-minute",
        "5",
    ]);
    for _ in 0..3 {
        assert!(matches!(
            log_in(&server, ALICE, PASSPHRASE).await,
            Login::Failed(401, _)
        ));
    }
    let (login, request) = ClientLogin::start(&name(ALICE), PASSPHRASE).unwrap();
    drop(login);
    let response = server
        .request(Method::POST, "/api/login/start")
        .json(&json!({ "account": ALICE, "request": b64(&request) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = support::header(&response, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "rate_limited");

    // Another account from the same IP: one more start fits in its budget
    // of five (four were used), then the IP is limited too.
    assert!(matches!(
        log_in(&server, BOB, PASSPHRASE).await,
        Login::Failed(401, _)
    ));
    match log_in(&server, "carol@example.com", PASSPHRASE).await {
        Login::StartRefused(status, body) => {
            assert_eq!((status, code(&body)), (429, "rate_limited"));
        }
        _ => panic!("the per-IP login limit did not apply"),
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account() {
    let setup = Setup::sqlite();
    let server = setup.start(&[
        "--login-rate-per-minute",
        "0",
        "--login-ip-rate-per-minute",
        "0",
        "--login-lockout-failures",
        "3",
    ]);
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);
    assert_eq!(sign_up(&server, BOB, PASSPHRASE).await.0, 201);
    for _ in 0..3 {
        assert!(matches!(
            log_in(&server, ALICE, "wrong passphrase").await,
            Login::Failed(401, _)
        ));
    }
    match log_in(&server, ALICE, PASSPHRASE).await {
        Login::StartRefused(status, body) => {
            assert_eq!((status, code(&body)), (429, "account_locked"), "{body}");
        }
        _ => panic!("a locked account logged in"),
    }
    // Only that account.
    log_in(&server, BOB, PASSPHRASE).await.unwrap();
}

/// An OPAQUE client learns that its passphrase is wrong from the start's
/// answer and need never send a finish; such guesses must count too.
#[tokio::test]
async fn guesses_that_never_finish_count_towards_the_lockout() {
    let setup = Setup::sqlite();
    let server = setup.start(&[
        "--login-rate-per-minute",
        "0",
        "--login-ip-rate-per-minute",
        "0",
        "--login-lockout-failures",
        "3",
    ]);
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);
    for guess in ["first guess", "second guess", "third guess"] {
        let (login, request) = ClientLogin::start(&name(ALICE), guess).unwrap();
        let (status, body) = post_json(
            &server,
            "/api/login/start",
            json!({ "account": ALICE, "request": b64(&request) }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let response = unb64(&body["response"]);
        assert!(matches!(
            login.finish(&response, guess),
            Err(AccountError::WrongPassphrase)
        ));
        // ...and the client walks away without a finish.
    }
    match log_in(&server, ALICE, PASSPHRASE).await {
        Login::StartRefused(status, body) => {
            assert_eq!((status, code(&body)), (429, "account_locked"), "{body}");
        }
        _ => panic!("abandoned guesses did not count"),
    }
}

#[tokio::test]
async fn malformed_requests_get_precise_codes() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    let (_, request) = ClientLogin::start(&name(ALICE), PASSPHRASE).unwrap();
    let (_, registration) = ClientRegistration::start(&name(ALICE), PASSPHRASE).unwrap();

    let response = server
        .post(
            "/api/login/start",
            br#"{"account":"a@b.c","request":""}"#.to_vec(),
        )
        .await;
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "unsupported_media_type");

    let response = server
        .request(Method::POST, "/api/login/start")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "invalid_json");

    let cases = [
        (
            "/api/login/start",
            json!({ "account": ALICE }),
            "invalid_json",
        ),
        (
            "/api/login/start",
            json!({ "account": ALICE, "request": b64(&request), "extra": 1 }),
            "invalid_json",
        ),
        (
            "/api/login/start",
            json!({ "account": ALICE, "request": "!!not base64!!" }),
            "invalid_base64",
        ),
        (
            "/api/login/start",
            json!({ "account": "no at sign", "request": b64(&request) }),
            "invalid_account_name",
        ),
        (
            "/api/login/start",
            json!({ "account": ALICE, "request": b64(&request[..95]) }),
            "invalid_message",
        ),
        (
            "/api/accounts/register/start",
            json!({ "account": ALICE, "request": b64(&[0xff; 32]) }),
            "invalid_message",
        ),
        (
            "/api/accounts/register/finish",
            json!({ "account": ALICE, "upload": b64(&[1; 10]), "wrapped_bundle": b64(&[1; 125]) }),
            "invalid_message",
        ),
        (
            "/api/login/finish",
            json!({ "login_id": "x", "finalization": "%%%" }),
            "invalid_base64",
        ),
    ];
    for (path, body, expected) in cases {
        let (status, answer) = post_json(&server, path, body.clone()).await;
        assert_eq!((status, code(&answer)), (400, expected), "{path} {body}");
    }

    // A bundle that is empty or too large is refused before anything is
    // written.
    let (status, body) = post_json(
        &server,
        "/api/accounts/register/start",
        json!({ "account": ALICE, "request": b64(&registration) }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for bundle in [Vec::new(), vec![1; 4097]] {
        let (status, body) = post_json(
            &server,
            "/api/accounts/register/finish",
            json!({ "account": ALICE, "upload": b64(&[1; 192]), "wrapped_bundle": b64(&bundle) }),
        )
        .await;
        assert_eq!((status, code(&body)), (400, "invalid_bundle"));
    }
    // Still free: nothing was stored.
    assert_eq!(sign_up(&server, ALICE, PASSPHRASE).await.0, 201);
}

#[tokio::test]
async fn logs_and_database_hold_no_passphrase_token_or_account_name() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    let (_, _, wrapped) = sign_up(&server, ALICE, PASSPHRASE).await;
    let token = log_in(&server, ALICE, PASSPHRASE).await.token();
    assert!(matches!(
        log_in(&server, ALICE, "wrong passphrase").await,
        Login::Failed(401, _)
    ));
    assert!(matches!(
        log_in(&server, BOB, PASSPHRASE).await,
        Login::Failed(401, _)
    ));
    assert_eq!(sessions(&server, &token).await.0, 200);
    let stderr = server.stderr();
    assert!(server.stop().success());

    assert!(stderr.contains("logged in"), "{stderr}");
    for secret in [
        PASSPHRASE,
        "wrong passphrase",
        ALICE,
        "alice",
        BOB,
        &token,
        &b64(&wrapped),
    ] {
        assert!(!stderr.contains(secret), "the log contains {secret:?}");
    }
    let files = setup.sqlite_files();
    assert!(!files.is_empty());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [PASSPHRASE.as_bytes(), token.as_bytes(), b"wrong passphrase"] {
            assert!(
                !bytes.windows(secret.len()).any(|window| window == secret),
                "{} contains a secret",
                file.display()
            );
        }
    }
}
