//! Anonymisation: turning a record into one that no longer identifies
//! anyone, while keeping what reports need (ids, dates, amounts).
//!
//! Works on the stored JSON ([`serde_json::Value`]) rather than on
//! [`crate::Contact`], so fields added by newer versions are handled too:
//! every top-level field is classified by name ([`CONTACT_FIELD_CLASSES`]);
//! a field the table does not know is treated as [`DataClass::Personal`]
//! and cleared, so a new field is safe before anyone classifies it.
//! Public and financial fields are kept; personal and sensitive ones are
//! replaced by the empty value of their JSON type (the original is not
//! recoverable from the result). The old revisions still exist as
//! envelopes: re-keying the record in the keyring (crypto-shredding) is
//! what makes those unreadable too.

use serde_json::{Map, Value};

use crate::class::DataClass;

/// The field added to an anonymised record: when it happened (unix ms).
pub const ANONYMISED_FIELD: &str = "anonymised_ms";

/// How each top-level contact field is classified, by JSON name. Kept here
/// (not derived from the contact struct) so the privacy rules do not shift
/// when the contact model changes: a new field is personal until listed.
pub const CONTACT_FIELD_CLASSES: &[(&str, DataClass)] = &[
    ("id", DataClass::Public),
    ("created_ms", DataClass::Public),
    ("updated_ms", DataClass::Public),
    ("company_id", DataClass::Public),
    ("owner_id", DataClass::Public),
    ("team_id", DataClass::Public),
    // The employer's name is business data, kept for "deals by company".
    ("company", DataClass::Public),
    ("stage", DataClass::Public),
    ("lifecycle_stage", DataClass::Public),
    ("source", DataClass::Public),
    ("restriction", DataClass::Public),
    (ANONYMISED_FIELD, DataClass::Public),
    ("given_name", DataClass::Personal),
    ("family_name", DataClass::Personal),
    ("full_name", DataClass::Personal),
    ("emails", DataClass::Personal),
    ("phones", DataClass::Personal),
    ("job_title", DataClass::Personal),
    ("address", DataClass::Personal),
    ("tags", DataClass::Personal),
    ("website", DataClass::Personal),
    ("social", DataClass::Personal),
    ("birthday", DataClass::Personal),
    ("notes", DataClass::Sensitive),
    ("id_number", DataClass::Sensitive),
    ("lifetime_value", DataClass::Financial),
    ("currency", DataClass::Financial),
];

/// The class of a contact field by its JSON name; unknown names are
/// [`DataClass::Personal`].
pub fn contact_field_class(name: &str) -> DataClass {
    CONTACT_FIELD_CLASSES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, class)| *class)
        .unwrap_or(DataClass::Personal)
}

/// Whether a field of this class survives anonymisation.
pub fn kept_by_anonymisation(class: DataClass) -> bool {
    matches!(class, DataClass::Public | DataClass::Financial)
}

/// The record could not be anonymised.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnonymiseError {
    #[error("the record is not a JSON object")]
    NotAnObject,
    /// Without an id the result could not replace the original.
    #[error("the record has no id")]
    MissingId,
}

/// The anonymised record and the names of the fields that were cleared.
#[derive(Clone, Debug, PartialEq)]
pub struct Anonymised {
    pub record: Value,
    pub cleared: Vec<String>,
}

/// Anonymises a contact's JSON at `now_ms` using [`contact_field_class`].
pub fn anonymise_contact(record: &Value, now_ms: i64) -> Result<Anonymised, AnonymiseError> {
    anonymise(record, contact_field_class, now_ms)
}

/// Anonymises a record by its type's field classes
/// ([`crate::record::Record::FIELD_CLASSES`]), keeping its id: each
/// cleared field takes the type's default (an empty text or list, no link),
/// and `anonymised_ms` is set when the type has that field.
pub fn anonymise_record<T: crate::record::Record + Default>(
    record: &T,
    now_ms: i64,
) -> Result<T, AnonymiseError> {
    let json: Value =
        serde_json::from_slice(&record.to_json()).map_err(|_| AnonymiseError::NotAnObject)?;
    let defaults: Value =
        serde_json::from_slice(&T::default().to_json()).map_err(|_| AnonymiseError::NotAnObject)?;
    let mut out = anonymise(&json, T::field_class, now_ms)?;
    if let Some(fields) = out.record.as_object_mut() {
        for name in &out.cleared {
            if let Some(empty) = defaults.get(name) {
                fields.insert(name.clone(), empty.clone());
            }
        }
    }
    serde_json::from_value(out.record).map_err(|_| AnonymiseError::NotAnObject)
}

