//! Record types, used as the namespace bound into each envelope's
//! associated data so a ciphertext of one type can never be opened as
//! another. These strings are part of the stored format: never rename one.
//!
//! [`Record`] ties a record type to its namespace and its JSON plaintext.
//! Each top-level JSON key of a record is merged on its own by sync, so a
//! record's top-level fields are chosen to be units that make sense alone.

use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::class::DataClass;

/// A [`crate::contact::Contact`].
pub const CONTACT_NAMESPACE: &str = "contact";
/// The user's [`crate::settings::Settings`].
pub const SETTINGS_NAMESPACE: &str = "settings";
/// A [`crate::company::Company`].
pub const COMPANY_NAMESPACE: &str = "company";
/// A [`crate::deal::Deal`].
pub const DEAL_NAMESPACE: &str = "deal";
/// A [`crate::pipeline::Pipeline`] and its stages.
pub const PIPELINE_NAMESPACE: &str = "pipeline";
/// An [`crate::activity::Activity`] (call, meeting, email, note).
pub const ACTIVITY_NAMESPACE: &str = "activity";
/// A [`crate::task::Task`].
pub const TASK_NAMESPACE: &str = "task";
/// A [`crate::ticket::Ticket`].
pub const TICKET_NAMESPACE: &str = "ticket";
/// A [`crate::custom_field::CustomFieldDef`].
pub const FIELD_DEF_NAMESPACE: &str = "fielddef";
/// A [`crate::query::SavedView`] (a named table view).
pub const VIEW_NAMESPACE: &str = "view";

/// This device's account session and key bundle (never synced).
pub const ACCOUNT_NAMESPACE: &str = "account";

/// The CRM's own record namespaces (the privacy ones are
/// [`crate::privacy::NAMESPACES`]).
const CRM_NAMESPACES: [&str; 11] = [
    CONTACT_NAMESPACE,
    SETTINGS_NAMESPACE,
    ACCOUNT_NAMESPACE,
    COMPANY_NAMESPACE,
    DEAL_NAMESPACE,
    PIPELINE_NAMESPACE,
    ACTIVITY_NAMESPACE,
    TASK_NAMESPACE,
    TICKET_NAMESPACE,
    FIELD_DEF_NAMESPACE,
    VIEW_NAMESPACE,
];

/// Every namespace this version knows: the CRM's records, then the privacy
/// module's (consent, requests, tombstones, audit, breaches, processing).
pub const ALL_NAMESPACES: [&str; CRM_NAMESPACES.len() + crate::privacy::NAMESPACES.len()] = {
    let privacy = crate::privacy::NAMESPACES;
    let mut all = [""; CRM_NAMESPACES.len() + crate::privacy::NAMESPACES.len()];
    let mut i = 0;
    while i < CRM_NAMESPACES.len() {
        all[i] = CRM_NAMESPACES[i];
        i += 1;
    }
    while i < all.len() {
        all[i] = privacy[i - CRM_NAMESPACES.len()];
        i += 1;
    }
    all
};

/// A record could not be read back from its JSON plaintext.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("record JSON is malformed: {0}")]
    Json(String),
    /// Ids are never derived from content, so a record without one cannot
    /// be tied back to its envelope.
    #[error("record JSON has no id")]
    MissingId,
}

/// A record type stored in its own envelope under [`Record::NAMESPACE`].
/// Reading tolerates missing fields (they take defaults) and unknown ones
/// (ignored), so JSON from older and newer versions loads.
pub trait Record: Serialize + DeserializeOwned {
    const NAMESPACE: &'static str;

