//! Privacy and security controls for GDPR, CCPA and PIPL, as data and pure
//! rules. Everything here is part of the domain model: stored as records,
//! encrypted and synced like contacts, and decided by the same code that
//! search, export and sync use.
//!
//! - [`calendar`]: working days with holidays and make-up days (dates and
//!   month arithmetic are [`crate::date::CivilDate`]'s).
//! - [`consent`]: the append-only consent ledger ([`ConsentEntry`],
//!   [`ConsentLedger::has_consent`]).
//! - [`request`]: the data-subject request register and its deadlines
//!   ([`SubjectRequest::deadline`], [`SubjectRequest::urgency`]).
//! - [`restriction`]: what a restricted record may be used for ([`decide`]).
//! - [`retention`]: which records to anonymise or erase ([`retention::preview`]).
//! - [`anonymise`]: irreversible anonymisation of a contact's JSON, and the
//!   contact field → [`crate::DataClass`] table.
//! - [`mask`]: masked forms for lists (`"••••1234"`).
//! - [`erasure`]: erasure tombstones.
//! - [`listing`]: what search, exports and retention see of a contact
//!   (restriction and consent filters, retention facts).
//! - [`records`]: the stored privacy record types and their field classes.
//! - [`audit`]: the per-device, hash-chained, signed audit log and its
//!   verifier, which names where a chain breaks.
//! - [`breach`]: the breach register, the 72-hour clock and notification
//!   drafts in English and Simplified Chinese.
//! - [`processing`]: the GDPR art. 30 register of processing activities,
//!   exported as CSV or JSON.
//! - [`access`]: one person's access package (art. 15 and 20): a zip with
//!   `person.json`, guarded CSVs and a bilingual README.
//!
//! Signatures: this crate does not depend on `coffer-crypto`. The audit
//! log takes an [`audit::AuditSigner`] and an [`audit::AuditVerifier`]
//! (closures work), which the app implements with
//! `coffer_crypto::DeviceSigningKey` and `DeviceVerifyingKey` (Ed25519).

pub mod access;
pub mod anonymise;
pub mod audit;
pub mod breach;
pub mod calendar;
pub mod consent;
pub mod erasure;
pub mod listing;
pub mod mask;
pub mod processing;
pub mod records;
pub mod request;
pub mod restriction;
pub mod retention;
pub mod security_settings;

/// Every record namespace this module stores, each a record type of its own
/// (listed in [`crate::record::ALL_NAMESPACES`] too).
pub const NAMESPACES: [&str; 8] = [
    consent::CONSENT_NAMESPACE,
    request::REQUEST_NAMESPACE,
    erasure::TOMBSTONE_NAMESPACE,
    audit::AUDIT_NAMESPACE,
    breach::BREACH_NAMESPACE,
    processing::PROCESSING_NAMESPACE,
    records::RETENTION_NAMESPACE,
    records::PRIVACY_SETTINGS_NAMESPACE,
];

pub use anonymise::{AnonymiseError, Anonymised, anonymise_contact, contact_field_class};
pub use calendar::WorkingCalendar;
pub use consent::{
    Actor, ConsentDecision, ConsentEntry, ConsentError, ConsentLedger, LawfulBasis, Purpose,
};
pub use erasure::{ErasureCause, ErasureTombstone};
pub use listing::{ContactFilter, STANDARD_PURPOSES, purpose_code, purpose_from_code};
pub use records::{PrivacySettings, RETENTION_NAMESPACE, RetentionPolicy};
pub use request::{DeadlineRules, Jurisdiction, RequestKind, SubjectRequest, Urgency};
pub use restriction::{Decision, Inclusion, Operation, Restriction, decide};
pub use retention::{RecordFacts, RetentionAction, RetentionCandidate, RetentionRule};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_valid_distinct_and_known() {
        let all = crate::record::ALL_NAMESPACES;
        let mut unique = all.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
        for ns in NAMESPACES {
            assert!(all.contains(&ns), "{ns}");
            assert!((1..=32).contains(&ns.len()), "{ns}");
            assert!(
                ns.bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-')),
                "{ns}"
            );
        }
    }
}
