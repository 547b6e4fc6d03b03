//! What lists, searches, exports and retention see of a contact once its
//! privacy state is taken into account: restriction ([`super::decide`])
//! and consent ([`ConsentLedger`]) per contact.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::consent::{ConsentEntry, ConsentLedger, Purpose};
use super::restriction::{Decision, Inclusion, Operation, decide};
use super::retention::{ConsentFact, RecordFacts};
use crate::activity::Activity;
use crate::contact::Contact;
use crate::record::{ACTIVITY_NAMESPACE, TICKET_NAMESPACE};
use crate::ticket::Ticket;

/// The purposes the app offers by name, in the order it lists them.
pub const STANDARD_PURPOSES: [Purpose; 5] = [
    Purpose::MarketingEmail,
    Purpose::MarketingPhone,
    Purpose::Profiling,
    Purpose::ThirdPartySharing,
    Purpose::CrossBorderTransfer,
];

/// A stable code for a purpose, for form values (`"marketing_email"`,
/// `"custom:newsletter-de"`).
pub fn purpose_code(purpose: &Purpose) -> String {
    match purpose {
        Purpose::MarketingEmail => "marketing_email".into(),
        Purpose::MarketingPhone => "marketing_phone".into(),
        Purpose::Profiling => "profiling".into(),
        Purpose::ThirdPartySharing => "third_party_sharing".into(),
        Purpose::CrossBorderTransfer => "cross_border_transfer".into(),
        Purpose::Custom(code) => format!("custom:{code}"),
    }
}

/// The purpose a [`purpose_code`] stands for.
pub fn purpose_from_code(code: &str) -> Option<Purpose> {
    if let Some(custom) = code.strip_prefix("custom:") {
        return (!custom.is_empty()).then(|| Purpose::Custom(custom.to_owned()));
    }
    STANDARD_PURPOSES
        .iter()
        .find(|p| purpose_code(p) == code)
        .cloned()
}

/// Every contact's consent ledger, from all stored entries. An entry that
/// contradicts an earlier one with the same id (history rewritten) is left
/// out: the first version read stands.
pub fn ledgers(entries: impl IntoIterator<Item = ConsentEntry>) -> HashMap<Uuid, ConsentLedger> {
    let mut out: HashMap<Uuid, ConsentLedger> = HashMap::new();
    for entry in entries {
        let _ = out
            .entry(entry.contact_id)
            .or_insert_with(|| ConsentLedger::new(entry.contact_id))
            .append(entry);
    }
    out
}

/// A list's privacy filter: whether restricted contacts are asked for, and
/// a purpose every listed contact must have consented to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub inclusion: Inclusion,
    pub consent: Option<Purpose>,
}

impl ContactFilter {
    /// Whether `contact` may take part in `op` (search, export, bulk
    /// action) under this filter at `now_ms`.
    pub fn admits(
        &self,
        op: Operation,
        contact: &Contact,
        ledger: Option<&ConsentLedger>,
        now_ms: i64,
    ) -> bool {
        if decide(contact.restriction.as_ref(), op, self.inclusion) == Decision::Denied {
            return false;
        }
        match &self.consent {
            None => true,
            Some(purpose) => ledger.is_some_and(|l| l.has_consent(purpose, now_ms)),
        }
    }

    /// Whether the filter leaves everything in (no work to do).
    pub fn is_open(&self) -> bool {
        self.consent.is_none() && self.inclusion == Inclusion::IncludeRestricted
    }
}

/// The latest activity (start time) linked to each contact.
pub fn last_activity_by_contact(activities: &[Activity]) -> HashMap<Uuid, i64> {
    let mut out: HashMap<Uuid, i64> = HashMap::new();
    for a in activities {
        for id in &a.contact_ids {
            let latest = out.entry(*id).or_insert(a.start_ms);
            *latest = (*latest).max(a.start_ms);
        }
    }
    out
}

/// What retention needs to know about a contact: its last activity is its
/// latest linked activity or its last edit, whichever is later; restricted
/// contacts are on hold.
pub fn contact_facts(
    contact: &Contact,
    ledger: Option<&ConsentLedger>,
    last_activity_ms: Option<i64>,
    now_ms: i64,
) -> RecordFacts {
    let edited = (contact.updated_ms > 0).then_some(contact.updated_ms);
    RecordFacts {
        record_id: contact.id,
        record_type: crate::record::CONTACT_NAMESPACE.to_owned(),
        created_ms: contact.created_ms,
        last_activity_ms: last_activity_ms.max(edited),
        consent: ledger.map_or(ConsentFact::None, |l| ConsentFact::from_ledger(l, now_ms)),
        on_hold: contact.restriction.is_some(),
        anonymised: contact.anonymised_ms.is_some(),
    }
}

