//! Restriction of processing (GDPR art. 18, PIPL art. 44): a restricted
//! record is kept but not used. These predicates are the one place that
//! decides what the app may do with it; search, export, bulk actions and
//! the editor all ask here.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::Actor;

/// Stored on a record as its top-level `"restriction"` field (absent or
/// `null` = not restricted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub since_ms: i64,
    /// The data-subject request that asked for it, if any.
    pub request_id: Option<Uuid>,
    /// A stable reason code (`"accuracy_contested"`, `"objection_pending"`, ...).
    pub reason_code: String,
    pub set_by: Actor,
}

/// Something the app wants to do with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Open it and read it.
    View,
    Edit,
    /// Erase it (an erasure request may follow a restriction).
    Erase,
    /// Appear in search results and lists.
    Search,
    /// Be included in a CSV/JSON export made by the user.
    Export,
    /// Be included in an export for the data subject (access, portability).
    SubjectExport,
    /// Be hit by a bulk action (mass email, bulk edit, merge).
    BulkAction,
    /// Lift the restriction.
    Lift,
}

/// Whether the app asked to include restricted records explicitly (a
/// "show restricted" switch); they are left out by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Inclusion {
    #[default]
    Default,
    IncludeRestricted,
}

/// What the app may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Allowed, but the UI must show the record as restricted (read-only
    /// banner, restricted badge in a list the user opted into).
    AllowedRestricted,
    Denied,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        !matches!(self, Decision::Denied)
    }
}

/// Decides `op` on a record whose restriction field is `restriction`.
///
/// A restricted record is read-only, may still be erased, exported to its
/// data subject and un-restricted; it is left out of search, user exports
/// and bulk actions unless `inclusion` asks for restricted records, and
/// even then bulk actions never touch it (they would be processing).
pub fn decide(restriction: Option<&Restriction>, op: Operation, inclusion: Inclusion) -> Decision {
    if restriction.is_none() {
        return match op {
            Operation::Lift => Decision::Denied,
            _ => Decision::Allowed,
        };
    }
    match op {
        Operation::View | Operation::Erase | Operation::SubjectExport | Operation::Lift => {
            Decision::AllowedRestricted
        }
        Operation::Edit | Operation::BulkAction => Decision::Denied,
        Operation::Search | Operation::Export => match inclusion {
            Inclusion::Default => Decision::Denied,
            Inclusion::IncludeRestricted => Decision::AllowedRestricted,
        },
    }
}

/// Whether a record is editable.
pub fn is_read_only(restriction: Option<&Restriction>) -> bool {
    !decide(restriction, Operation::Edit, Inclusion::Default).is_allowed()
}

/// Reads the `"restriction"` field of a stored record's JSON.
pub fn restriction_of(record: &serde_json::Value) -> Option<Restriction> {
    record
        .get("restriction")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag() -> Restriction {
        Restriction {
            since_ms: 1,
            request_id: None,
            reason_code: "accuracy_contested".into(),
            set_by: Actor {
                user_id: Uuid::from_u128(1),
                device_id: Uuid::from_u128(2),
            },
        }
    }

    #[test]
    fn restricted_records_are_read_only_and_hidden_by_default() {
        let r = flag();
        let on = Some(&r);
        assert!(is_read_only(on));
        assert!(!is_read_only(None));
        assert_eq!(
            decide(on, Operation::Search, Inclusion::Default),
            Decision::Denied
        );
        assert_eq!(
            decide(on, Operation::Export, Inclusion::Default),
            Decision::Denied
        );
        assert_eq!(
            decide(on, Operation::Search, Inclusion::IncludeRestricted),
            Decision::AllowedRestricted
        );
        assert_eq!(
            decide(on, Operation::BulkAction, Inclusion::IncludeRestricted),
            Decision::Denied
        );
        for op in [
            Operation::View,
            Operation::Erase,
            Operation::SubjectExport,
            Operation::Lift,
        ] {
            assert_eq!(
                decide(on, op, Inclusion::Default),
                Decision::AllowedRestricted
            );
        }
        assert_eq!(
            decide(None, Operation::BulkAction, Inclusion::Default),
            Decision::Allowed
        );
        assert_eq!(
            decide(None, Operation::Lift, Inclusion::Default),
            Decision::Denied
        );
    }

    #[test]
    fn restriction_is_read_from_the_record_json() {
        let mut json = serde_json::json!({"id": "x", "given_name": "Ann"});
        assert_eq!(restriction_of(&json), None);
        json["restriction"] = serde_json::to_value(flag()).unwrap();
        assert_eq!(restriction_of(&json), Some(flag()));
        json["restriction"] = serde_json::Value::Null;
        assert_eq!(restriction_of(&json), None);
    }
}
