//! The consent ledger: every consent decision a contact made, kept for ever.
//!
//! Each [`ConsentEntry`] is its own record (namespace [`CONSENT_NAMESPACE`],
//! its own random id) and is never edited: a change of mind is a new entry.
//! That is what makes the ledger merge cleanly across devices (records are
//! merged per top-level field, so one record holding a growing list would
//! lose concurrent appends) and what proves, later, what was true when.
//! A [`ConsentLedger`] is built from one contact's entries and answers
//! "may we do P at time t?".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Record namespace of consent entries.
pub const CONSENT_NAMESPACE: &str = "consent";

/// What the personal data is used for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    MarketingEmail,
    MarketingPhone,
    Profiling,
    ThirdPartySharing,
    /// Transfer outside the jurisdiction (PIPL art. 39 asks for separate consent).
    CrossBorderTransfer,
    /// A purpose the user defines, by a stable code (`"newsletter-de"`).
    Custom(String),
}

/// GDPR art. 6(1) lawful bases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

/// Whether the entry grants or takes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentDecision {
    Given,
    Withdrawn,
}

/// Who recorded something: the signed-in user and the device they used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Uuid,
    pub device_id: Uuid,
}

/// One decision, immutable once written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    /// Random id of this entry (its record id).
    pub id: Uuid,
    pub contact_id: Uuid,
    pub purpose: Purpose,
    pub basis: LawfulBasis,
    pub decision: ConsentDecision,
    /// Where it came from: `"web-form:2026-spring"`, `"phone call"`, ...
    pub source: String,
    /// When the person decided (unix ms), which may be before it was recorded.
    pub at_ms: i64,
    pub recorded_by: Actor,
    /// When it was typed in (unix ms).
    pub recorded_ms: i64,
}

/// Why an entry does not belong in a ledger.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("consent entry {entry} is for contact {found}, not {expected}")]
    OtherContact {
        entry: Uuid,
        expected: Uuid,
        found: Uuid,
    },
    /// The same id with different content: someone edited history.
    #[error("consent entry {0} already exists with different content; entries are never edited")]
    Rewritten(Uuid),
    #[error("a consent entry of contact {0} has no id")]
    MissingId(Uuid),
}

/// One contact's consent history, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentLedger {
    contact_id: Uuid,
    /// Keyed by entry id; sorted views are built on demand.
    entries: BTreeMap<Uuid, ConsentEntry>,
}

impl ConsentLedger {
    pub fn new(contact_id: Uuid) -> ConsentLedger {
        ConsentLedger {
            contact_id,
            entries: BTreeMap::new(),
        }
    }

    /// Builds a ledger from stored entries (any order, duplicates allowed).
    pub fn from_entries(
        contact_id: Uuid,
        entries: impl IntoIterator<Item = ConsentEntry>,
    ) -> Result<ConsentLedger, ConsentError> {
        let mut ledger = ConsentLedger::new(contact_id);
        for entry in entries {
            ledger.append(entry)?;
        }
        Ok(ledger)
    }

    pub fn contact_id(&self) -> Uuid {
        self.contact_id
    }

    /// Adds an entry. Re-adding an identical entry (as sync does) is a
    /// no-op; an entry with a known id but other content is refused.
    pub fn append(&mut self, entry: ConsentEntry) -> Result<(), ConsentError> {
        if entry.id.is_nil() {
            return Err(ConsentError::MissingId(entry.contact_id));
        }
        if entry.contact_id != self.contact_id {
            return Err(ConsentError::OtherContact {
                entry: entry.id,
                expected: self.contact_id,
                found: entry.contact_id,
            });
        }
        match self.entries.get(&entry.id) {
            Some(existing) if *existing == entry => Ok(()),
            Some(_) => Err(ConsentError::Rewritten(entry.id)),
            None => {
                self.entries.insert(entry.id, entry);
                Ok(())
            }
        }
    }

    /// Every entry in decision order (time, then withdrawals after grants at
    /// the same instant, then id), for the history view and exports.
    pub fn history(&self) -> Vec<&ConsentEntry> {
        let mut all: Vec<&ConsentEntry> = self.entries.values().collect();
        all.sort_by_key(|e| (e.at_ms, e.decision == ConsentDecision::Withdrawn, e.id));
        all
    }

    /// The entry in force for `purpose` at `at_ms`: the latest decided at or
    /// before then. At the same instant a withdrawal wins over a grant.
    pub fn current(&self, purpose: &Purpose, at_ms: i64) -> Option<&ConsentEntry> {
        self.history()
            .into_iter()
            .rfind(|e| &e.purpose == purpose && e.at_ms <= at_ms)
    }

    /// Whether the person had given *consent* (lawful basis consent) for
    /// `purpose` at `at_ms` and not withdrawn it. The filter for "send the
    /// newsletter only to those who opted in".
    pub fn has_consent(&self, purpose: &Purpose, at_ms: i64) -> bool {
        self.current(purpose, at_ms).is_some_and(|e| {
            e.decision == ConsentDecision::Given && e.basis == LawfulBasis::Consent
        })
    }

    /// Whether processing for `purpose` had any lawful basis at `at_ms`
    /// (consent or another basis recorded as given) and was not withdrawn
    /// or objected to since.
    pub fn may_process(&self, purpose: &Purpose, at_ms: i64) -> bool {
        self.current(purpose, at_ms)
            .is_some_and(|e| e.decision == ConsentDecision::Given)
    }

