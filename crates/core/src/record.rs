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

/// Every namespace this version knows.
pub const ALL_NAMESPACES: [&str; 9] = [
    CONTACT_NAMESPACE,
    SETTINGS_NAMESPACE,
    COMPANY_NAMESPACE,
    DEAL_NAMESPACE,
    PIPELINE_NAMESPACE,
    ACTIVITY_NAMESPACE,
    TASK_NAMESPACE,
    TICKET_NAMESPACE,
    FIELD_DEF_NAMESPACE,
];

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

/// Implements [`Record`] for a struct with an `id: Uuid` field.
macro_rules! impl_record {
    ($t:ty, $ns:expr) => {
        impl $crate::record::Record for $t {
            const NAMESPACE: &'static str = $ns;
            fn id(&self) -> ::uuid::Uuid {
                self.id
            }
        }
    };
}
pub(crate) use impl_record;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_distinct_and_stable() {
        assert_eq!(
            ALL_NAMESPACES,
            [
                "contact", "settings", "company", "deal", "pipeline", "activity", "task", "ticket",
                "fielddef"
            ]
        );
        let mut unique = ALL_NAMESPACES.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ALL_NAMESPACES.len());
        assert!(
            ALL_NAMESPACES
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }
}
