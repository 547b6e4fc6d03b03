//! Whole-system property: 3–5 simulated devices edit a handful of records
//! offline, requests and responses are delivered in random order, some
//! twice, some never; after everyone comes online and the network goes
//! quiet, every device holds the same documents, no edit is lost, and the
//! highest stamp won every same-field conflict.

mod common;

use std::collections::BTreeMap;

use coffer_sync::{DeviceId, Doc, Event, Hlc};
use common::{Device, PlainCodec, Server};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const RECORDS: u128 = 3;
const FIELDS: [&str; 4] = ["name", "email", "phone", "notes"];
const START_MS: u64 = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Op {
    Edit {
        dev: usize,
        rec: u128,
        fields: Vec<usize>,
    },
    Delete {
        dev: usize,
        rec: u128,
    },
    Toggle {
        dev: usize,
    },
    Tick {
        dev: usize,
    },
    /// Send one of the device's queued requests (chosen by index).
    Send {
        dev: usize,
        pick: usize,
    },
    /// Deliver one of the device's queued responses; maybe keep a copy to
    /// deliver again later (duplication).
    Receive {
        dev: usize,
        pick: usize,
        duplicate: bool,
    },
    /// Lose a response.
    Lose {
        dev: usize,
        pick: usize,
    },
    Wait {
        ms: u64,
    },
    /// The app restarts from what it persisted; requests not yet answered
    /// may or may not have reached the server.
    Restart {
        dev: usize,
        deliver: Vec<bool>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let dev = 0..5usize;
    prop_oneof![
        4 => (dev.clone(), 0..RECORDS, prop::collection::vec(0..FIELDS.len(), 1..3))
            .prop_map(|(dev, rec, fields)| Op::Edit { dev, rec, fields }),
        1 => (dev.clone(), 0..RECORDS).prop_map(|(dev, rec)| Op::Delete { dev, rec }),
        2 => dev.clone().prop_map(|dev| Op::Toggle { dev }),
        1 => dev.clone().prop_map(|dev| Op::Tick { dev }),
        4 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Op::Send { dev, pick }),
        4 => (dev.clone(), any::<usize>(), prop::bool::weighted(0.2))
            .prop_map(|(dev, pick, duplicate)| Op::Receive { dev, pick, duplicate }),
        1 => (dev.clone(), any::<usize>()).prop_map(|(dev, pick)| Op::Lose { dev, pick }),
        2 => (0..4u64).prop_map(|ms| Op::Wait { ms }),
        1 => (dev, prop::collection::vec(any::<bool>(), 0..4))
            .prop_map(|(dev, deliver)| Op::Restart { dev, deliver }),
    ]
}

/// An edit as the test saw it made.
#[derive(Debug)]
struct Made {
    rec: Uuid,
    field: String,
    value: Value,
    stamp: Hlc,
}

struct World {
    server: Server,
    devices: Vec<Device<PlainCodec>>,
    skew: Vec<i64>,
    now: u64,
    made: Vec<Made>,
    deletes: Vec<(Uuid, Hlc)>,
    counter: u64,
}

impl World {
    fn new(n: usize, skew: &[i64], page_size: usize, atomic: bool) -> World {
        let mut server = Server::new(page_size);
        server.atomic = atomic;
        World {
            server,
            devices: (0..n)
                .map(|i| Device::new(DeviceId([i as u8 + 1; 16]), PlainCodec))
                .collect(),
            skew: skew[..n].to_vec(),
            now: START_MS,
            made: Vec::new(),
            deletes: Vec::new(),
            counter: 0,
        }
    }

    fn now_for(&self, dev: usize) -> u64 {
        self.now.saturating_add_signed(self.skew[dev])
    }

    fn run(&mut self, op: Op) {
        let n = self.devices.len();
        match op {
            Op::Edit { dev, rec, fields } => {
                let dev = dev % n;
                let rec = Uuid::from_u128(rec + 1);
                let mut changes = Vec::new();
                for f in fields {
                    self.counter += 1;
                    changes.push((
                        FIELDS[f].to_owned(),
                        json!(format!("d{dev}-v{}", self.counter)),
                    ));
                }
                changes.dedup_by(|a, b| a.0 == b.0);
                let now_ms = self.now_for(dev);
                let d = &mut self.devices[dev];
                d.feed(Event::Edit {
                    record_id: rec,
                    changes: changes.clone(),
                    now_ms,
                });
                let doc = d.engine.doc(rec).unwrap();
                for (field, value) in changes {
                    let fv = doc.field(&field).unwrap();
                    assert_eq!(fv.value, value, "a local edit shows at once");
                    self.made.push(Made {
                        rec,
                        field,
                        value,
                        stamp: fv.stamp,
                    });
                }
            }
            Op::Delete { dev, rec } => {
                let dev = dev % n;
                let rec = Uuid::from_u128(rec + 1);
                let now_ms = self.now_for(dev);
                let d = &mut self.devices[dev];
                d.feed(Event::Delete {
                    record_id: rec,
                    now_ms,
                });
                let stamp = d.engine.doc(rec).unwrap().deleted().unwrap();
                self.deletes.push((rec, stamp));
            }
            Op::Toggle { dev } => {
                let d = &mut self.devices[dev % n];
                let ev = if d.online {
                    Event::Offline
                } else {
                    Event::Online
                };
                d.feed(ev);
            }
            Op::Tick { dev } => {
                let now_ms = self.now_for(dev % n);
                self.devices[dev % n].feed(Event::Tick { now_ms });
            }
            Op::Send { dev, pick } => {
                let d = &mut self.devices[dev % n];
                if !d.outgoing.is_empty() {
                    let i = pick % d.outgoing.len();
                    d.deliver_request(i, &mut self.server);
                }
            }
            Op::Receive {
                dev,
                pick,
                duplicate,
            } => {
                let d = &mut self.devices[dev % n];
                if !d.incoming.is_empty() {
                    let i = pick % d.incoming.len();
                    let ev = if duplicate {
                        d.incoming[i].clone()
                    } else {
                        d.incoming.remove(i)
                    };
                    d.feed(ev);
                }
            }
            Op::Lose { dev, pick } => {
                let d = &mut self.devices[dev % n];
                if !d.incoming.is_empty() {
                    let i = pick % d.incoming.len();
                    d.incoming.remove(i);
                }
            }
            Op::Wait { ms } => self.now += ms,
            Op::Restart { dev, deliver } => {
                self.devices[dev % n].restart(PlainCodec, &deliver, &mut self.server);
            }
        }
        for d in &self.devices {
            let pending: Vec<Uuid> = d
                .engine
                .records()
                .iter()
                .filter(|(_, r)| r.is_pending())
                .map(|(id, _)| *id)
                .collect();
            assert_eq!(d.engine.outbox(), pending, "the outbox is kept in step");
            assert_eq!(
                &d.disk_records,
                d.engine.records(),
                "everything was persisted"
            );
        }
    }

