//! A record as a mergeable document: every field is a last-writer-wins
//! register stamped with an [`Hlc`], and values that lost are kept in a
//! bounded history.
//!
//! # Merge rules
//!
//! Think of a document as the set of every write it has seen,
//! `(field, stamp, value)`, plus the highest deletion stamp.
//!
//! - **Fields.** For each field the write with the highest stamp is the
//!   current value (ties, which only a misbehaving device can produce, are
//!   broken by a fixed order on JSON values). Different fields never
//!   interfere, so concurrent edits to different fields all survive.
//! - **History.** Every other write is a [`Superseded`] entry, each exactly
//!   once (identity is field, stamp and value). That includes a device's own
//!   earlier values, so history is the record's field-level change log and
//!   conflict losers are part of it. `superseded_by` is the next higher stamp
//!   of the same field, computed from the set, so every device shows the
//!   same thing. Only the [`HISTORY_LIMIT`] newest entries (by stamp) are
//!   kept; because "newest N of a union" does not depend on merge order,
//!   truncation keeps merge commutative, associative and idempotent.
//! - **Deletion.** `deleted` holds the highest deletion stamp seen. The
//!   record *is deleted* when that stamp is greater than every field stamp.
//!   An edit stamped after the deletion (made concurrently on another device
//!   or later) resurrects the record **whole**: every field keeps its value,
//!   as if the deletion had not happened. Field values are kept while
//!   deleted because merging needs them; erasing data is a separate concern
//!   (crypto-shredding the record key).
//!
//! [`Doc::merge`] is a join: commutative, associative and idempotent, so
//! devices that have seen the same writes hold equal documents whatever the
//! order they saw them in.

use core::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::hlc::Hlc;

/// How many superseded values a record keeps (the newest by stamp).
pub const HISTORY_LIMIT: usize = 50;

/// A field's current value and the stamp of the write that set it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    /// The value (any JSON).
    pub value: Value,
    /// When and where it was written.
    pub stamp: Hlc,
}

/// A value that was replaced by a later write of the same field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Superseded {
    /// The field.
    pub field: String,
    /// The value that lost.
    pub value: Value,
    /// The stamp of the write that lost.
    pub stamp: Hlc,
    /// The stamp of the next write of this field (the one that replaced it).
    pub superseded_by: Hlc,
}

/// A record's mergeable state. Serialized as JSON, this is what the app
/// seals into an envelope.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    fields: BTreeMap<String, FieldValue>,
    #[serde(default)]
    history: Vec<Superseded>,
    #[serde(default)]
    deleted: Option<Hlc>,
}

/// What a [`Doc::merge`] changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// Whether the document changed at all.
    pub changed: bool,
    /// History entries that were not there before (values that just lost).
    pub superseded: Vec<Superseded>,
}

/// One write, as merge sees it.
#[derive(Clone, Debug)]
struct Write {
    field: String,
    stamp: Hlc,
    value: Value,
}

impl Write {
    /// The total order merge uses: stamp, then field, then value.
    fn key_cmp(&self, other: &Write) -> Ordering {
        self.stamp
            .cmp(&other.stamp)
            .then_with(|| self.field.cmp(&other.field))
            .then_with(|| cmp_values(&self.value, &other.value))
    }
}

impl Doc {
    /// An empty document (no fields, not deleted).
    pub fn new() -> Doc {
        Doc::default()
    }

