//! The privacy module's stored record types: which namespace each lives in
//! and how sensitive each of its fields is. None of them holds a name or an
//! address: they point at contacts by id.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::{CONSENT_NAMESPACE, ConsentEntry};
use super::request::{REQUEST_NAMESPACE, SubjectRequest};
use super::retention::{RetentionAction, RetentionCondition, RetentionRule};
use crate::record::impl_record;

/// Record namespace of retention policies.
pub const RETENTION_NAMESPACE: &str = "retention_rule";

impl_record!(ConsentEntry, CONSENT_NAMESPACE, {
    id: Public,
    contact_id: Public,
    purpose: Public,
    basis: Public,
    decision: Public,
    // Free text ("phone call with Ann's assistant") may name someone.
    source: Personal,
    at_ms: Public,
    recorded_by: Public,
    recorded_ms: Public,
});

impl_record!(SubjectRequest, REQUEST_NAMESPACE, {
    id: Public,
    contact_id: Public,
    kind: Public,
    ccpa: Public,
    jurisdiction: Public,
    received_on: Public,
    status: Public,
    extension: Public,
    outcome: Public,
    closed_on: Public,
    recorded_by: Public,
});

/// A retention rule the user keeps, synced like any record. Each field is a
/// unit of its own (sync merges per top-level field), so the rule's parts
/// sit at the top level rather than in one nested [`RetentionRule`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub id: Uuid,
    /// `"contact"` (the record type the rule applies to).
    pub record_type: String,
    pub condition: RetentionCondition,
    pub action: RetentionAction,
    /// Switched-off rules are kept but neither previewed nor run on unlock.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    pub created_ms: i64,
}

fn enabled_by_default() -> bool {
    true
}

impl RetentionPolicy {
    pub fn rule(&self) -> RetentionRule {
        RetentionRule {
            record_type: self.record_type.clone(),
            condition: self.condition,
            action: self.action,
        }
    }
}

/// The rules to apply: those of the enabled policies.
pub fn enabled_rules(policies: &[RetentionPolicy]) -> Vec<RetentionRule> {
    policies
        .iter()
        .filter(|p| p.enabled)
        .map(RetentionPolicy::rule)
        .collect()
}

impl_record!(RetentionPolicy, RETENTION_NAMESPACE, {
    id: Public,
    record_type: Public,
    condition: Public,
    action: Public,
    enabled: Public,
    created_ms: Public,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::CivilDate;
    use crate::privacy::consent::{Actor, ConsentDecision, LawfulBasis, Purpose};
    use crate::privacy::request::{Jurisdiction, RequestKind, RequestStatus};
    use crate::record::{Record, assert_fields_classified};

    const ACTOR: Actor = Actor {
        user_id: Uuid::from_u128(1),
        device_id: Uuid::from_u128(2),
    };

    fn consent() -> ConsentEntry {
        ConsentEntry {
            id: Uuid::from_u128(3),
            contact_id: Uuid::from_u128(4),
            purpose: Purpose::MarketingEmail,
            basis: LawfulBasis::Consent,
            decision: ConsentDecision::Given,
            source: "web form".into(),
            at_ms: 5,
            recorded_by: ACTOR,
            recorded_ms: 6,
        }
    }

    fn request() -> SubjectRequest {
        SubjectRequest {
            id: Uuid::from_u128(7),
            contact_id: Some(Uuid::from_u128(4)),
            kind: RequestKind::Access,
            ccpa: None,
            jurisdiction: Jurisdiction::Gdpr,
            received_on: CivilDate::from_ymd(2026, 1, 31).unwrap(),
            status: RequestStatus::Received,
            extension: None,
            outcome: None,
            closed_on: None,
            recorded_by: ACTOR,
        }
    }

    fn policy() -> RetentionPolicy {
        RetentionPolicy {
            id: Uuid::from_u128(8),
            record_type: "contact".into(),
            condition: RetentionCondition::InactiveForMonths { months: 24 },
            action: RetentionAction::Anonymise,
            enabled: true,
            created_ms: 9,
        }
    }

    #[test]
    fn every_written_privacy_field_has_a_class() {
        assert_fields_classified(&consent());
        assert_fields_classified(&request());
        assert_fields_classified(&policy());
    }

    #[test]
    fn privacy_records_round_trip_and_name_no_one() {
        let c = consent();
        assert_eq!(ConsentEntry::from_json(&c.to_json()).unwrap(), c);
        let r = request();
        assert_eq!(SubjectRequest::from_json(&r.to_json()).unwrap(), r);
        let p = policy();
        assert_eq!(RetentionPolicy::from_json(&p.to_json()).unwrap(), p);
        // Only the consent's free-text source may hold personal data.
        for (key, class) in SubjectRequest::FIELD_CLASSES
            .iter()
            .chain(RetentionPolicy::FIELD_CLASSES)
        {
            assert_eq!(*class, crate::class::DataClass::Public, "{key}");
        }
        assert!(crate::privacy::NAMESPACES.contains(&RetentionPolicy::NAMESPACE));
    }

    #[test]
    fn disabled_policies_give_no_rule_and_old_policies_load_enabled() {
        let mut off = policy();
        off.enabled = false;
        assert_eq!(enabled_rules(&[policy(), off]), vec![policy().rule()]);
        let json = br#"{"id":"00000000-0000-0000-0000-000000000008","record_type":"contact",
            "condition":{"when":"inactive_for_months","months":24},"action":"anonymise","created_ms":9}"#;
        assert!(RetentionPolicy::from_json(json).unwrap().enabled);
    }
}
