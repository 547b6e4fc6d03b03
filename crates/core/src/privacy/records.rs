//! The privacy module's stored record types: which namespace each lives in
//! and how sensitive each of its fields is. None of them holds a name or an
//! address: they point at contacts by id.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::{CONSENT_NAMESPACE, ConsentEntry};
use super::request::{ClockRule, DeadlineRules, Period, REQUEST_NAMESPACE, SubjectRequest};
use super::retention::{RetentionAction, RetentionCondition, RetentionRule};
use crate::record::impl_record;

/// Record namespace of retention policies.
pub const RETENTION_NAMESPACE: &str = "retention_rule";
/// Record namespace of the one [`PrivacySettings`] record.
pub const PRIVACY_SETTINGS_NAMESPACE: &str = "privacy_settings";
/// The id of the vault's [`PrivacySettings`]: fixed, so every device edits
/// the same record ("privacy settings" in ASCII).
pub const PRIVACY_SETTINGS_ID: Uuid = Uuid::from_u128(0x7072_6976_6163_7920_7365_7474_696e_6773);

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

/// Privacy settings shared by every device of the vault: the response
/// clocks of data-subject requests (PIPL's is the user's choice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    pub id: Uuid,
    pub deadlines: DeadlineRules,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            id: PRIVACY_SETTINGS_ID,
            deadlines: DeadlineRules::default(),
        }
    }
}

impl PrivacySettings {
    /// The PIPL clock in working days, when it is counted in working days.
    pub fn pipl_working_days(&self) -> Option<u32> {
        match self.deadlines.pipl.base {
            Period::WorkingDays(n) => Some(n),
            _ => None,
        }
    }

    /// Sets the PIPL clock to `days` working days (1..=90), with an
    /// extension of as many again.
    pub fn set_pipl_working_days(&mut self, days: u32) {
        let days = days.clamp(1, 90);
        self.deadlines.pipl = ClockRule {
            base: Period::WorkingDays(days),
            max_extension: Some(Period::WorkingDays(days)),
        };
    }
}

impl_record!(PrivacySettings, PRIVACY_SETTINGS_NAMESPACE, {
    id: Public,
    deadlines: Public,
});

/// The register as listed: open requests first, most urgent (earliest
/// deadline) first, then closed ones by deadline.
pub fn register_order(requests: &mut [SubjectRequest], rules: &DeadlineRules) {
    requests.sort_by_key(|r| (r.status.is_closed(), r.deadline(rules), r.received_on, r.id));
}

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
        assert_fields_classified(&PrivacySettings::default());
    }

    #[test]
    fn pipl_clock_is_configurable_and_bounded() {
        let mut settings = PrivacySettings::default();
        assert_eq!(settings.pipl_working_days(), Some(15));
        settings.set_pipl_working_days(10);
        assert_eq!(settings.pipl_working_days(), Some(10));
        settings.set_pipl_working_days(0);
        assert_eq!(settings.pipl_working_days(), Some(1));
        let mut r = request();
        r.jurisdiction = Jurisdiction::Pipl;
        // Received Saturday 2026-01-31: one working day later is Monday.
        assert_eq!(
            r.deadline(&settings.deadlines),
            CivilDate::from_ymd(2026, 2, 2).unwrap()
        );
        assert_eq!(
            PrivacySettings::from_json(&settings.to_json()).unwrap(),
            settings
        );
    }

    #[test]
    fn open_requests_come_first_by_deadline() {
        let rules = DeadlineRules::default();
        let mut late = request();
        late.id = Uuid::from_u128(20);
        late.received_on = CivilDate::from_ymd(2026, 3, 1).unwrap();
        let mut ccpa = request();
        ccpa.id = Uuid::from_u128(21);
        ccpa.jurisdiction = Jurisdiction::Ccpa; // 2026-03-17, after the GDPR one
        let mut closed = request();
        closed.id = Uuid::from_u128(22);
        closed.status = RequestStatus::Completed;
        let mut list = vec![late, closed, ccpa, request()];
        register_order(&mut list, &rules);
        let ids: Vec<u128> = list.iter().map(|r| r.id.as_u128()).collect();
        assert_eq!(ids, [7, 21, 20, 22]);
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