/// What retention needs to know about a ticket: its last activity is its
/// last change; a ticket still being worked on (new, open, pending) or
/// raised by a restricted contact is on hold.
pub fn ticket_facts(ticket: &Ticket, restricted: &HashSet<Uuid>) -> RecordFacts {
    RecordFacts {
        record_id: ticket.id,
        record_type: TICKET_NAMESPACE.to_owned(),
        created_ms: ticket.created_ms,
        last_activity_ms: Some(ticket.updated_ms.max(ticket.created_ms)),
        consent: ConsentFact::None,
        on_hold: ticket.status.current.is_active()
            || ticket.contact_id.is_some_and(|c| restricted.contains(&c)),
        anonymised: ticket.anonymised_ms.is_some(),
    }
}

/// What retention needs to know about an activity: it happened at its
/// start (or its last edit, if later); one involving a restricted contact is
/// on hold.
pub fn activity_facts(activity: &Activity, restricted: &HashSet<Uuid>) -> RecordFacts {
    RecordFacts {
        record_id: activity.id,
        record_type: ACTIVITY_NAMESPACE.to_owned(),
        created_ms: activity.created_ms,
        last_activity_ms: Some(activity.start_ms.max(activity.updated_ms)),
        consent: ConsentFact::None,
        on_hold: activity.contact_ids.iter().any(|c| restricted.contains(c)),
        anonymised: activity.anonymised_ms.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::consent::{Actor, ConsentDecision, LawfulBasis};
    use crate::privacy::restriction::Restriction;

    const ACTOR: Actor = Actor {
        user_id: Uuid::from_u128(1),
        device_id: Uuid::from_u128(2),
    };

    fn entry(n: u128, contact: u128, decision: ConsentDecision, at_ms: i64) -> ConsentEntry {
        ConsentEntry {
            id: Uuid::from_u128(n),
            contact_id: Uuid::from_u128(contact),
            purpose: Purpose::MarketingEmail,
            basis: LawfulBasis::Consent,
            decision,
            source: "form".into(),
            at_ms,
            recorded_by: ACTOR,
            recorded_ms: at_ms,
        }
    }

    fn contact(n: u128) -> Contact {
        Contact::new(Uuid::from_u128(n), 10)
    }

    fn restricted(n: u128) -> Contact {
        let mut c = contact(n);
        c.restriction = Some(Restriction {
            since_ms: 20,
            request_id: None,
            reason_code: "accuracy_contested".into(),
            set_by: ACTOR,
        });
        c
    }

    #[test]
    fn purpose_codes_round_trip() {
        for p in STANDARD_PURPOSES
            .iter()
            .cloned()
            .chain([Purpose::Custom("newsletter-de".into())])
        {
            assert_eq!(purpose_from_code(&purpose_code(&p)), Some(p));
        }
        assert_eq!(purpose_from_code("custom:"), None);
        assert_eq!(purpose_from_code("spam"), None);
    }

    #[test]
    fn restricted_contacts_are_left_out_unless_asked_for_and_never_bulk_edited() {
        let open = ContactFilter::default();
        let with_restricted = ContactFilter {
            inclusion: Inclusion::IncludeRestricted,
            consent: None,
        };
        assert!(open.admits(Operation::Search, &contact(1), None, 0));
        assert!(!open.admits(Operation::Search, &restricted(1), None, 0));
        assert!(!open.admits(Operation::Export, &restricted(1), None, 0));
        assert!(with_restricted.admits(Operation::Search, &restricted(1), None, 0));
        assert!(!with_restricted.admits(Operation::BulkAction, &restricted(1), None, 0));
        assert!(with_restricted.is_open() && !open.is_open());
    }

    #[test]
    fn a_consent_filter_keeps_only_contacts_who_consent_now() {
        use ConsentDecision::*;
        let all = ledgers([
            entry(10, 1, Given, 100),
            entry(11, 2, Given, 100),
            entry(12, 2, Withdrawn, 200),
        ]);
        let filter = ContactFilter {
            inclusion: Inclusion::Default,
            consent: Some(Purpose::MarketingEmail),
        };
        let admits = |n: u128, at| {
            filter.admits(
                Operation::Export,
                &contact(n),
                all.get(&Uuid::from_u128(n)),
                at,
            )
        };
        assert!(admits(1, 300));
        assert!(admits(2, 150));
        assert!(!admits(2, 300));
        assert!(!admits(3, 300)); // no ledger: never asked
    }

    #[test]
    fn a_rewritten_entry_does_not_replace_the_first() {
        let mut edited = entry(10, 1, ConsentDecision::Withdrawn, 100);
        edited.source = "edited".into();
        let all = ledgers([entry(10, 1, ConsentDecision::Given, 100), edited]);
        assert!(all[&Uuid::from_u128(1)].has_consent(&Purpose::MarketingEmail, 100));
    }

    #[test]
    fn closed_tickets_and_past_activities_are_kept_for_their_time_then_anonymised() {
        use crate::privacy::anonymise::anonymise_record;
        use crate::privacy::retention::{
            RetentionAction, RetentionCondition, RetentionRule, preview,
        };
        use crate::ticket::TicketStatus;
        const MONTH: i64 = 31 * 86_400_000;
        let now = 40 * 12 * MONTH;
        let ticket = |n: u128, status: TicketStatus, contact: u128| {
            let mut t = Ticket::new(
                Uuid::from_u128(n),
                format!("Refund for order {n}"),
                now - 14 * MONTH,
            );
            t.description = "Card ending 4242".into();
            t.contact_id = Some(Uuid::from_u128(contact));
            t.status.current = status;
            t
        };
        let closed = ticket(1, TicketStatus::Closed, 100);
        let open = ticket(2, TicketStatus::Open, 100);
        let held = ticket(3, TicketStatus::Resolved, 200);
        let call = Activity {
            id: Uuid::from_u128(4),
            subject: "Call about the refund".into(),
            contact_ids: vec![Uuid::from_u128(100)],
            start_ms: now - 13 * MONTH,
            created_ms: now - 13 * MONTH,
            ..Activity::default()
        };
        let recent = Activity {
            id: Uuid::from_u128(5),
            start_ms: now - MONTH,
            ..call.clone()
        };
        let restricted = HashSet::from([Uuid::from_u128(200)]);
        let mut facts: Vec<RecordFacts> = [&closed, &open, &held]
            .into_iter()
            .map(|t| ticket_facts(t, &restricted))
            .collect();
        facts.extend([&call, &recent].map(|a| activity_facts(a, &restricted)));
        let rules = [TICKET_NAMESPACE, ACTIVITY_NAMESPACE].map(|record_type| RetentionRule {
            record_type: record_type.into(),
            condition: RetentionCondition::InactiveForMonths { months: 12 },
            action: RetentionAction::Anonymise,
        });
        let due: Vec<Uuid> = preview(&rules, &facts, now)
            .iter()
            .map(|c| c.record_id)
            .collect();
        assert_eq!(due, [closed.id, call.id]);

        let anon = anonymise_record(&closed, now).unwrap();
        assert_eq!(
            (anon.id, anon.status.current, anon.created_ms),
            (closed.id, TicketStatus::Closed, closed.created_ms)
        );
        assert_eq!(
            (
                anon.subject.as_str(),
                anon.description.as_str(),
                anon.contact_id
            ),
            ("", "", None)
        );
        assert_eq!(anon.anonymised_ms, Some(now));
        // Once anonymised, only an erasure rule still selects it.
        let facts = [ticket_facts(&anon, &restricted)];
        assert!(preview(&rules, &facts, now).is_empty());
        let erase = [RetentionRule {
            action: RetentionAction::Erase,
            ..rules[0].clone()
        }];
        assert_eq!(preview(&erase, &facts, now).len(), 1);
    }

    #[test]
    fn facts_take_the_latest_activity_and_hold_restricted_contacts() {
        let mut c = restricted(1);
        c.updated_ms = 50;
        let a = Activity {
            contact_ids: vec![Uuid::from_u128(1)],
            start_ms: 70,
            ..Activity::default()
        };
        let latest = last_activity_by_contact(&[a]);
        let facts = contact_facts(&c, None, latest.get(&c.id).copied(), 100);
        assert_eq!(facts.last_activity_ms, Some(70));
        assert!(facts.on_hold);
        assert!(!facts.anonymised);
        assert_eq!(facts.record_type, "contact");
        assert_eq!(
            contact_facts(&contact(2), None, None, 100).last_activity_ms,
            Some(10)
        );
    }
}
