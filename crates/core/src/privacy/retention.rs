//! Retention rules: which records have been kept long enough, and what to
//! do with them. The app gathers each record's facts ([`RecordFacts`]),
//! calls [`preview`] and shows the list before anything is changed; the
//! user confirms, then the app anonymises ([`super::anonymise`]) or erases
//! (keyring erasure plus an [`super::erasure::ErasureTombstone`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::date::{CivilDate, DAY_MS};

/// What a rule does to a matching record. `Erase` is the stronger one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    Anonymise,
    Erase,
}

/// When a rule fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "when")]
pub enum RetentionCondition {
    /// No activity (or, with none, since creation) for this many calendar months.
    InactiveForMonths { months: u32 },
    /// Every consent the person gave was withdrawn this many days ago.
    ConsentWithdrawnForDays { days: u32 },
    /// Created this many calendar months ago, whatever happened since.
    OlderThanMonths { months: u32 },
}

impl RetentionCondition {
    /// Whether the condition can hold for records of `record_type`: consent
    /// is recorded for contacts only.
    pub fn applies_to(self, record_type: &str) -> bool {
        record_type == crate::record::CONTACT_NAMESPACE
            || !matches!(self, RetentionCondition::ConsentWithdrawnForDays { .. })
    }
}

/// One rule for one record type (`"contact"`, `"lead"`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRule {
    pub record_type: String,
    pub condition: RetentionCondition,
    pub action: RetentionAction,
}

/// The consent summary a rule needs (from [`super::ConsentLedger`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConsentFact {
    /// Never asked, or no ledger.
    #[default]
    None,
    /// At least one purpose currently consented.
    Given,
    /// Everything withdrawn; the last withdrawal at this time (unix ms).
    AllWithdrawn { at_ms: i64 },
}

impl ConsentFact {
    /// The summary of a contact's ledger at `now_ms`.
    pub fn from_ledger(ledger: &super::ConsentLedger, now_ms: i64) -> ConsentFact {
        if let Some(at_ms) = ledger.all_withdrawn_since(now_ms) {
            return ConsentFact::AllWithdrawn { at_ms };
        }
        if ledger.history().iter().any(|e| e.at_ms <= now_ms) {
            ConsentFact::Given
        } else {
            ConsentFact::None
        }
    }
}

/// What retention needs to know about one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordFacts {
    pub record_id: Uuid,
    pub record_type: String,
    pub created_ms: i64,
    /// Last activity, edit, deal or message (unix ms).
    pub last_activity_ms: Option<i64>,
    pub consent: ConsentFact,
    /// Restricted records and records under a legal hold are never touched.
    pub on_hold: bool,
    /// Already anonymised records only qualify for erasure.
    pub anonymised: bool,
}

/// Why a record is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetentionReason {
    InactiveSince { since_ms: i64, months: u32 },
    ConsentWithdrawn { at_ms: i64, days: u32 },
    CreatedLongAgo { created_ms: i64, months: u32 },
}

/// One line of the preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionCandidate {
    pub record_id: Uuid,
    pub record_type: String,
    pub action: RetentionAction,
    pub reason: RetentionReason,
}

/// The records the rules select at `now_ms`, one line per record with the
/// strongest action any rule gives it (erasure over anonymisation, then the
/// first rule listed), in the order the facts came in. Months are calendar
/// months in UTC.
pub fn preview(
    rules: &[RetentionRule],
    facts: &[RecordFacts],
    now_ms: i64,
) -> Vec<RetentionCandidate> {
    // A clock outside years 1–9999 is broken: nothing is due.
    let Ok(today) = CivilDate::from_unix_ms(now_ms, 0) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for fact in facts.iter().filter(|f| !f.on_hold) {
        let mut best: Option<(RetentionAction, RetentionReason)> = None;
        for rule in rules.iter().filter(|r| r.record_type == fact.record_type) {
            if fact.anonymised && rule.action == RetentionAction::Anonymise {
                continue;
            }
            let Some(reason) = matches(rule.condition, fact, today, now_ms) else {
                continue;
            };
            if best.is_none_or(|(action, _)| rule.action > action) {
                best = Some((rule.action, reason));
            }
        }
        if let Some((action, reason)) = best {
            out.push(RetentionCandidate {
                record_id: fact.record_id,
                record_type: fact.record_type.clone(),
                action,
                reason,
            });
        }
    }
    out
}

