//! Targeted scenarios over real envelopes (`CryptoCodec`): conflicts
//! between two devices, and a server that lies in each way the issue names.

mod common;

use std::rc::Rc;

use coffer_crypto::VaultKey;
use coffer_sync::chain::envelope_hash;
use coffer_sync::{
    Action, ChainError, CryptoCodec, DeviceId, Doc, Engine, Event, Rejection, StoredRecord,
    SyncState,
};
use common::{Device, Server};
use serde_json::json;
use uuid::Uuid;

type Codec = CryptoCodec<Rc<VaultKey>>;

const T: u64 = 1_700_000_000_000;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

struct Pair {
    server: Server,
    a: Device<Codec>,
    b: Device<Codec>,
}

fn pair() -> Pair {
    let key = Rc::new(VaultKey::generate());
    let codec = || CryptoCodec::new(key.clone(), "contact").unwrap();
    Pair {
        server: Server::new(2),
        a: Device::new(DeviceId([0xa; 16]), codec()),
        b: Device::new(DeviceId([0xb; 16]), codec()),
    }
}

fn edit(d: &mut Device<Codec>, rec: Uuid, field: &str, value: &str, now_ms: u64) {
    d.feed(Event::Edit {
        record_id: rec,
        changes: vec![(field.into(), json!(value))],
        now_ms,
    });
}

impl Pair {
    /// Both online, then alternate ticks until nothing moves.
    fn sync(&mut self) {
        for d in [&mut self.a, &mut self.b] {
            if !d.online {
                d.feed(Event::Online);
            }
        }
        for round in 0..4 {
            for d in [&mut self.a, &mut self.b] {
                d.feed(Event::Tick {
                    now_ms: T + 10_000 + round,
                });
                d.settle(&mut self.server);
            }
        }
    }

    /// A contact both devices have, synced.
    fn with_contact(&mut self) -> Uuid {
        let rec = id(1);
        self.a.feed(Event::Online);
        edit(&mut self.a, rec, "name", "Zhang Wei", T);
        self.sync();
        assert_eq!(
            self.b.engine.doc(rec).unwrap().get("name"),
            Some(&json!("Zhang Wei"))
        );
        rec
    }
}

#[test]
fn concurrent_edits_to_different_fields_both_survive() {
    let mut p = pair();
    let rec = p.with_contact();
    p.a.feed(Event::Offline);
    p.b.feed(Event::Offline);
    edit(&mut p.a, rec, "email", "zw@example.com", T + 100);
    edit(&mut p.b, rec, "phone", "+86 138 0000 0000", T + 100);
    p.sync();
    for d in [&p.a, &p.b] {
        let doc = d.engine.doc(rec).unwrap();
        assert_eq!(doc.get("email"), Some(&json!("zw@example.com")));
        assert_eq!(doc.get("phone"), Some(&json!("+86 138 0000 0000")));
        assert!(doc.history().is_empty());
        assert!(d.engine.outbox().is_empty());
    }
    assert_eq!(p.a.engine.doc(rec), p.b.engine.doc(rec));
}

#[test]
fn same_field_conflict_resolves_identically_with_the_loser_in_history() {
    let mut p = pair();
    let rec = p.with_contact();
    p.a.feed(Event::Offline);
    p.b.feed(Event::Offline);
    // Offline, concurrently: the higher stamp wins, here a's later time.
    edit(&mut p.b, rec, "name", "Wei Zhang (b)", T + 20_000);
    edit(&mut p.a, rec, "name", "张伟 (a)", T + 20_050);
    // b reaches the server first; a's push then conflicts and merges.
    p.b.feed(Event::Online);
    p.b.settle(&mut p.server);
    p.sync();
    let doc = p.a.engine.doc(rec).unwrap();
    assert_eq!(doc, p.b.engine.doc(rec).unwrap());
    assert_eq!(doc.get("name"), Some(&json!("张伟 (a)")));
    let lost: Vec<_> = doc
        .changed_history()
        .iter()
        .map(|h| h.value.clone())
        .collect();
    assert!(lost.contains(&json!("Wei Zhang (b)")), "{lost:?}");
    assert!(p.b.history_events > 0, "b was told its value lost");
    assert!(p.a.chain_errors.is_empty() && p.b.chain_errors.is_empty());
}

