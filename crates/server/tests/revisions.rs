//! The revision store through its public API, against a real SQLite file and
//! a real PostgreSQL database. Every test below is written once as a function
//! taking a [`TestDb`] and run on both backends (`sqlite::…`, `postgres::…`),
//! so the two cannot drift apart.

#[path = "support/postgres.rs"]
mod postgres_cluster;

use std::collections::HashSet;
use std::sync::Arc;

use coffer_server::config::{Database, DatabaseUrl};
use coffer_server::store::revision::chain_link;
use coffer_server::store::{
    AccountId, Assigned, ChainHead, Conflict, MAX_BLOB_BYTES, PullEntry, PushItem, PushOutcome,
    RecordHead, Store, StoreError,
};
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;
use tokio::sync::Barrier;

const COLLECTION: &str = "contacts";

/// A database of one backend that the test can open, close and reopen.
struct TestDb {
    database: Database,
    _dir: Option<TempDir>,
}

impl TestDb {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            database: Database::SqliteFile(dir.path().join("coffer.sqlite3")),
            _dir: Some(dir),
        }
    }

    async fn postgres() -> Self {
        let url = postgres_cluster::cluster().create_database().await;
        let url: DatabaseUrl = url.parse().expect("a URL");
        Self {
            database: Database::Url(url),
            _dir: None,
        }
    }

    async fn open(&self) -> Store {
        Store::open(&self.database)
            .await
            .unwrap_or_else(|error| panic!("open {:?}: {error}", self.database))
    }
}

/// Runs each named test function on both backends.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::TestDb::postgres().await).await;
                }
            )*
        }
    };
}

on_both_backends!(
    first_push_of_a_record_is_accepted_as_revision_1,
    push_naming_the_current_head_as_parent_is_accepted,
    stale_parent_conflicts_with_the_current_head_and_writes_nothing,
    one_conflict_in_a_batch_writes_nothing_and_lists_every_conflict,
    seqs_are_gap_free_and_links_recompute_from_the_entries,
    pull_pages_by_limit_and_cursor,
    pull_of_an_empty_collection_is_empty_with_no_head,
    concurrent_pushers_on_distinct_records_get_unique_gap_free_seqs,
    concurrent_pushers_on_one_record_have_one_winner_per_round,
    revisions_survive_closing_and_reopening_the_store,
    oversized_blob_is_refused_and_nothing_is_written,
    invalid_collection_names_are_refused,
    duplicate_record_in_one_push_is_refused,
    accounts_are_isolated,
    collections_are_isolated,
);

// ---- helpers ----

fn account(name: &str) -> AccountId {
    AccountId::new(name).expect("a valid account id")
}

fn record(n: u32) -> [u8; 16] {
    let mut id = [0xa5; 16];
    id[12..].copy_from_slice(&n.to_be_bytes());
    id
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn item(record_id: [u8; 16], parent: Option<&[u8]>, blob: &[u8]) -> PushItem {
    PushItem {
        record_id,
        parent_hash: parent.map(sha256),
        blob: blob.to_vec(),
    }
}

fn accepted(outcome: PushOutcome) -> Vec<Assigned> {
    match outcome {
        PushOutcome::Accepted(assigned) => assigned,
        PushOutcome::Conflict(conflicts) => panic!("unexpected conflict: {conflicts:?}"),
    }
}

async fn push(store: &Store, items: Vec<PushItem>) -> PushOutcome {
    store
        .push(&account("ann"), COLLECTION, items)
        .await
        .expect("push")
}

async fn pull_all(store: &Store, account: &AccountId, collection: &str) -> Vec<PullEntry> {
    let mut entries = Vec::new();
    loop {
        let since = entries.last().map_or(0, |e: &PullEntry| e.seq);
        let page = store
            .pull(account, collection, since, 1000)
            .await
            .expect("pull");
        entries.extend(page.entries);
        if !page.more {
            return entries;
        }
    }
}

/// Checks what a client would: seqs 1, 2, … and every link recomputed from
/// the entries themselves, ending at the head. Returns the last link.
fn verify_chain(entries: &[PullEntry], head: Option<ChainHead>) -> [u8; 32] {
    let mut link = [0; 32];
    for (index, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq, index as u64 + 1, "seqs must have no gaps");
        link = chain_link(
            &link,
            entry.seq,
            &entry.record_id,
            entry.revision,
            &sha256(&entry.blob),
        );
        assert_eq!(entry.link, link, "link of seq {}", entry.seq);
    }
    match head {
        Some(head) => {
            assert_eq!(head.seq, entries.len() as u64);
            assert_eq!(head.link, link);
        }
        None => assert!(entries.is_empty()),
    }
    link
}