    /// The [`DataClass`] of each top-level JSON field, for privacy rules and
    /// per-class envelopes. A test per type checks that every field it
    /// writes is listed.
    const FIELD_CLASSES: &'static [(&'static str, DataClass)];

    /// The class of top-level field `key`. Fields this version does not
    /// know (written by a newer one) count as sensitive, to be safe.
    fn field_class(key: &str) -> DataClass {
        Self::FIELD_CLASSES
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(DataClass::Sensitive, |&(_, c)| c)
    }

    fn id(&self) -> Uuid;

    /// The plaintext form that gets encrypted.
    fn to_json(&self) -> Vec<u8> {
        // Cannot fail: records hold strings, numbers, UUIDs, JSON values and
        // maps keyed by UUIDs, which serialise as strings.
        serde_json::to_vec(self).expect("record serialises to JSON")
    }

    fn from_json(bytes: &[u8]) -> Result<Self, LoadError> {
        let record: Self =
            serde_json::from_slice(bytes).map_err(|e| LoadError::Json(e.to_string()))?;
        if record.id().is_nil() {
            return Err(LoadError::MissingId);
        }
        Ok(record)
    }
}

/// Implements [`Record`] for a struct with an `id: Uuid` field, given its
/// namespace and its fields' classes (`name: Class`, as in [`DataClass`]).
macro_rules! impl_record {
    ($t:ty, $ns:expr, { $($key:ident: $class:ident),* $(,)? }) => {
        impl $crate::record::Record for $t {
            const NAMESPACE: &'static str = $ns;
            const FIELD_CLASSES: &'static [(&'static str, $crate::class::DataClass)] =
                &[$((stringify!($key), $crate::class::DataClass::$class)),*];
            fn id(&self) -> ::uuid::Uuid {
                self.id
            }
        }
    };
}
pub(crate) use impl_record;

/// Asserts that every top-level key `record` writes has a class listed,
/// and no class is listed for a key it does not write.
#[cfg(test)]
pub(crate) fn assert_fields_classified<T: Record>(record: &T) {
    let value: serde_json::Value = serde_json::from_slice(&record.to_json()).unwrap();
    let mut written: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut listed: Vec<&str> = T::FIELD_CLASSES.iter().map(|(k, _)| *k).collect();
    written.sort_unstable();
    listed.sort_unstable();
    assert_eq!(written, listed, "{}", T::NAMESPACE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_distinct_and_stable() {
        assert_eq!(
            ALL_NAMESPACES,
            [
                "contact",
                "settings",
                "account",
                "company",
                "deal",
                "pipeline",
                "activity",
                "task",
                "ticket",
                "fielddef",
                "view",
                "consent",
                "privacy_request",
                "tombstone",
                "audit",
                "breach",
                "processing_activity",
                "retention_rule",
                "privacy_settings",
            ]
        );
        let mut unique = ALL_NAMESPACES.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ALL_NAMESPACES.len());
        assert!(
            ALL_NAMESPACES
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
    }

    #[test]
    fn every_written_field_has_a_class() {
        assert_fields_classified(&crate::company::Company::default());
        assert_fields_classified(&crate::pipeline::Pipeline::default());
        assert_fields_classified(&crate::deal::Deal::default());
        assert_fields_classified(&crate::activity::Activity::default());
        assert_fields_classified(&crate::task::Task::default());
        assert_fields_classified(&crate::ticket::Ticket::default());
        assert_fields_classified(&crate::custom_field::CustomFieldDef::default());
        assert_fields_classified(&crate::query::SavedView {
            id: Uuid::from_u128(1),
            name: "Open deals".into(),
            record_type: DEAL_NAMESPACE.into(),
            columns: Vec::new(),
            sort: Vec::new(),
            filter: crate::query::Filter::default(),
        });
    }

    #[test]
    fn money_is_financial_notes_sensitive_and_unknown_fields_sensitive() {
        use crate::deal::Deal;
        assert_eq!(Deal::field_class("amount"), DataClass::Financial);
        assert_eq!(Deal::field_class("notes"), DataClass::Sensitive);
        assert_eq!(Deal::field_class("stage"), DataClass::Public);
        assert_eq!(Deal::field_class("from_the_future"), DataClass::Sensitive);
    }
}