#[test]
fn offline_edits_survive_a_restart_and_are_pushed_later() {
    let mut p = pair();
    let rec = p.with_contact();
    p.a.feed(Event::Offline);
    // Collect what the app would persist.
    let actions = p.a.engine.handle(Event::Edit {
        record_id: rec,
        changes: vec![("notes".into(), json!("met at the fair"))],
        now_ms: T + 300,
    });
    let mut stored: Vec<(Uuid, StoredRecord)> = Vec::new();
    let mut state = SyncState::default();
    for a in &actions {
        if let Action::Store { record_id, record } = a {
            stored.push((*record_id, record.clone()));
        }
    }
    state.pin = p.a.engine.sync_state().pin;
    state.promised = p.a.engine.sync_state().promised;
    // "Restart": a new engine from persisted state only.
    let restarted = Engine::resume(
        DeviceId([0xa; 16]),
        CryptoCodec::new(Rc::new(VaultKey::generate()), "contact").unwrap(),
        stored.clone(),
        state,
    );
    assert_eq!(restarted.outbox(), vec![rec], "the edit is still queued");
    assert!(restarted.clock() >= stored[0].1.doc.max_stamp().unwrap());
    // The original device pushes it when back online; b sees it.
    p.sync();
    assert_eq!(
        p.b.engine.doc(rec).unwrap().get("notes"),
        Some(&json!("met at the fair"))
    );
}

/// Good local data before a lie, to check it is untouched after.
fn snapshot(d: &Device<Codec>) -> Vec<(Uuid, Doc)> {
    d.engine
        .records()
        .iter()
        .map(|(id, r)| (*id, r.doc.clone()))
        .collect()
}

#[test]
fn flipped_bit_is_detected_and_never_merged() {
    let mut p = pair();
    let rec = p.with_contact();
    edit(&mut p.a, rec, "email", "zw@example.com", T + 100);
    p.a.settle(&mut p.server);
    let before = snapshot(&p.b);

    // Without covering tracks: the chain link no longer matches.
    let mut lying = p.server.clone();
    let last = lying.log.len() - 1;
    lying.log[last].envelope[60] ^= 1;
    let mut b = std::mem::replace(&mut p.b, pair().b);
    b.feed(Event::Tick { now_ms: T + 500 });
    b.settle(&mut lying);
    assert!(matches!(b.chain_errors[..], [ChainError::Tampered { .. }]));
    assert_eq!(snapshot(&b), before);

    // Covering tracks (links recomputed): the envelope fails to open.
    lying.relink();
    let actions = b.engine.retry_after_chain_error();
    b.file(actions);
    b.feed(Event::Tick { now_ms: T + 600 });
    b.settle(&mut lying);
    assert_eq!(b.rejected.len(), 1, "{:?}", b.rejected);
    assert!(b.rejected[0].2.contains("Tampered"));
    assert_eq!(snapshot(&b), before, "good data untouched");
}

#[test]
fn swapped_record_id_is_detected() {
    let mut p = pair();
    let rec = p.with_contact();
    let other = id(2);
    edit(&mut p.a, other, "name", "Li Na", T + 50);
    p.sync();
    let before = snapshot(&p.b);

    // The server serves record 1's newest envelope as a new revision of
    // record 2 (links recomputed so the chain itself is consistent).
    let src = p
        .server
        .log
        .iter()
        .rev()
        .find(|e| e.record_id == rec)
        .unwrap()
        .clone();
    let rev = p.server.heads[&other].revision + 1;
    p.server.append(other, rev, None, src.envelope);
    p.b.feed(Event::Tick { now_ms: T + 700 });
    p.b.settle(&mut p.server);
    assert_eq!(p.b.rejected.len(), 1);
    assert!(
        p.b.rejected[0].2.contains("RecordMismatch"),
        "{:?}",
        p.b.rejected
    );
    assert_eq!(snapshot(&p.b), before);
}

#[test]
fn replayed_old_revision_is_refused_and_healed() {
    let mut p = pair();
    let rec = p.with_contact();
    edit(&mut p.a, rec, "name", "Zhang Wei (new)", T + 100);
    p.sync();
    let before = snapshot(&p.b);

    // Re-append revision 1 as if it were new.
    let old = p
        .server
        .log
        .iter()
        .find(|e| e.record_id == rec)
        .unwrap()
        .clone();
    p.server.append(
        rec,
        old.revision,
        Some(envelope_hash(&old.envelope)),
        old.envelope,
    );
    p.sync();
    for d in [&p.a, &p.b] {
        assert!(
            d.rejected.iter().any(|r| r.2.contains("Replayed")),
            "{:?}",
            d.rejected
        );
        assert_eq!(
            d.engine.doc(rec).unwrap().get("name"),
            Some(&json!("Zhang Wei (new)"))
        );
    }
    assert_eq!(snapshot(&p.b), before);
    // The devices re-pushed their good copy on top of the replay.
    let head = p.server.log.last().unwrap();
    assert_eq!(head.record_id, rec);
    assert!(head.revision > old.revision + 1);
}