// ---- the tests, run on both backends ----

async fn first_push_of_a_record_is_accepted_as_revision_1(db: TestDb) {
    let store = db.open().await;

    let assigned = accepted(push(&store, vec![item(record(1), None, b"v1")]).await);

    let link = chain_link(&[0; 32], 1, &record(1), 1, &sha256(b"v1"));
    assert_eq!(
        assigned,
        [Assigned {
            record_id: record(1),
            revision: 1,
            seq: 1,
            link
        }]
    );
    assert_eq!(
        store.head(&account("ann"), COLLECTION).await.unwrap(),
        Some(ChainHead { seq: 1, link })
    );
    let page = store
        .pull(&account("ann"), COLLECTION, 0, 10)
        .await
        .unwrap();
    assert_eq!(
        page.entries,
        [PullEntry {
            seq: 1,
            record_id: record(1),
            revision: 1,
            parent_hash: None,
            blob: b"v1".to_vec(),
            link,
        }]
    );
    assert!(!page.more);
}

async fn push_naming_the_current_head_as_parent_is_accepted(db: TestDb) {
    let store = db.open().await;
    accepted(push(&store, vec![item(record(1), None, b"v1")]).await);

    let assigned = accepted(push(&store, vec![item(record(1), Some(b"v1"), b"v2")]).await);
    assert_eq!((assigned[0].revision, assigned[0].seq), (2, 2));
    let assigned = accepted(push(&store, vec![item(record(1), Some(b"v2"), b"v3")]).await);
    assert_eq!((assigned[0].revision, assigned[0].seq), (3, 3));

    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries[1].parent_hash, Some(sha256(b"v1")));
    assert_eq!(entries[2].parent_hash, Some(sha256(b"v2")));
    verify_chain(
        &entries,
        store.head(&account("ann"), COLLECTION).await.unwrap(),
    );
}

async fn stale_parent_conflicts_with_the_current_head_and_writes_nothing(db: TestDb) {
    let store = db.open().await;
    accepted(push(&store, vec![item(record(1), None, b"v1")]).await);
    accepted(push(&store, vec![item(record(1), Some(b"v1"), b"v2")]).await);
    let head_before = store.head(&account("ann"), COLLECTION).await.unwrap();
    let current = Some(RecordHead {
        revision: 2,
        hash: sha256(b"v2"),
    });

    // An edit of an old revision, a "new" record that exists, and an edit of
    // a record that does not exist.
    for (pushed, expected_head) in [
        (item(record(1), Some(b"v1"), b"v2'"), current),
        (item(record(1), None, b"again"), current),
        (item(record(2), Some(b"ghost"), b"x"), None),
    ] {
        let record_id = pushed.record_id;
        let outcome = push(&store, vec![pushed]).await;
        assert_eq!(
            outcome,
            PushOutcome::Conflict(vec![Conflict {
                record_id,
                head: expected_head
            }])
        );
    }

    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries.len(), 2, "a conflicting push wrote something");
    assert_eq!(
        store.head(&account("ann"), COLLECTION).await.unwrap(),
        head_before
    );
}