    /// The current value of `field`.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).map(|f| &f.value)
    }

    /// The current value of `field` with its stamp.
    pub fn field(&self, field: &str) -> Option<&FieldValue> {
        self.fields.get(field)
    }

    /// All current fields, by name.
    pub fn fields(&self) -> &BTreeMap<String, FieldValue> {
        &self.fields
    }

    /// Superseded values, oldest first (by stamp).
    pub fn history(&self) -> &[Superseded] {
        &self.history
    }

    /// History without entries whose value equals the value that replaced
    /// them (e.g. two devices typing the same correction): what a UI shows
    /// as "other values this field had".
    pub fn changed_history(&self) -> Vec<&Superseded> {
        self.history
            .iter()
            .filter(|h| self.value_at(&h.field, &h.superseded_by) != Some(&h.value))
            .collect()
    }

    fn value_at(&self, field: &str, stamp: &Hlc) -> Option<&Value> {
        match self.fields.get(field) {
            Some(f) if f.stamp == *stamp => Some(&f.value),
            _ => self
                .history
                .iter()
                .find(|h| h.field == field && h.stamp == *stamp)
                .map(|h| &h.value),
        }
    }

    /// The highest deletion stamp seen, if any.
    pub fn deleted(&self) -> Option<Hlc> {
        self.deleted
    }

    /// Whether the record is deleted: a deletion is stamped after every
    /// field write.
    pub fn is_deleted(&self) -> bool {
        self.deleted
            .is_some_and(|d| self.fields.values().all(|f| f.stamp < d))
    }

    /// The highest stamp anywhere in the document (fields, history,
    /// deletion), for a clock to [`Hlc::observe`].
    pub fn max_stamp(&self) -> Option<Hlc> {
        let fields = self.fields.values().map(|f| f.stamp);
        let history = self.history.iter().map(|h| h.stamp);
        fields.chain(history).chain(self.deleted).max()
    }

    /// Records a local write of `field` at `stamp` (from [`Hlc::tick`]).
    pub fn set(&mut self, field: &str, value: Value, stamp: Hlc) -> MergeReport {
        let mut other = Doc::new();
        other
            .fields
            .insert(field.to_owned(), FieldValue { value, stamp });
        self.merge(&other)
    }

    /// Records a local deletion at `stamp` (from [`Hlc::tick`]).
    pub fn delete(&mut self, stamp: Hlc) -> MergeReport {
        let other = Doc {
            deleted: Some(stamp),
            ..Doc::default()
        };
        self.merge(&other)
    }

    /// Merges `other` into `self` (see the module docs for the rules).
    pub fn merge(&mut self, other: &Doc) -> MergeReport {
        let before_history: BTreeSet<(String, Hlc, String)> =
            self.history.iter().map(history_identity).collect();

        let mut by_field: BTreeMap<&str, Vec<Write>> = BTreeMap::new();
        for doc in [&*self, other] {
            for (name, f) in &doc.fields {
                by_field.entry(name).or_default().push(Write {
                    field: name.clone(),
                    stamp: f.stamp,
                    value: f.value.clone(),
                });
            }
            for h in &doc.history {
                by_field.entry(&h.field).or_default().push(Write {
                    field: h.field.clone(),
                    stamp: h.stamp,
                    value: h.value.clone(),
                });
            }
        }

        let mut fields = BTreeMap::new();
        let mut history = Vec::new();
        for (name, mut writes) in by_field {
            writes.sort_by(Write::key_cmp);
            writes.dedup_by(|a, b| a.key_cmp(b) == Ordering::Equal);
            // A field only enters `by_field` with at least one write.
            let Some(current) = writes.pop() else {
                continue;
            };
            let mut next = current.stamp;
            for w in writes.into_iter().rev() {
                let stamp = w.stamp;
                history.push(Superseded {
                    field: w.field,
                    value: w.value,
                    stamp,
                    superseded_by: next,
                });
                next = stamp;
            }
            fields.insert(
                name.to_owned(),
                FieldValue {
                    value: current.value,
                    stamp: current.stamp,
                },
            );
        }
        history.sort_by(cmp_history);
        if history.len() > HISTORY_LIMIT {
            history.drain(..history.len() - HISTORY_LIMIT);
        }
        let merged = Doc {
            fields,
            history,
            deleted: self.deleted.max(other.deleted),
        };

        let superseded = merged
            .history
            .iter()
            .filter(|h| !before_history.contains(&history_identity(h)))
            .cloned()
            .collect();
        let changed = merged != *self;
        *self = merged;
        MergeReport {
            changed,
            superseded,
        }
    }

    /// The document as JSON bytes (what gets sealed).
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing maps with string keys and JSON values cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses a document from JSON bytes, normalising it (sorting and
    /// bounding history, picking current values) so a sloppy or hostile
    /// writer cannot break the merge invariants.
    pub fn from_json(bytes: &[u8]) -> Result<Doc, serde_json::Error> {
        let raw: Doc = serde_json::from_slice(bytes)?;
        let mut doc = Doc::new();
        doc.merge(&raw);
        Ok(doc)
    }
}