fn matches(
    condition: RetentionCondition,
    fact: &RecordFacts,
    today: CivilDate,
    now_ms: i64,
) -> Option<RetentionReason> {
    // A time outside years 1–9999, or a period ending after 9999, has not
    // passed yet.
    let months_since = |ms: i64, months: u32| {
        CivilDate::from_unix_ms(ms, 0)
            .ok()
            .and_then(|d| d.add_months(months))
            .is_some_and(|d| d <= today)
    };
    match condition {
        RetentionCondition::InactiveForMonths { months } => {
            let since_ms = fact
                .last_activity_ms
                .unwrap_or(fact.created_ms)
                .max(fact.created_ms);
            months_since(since_ms, months)
                .then_some(RetentionReason::InactiveSince { since_ms, months })
        }
        RetentionCondition::ConsentWithdrawnForDays { days } => match fact.consent {
            ConsentFact::AllWithdrawn { at_ms } if now_ms - at_ms >= i64::from(days) * DAY_MS => {
                Some(RetentionReason::ConsentWithdrawn { at_ms, days })
            }
            _ => None,
        },
        RetentionCondition::OlderThanMonths { months } => months_since(fact.created_ms, months)
            .then_some(RetentionReason::CreatedLongAgo {
                created_ms: fact.created_ms,
                months,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(y: u16, m: u8, d: u8) -> i64 {
        CivilDate::from_ymd(y, m, d)
            .unwrap()
            .start_unix_ms(0)
            .unwrap()
    }

    fn fact(n: u128, record_type: &str, last: Option<i64>) -> RecordFacts {
        RecordFacts {
            record_id: Uuid::from_u128(n),
            record_type: record_type.into(),
            created_ms: ms(2020, 1, 1),
            last_activity_ms: last,
            consent: ConsentFact::None,
            on_hold: false,
            anonymised: false,
        }
    }

    fn rules() -> Vec<RetentionRule> {
        vec![
            RetentionRule {
                record_type: "lead".into(),
                condition: RetentionCondition::InactiveForMonths { months: 12 },
                action: RetentionAction::Erase,
            },
            RetentionRule {
                record_type: "contact".into(),
                condition: RetentionCondition::InactiveForMonths { months: 24 },
                action: RetentionAction::Anonymise,
            },
            RetentionRule {
                record_type: "contact".into(),
                condition: RetentionCondition::ConsentWithdrawnForDays { days: 30 },
                action: RetentionAction::Erase,
            },
        ]
    }

    #[test]
    fn consent_conditions_apply_to_contacts_only() {
        let withdrawn = RetentionCondition::ConsentWithdrawnForDays { days: 30 };
        let idle = RetentionCondition::InactiveForMonths { months: 24 };
        assert!(withdrawn.applies_to("contact"));
        assert!(!withdrawn.applies_to("ticket"));
        assert!(idle.applies_to("ticket") && idle.applies_to("activity"));
    }

    #[test]
    fn inactivity_is_counted_in_calendar_months() {
        let now = ms(2025, 2, 28) + 3_600_000;
        let facts = [
            fact(1, "lead", Some(ms(2024, 2, 29))), // 12 months on 2025-02-28: due
            fact(2, "lead", Some(ms(2024, 3, 1))),  // not yet
            fact(3, "contact", Some(ms(2023, 2, 28))), // 24 months: anonymise
            fact(4, "contact", Some(ms(2023, 3, 1))),
            fact(5, "deal", None), // no rule for deals
            fact(6, "lead", None), // no activity: from creation
        ];
        let got: Vec<(u128, RetentionAction)> = preview(&rules(), &facts, now)
            .into_iter()
            .map(|c| (c.record_id.as_u128(), c.action))
            .collect();
        assert_eq!(
            got,
            [
                (1, RetentionAction::Erase),
                (3, RetentionAction::Anonymise),
                (6, RetentionAction::Erase)
            ]
        );
    }

    #[test]
    fn withdrawn_consent_leads_to_erasure_which_beats_anonymisation() {
        let now = ms(2026, 1, 1);
        let mut withdrawn = fact(1, "contact", Some(ms(2020, 1, 1)));
        withdrawn.consent = ConsentFact::AllWithdrawn {
            at_ms: now - 30 * DAY_MS,
        };
        let mut recent = fact(2, "contact", Some(now));
        recent.consent = ConsentFact::AllWithdrawn {
            at_ms: now - 29 * DAY_MS,
        };
        let mut given = fact(3, "contact", Some(now));
        given.consent = ConsentFact::Given;
        let out = preview(&rules(), &[withdrawn, recent, given], now);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].action, RetentionAction::Erase);
        assert_eq!(
            out[0].reason,
            RetentionReason::ConsentWithdrawn {
                at_ms: now - 30 * DAY_MS,
                days: 30
            }
        );
    }

    #[test]
    fn consent_facts_come_from_the_ledger() {
        use crate::privacy::consent::*;
        let contact = Uuid::from_u128(1);
        let entry = |n: u128, decision, at_ms| ConsentEntry {
            id: Uuid::from_u128(n),
            contact_id: contact,
            purpose: Purpose::MarketingEmail,
            basis: LawfulBasis::Consent,
            decision,
            source: "form".into(),
            at_ms,
            recorded_by: Actor {
                user_id: Uuid::from_u128(2),
                device_id: Uuid::from_u128(3),
            },
            recorded_ms: at_ms,
        };
        let ledger = ConsentLedger::from_entries(
            contact,
            [
                entry(10, ConsentDecision::Given, 100),
                entry(11, ConsentDecision::Withdrawn, 200),
            ],
        )
        .unwrap();
        assert_eq!(ConsentFact::from_ledger(&ledger, 50), ConsentFact::None);
        assert_eq!(ConsentFact::from_ledger(&ledger, 150), ConsentFact::Given);
        assert_eq!(
            ConsentFact::from_ledger(&ledger, 250),
            ConsentFact::AllWithdrawn { at_ms: 200 }
        );
    }

    #[test]
    fn held_and_already_anonymised_records_are_spared() {
        let now = ms(2026, 1, 1);
        let mut held = fact(1, "lead", None);
        held.on_hold = true;
        let mut anonymised = fact(2, "contact", None);
        anonymised.anonymised = true;
        assert!(preview(&rules(), &[held, anonymised.clone()], now).is_empty());
        let mut erase_old = rules();
        erase_old.push(RetentionRule {
            record_type: "contact".into(),
            condition: RetentionCondition::OlderThanMonths { months: 60 },
            action: RetentionAction::Erase,
        });
        let out = preview(&erase_old, &[anonymised], now);
        assert_eq!(out[0].action, RetentionAction::Erase);
    }
}