async fn one_conflict_in_a_batch_writes_nothing_and_lists_every_conflict(db: TestDb) {
    let store = db.open().await;
    accepted(push(&store, vec![item(record(1), None, b"a1")]).await);

    let outcome = push(
        &store,
        vec![
            item(record(2), None, b"b1"),
            item(record(1), None, b"a-stale"),
            item(record(3), None, b"c1"),
            item(record(4), Some(b"nothing"), b"d1"),
        ],
    )
    .await;

    assert_eq!(
        outcome,
        PushOutcome::Conflict(vec![
            Conflict {
                record_id: record(1),
                head: Some(RecordHead {
                    revision: 1,
                    hash: sha256(b"a1")
                }),
            },
            Conflict {
                record_id: record(4),
                head: None
            },
        ])
    );
    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries.len(), 1, "part of a rejected batch was written");

    // The good items go through on their own, continuing the seqs with no gap.
    let assigned = accepted(
        push(
            &store,
            vec![item(record(2), None, b"b1"), item(record(3), None, b"c1")],
        )
        .await,
    );
    assert_eq!(assigned.iter().map(|a| a.seq).collect::<Vec<_>>(), [2, 3]);
}

async fn seqs_are_gap_free_and_links_recompute_from_the_entries(db: TestDb) {
    let store = db.open().await;
    let mut assigned = Vec::new();
    assigned.extend(accepted(
        push(
            &store,
            (0..5).map(|n| item(record(n), None, b"first")).collect(),
        )
        .await,
    ));
    assigned.extend(accepted(
        push(&store, vec![item(record(2), Some(b"first"), b"second")]).await,
    ));
    assigned.extend(accepted(
        push(
            &store,
            vec![
                item(record(9), None, b"new"),
                item(record(2), Some(b"second"), b"third"),
            ],
        )
        .await,
    ));

    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    let head = store.head(&account("ann"), COLLECTION).await.unwrap();
    let last = verify_chain(&entries, head);
    assert_eq!(entries.len(), 8);
    assert_eq!(last, assigned.last().unwrap().link);
    for (entry, assigned) in entries.iter().zip(&assigned) {
        assert_eq!(
            (entry.seq, entry.record_id, entry.revision, entry.link),
            (
                assigned.seq,
                assigned.record_id,
                assigned.revision,
                assigned.link
            )
        );
    }
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.record_id == record(2))
            .map(|e| e.revision)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

async fn pull_pages_by_limit_and_cursor(db: TestDb) {
    let store = db.open().await;
    let ann = account("ann");
    accepted(
        push(
            &store,
            (1..=10).map(|n| item(record(n), None, b"x")).collect(),
        )
        .await,
    );
    let head = store.head(&ann, COLLECTION).await.unwrap();

    let mut pages = Vec::new();
    let mut since = 0;
    loop {
        let page = store.pull(&ann, COLLECTION, since, 4).await.unwrap();
        assert_eq!(page.head, head, "every page carries the head");
        let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
        since = *seqs.last().unwrap_or(&since);
        pages.push((seqs, page.more));
        if !page.more {
            break;
        }
    }
    assert_eq!(
        pages,
        [
            (vec![1, 2, 3, 4], true),
            (vec![5, 6, 7, 8], true),
            (vec![9, 10], false),
        ]
    );

    let caught_up = store.pull(&ann, COLLECTION, 10, 4).await.unwrap();
    assert!(caught_up.entries.is_empty() && !caught_up.more);
    assert_eq!(caught_up.head, head);
    let beyond = store.pull(&ann, COLLECTION, u64::MAX, 4).await.unwrap();
    assert!(beyond.entries.is_empty() && !beyond.more);
    let just_the_head = store.pull(&ann, COLLECTION, 0, 0).await.unwrap();
    assert!(just_the_head.entries.is_empty() && just_the_head.more);
    let capped = store.pull(&ann, COLLECTION, 0, u32::MAX).await.unwrap();
    assert_eq!(capped.entries.len(), 10);
}

async fn pull_of_an_empty_collection_is_empty_with_no_head(db: TestDb) {
    let store = db.open().await;
    let page = store
        .pull(&account("ann"), COLLECTION, 0, 100)
        .await
        .unwrap();
    assert!(page.entries.is_empty());
    assert_eq!(page.head, None);
    assert!(!page.more);
    assert_eq!(store.head(&account("ann"), COLLECTION).await.unwrap(), None);
    // An empty push is accepted and changes nothing.
    assert_eq!(
        push(&store, Vec::new()).await,
        PushOutcome::Accepted(vec![])
    );
    assert_eq!(store.head(&account("ann"), COLLECTION).await.unwrap(), None);
}

