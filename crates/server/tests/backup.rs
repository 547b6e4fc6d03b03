//! `coffer-server backup` and `restore`, run as the real binary against
//! real SQLite and PostgreSQL: a client's logins and revisions survive a
//! backup, a wipe and a restore (also from SQLite into PostgreSQL), and a
//! truncated or changed backup file is refused without changing anything.

#[path = "support/postgres.rs"]
mod postgres_cluster;
// Shared with the other test files; this one uses only part of it.
#[allow(dead_code)]
#[path = "support/api.rs"]
mod api;
#[allow(dead_code)]
mod support;

use std::fs;
use std::path::Path;

use api::{Setup, b64, send, unb64};
use coffer_account::{AccountName, ClientLogin, ClientRegistration, KeyBundle, wrap_bundle};
use coffer_server::backup::{NOT_COPIED, TABLES};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use sqlx::Connection as _;
use support::Server;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const PASSPHRASE: &str = "correct horse battery staple";
const RECORD_A: &str = "01234567-89ab-cdef-0123-456789abcdef";
const RECORD_B: &str = "fedcba98-7654-3210-fedc-ba9876543210";

async fn sign_up(server: &Server, account: &str) {
    let name = AccountName::parse(account).unwrap();
    let (registration, request) = ClientRegistration::start(&name, PASSPHRASE).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/accounts/register/start",
        None,
        Some(json!({ "account": account, "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (upload, export_key) = registration
        .finish(&unb64(&body["response"]), PASSPHRASE)
        .unwrap();
    let wrapped = wrap_bundle(&export_key, &KeyBundle::generate().unwrap(), &name).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/accounts/register/finish",
        None,
        Some(
            json!({ "account": account, "upload": b64(&upload), "wrapped_bundle": b64(&wrapped) }),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// Logs in with the passphrase (which needs the restored OPAQUE setup and
/// password file) and returns the session token.
async fn log_in(server: &Server, account: &str) -> String {
    let name = AccountName::parse(account).unwrap();
    let (login, request) = ClientLogin::start(&name, PASSPHRASE).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/login/start",
        None,
        Some(json!({ "account": account, "request": b64(&request) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (finalization, _, _) = login.finish(&unb64(&body["response"]), PASSPHRASE).unwrap();
    let (status, body) = send(
        server,
        Method::POST,
        "/api/login/finish",
        None,
        Some(json!({ "login_id": body["login_id"], "finalization": b64(&finalization) })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

async fn push(server: &Server, token: &str, collection: &str, items: Value) {
    let (status, body) = send(
        server,
        Method::POST,
        &format!("/api/collections/{collection}/push"),
        Some(token),
        Some(json!({ "items": items })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

fn item(record_id: &str, parent: Option<&[u8]>, blob: &[u8]) -> Value {
    let parent = parent.map(|p| b64(&Sha256::digest(p)));
    json!({ "record_id": record_id, "parent_hash": parent, "blob": b64(blob) })
}

/// Everything both accounts can pull, as the client sees it.
async fn pulled(server: &Server) -> Value {
    let mut all = serde_json::Map::new();
    for account in [ALICE, BOB] {
        let token = log_in(server, account).await;
        for collection in ["contacts", "deals"] {
            let (status, body) = send(
                server,
                Method::GET,
                &format!("/api/collections/{collection}/pull"),
                Some(&token),
                None,
            )
            .await;
            assert_eq!(status, 200, "{body}");
            all.insert(format!("{account}/{collection}"), body);
        }
    }
    Value::Object(all)
}

/// Two accounts with revisions in two collections; returns what they pull.
async fn fill(server: &Server) -> Value {
    sign_up(server, ALICE).await;
    sign_up(server, BOB).await;
    let alice = log_in(server, ALICE).await;
    let bob = log_in(server, BOB).await;
    let big: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    push(
        server,
        &alice,
        "contacts",
        json!([item(RECORD_A, None, &big)]),
    )
    .await;
    push(
        server,
        &alice,
        "contacts",
        json!([
            item(RECORD_A, Some(&big), b"second"),
            item(RECORD_B, None, b"b")
        ]),
    )
    .await;
    push(
        server,
        &alice,
        "deals",
        json!([item(RECORD_A, None, b"deal")]),
    )
    .await;
    push(
        server,
        &bob,
        "contacts",
        json!([item(RECORD_A, None, b"bob's")]),
    )
    .await;
    let before = pulled(server).await;
    assert_eq!(
        before[format!("{ALICE}/contacts")]["entries"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    before
}

/// Runs `coffer-server <args> <database flags of setup>`: success, stdout
/// and stderr.
fn cli(setup: &Setup, args: &[&str]) -> (bool, String, String) {
    let stderr_path = setup.sandbox.root.path().join("cli-stderr.log");
    let output = support::command(&stderr_path)
        .args(args)
        .args(setup.database_args())
        .output()
        .expect("run coffer-server");
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// The count a command printed for `table` ("  revisions   5").
fn printed_count(stdout: &str, table: &str) -> u64 {
    stdout
        .lines()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(table)).then(|| words.next()?.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no count for {table} in {stdout}"))
}

async fn back_up_wipe_and_restore(source: Setup, target: Setup) {
    let server = source.start(&[]);
    let before = fill(&server).await;
    let file = source.sandbox.root.path().join("coffer.backup");
    let file_arg = path_str(&file);

    // Taken while the server runs.
    let (ok, stdout, stderr) = cli(&source, &["backup", "--out", file_arg]);
    assert!(ok, "{stderr}");
    assert_eq!(printed_count(&stdout, "accounts"), 2, "{stdout}");
    assert_eq!(printed_count(&stdout, "revisions"), 5, "{stdout}");
    assert_eq!(printed_count(&stdout, "collections"), 3, "{stdout}");
    assert_eq!(printed_count(&stdout, "server_secrets"), 1, "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = fs::read_to_string(&file).unwrap();
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&header["format"], &header["version"]),
        (&json!("coffer-server-backup"), &json!(1))
    );
    server.stop();

    let (ok, _, stderr) = cli(&source, &["backup", "--out", file_arg]);
    assert!(!ok);
    assert!(stderr.contains("already exists"), "{stderr}");

    let (ok, _, stderr) = cli(&source, &["restore", "--from", file_arg]);
    assert!(!ok);
    assert!(stderr.contains("not empty"), "{stderr}");

    // The wipe: a new, empty database.
    let (ok, stdout, stderr) = cli(&target, &["restore", "--from", file_arg]);
    assert!(ok, "{stderr}");
    assert_eq!(printed_count(&stdout, "revisions"), 5, "{stdout}");
    assert_eq!(printed_count(&stdout, "sessions"), 4, "{stdout}");

    let server = target.start(&[]);
    assert_eq!(pulled(&server).await, before);
    server.stop();

    // A damaged file changes nothing, even with --force.
    let lines: Vec<&str> = text.lines().collect();
    let mut changed = lines.clone();
    let middle = lines.len() / 2;
    let flipped = lines[middle].replacen("\"row\":[\"", "\"row\":[\"x", 1);
    assert_ne!(flipped, lines[middle]);
    changed[middle] = &flipped;
    let tampered = source.sandbox.root.path().join("tampered.backup");
    fs::write(&tampered, changed.join("\n") + "\n").unwrap();
    let truncated = source.sandbox.root.path().join("truncated.backup");
    fs::write(&truncated, &text.as_bytes()[..text.len() * 2 / 3]).unwrap();
    let without_end = source.sandbox.root.path().join("without-end.backup");
    fs::write(&without_end, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    for (path, error) in [
        (&tampered, "checksum does not match"),
        (&truncated, "truncated"),
        (&without_end, "truncated"),
    ] {
        let (ok, _, stderr) = cli(&target, &["restore", "--from", path_str(path), "--force"]);
        assert!(!ok, "{}", path.display());
        assert!(stderr.contains(error), "{}: {stderr}", path.display());
    }
    let server = target.start(&[]);
    assert_eq!(pulled(&server).await, before);
    server.stop();

    // --force replaces a database that is not empty.
    let (ok, stdout, stderr) = cli(&source, &["restore", "--from", file_arg, "--force"]);
    assert!(ok, "{stderr}");
    assert_eq!(printed_count(&stdout, "revisions"), 5, "{stdout}");
    let server = source.start(&[]);
    let after: Value = pulled(&server).await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn back_up_wipe_and_restore_on_sqlite() {
    back_up_wipe_and_restore(Setup::sqlite(), Setup::sqlite()).await;
}

#[tokio::test]
async fn back_up_wipe_and_restore_on_postgres() {
    back_up_wipe_and_restore(Setup::postgres().await, Setup::postgres().await).await;
}

#[tokio::test]
async fn a_sqlite_backup_restores_into_postgres() {
    back_up_wipe_and_restore(Setup::sqlite(), Setup::postgres().await).await;
}

#[tokio::test]
async fn a_backup_of_a_missing_database_is_refused_without_creating_one() {
    let setup = Setup::sqlite();
    let out = setup.sandbox.root.path().join("b.backup");
    let (ok, _, stderr) = cli(&setup, &["backup", "--out", path_str(&out)]);
    assert!(!ok);
    assert!(stderr.contains("there is no database"), "{stderr}");
    assert!(!out.exists());
    assert!(!setup.sandbox.data_dir().join("coffer.sqlite3").exists());
}

/// Every table of both schemas is either in a backup or deliberately left
/// out, so a new migration cannot silently escape backups.
#[tokio::test]
async fn backups_cover_every_table() {
    let mut expected: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    expected.extend(NOT_COPIED);
    expected.sort_unstable();

    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    server.stop();
    let mut db = support::open_database(&setup.sandbox.data_dir().join("coffer.sqlite3")).await;
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    tables.sort_unstable();
    assert_eq!(tables, expected);

    let url = postgres_cluster::cluster().create_database().await;
    let setup = Setup::sqlite();
    let mut command = support::command(&setup.sandbox.stderr_path());
    command
        .args(["--port", "0", "--data-dir"])
        .arg(setup.sandbox.data_dir())
        .arg("--dist")
        .arg(setup.sandbox.dist())
        .args(["--database-url", &url]);
    let server = Server::spawn(command, &setup.sandbox.stderr_path()).unwrap();
    server.stop();
    let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    .fetch_all(&mut pg)
    .await
    .unwrap();
    tables.sort_unstable();
    assert_eq!(tables, expected);
}
