//! The sync routes (push, pull, head, change events) through the real
//! binary over HTTP, signed in with `coffer-account`'s client half. The key
//! flows run against SQLite and PostgreSQL alike.

#[path = "support/postgres.rs"]
mod postgres_cluster;
// Shared with the other test files; this one uses only part of it.
#[path = "support/api.rs"]
mod api;
#[allow(dead_code)]
mod support;

use std::time::Duration;

use api::{Setup, b64, code, send, unb64};
use coffer_account::{AccountName, ClientLogin, ClientRegistration, KeyBundle, wrap_bundle};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use support::Server;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const PASSPHRASE: &str = "correct horse battery staple";
const RECORD_A: &str = "01234567-89ab-cdef-0123-456789abcdef";
const RECORD_B: &str = "fedcba98-7654-3210-fedc-ba9876543210";

fn sha(bytes: &[u8]) -> String {
    b64(&Sha256::digest(bytes))
}

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

async fn push(server: &Server, token: &str, collection: &str, items: Value) -> (u16, Value) {
    send(
        server,
        Method::POST,
        &format!("/api/collections/{collection}/push"),
        Some(token),
        Some(json!({ "items": items })),
    )
    .await
}

async fn pull(server: &Server, token: &str, collection: &str, query: &str) -> (u16, Value) {
    send(
        server,
        Method::GET,
        &format!("/api/collections/{collection}/pull{query}"),
        Some(token),
        None,
    )
    .await
}

fn item(record_id: &str, parent: Option<&[u8]>, blob: &[u8]) -> Value {
    json!({ "record_id": record_id, "parent_hash": parent.map(sha), "blob": b64(blob) })
}

// ---- the key flows, on both databases ----