/// Anonymises any record's JSON with the given field classification.
pub fn anonymise(
    record: &Value,
    class_of: impl Fn(&str) -> DataClass,
    now_ms: i64,
) -> Result<Anonymised, AnonymiseError> {
    let fields = record.as_object().ok_or(AnonymiseError::NotAnObject)?;
    if fields.get("id").is_none_or(Value::is_null) {
        return Err(AnonymiseError::MissingId);
    }
    let mut out = Map::new();
    let mut cleared = Vec::new();
    for (name, value) in fields {
        if kept_by_anonymisation(class_of(name)) {
            out.insert(name.clone(), value.clone());
        } else {
            out.insert(name.clone(), emptied(value));
            cleared.push(name.clone());
        }
    }
    out.insert(ANONYMISED_FIELD.to_owned(), Value::from(now_ms));
    Ok(Anonymised {
        record: Value::Object(out),
        cleared,
    })
}

/// The empty value of the same JSON type, so readers that expect a string
/// or a list still load the record.
fn emptied(value: &Value) -> Value {
    match value {
        Value::String(_) => Value::String(String::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(_) => Value::Object(Map::new()),
        Value::Bool(_) | Value::Number(_) | Value::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "id": "6f1c2a52-0d8e-4b7e-9c59-3b8f0c1d2e3f",
            "given_name": "Wei",
            "family_name": "张",
            "full_name": "张伟",
            "emails": [{"kind": "work", "address": "wei.zhang@example.cn"}],
            "phones": [{"kind": "mobile", "number": "+86 138 0013 1234"}],
            "company": "Acme Trading",
            "job_title": "Head of Purchasing",
            "address": {"street": "1 Nanjing Rd", "city": "Shanghai", "region": "SH", "postcode": "200001", "country": "CN"},
            "notes": "Prefers calls after 6pm; allergic to peanuts",
            "tags": ["vip", "met-at-canton-fair"],
            "created_ms": 1_700_000_000_000_i64,
            "updated_ms": 1_700_000_500_000_i64,
            "lifetime_value": 125000,
            "pet_name": "Mochi",
            "favourite_number": 424242,
        })
    }

    #[test]
    fn anonymisation_leaves_no_personal_value() {
        let original = sample();
        let out = anonymise_contact(&original, 1_800_000_000_000).unwrap();
        let text = serde_json::to_string(&out.record).unwrap();
        for secret in [
            "Wei",
            "张",
            "wei.zhang",
            "0013",
            "Purchasing",
            "Nanjing",
            "Shanghai",
            "200001",
            "peanuts",
            "vip",
            "canton",
            "Mochi",
            "424242",
        ] {
            assert!(!text.contains(secret), "{secret} survived in {text}");
        }
        // What reports need is kept.
        assert_eq!(out.record["id"], original["id"]);
        assert_eq!(out.record["created_ms"], original["created_ms"]);
        assert_eq!(out.record["lifetime_value"], 125000);
        assert_eq!(out.record["company"], "Acme Trading");
        assert_eq!(out.record[ANONYMISED_FIELD], 1_800_000_000_000_i64);
        // Same JSON types, so the record still loads.
        assert_eq!(out.record["emails"], json!([]));
        assert_eq!(out.record["given_name"], "");
        assert_eq!(out.record["address"], json!({}));
        assert!(out.cleared.contains(&"pet_name".to_owned()));
        let contact: crate::Contact = serde_json::from_value(out.record).unwrap();
        assert_eq!(contact.display_name(crate::NameOrder::GivenFirst), "");
    }

    #[test]
    fn unknown_fields_are_personal() {
        assert_eq!(contact_field_class("pet_name"), DataClass::Personal);
        assert_eq!(contact_field_class("notes"), DataClass::Sensitive);
        assert_eq!(contact_field_class("id"), DataClass::Public);
    }

    #[test]
    fn anonymisation_needs_an_object_with_an_id() {
        assert_eq!(
            anonymise_contact(&json!([1]), 0),
            Err(AnonymiseError::NotAnObject)
        );
        assert_eq!(
            anonymise_contact(&json!({"given_name": "Ann"}), 0),
            Err(AnonymiseError::MissingId)
        );
    }
}