    /// Everyone online; tick and settle each device in turn until a whole
    /// round changes nothing.
    fn quiesce(&mut self) {
        for d in &mut self.devices {
            if !d.online {
                d.feed(Event::Online);
            }
        }
        for _round in 0..50 {
            let before = self.server.log.len();
            for i in 0..self.devices.len() {
                self.now += 1;
                let now_ms = self.now_for(i);
                let d = &mut self.devices[i];
                d.feed(Event::Tick { now_ms });
                d.settle(&mut self.server);
            }
            let quiet = self.server.log.len() == before
                && self.devices.iter().all(|d| {
                    d.engine.outbox().is_empty()
                        && d.engine.sync_state().pin.map_or(0, |p| p.seq) == self.server.head().seq
                });
            if quiet {
                return;
            }
        }
        panic!("the system did not quiesce in 50 rounds");
    }

    fn check(&self) {
        for (i, d) in self.devices.iter().enumerate() {
            assert!(
                d.chain_errors.is_empty(),
                "device {i}: {:?}",
                d.chain_errors
            );
            assert!(d.rejected.is_empty(), "device {i}: {:?}", d.rejected);
        }
        // 1. Everyone converged, and on what the server holds.
        let docs = |d: &Device<PlainCodec>| -> BTreeMap<Uuid, Doc> {
            d.engine
                .records()
                .iter()
                .map(|(id, r)| (*id, r.doc.clone()))
                .collect()
        };
        let first = docs(&self.devices[0]);
        for d in &self.devices[1..] {
            assert_eq!(docs(d), first, "devices diverged");
        }
        assert_eq!(self.server.docs(&PlainCodec), first, "server differs");

        // 2. No edit lost: each is the current value or in history.
        for m in &self.made {
            let doc = &first[&m.rec];
            let current = doc
                .field(&m.field)
                .is_some_and(|f| f.stamp == m.stamp && f.value == m.value);
            let in_history = doc
                .history()
                .iter()
                .any(|h| h.field == m.field && h.stamp == m.stamp && h.value == m.value);
            assert!(current || in_history, "lost edit {m:?}");
        }

        // 3. The highest stamp won every field; deletion by the stated rule.
        let mut winners: BTreeMap<(Uuid, &str), &Made> = BTreeMap::new();
        for m in &self.made {
            let w = winners.entry((m.rec, &m.field)).or_insert(m);
            if m.stamp > w.stamp {
                *w = m;
            }
        }
        for ((rec, field), m) in &winners {
            assert_eq!(first[rec].get(field), Some(&m.value));
        }
        for (rec, doc) in &first {
            let last_delete = self
                .deletes
                .iter()
                .filter(|d| d.0 == *rec)
                .map(|d| d.1)
                .max();
            let last_write = self
                .made
                .iter()
                .filter(|m| m.rec == *rec)
                .map(|m| m.stamp)
                .max();
            let deleted = match (last_delete, last_write) {
                (Some(d), Some(w)) => d > w,
                (Some(_), None) => true,
                _ => false,
            };
            assert_eq!(doc.is_deleted(), deleted, "record {rec}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn devices_converge_and_keep_every_edit(
        n in 3..=5usize,
        skew in prop::collection::vec(-400i64..400, 5),
        page_size in 1..6usize,
        atomic in any::<bool>(),
        ops in prop::collection::vec(op(), 0..120),
    ) {
        let mut world = World::new(n, &skew, page_size, atomic);
        for op in ops {
            world.run(op);
        }
        world.quiesce();
        world.check();
    }
}

#[test]
fn concurrent_offline_edits_settle_in_a_fixed_scenario() {
    let mut world = World::new(3, &[0, 0, 0, 0, 0], 2, true);
    for dev in 0..3 {
        world.run(Op::Edit {
            dev,
            rec: 0,
            fields: vec![0, dev + 1],
        });
    }
    world.quiesce();
    world.check();
    let doc = world.devices[0].engine.doc(Uuid::from_u128(1)).unwrap();
    // Three different-field edits all survive; "name" went to the highest
    // device id (same millisecond), the two others in history.
    assert_eq!(doc.fields().len(), 4);
    assert_eq!(doc.get("name"), Some(&json!("d2-v5")));
    assert_eq!(doc.history().len(), 2);
}