fn history_identity(h: &Superseded) -> (String, Hlc, String) {
    (h.field.clone(), h.stamp, h.value.to_string())
}

fn cmp_history(a: &Superseded, b: &Superseded) -> Ordering {
    a.stamp
        .cmp(&b.stamp)
        .then_with(|| a.field.cmp(&b.field))
        .then_with(|| cmp_values(&a.value, &b.value))
}

/// A fixed total order on JSON values, consistent with equality, used only
/// to break ties deterministically. Independent of map key order (so of
/// serde_json's `preserve_order` feature).
pub(crate) fn cmp_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.to_string().cmp(&y.to_string()),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let c = cmp_values(p, q);
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(q.0));
            ys.sort_by(|p, q| p.0.cmp(q.0));
            for ((xk, xv), (yk, yv)) in xs.iter().zip(&ys) {
                let c = xk.cmp(yk).then_with(|| cmp_values(xv, yv));
                if c != Ordering::Equal {
                    return c;
                }
            }
            xs.len().cmp(&ys.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::hlc::DeviceId;

    fn stamp(wall_ms: u64, device: u8) -> Hlc {
        Hlc {
            wall_ms,
            counter: 0,
            device: DeviceId([device; 16]),
        }
    }

    #[test]
    fn concurrent_edits_to_different_fields_both_survive() {
        let mut a = Doc::new();
        a.set("name", json!("Zhang Wei"), stamp(1, 1));
        let mut b = a.clone();
        a.set("email", json!("zw@example.com"), stamp(2, 1));
        b.set("phone", json!("138"), stamp(2, 2));
        a.merge(&b);
        b.merge(&a);
        assert_eq!(a, b);
        assert_eq!(a.get("email"), Some(&json!("zw@example.com")));
        assert_eq!(a.get("phone"), Some(&json!("138")));
        assert!(a.history().is_empty());
    }

    #[test]
    fn same_field_conflict_keeps_the_loser_in_history_once() {
        let mut a = Doc::new();
        let mut b = Doc::new();
        a.set("name", json!("A"), stamp(5, 1));
        b.set("name", json!("B"), stamp(5, 2));
        let report = a.merge(&b);
        assert_eq!(a.get("name"), Some(&json!("B")));
        assert_eq!(report.superseded.len(), 1);
        a.merge(&b);
        b.merge(&a);
        assert_eq!(a, b);
        assert_eq!(
            a.history(),
            &[Superseded {
                field: "name".into(),
                value: json!("A"),
                stamp: stamp(5, 1),
                superseded_by: stamp(5, 2),
            }]
        );
    }

    #[test]
    fn delete_wins_only_over_older_writes() {
        let mut a = Doc::new();
        a.set("name", json!("A"), stamp(1, 1));
        let mut b = a.clone();
        a.delete(stamp(3, 1));
        assert!(a.is_deleted());
        b.set("phone", json!("1"), stamp(4, 2));
        a.merge(&b);
        assert!(!a.is_deleted(), "a later edit resurrects the record");
        assert_eq!(a.get("name"), Some(&json!("A")), "resurrected whole");

        let mut c = Doc::new();
        c.set("name", json!("A"), stamp(1, 1));
        let mut d = c.clone();
        d.delete(stamp(9, 2));
        c.set("name", json!("B"), stamp(5, 1));
        c.merge(&d);
        assert!(c.is_deleted());
    }

    #[test]
    fn history_is_bounded_to_the_newest_entries() {
        let mut a = Doc::new();
        for i in 0..(HISTORY_LIMIT as u64 + 10) {
            a.set("notes", json!(i), stamp(i + 1, 1));
        }
        assert_eq!(a.history().len(), HISTORY_LIMIT);
        assert_eq!(a.history()[0].value, json!(9));
    }

    #[test]
    fn json_round_trip_and_normalisation() {
        let mut a = Doc::new();
        a.set("x", json!({"b": 1, "a": [1, 2]}), stamp(1, 1));
        a.set("x", json!(null), stamp(2, 1));
        let back = Doc::from_json(&a.to_json()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn value_order_is_total_and_consistent_with_equality() {
        let vs = [
            json!(null),
            json!(false),
            json!(1),
            json!(1.0),
            json!("a"),
            json!([1]),
            json!({"a": 1}),
            json!({"a": 2}),
        ];
        for x in &vs {
            for y in &vs {
                assert_eq!(cmp_values(x, y) == Ordering::Equal, x == y, "{x} {y}");
                assert_eq!(cmp_values(x, y), cmp_values(y, x).reverse());
            }
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Writes from 3 devices over few fields, stamps and values, so
        /// collisions (same field, same millisecond) are common.
        fn doc() -> impl Strategy<Value = Doc> {
            let write = (0..3usize, 0..6u64, 0..3u32, 1..4u8, 0..4u8);
            let op = prop_oneof![
                6 => write.prop_map(|(f, wall, counter, dev, v)| (Some((f, v)), wall, counter, dev)),
                1 => (0..6u64, 0..3u32, 1..4u8).prop_map(|(wall, counter, dev)| (None, wall, counter, dev)),
            ];
            prop::collection::vec(op, 0..12).prop_map(|ops| {
                let mut d = Doc::new();
                for (write, wall_ms, counter, dev) in ops {
                    let stamp = Hlc {
                        wall_ms,
                        counter,
                        device: DeviceId([dev; 16]),
                    };
                    match write {
                        Some((f, v)) => {
                            d.set(["a", "b", "c"][f], json!(v), stamp);
                        }
                        None => {
                            d.delete(stamp);
                        }
                    }
                }
                d
            })
        }

        fn merged(a: &Doc, b: &Doc) -> Doc {
            let mut out = a.clone();
            out.merge(b);
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn merge_is_commutative(a in doc(), b in doc()) {
                prop_assert_eq!(merged(&a, &b), merged(&b, &a));
            }

            #[test]
            fn merge_is_associative(a in doc(), b in doc(), c in doc()) {
                prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
            }

            #[test]
            fn merge_is_idempotent(a in doc(), b in doc()) {
                let ab = merged(&a, &b);
                prop_assert_eq!(merged(&ab, &ab), ab.clone());
                prop_assert_eq!(merged(&ab, &b), ab.clone());
                prop_assert!(!ab.clone().merge(&a).changed);
            }

            #[test]
            fn history_entries_are_unique_and_bounded(a in doc(), b in doc()) {
                let ab = merged(&a, &b);
                prop_assert!(ab.history().len() <= HISTORY_LIMIT);
                let ids: BTreeSet<_> = ab.history().iter().map(history_identity).collect();
                prop_assert_eq!(ids.len(), ab.history().len());
                for h in ab.history() {
                    prop_assert!(h.stamp <= h.superseded_by);
                    prop_assert!(ab.field(&h.field).is_some_and(|f| f.stamp >= h.superseded_by));
                }
            }

            #[test]
            fn json_round_trip_is_exact(a in doc()) {
                prop_assert_eq!(Doc::from_json(&a.to_json()).unwrap(), a);
            }
        }

        #[test]
        fn bounded_history_merge_is_still_associative() {
            // Three docs with more superseded values than the bound in total.
            let mk = |dev: u8, offset: u64| {
                let mut d = Doc::new();
                for i in 0..30u64 {
                    d.set("n", json!(i + offset), stamp(i * 3 + offset, dev));
                }
                d
            };
            let (a, b, c) = (mk(1, 0), mk(2, 1), mk(3, 2));
            let left = merged(&merged(&a, &b), &c);
            assert_eq!(left, merged(&a, &merged(&b, &c)));
            assert_eq!(left, merged(&merged(&c, &a), &b));
            assert_eq!(left.history().len(), HISTORY_LIMIT);
        }
    }
}
