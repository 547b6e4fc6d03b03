//! Erasure tombstones: the record that a record was erased, and nothing
//! about what it held.
//!
//! A tombstone syncs like any record (namespace [`TOMBSTONE_NAMESPACE`],
//! record id = the erased record's id) so every device and the server learn
//! of the erasure: devices delete their copy of the record and of its key,
//! and refuse older revisions that arrive later (an offline device, a
//! restored backup). It holds ids, times and who — never a name.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::Actor;

/// Record namespace of tombstones.
pub const TOMBSTONE_NAMESPACE: &str = "tombstone";

/// Why the record was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureCause {
    /// A data-subject erasure request.
    SubjectRequest { request_id: Uuid },
    /// A retention rule.
    Retention,
    /// The user deleted it.
    UserDeleted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureTombstone {
    /// The erased record's namespace (`"contact"`).
    pub record_type: String,
    pub record_id: Uuid,
    pub erased_ms: i64,
    pub erased_by: Actor,
    pub cause: ErasureCause,
}

impl ErasureTombstone {
    /// Whether this tombstone erases the record stored under (`namespace`, `id`).
    pub fn covers(&self, namespace: &str, id: Uuid) -> bool {
        self.record_type == namespace && self.record_id == id
    }

    /// Whether an incoming revision of a covered record must be dropped
    /// rather than stored: always, whatever its time, because the record's
    /// key is gone and a resurrected record would be personal data again.
    pub fn rejects(&self, namespace: &str, id: Uuid) -> bool {
        self.covers(namespace, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tombstones_cover_exactly_their_record_and_hold_no_personal_field() {
        let t = ErasureTombstone {
            record_type: "contact".into(),
            record_id: Uuid::from_u128(7),
            erased_ms: 1,
            erased_by: Actor {
                user_id: Uuid::from_u128(1),
                device_id: Uuid::from_u128(2),
            },
            cause: ErasureCause::SubjectRequest {
                request_id: Uuid::from_u128(3),
            },
        };
        assert!(t.covers("contact", Uuid::from_u128(7)));
        assert!(!t.covers("deal", Uuid::from_u128(7)));
        assert!(!t.rejects("contact", Uuid::from_u128(8)));
        let json = serde_json::to_value(&t).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "cause",
                "erased_by",
                "erased_ms",
                "record_id",
                "record_type"
            ]
        );
    }
}