    /// When consent for any purpose was last withdrawn, if the latest entry
    /// of every purpose the person ever decided on is a withdrawal. Retention
    /// rules use it ("erase N days after all consent was withdrawn").
    pub fn all_withdrawn_since(&self, at_ms: i64) -> Option<i64> {
        let mut latest: BTreeMap<&Purpose, &ConsentEntry> = BTreeMap::new();
        for e in self.history().into_iter().filter(|e| e.at_ms <= at_ms) {
            latest.insert(&e.purpose, e);
        }
        if latest.is_empty()
            || latest
                .values()
                .any(|e| e.decision == ConsentDecision::Given)
        {
            return None;
        }
        latest.values().map(|e| e.at_ms).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTACT: Uuid = Uuid::from_u128(0xC0);
    const ACTOR: Actor = Actor {
        user_id: Uuid::from_u128(0xA1),
        device_id: Uuid::from_u128(0xD1),
    };

    fn entry(n: u128, purpose: Purpose, decision: ConsentDecision, at_ms: i64) -> ConsentEntry {
        ConsentEntry {
            id: Uuid::from_u128(n),
            contact_id: CONTACT,
            purpose,
            basis: LawfulBasis::Consent,
            decision,
            source: "web-form".into(),
            at_ms,
            recorded_by: ACTOR,
            recorded_ms: at_ms,
        }
    }

    #[test]
    fn consent_follows_the_latest_decision_at_each_time() {
        use ConsentDecision::*;
        let ledger = ConsentLedger::from_entries(
            CONTACT,
            [
                entry(3, Purpose::MarketingEmail, Given, 300),
                entry(1, Purpose::MarketingEmail, Given, 100),
                entry(2, Purpose::MarketingEmail, Withdrawn, 200),
            ],
        )
        .unwrap();
        let p = Purpose::MarketingEmail;
        assert!(!ledger.has_consent(&p, 99));
        assert!(ledger.has_consent(&p, 100));
        assert!(ledger.has_consent(&p, 199));
        assert!(!ledger.has_consent(&p, 200));
        assert!(ledger.has_consent(&p, 300));
        assert!(!ledger.has_consent(&Purpose::Profiling, 300));
        // History is kept whole, in order.
        let ids: Vec<u128> = ledger.history().iter().map(|e| e.id.as_u128()).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn withdrawal_wins_a_tie_and_other_bases_are_not_consent() {
        use ConsentDecision::*;
        let mut ledger = ConsentLedger::new(CONTACT);
        ledger
            .append(entry(9, Purpose::ThirdPartySharing, Given, 50))
            .unwrap();
        ledger
            .append(entry(1, Purpose::ThirdPartySharing, Withdrawn, 50))
            .unwrap();
        assert!(!ledger.has_consent(&Purpose::ThirdPartySharing, 50));

        let mut contract = entry(5, Purpose::Custom("invoices".into()), Given, 10);
        contract.basis = LawfulBasis::Contract;
        ledger.append(contract).unwrap();
        let invoices = Purpose::Custom("invoices".into());
        assert!(!ledger.has_consent(&invoices, 20));
        assert!(ledger.may_process(&invoices, 20));
    }

    #[test]
    fn entries_are_never_overwritten() {
        let mut ledger = ConsentLedger::new(CONTACT);
        let e = entry(1, Purpose::Profiling, ConsentDecision::Given, 10);
        ledger.append(e.clone()).unwrap();
        ledger.append(e.clone()).unwrap(); // the same entry synced twice
        let mut edited = e;
        edited.decision = ConsentDecision::Withdrawn;
        assert_eq!(
            ledger.append(edited),
            Err(ConsentError::Rewritten(Uuid::from_u128(1)))
        );
        assert!(ledger.has_consent(&Purpose::Profiling, 10));
        let mut other = entry(2, Purpose::Profiling, ConsentDecision::Given, 10);
        other.contact_id = Uuid::from_u128(0xFF);
        assert!(matches!(
            ledger.append(other),
            Err(ConsentError::OtherContact { .. })
        ));
    }

    #[test]
    fn all_withdrawn_reports_the_last_withdrawal() {
        use ConsentDecision::*;
        let ledger = ConsentLedger::from_entries(
            CONTACT,
            [
                entry(1, Purpose::MarketingEmail, Given, 10),
                entry(2, Purpose::MarketingPhone, Given, 20),
                entry(3, Purpose::MarketingEmail, Withdrawn, 30),
                entry(4, Purpose::MarketingPhone, Withdrawn, 40),
            ],
        )
        .unwrap();
        assert_eq!(ledger.all_withdrawn_since(35), None);
        assert_eq!(ledger.all_withdrawn_since(40), Some(40));
        assert_eq!(ConsentLedger::new(CONTACT).all_withdrawn_since(40), None);
    }

    #[test]
    fn entries_round_trip_through_json() {
        let e = entry(
            1,
            Purpose::Custom("newsletter-de".into()),
            ConsentDecision::Given,
            1,
        );
        let json = serde_json::to_string(&e).unwrap();
        assert!(
            json.contains(r#""purpose":{"custom":"newsletter-de"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<ConsentEntry>(&json).unwrap(), e);
    }
}