#[test]
fn revision_number_mismatch_is_refused() {
    let mut p = pair();
    let rec = p.with_contact();
    let before = snapshot(&p.b);
    let env = p.server.log[0].envelope.clone();
    // Claim revision 7 for an envelope sealed as revision 1.
    p.server.append(rec, 7, None, env);
    p.b.feed(Event::Tick { now_ms: T + 700 });
    p.b.settle(&mut p.server);
    assert!(
        p.b.rejected
            .iter()
            .any(|r| r.2.contains("RevisionMismatch"))
    );
    assert_eq!(snapshot(&p.b), before);
}

#[test]
fn hidden_newest_revision_is_detected() {
    let mut p = pair();
    let rec = p.with_contact();
    edit(&mut p.a, rec, "email", "zw@example.com", T + 100);
    p.a.settle(&mut p.server);

    // a was told seq N exists; the server now drops it (and relinks).
    let mut hiding = p.server.clone();
    hiding.log.pop();
    hiding.relink();
    p.a.feed(Event::Tick { now_ms: T + 800 });
    p.a.settle(&mut hiding);
    assert!(
        matches!(p.a.chain_errors[..], [ChainError::Rollback { .. }]),
        "{:?}",
        p.a.chain_errors
    );

    // A page that stops short of the head it reports: withheld.
    let b = &mut p.b;
    let actions = b.engine.handle(Event::Tick { now_ms: T + 800 });
    let request = actions
        .iter()
        .find_map(|a| match a {
            Action::Pull { request, since_seq } => Some((*request, *since_seq)),
            _ => None,
        })
        .unwrap();
    let mut page = p.server.pull(request.1, request.0);
    page.entries.clear();
    page.has_more = false;
    b.feed(Event::Pulled(page));
    assert!(matches!(b.chain_errors[..], [ChainError::Withheld { .. }]));
    assert_eq!(b.engine.doc(rec).unwrap().get("email"), None);
}

#[test]
fn gap_in_a_page_is_detected() {
    let mut p = pair();
    let rec = p.with_contact();
    edit(&mut p.a, rec, "email", "a", T + 100);
    edit(&mut p.a, id(2), "name", "b", T + 101);
    p.a.settle(&mut p.server);
    let actions = p.b.engine.handle(Event::Tick { now_ms: T + 900 });
    let (request, since) = actions
        .iter()
        .find_map(|a| match a {
            Action::Pull { request, since_seq } => Some((*request, *since_seq)),
            _ => None,
        })
        .unwrap();
    let mut page = p.server.pull(since, request);
    assert_eq!(page.entries.len(), 2);
    page.entries.remove(0);
    p.b.feed(Event::Pulled(page));
    assert!(matches!(p.b.chain_errors[..], [ChainError::Gap { .. }]));
}

#[test]
fn rolled_back_server_is_detected_and_the_restore_path_reuploads() {
    let mut p = pair();
    let rec = p.with_contact();
    let backup = p.server.clone();
    edit(&mut p.a, rec, "email", "zw@example.com", T + 100);
    edit(&mut p.b, id(2), "name", "Li Na", T + 100);
    p.sync();
    let before_a = snapshot(&p.a);
    let before_b = snapshot(&p.b);

    // The server is restored from the backup.
    p.server = backup;
    p.sync();
    for d in [&p.a, &p.b] {
        assert!(matches!(d.chain_errors[..], [ChainError::Rollback { .. }]));
    }
    assert_eq!(snapshot(&p.a), before_a);
    assert_eq!(snapshot(&p.b), before_b);
    // Edits made while blocked are kept in the outbox.
    edit(&mut p.a, rec, "notes", "while blocked", T + 2000);

    // The user confirms the restore on both devices.
    let actions = p.a.engine.accept_restored_server();
    p.a.file(actions);
    let actions = p.b.engine.accept_restored_server();
    p.b.file(actions);
    p.a.chain_errors.clear();
    p.b.chain_errors.clear();
    p.sync();
    assert!(p.a.chain_errors.is_empty() && p.b.chain_errors.is_empty());
    let doc = p.a.engine.doc(rec).unwrap();
    assert_eq!(doc, p.b.engine.doc(rec).unwrap());
    assert_eq!(doc.get("email"), Some(&json!("zw@example.com")));
    assert_eq!(doc.get("notes"), Some(&json!("while blocked")));
    assert_eq!(p.a.engine.doc(id(2)), p.b.engine.doc(id(2)));
    assert!(p.a.engine.outbox().is_empty() && p.b.engine.outbox().is_empty());
}

#[test]
fn rejected_reasons_are_typed() {
    // The `Rejection` variants carry the codec's own error type.
    let r: Rejection<coffer_crypto::CryptoError> =
        Rejection::Unreadable(coffer_crypto::CryptoError::Tampered);
    assert!(matches!(
        r,
        Rejection::Unreadable(coffer_crypto::CryptoError::Tampered)
    ));
}
