//! Unit tests of the engine's bookkeeping; whole-system behaviour is in
//! `tests/`.

use std::cell::Cell;

use serde_json::json;

use super::*;
use crate::chain::GENESIS;
use crate::wire::ChainHead;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("sealing is off")]
struct Off;

/// Seals as `revision ‖ json` unless switched off; opens without checks.
struct Switch(Cell<bool>);

impl Codec for Switch {
    type Error = Off;
    fn seal(&self, _: Uuid, revision: u64, json: &[u8]) -> Result<Vec<u8>, Off> {
        if self.0.get() {
            Ok([&revision.to_be_bytes()[..], json].concat())
        } else {
            Err(Off)
        }
    }
    fn open(&self, _: Uuid, env: &[u8]) -> Result<(u64, Vec<u8>), Off> {
        let (rev, json) = env.split_first_chunk::<8>().ok_or(Off)?;
        Ok((u64::from_be_bytes(*rev), json.to_vec()))
    }
}

fn edit(e: &mut Engine<Switch>, value: &str, now_ms: u64) -> Vec<Action<Off>> {
    e.handle(Event::Edit {
        record_id: Uuid::from_u128(1),
        changes: vec![("name".into(), json!(value))],
        now_ms,
    })
}

#[test]
fn a_seal_failure_is_reported_once_per_tick_and_keeps_the_edit() {
    let mut e = Engine::new(DeviceId([1; 16]), Switch(Cell::new(false)));
    let _ = e.handle(Event::Online);
    let actions = edit(&mut e, "a", 1);
    assert!(matches!(
        actions[..],
        [Action::Store { .. }, Action::SealFailed { .. }]
    ));
    let actions = edit(&mut e, "b", 2);
    assert!(matches!(actions[..], [Action::Store { .. }]), "{actions:?}");
    assert_eq!(e.outbox().len(), 1);
    e.codec.0.set(true);
    let actions = e.handle(Event::Tick { now_ms: 3 });
    assert!(actions.iter().any(|a| matches!(a, Action::Push(_))));
}

#[test]
fn a_no_op_edit_changes_nothing() {
    let mut e = Engine::new(DeviceId([1; 16]), Switch(Cell::new(true)));
    let _ = edit(&mut e, "a", 1);
    let stamp = e.clock();
    assert!(edit(&mut e, "a", 5).is_empty());
    assert_eq!(e.clock(), stamp);
}

#[test]
fn answers_to_other_requests_are_ignored() {
    let mut e = Engine::new(DeviceId([1; 16]), Switch(Cell::new(true)));
    let actions = e.handle(Event::Online);
    let Some(Action::Pull { request, .. }) = actions.first() else {
        panic!("{actions:?}");
    };
    let empty = |request| PullResponse {
        request,
        since: 0,
        entries: Vec::new(),
        head: ChainHead {
            seq: 0,
            link: GENESIS,
        },
        has_more: false,
    };
    // An answer to a request never made (or from before a restart).
    assert!(e.handle(Event::Pulled(empty(request + 7))).is_empty());
    let actions = e.handle(Event::Pulled(empty(*request)));
    assert!(matches!(actions[..], [Action::StoreSyncState(_)]));
    // The same answer again: a duplicate, ignored.
    assert!(e.handle(Event::Pulled(empty(*request))).is_empty());
}

#[test]
fn resume_continues_the_clock_after_stored_stamps() {
    let mut e = Engine::new(DeviceId([1; 16]), Switch(Cell::new(true)));
    let _ = edit(&mut e, "a", 1_000_000);
    let records = e.records().clone();
    let resumed = Engine::resume(
        DeviceId([1; 16]),
        Switch(Cell::new(true)),
        records,
        e.sync_state(),
    );
    assert!(resumed.clock() >= e.clock());
    assert_eq!(resumed.outbox(), e.outbox());
}