async fn push_pull_conflict_and_isolation(setup: &Setup) {
    let server = setup.start(&[]);
    sign_up(&server, ALICE).await;
    sign_up(&server, BOB).await;
    let alice = log_in(&server, ALICE).await;
    let bob = log_in(&server, BOB).await;

    // Without a session: 401 everywhere.
    for (method, path) in [
        (Method::POST, "/api/collections/contacts/push"),
        (Method::GET, "/api/collections/contacts/pull"),
        (Method::GET, "/api/collections/contacts/head"),
        (Method::GET, "/api/events"),
    ] {
        let (status, body) = send(&server, method.clone(), path, None, None).await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{path}");
        let (status, body) = send(&server, method, path, Some("not-a-token"), None).await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{path}");
    }

    // An empty collection.
    let (status, body) = pull(&server, &alice, "contacts", "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "entries": [], "head": null, "more": false }));

    // The first revision, and back byte for byte.
    let blob1: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let (status, body) = push(
        &server,
        &alice,
        "contacts",
        json!([item(RECORD_A, None, &blob1)]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let accepted = &body["accepted"][0];
    assert_eq!(accepted["record_id"], RECORD_A);
    assert_eq!(
        (accepted["revision"].as_u64(), accepted["seq"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(unb64(&accepted["link"]).len(), 32);

    let (status, body) = pull(&server, &alice, "contacts", "").await;
    assert_eq!(status, 200, "{body}");
    let entries = body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["record_id"], RECORD_A);
    assert_eq!(entries[0]["parent_hash"], Value::Null);
    assert_eq!(unb64(&entries[0]["blob"]), blob1);
    assert_eq!(entries[0]["link"], accepted["link"]);
    assert_eq!(body["head"], json!({ "seq": 1, "link": accepted["link"] }));
    assert_eq!(body["more"], false);

    let (status, head) = send(
        &server,
        Method::GET,
        "/api/collections/contacts/head",
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(head, json!({ "head": body["head"] }));

    // A second revision on the right parent; the record id without hyphens.
    let blob2 = b"second".to_vec();
    let (status, body) = push(
        &server,
        &alice,
        "contacts",
        json!([item(&RECORD_A.replace('-', ""), Some(&blob1), &blob2)]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"][0]["revision"], 2);
    assert_eq!(body["accepted"][0]["seq"], 2);

    // A stale parent (and a new record in the same batch): 409, nothing written.
    let (status, body) = push(
        &server,
        &alice,
        "contacts",
        json!([
            item(RECORD_B, None, b"new"),
            item(RECORD_A, Some(&blob1), b"stale")
        ]),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    assert_eq!(
        body["conflicts"],
        json!([{ "record_id": RECORD_A, "head": { "revision": 2, "hash": sha(&blob2) } }])
    );
    // A new record pushed with a parent: its head is null.
    let (status, body) = push(
        &server,
        &alice,
        "contacts",
        json!([item(RECORD_B, Some(b"x"), b"y")]),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["conflicts"],
        json!([{ "record_id": RECORD_B, "head": null }])
    );
    let (_, body) = pull(&server, &alice, "contacts", "").await;
    assert_eq!(
        body["entries"].as_array().unwrap().len(),
        2,
        "nothing of the conflicts was written"
    );

    // Paging.
    let (status, _) = push(
        &server,
        &alice,
        "contacts",
        json!([item(RECORD_B, None, b"b1")]),
    )
    .await;
    assert_eq!(status, 200);
    let (status, page) = pull(&server, &alice, "contacts", "?since=0&limit=2").await;
    assert_eq!(status, 200, "{page}");
    let seqs: Vec<u64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(page["more"], true);
    assert_eq!(page["head"]["seq"], 3);
    let (_, page) = pull(&server, &alice, "contacts", "?since=2&limit=2").await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    assert_eq!(page["entries"][0]["seq"], 3);
    assert_eq!(unb64(&page["entries"][0]["blob"]), b"b1");
    assert_eq!(page["more"], false);
    let (_, page) = pull(&server, &alice, "contacts", "?since=3").await;
    assert_eq!(page["entries"], json!([]));
    assert_eq!(page["more"], false);

    // Bob sees his own, empty, collection of the same name.
    let (status, body) = pull(&server, &bob, "contacts", "").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "entries": [], "head": null, "more": false }));
    let (_, head) = send(
        &server,
        Method::GET,
        "/api/collections/contacts/head",
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(head, json!({ "head": null }));
    // And his first push starts his own chain at seq 1.
    let (status, body) = push(
        &server,
        &bob,
        "contacts",
        json!([item(RECORD_A, None, b"bob's")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"][0]["seq"], 1);
    assert_eq!(body["accepted"][0]["revision"], 1);

    assert!(server.stop().success());
}

#[tokio::test]
async fn push_pull_conflict_and_isolation_on_sqlite() {
    push_pull_conflict_and_isolation(&Setup::sqlite()).await;
}

#[tokio::test]
async fn push_pull_conflict_and_isolation_on_postgres() {
    push_pull_conflict_and_isolation(&Setup::postgres().await).await;
}

// ---- bad input ----

#[tokio::test]
async fn bad_input_gets_precise_codes_and_writes_nothing() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    sign_up(&server, ALICE).await;
    let alice = log_in(&server, ALICE).await;

    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "Contacts",
            json!([item(RECORD_A, None, b"x")]),
            400,
            "invalid_collection",
        ),
        (
            "contacts",
            json!([{ "record_id": RECORD_A, "parent_hash": null, "blob": "not base64!" }]),
            400,
            "invalid_base64",
        ),
        (
            "contacts",
            json!([{ "record_id": RECORD_A, "parent_hash": "AAAA", "blob": "" }]),
            400,
            "invalid_hash",
        ),
        (
            "contacts",
            json!([item("not-a-uuid", None, b"x")]),
            400,
            "invalid_record_id",
        ),
        (
            "contacts",
            json!([item(RECORD_A, None, b"x"), item(RECORD_A, None, b"y")]),
            400,
            "duplicate_record",
        ),
        (
            "contacts",
            json!([item(RECORD_A, None, &vec![0u8; 256 * 1024 + 1])]),
            413,
            "blob_too_large",
        ),
        (
            "contacts",
            json!([{ "record_id": RECORD_A, "parent_hash": null }]),
            400,
            "invalid_json",
        ),
    ];
    for (collection, items, status, expected) in cases {
        let (got, body) = push(&server, &alice, collection, items).await;
        assert_eq!((got, code(&body)), (status, expected), "{body}");
    }
    let many: Vec<Value> = (0..1001u32)
        .map(|i| item(&format!("{i:032x}"), None, b""))
        .collect();
    let (status, body) = push(&server, &alice, "contacts", Value::Array(many)).await;
    assert_eq!((status, code(&body)), (413, "too_many_items"), "{body}");

    // A full-size push fits the body limit: 30 blobs of 256 KiB (~10 MiB
    // raw would not; this is ~7.5 MiB of JSON, under the push limit).
    let big: Vec<Value> = (0..22u32)
        .map(|i| item(&format!("{i:032x}"), None, &vec![7u8; 256 * 1024]))
        .collect();
    let (status, body) = push(&server, &alice, "contacts", Value::Array(big)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"].as_array().unwrap().len(), 22);

    for query in ["?limit=0", "?since=-1", "?since=x", "?token=abc"] {
        let (status, body) = pull(&server, &alice, "contacts", query).await;
        assert_eq!(
            (status, code(&body)),
            (400, "invalid_query"),
            "{query}: {body}"
        );
    }
    let (status, body) = pull(&server, &alice, "UPPER", "").await;
    assert_eq!((status, code(&body)), (400, "invalid_collection"));
    let (status, body) = send(
        &server,
        Method::GET,
        "/api/collections/a%2Fb/head",
        Some(&alice),
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (400, "invalid_collection"), "{body}");

    // Only the one good push was written.
    let (_, body) = pull(&server, &alice, "contacts", "").await;
    assert_eq!(body["head"]["seq"], 22);
    assert!(server.stop().success());
}

#[tokio::test]
async fn pushes_are_rate_limited_per_account() {
    let setup = Setup::sqlite();
    let server = setup.start(&["--write-rate-per-minute", "2"]);
    sign_up(&server, ALICE).await;
    sign_up(&server, BOB).await;
    let alice = log_in(&server, ALICE).await;
    let bob = log_in(&server, BOB).await;
    for record in [RECORD_A, RECORD_B] {
        let (status, body) = push(
            &server,
            &alice,
            "contacts",
            json!([item(record, None, b"x")]),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let response = server
        .request(Method::POST, "/api/collections/contacts/push")
        .bearer_auth(&alice)
        .json(&json!({ "items": [item("00000000000000000000000000000001", None, b"x")] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "rate_limited");
    let (_, body) = pull(&server, &alice, "contacts", "").await;
    assert_eq!(body["head"]["seq"], 2, "the limited push wrote nothing");
    // Another account has its own budget; reads are not limited by it.
    let (status, _) = push(
        &server,
        &bob,
        "contacts",
        json!([item(RECORD_A, None, b"x")]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(server.stop().success());
}

// ---- change events ----

/// Reads the stream until `needle` shows up or `wait` passes.
async fn read_until(
    response: &mut reqwest::Response,
    needle: &str,
    wait: Duration,
) -> Option<String> {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .ok()?;
        let chunk = chunk.expect("the stream stays open")?;
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains(needle) {
            return Some(seen);
        }
    }
}

async fn events_reach_every_stream_of_the_account_and_no_other(setup: &Setup) {
    let server = setup.start(&[]);
    sign_up(&server, ALICE).await;
    sign_up(&server, BOB).await;
    let alice_browser = log_in(&server, ALICE).await;
    let alice_phone = log_in(&server, ALICE).await;
    let bob = log_in(&server, BOB).await;

    // EventSource style: the token in the query string.
    let mut alice_stream = server
        .request(Method::GET, &format!("/api/events?token={alice_browser}"))
        .send()
        .await
        .unwrap();
    assert_eq!(alice_stream.status(), 200);
    assert!(support::header(&alice_stream, "content-type").starts_with("text/event-stream"));
    // Header style.
    let mut bob_stream = server
        .request(Method::GET, "/api/events")
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(bob_stream.status(), 200);

    let (status, body) = push(
        &server,
        &alice_phone,
        "contacts",
        json!([item(RECORD_A, None, b"x")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let seen = read_until(&mut alice_stream, "\n\n", Duration::from_secs(1))
        .await
        .expect("a change event within 1 s");
    assert!(seen.contains("event: change"), "{seen}");
    let data = seen
        .lines()
        .find_map(|line| {
            line.strip_prefix("data: ")
                .or_else(|| line.strip_prefix("data:"))
        })
        .expect("a data line");
    let data: Value = serde_json::from_str(data).unwrap();
    assert_eq!(data, json!({ "collection": "contacts", "seq": 1 }));

    assert_eq!(
        read_until(&mut bob_stream, "change", Duration::from_millis(500)).await,
        None,
        "another account's stream hears nothing"
    );

    // A bad query token is refused.
    let (status, body) = send(&server, Method::GET, "/api/events?token=nope", None, None).await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));

    drop(alice_stream);
    drop(bob_stream);
    assert!(server.stop().success());
    let log = setup.sandbox_log();
    assert!(log.contains("/api/events"), "the request is logged: {log}");
    assert!(
        !log.contains(&alice_browser),
        "the token never reaches the log"
    );
}

impl Setup {
    fn sandbox_log(&self) -> String {
        std::fs::read_to_string(self.sandbox.stderr_path()).unwrap_or_default()
    }
}

#[tokio::test]
async fn events_reach_every_stream_of_the_account_and_no_other_on_sqlite() {
    events_reach_every_stream_of_the_account_and_no_other(&Setup::sqlite()).await;
}

#[tokio::test]
async fn events_reach_every_stream_of_the_account_and_no_other_on_postgres() {
    events_reach_every_stream_of_the_account_and_no_other(&Setup::postgres().await).await;
}

#[tokio::test]
async fn an_open_event_stream_does_not_hold_up_shutdown() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    sign_up(&server, ALICE).await;
    let alice = log_in(&server, ALICE).await;
    let mut stream = server
        .request(Method::GET, "/api/events")
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let started = std::time::Instant::now();
    assert!(server.stop().success());
    assert!(started.elapsed() < Duration::from_secs(5));
    // The stream ended rather than broke off.
    assert!(matches!(stream.chunk().await, Ok(None)));
}

#[test]
fn push_bodies_may_be_up_to_8_mib_and_other_bodies_1_mib() {
    let setup = Setup::sqlite();
    let server = setup.start(&[]);
    let limit = coffer_server::sync::MAX_PUSH_BODY_BYTES;
    assert_eq!(limit, 8 * 1024 * 1024);
    let (status, body) = server.post_declaring("/api/collections/contacts/push", limit + 1);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");
    // At the limit the declared length passes; no session, so 401.
    let (status, body) = server.post_declaring("/api/collections/contacts/push", limit);
    assert_eq!(status, 401, "{body}");
    let (status, body) = server.post_declaring("/api/logout", coffer_server::MAX_BODY_BYTES + 1);
    assert_eq!(status, 413, "{body}");
    assert!(server.stop().success());
}

#[tokio::test]
async fn an_idle_event_stream_gets_keep_alive_comments_at_the_configured_interval() {
    let setup = Setup::sqlite();
    let server = setup.start(&["--sse-keepalive-seconds", "1"]);
    sign_up(&server, ALICE).await;
    let alice = log_in(&server, ALICE).await;
    let mut stream = server
        .request(Method::GET, "/api/events")
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let started = std::time::Instant::now();
    // Two comments (an SSE line starting with `:`) within about two
    // intervals: the interval is the flag's, not the 15 s default.
    let first = read_until(&mut stream, ":\n\n", Duration::from_millis(2500))
        .await
        .expect("a keep-alive comment within the interval");
    assert!(first.starts_with(':'), "{first:?}");
    let second = read_until(&mut stream, ":\n\n", Duration::from_millis(2500)).await;
    assert!(second.is_some(), "keep-alives repeat");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(server.stop().success());
}

// ---- the keyring: entries without history ----

/// A version-1 wrapped key's layout: version, kind, id, then 76 opaque bytes.
fn key_entry(kind: u8, id: &str, fill: u8) -> Vec<u8> {
    let id: Vec<u8> = (0..16)
        .map(|i| {
            let hex: String = id.chars().filter(|c| *c != '-').collect();
            u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap()
        })
        .collect();
    let mut entry = vec![1, kind];
    entry.extend(id);
    entry.resize(94, fill);
    entry
}

async fn keyring_entries_are_stored_looked_up_and_deleted_for_good(setup: &Setup) {
    let server = setup.start(&[]);
    sign_up(&server, ALICE).await;
    sign_up(&server, BOB).await;
    let alice = log_in(&server, ALICE).await;
    let bob = log_in(&server, BOB).await;
    let key_a = key_entry(1, RECORD_A, 0xa1);
    let key_b = key_entry(1, RECORD_B, 0xb1);
    let backup = key_entry(2, RECORD_B, 0xcc);
    let (status, body) = send(
        &server,
        Method::PUT,
        "/api/keys",
        Some(&alice),
        Some(json!({ "entries": [b64(&key_a), b64(&key_b), b64(&backup)] })),
    )
    .await;
    assert_eq!(status, 204, "{body}");

    let lookup = |token: String, ids: Vec<&'static str>| {
        let server = &server;
        async move {
            let (status, body) = send(
                server,
                Method::POST,
                "/api/keys/lookup",
                Some(&token),
                Some(json!({ "ids": ids })),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            body["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(unb64)
                .collect::<Vec<_>>()
        }
    };
    // Only record keys answer a lookup, and only the account's own.
    assert_eq!(
        lookup(alice.clone(), vec![RECORD_A, RECORD_B]).await,
        [key_a.clone(), key_b.clone()]
    );
    assert!(lookup(bob.clone(), vec![RECORD_A]).await.is_empty());
    let (status, body) = send(
        &server,
        Method::GET,
        "/api/keys/backups",
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["entries"], json!([b64(&backup)]));

    // Replacing an entry keeps one copy.
    let rekeyed = key_entry(1, RECORD_A, 0xa2);
    let (status, _) = send(
        &server,
        Method::PUT,
        "/api/keys",
        Some(&alice),
        Some(json!({ "entries": [b64(&rekeyed)] })),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(lookup(alice.clone(), vec![RECORD_A]).await, [rekeyed]);

    // Deleting is final and idempotent; the other entries stay.
    for _ in 0..2 {
        let (status, body) = send(
            &server,
            Method::DELETE,
            &format!("/api/keys/record/{RECORD_A}"),
            Some(&alice),
            None,
        )
        .await;
        assert_eq!(status, 204, "{body}");
    }
    assert_eq!(
        lookup(alice.clone(), vec![RECORD_A, RECORD_B]).await,
        [key_b]
    );

    // Malformed entries are refused with the entry's position; nothing of
    // that request is stored.
    let mut short = key_entry(1, RECORD_A, 0xee);
    short.pop();
    let (status, body) = send(
        &server,
        Method::PUT,
        "/api/keys",
        Some(&alice),
        Some(json!({ "entries": [b64(&key_entry(1, RECORD_A, 0xdd)), b64(&short)] })),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "invalid_key_entry"), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("entry 1")
    );
    assert!(lookup(alice.clone(), vec![RECORD_A]).await.is_empty());
    let (status, body) = send(
        &server,
        Method::PUT,
        "/api/keys",
        Some(&alice),
        Some(json!({ "entries": [b64(&key_entry(3, RECORD_A, 0))] })),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "invalid_key_entry"));
    let (status, body) = send(&server, Method::GET, "/api/keys/backups", None, None).await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));
    assert!(server.stop().success());
}

#[tokio::test]
async fn keyring_entries_are_stored_looked_up_and_deleted_for_good_on_sqlite() {
    keyring_entries_are_stored_looked_up_and_deleted_for_good(&Setup::sqlite()).await;
}

#[tokio::test]
async fn keyring_entries_are_stored_looked_up_and_deleted_for_good_on_postgres() {
    keyring_entries_are_stored_looked_up_and_deleted_for_good(&Setup::postgres().await).await;
}