async fn concurrent_pushers_on_distinct_records_get_unique_gap_free_seqs(db: TestDb) {
    const TASKS: u32 = 8;
    const PUSHES: u32 = 25;
    let store = db.open().await;
    let start = Arc::new(Barrier::new(TASKS as usize));
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let store = store.clone();
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let mut seqs = Vec::new();
                for n in 0..PUSHES {
                    let id = record(task * 1000 + n);
                    let blob = format!("task {task} push {n}");
                    let assigned =
                        accepted(push(&store, vec![item(id, None, blob.as_bytes())]).await);
                    seqs.push(assigned[0].seq);
                }
                seqs
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.extend(task.await.expect("a pusher panicked"));
    }

    seqs.sort_unstable();
    let expected: Vec<u64> = (1..=u64::from(TASKS * PUSHES)).collect();
    assert_eq!(seqs, expected, "seqs must be unique and gap-free");
    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries.len(), expected.len(), "a write was lost");
    verify_chain(
        &entries,
        store.head(&account("ann"), COLLECTION).await.unwrap(),
    );
    let records: HashSet<_> = entries.iter().map(|e| e.record_id).collect();
    assert_eq!(records.len(), expected.len());
}

async fn concurrent_pushers_on_one_record_have_one_winner_per_round(db: TestDb) {
    const PUSHERS: usize = 8;
    const ROUNDS: u64 = 10;
    let store = db.open().await;
    let id = record(7);
    accepted(push(&store, vec![item(id, None, b"round 0")]).await);
    let mut parent = b"round 0".to_vec();

    for round in 1..=ROUNDS {
        let start = Arc::new(Barrier::new(PUSHERS));
        let tasks: Vec<_> = (0..PUSHERS)
            .map(|pusher| {
                let store = store.clone();
                let start = start.clone();
                let parent = parent.clone();
                tokio::spawn(async move {
                    let blob = format!("round {round} by {pusher}").into_bytes();
                    start.wait().await;
                    let outcome = push(&store, vec![item(id, Some(&parent), &blob)]).await;
                    (blob, outcome)
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut losers = Vec::new();
        for task in tasks {
            match task.await.expect("a pusher panicked") {
                (blob, PushOutcome::Accepted(assigned)) => winners.push((blob, assigned)),
                (_, PushOutcome::Conflict(conflicts)) => losers.push(conflicts),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one CAS must win");
        let (blob, assigned) = winners.pop().unwrap();
        assert_eq!(
            (assigned[0].revision, assigned[0].seq),
            (round + 1, round + 1)
        );
        for conflicts in losers {
            assert_eq!(
                conflicts,
                [Conflict {
                    record_id: id,
                    head: Some(RecordHead {
                        revision: round + 1,
                        hash: sha256(&blob)
                    }),
                }],
                "round {round}: a loser must see the winner's head"
            );
        }
        parent = blob;
    }

    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries.len() as u64, ROUNDS + 1);
    verify_chain(
        &entries,
        store.head(&account("ann"), COLLECTION).await.unwrap(),
    );
}

async fn revisions_survive_closing_and_reopening_the_store(db: TestDb) {
    let store = db.open().await;
    accepted(
        push(
            &store,
            vec![item(record(1), None, b"a"), item(record(2), None, b"b")],
        )
        .await,
    );
    let before = pull_all(&store, &account("ann"), COLLECTION).await;
    let head = store.head(&account("ann"), COLLECTION).await.unwrap();
    store.close().await;
    drop(store);

    let store = db.open().await;
    assert_eq!(pull_all(&store, &account("ann"), COLLECTION).await, before);
    assert_eq!(store.head(&account("ann"), COLLECTION).await.unwrap(), head);
    let assigned = accepted(push(&store, vec![item(record(1), Some(b"a"), b"a2")]).await);
    assert_eq!((assigned[0].revision, assigned[0].seq), (2, 3));
    store.close().await;
}

async fn oversized_blob_is_refused_and_nothing_is_written(db: TestDb) {
    let store = db.open().await;
    let too_big = vec![0x42; MAX_BLOB_BYTES + 1];

    let error = store
        .push(
            &account("ann"),
            COLLECTION,
            vec![
                item(record(1), None, b"fine"),
                item(record(2), None, &too_big),
            ],
        )
        .await
        .unwrap_err();

    assert!(
        matches!(error, StoreError::BlobTooLarge { size, limit }
            if size == MAX_BLOB_BYTES + 1 && limit == MAX_BLOB_BYTES),
        "{error}"
    );
    assert_eq!(store.head(&account("ann"), COLLECTION).await.unwrap(), None);
    let at_limit = vec![0x42; MAX_BLOB_BYTES];
    let assigned = accepted(push(&store, vec![item(record(2), None, &at_limit)]).await);
    assert_eq!(assigned[0].seq, 1);
    let entries = pull_all(&store, &account("ann"), COLLECTION).await;
    assert_eq!(entries[0].blob, at_limit);
}

async fn invalid_collection_names_are_refused(db: TestDb) {
    let store = db.open().await;
    let ann = account("ann");
    let too_long = "a".repeat(33);
    for name in [
        "",
        "Contacts",
        "a/b",
        "a b",
        "kontakt\u{e9}",
        too_long.as_str(),
    ] {
        let pushed = store
            .push(&ann, name, vec![item(record(1), None, b"x")])
            .await;
        assert!(
            matches!(pushed, Err(StoreError::InvalidCollection)),
            "{name:?}: {pushed:?}"
        );
        assert!(matches!(
            store.pull(&ann, name, 0, 10).await,
            Err(StoreError::InvalidCollection)
        ));
        assert!(matches!(
            store.head(&ann, name).await,
            Err(StoreError::InvalidCollection)
        ));
    }
    let longest = "z".repeat(32);
    for name in ["a", "deals.v2", "x_y-z9", longest.as_str()] {
        accepted(
            store
                .push(&ann, name, vec![item(record(1), None, b"x")])
                .await
                .unwrap_or_else(|error| panic!("{name:?}: {error}")),
        );
    }
}

async fn duplicate_record_in_one_push_is_refused(db: TestDb) {
    let store = db.open().await;
    let error = store
        .push(
            &account("ann"),
            COLLECTION,
            vec![
                item(record(1), None, b"v1"),
                item(record(1), Some(b"v1"), b"v2"),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::DuplicateRecord(_)), "{error}");
    assert!(error.to_string().contains("more than once"), "{error}");
    assert_eq!(store.head(&account("ann"), COLLECTION).await.unwrap(), None);
}

async fn accounts_are_isolated(db: TestDb) {
    let store = db.open().await;
    let (ann, bob) = (account("ann"), account("bob"));
    accepted(
        store
            .push(&ann, COLLECTION, vec![item(record(1), None, b"ann's")])
            .await
            .unwrap(),
    );

    let page = store.pull(&bob, COLLECTION, 0, 100).await.unwrap();
    assert!(page.entries.is_empty() && page.head.is_none());
    // The same record id is a different record in another account.
    let assigned = accepted(
        store
            .push(&bob, COLLECTION, vec![item(record(1), None, b"bob's")])
            .await
            .unwrap(),
    );
    assert_eq!((assigned[0].revision, assigned[0].seq), (1, 1));
    let ann_entries = pull_all(&store, &ann, COLLECTION).await;
    let bob_entries = pull_all(&store, &bob, COLLECTION).await;
    assert_eq!(ann_entries.len(), 1);
    assert_eq!(ann_entries[0].blob, b"ann's");
    assert_eq!(bob_entries.len(), 1);
    assert_eq!(bob_entries[0].blob, b"bob's");
}

async fn collections_are_isolated(db: TestDb) {
    let store = db.open().await;
    let ann = account("ann");
    accepted(
        store
            .push(&ann, "contacts", vec![item(record(1), None, b"c")])
            .await
            .unwrap(),
    );
    let assigned = accepted(
        store
            .push(&ann, "deals", vec![item(record(1), None, b"d")])
            .await
            .unwrap(),
    );
    assert_eq!((assigned[0].revision, assigned[0].seq), (1, 1));
    assert_eq!(pull_all(&store, &ann, "contacts").await.len(), 1);
    assert_eq!(pull_all(&store, &ann, "deals").await.len(), 1);
}
