//! Custom fields: user-defined inputs on contacts, companies, deals,
//! activities, tasks and tickets.
//!
//! A [`CustomFieldDef`] is its own record (namespace
//! [`crate::record::FIELD_DEF_NAMESPACE`]): which record type it belongs to,
//! a label, a [`FieldKind`], options for selects, whether it is required,
//! and the [`DataClass`] of its values (so privacy rules treat a custom
//! "salary" field as financial). Records carry their values in
//! `custom: CustomValues`, a map from definition id to a JSON value:
//!
//! | kind           | JSON value                                   |
//! |----------------|----------------------------------------------|
//! | `text`         | string, at most [`MAX_TEXT_CHARS`]           |
//! | `number`       | number                                       |
//! | `currency`     | [`Money`]: `{"minor": 1250, "currency": "CNY"}` |
//! | `date`         | `"YYYY-MM-DD"`                               |
//! | `select`       | an option id (string)                        |
//! | `multi_select` | array of distinct option ids                 |
//! | `checkbox`     | `true` / `false`                             |
//! | `url`          | normalised http(s) address                   |
//! | `email`, `phone` | string, checked like a contact's           |
//!
//! `null`, `""` and `[]` mean "no value" and are dropped by normalisation.
//! Each value has its definition's class: [`split_by_class`] splits a
//! record's values so each part is sealed with the key of its class.
//! Values whose definition is unknown (deleted, or not synced yet) are kept
//! untouched and not validated, so no data is lost while definitions
//! change. The `custom` map is one top-level field of its record, so two
//! devices editing different custom fields of one record at once keep only
//! one device's edit (the other stays in the sync history).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::class::DataClass;
use crate::contact::{is_plausible_email, is_plausible_phone};
use crate::date::{CivilDate, DateError};
use crate::money::{Currency, Money};
use crate::problem::{Problem, Problems, too_long};
use crate::record::{FIELD_DEF_NAMESPACE, impl_record};
use crate::text::{collapse_whitespace, fold};
use crate::website::normalize_url;

/// Values of a record's custom fields, by definition id.
pub type CustomValues = BTreeMap<Uuid, Value>;

pub const MAX_LABEL_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_OPTIONS: usize = 200;
pub const MAX_OPTION_CHARS: usize = 100;

/// The record types that can have custom fields.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    #[default]
    Contact,
    Company,
    Deal,
    Activity,
    Task,
    Ticket,
}

/// What a custom field holds; see the module docs for each JSON form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    Number,
    Currency,
    Date,
    Select,
    MultiSelect,
    Checkbox,
    Url,
    Email,
    Phone,
}

impl FieldKind {
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::Select | FieldKind::MultiSelect)
    }
}

/// One choice of a select field. Values store the id, so renaming an
/// option keeps every record that chose it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectOption {
    pub id: Uuid,
    pub label: String,
}

/// The definition of one custom field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomFieldDef {
    pub id: Uuid,
    pub record: RecordKind,
    pub label: String,
    pub kind: FieldKind,
    /// Choices of a select or multi-select, in display order.
    pub options: Vec<SelectOption>,
    pub required: bool,
    pub class: DataClass,
    /// For `currency` fields: when set, values must be in this currency.
    pub currency: Option<Currency>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
}

impl_record!(CustomFieldDef, FIELD_DEF_NAMESPACE, {
    id: Public,
    record: Public,
    label: Public,
    kind: Public,
    options: Public,
    required: Public,
    class: Public,
    currency: Public,
    created_ms: Public,
    updated_ms: Public,
});

/// Which input of a definition's form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefField {
    Label,
    /// The option list as a whole (a select with no options).
    Options,
    /// One option, by index.
    Option(usize),
}

/// Why a custom field value does not fit its definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum CustomFieldError {
    #[error("a value is required")]
    Required,
    /// The JSON value is of the wrong type for the field (a string for a
    /// checkbox, a malformed amount for a currency field).
    #[error("value is not a valid {expected:?}")]
    WrongType { expected: FieldKind },
    #[error("value is longer than {max} characters")]
    TooLong { max: usize },
    #[error("invalid date: {0}")]
    InvalidDate(DateError),
    /// An option id that the definition does not list.
    #[error("not one of the field's options")]
    UnknownOption,
    /// A multi-select value listing one option twice.
    #[error("an option is chosen twice")]
    DuplicateOption,
    #[error("invalid web address")]
    InvalidUrl,
    #[error("invalid email address")]
    InvalidEmail,
    #[error("invalid phone number")]
    InvalidPhone,
    #[error("amount must be in {expected}")]
    CurrencyMismatch { expected: Currency },
}

/// Whether a value means "nothing entered".
pub fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

impl CustomFieldDef {
    /// A new definition; currency fields start in the financial class,
    /// others in the personal class.
    pub fn new(
        id: Uuid,
        record: RecordKind,
        label: String,
        kind: FieldKind,
        now_ms: i64,
    ) -> CustomFieldDef {
        CustomFieldDef {
            id,
            record,
            label,
            kind,
            class: if kind == FieldKind::Currency {
                DataClass::Financial
            } else {
                DataClass::Personal
            },
            created_ms: now_ms,
            updated_ms: now_ms,
            ..CustomFieldDef::default()
        }
    }

    /// Collapses whitespace in the label and option labels; drops options
    /// from kinds that have none, and the currency from non-currency kinds.
    pub fn normalized(mut self) -> CustomFieldDef {
        self.label = collapse_whitespace(&self.label);
        if self.kind.has_options() {
            for o in &mut self.options {
                o.label = collapse_whitespace(&o.label);
            }
        } else {
            self.options.clear();
        }
        if self.kind != FieldKind::Currency {
            self.currency = None;
        }
        self
    }

    /// Label required and at most [`MAX_LABEL_CHARS`]; selects need at
    /// least one option; options need a label and a non-nil id, both unique
    /// (labels compared case-insensitively), at most [`MAX_OPTIONS`].
    pub fn validate(&self) -> Result<(), Problems<DefField>> {
        let mut p = Problems::default();
        if self.label.trim().is_empty() {
            p.push(DefField::Label, Problem::Required);
        } else if too_long(&self.label, MAX_LABEL_CHARS) {
            let max = MAX_LABEL_CHARS;
            p.push(DefField::Label, Problem::TooLong { max });
        }
        if self.kind.has_options() {
            if self.options.is_empty() {
                p.push(DefField::Options, Problem::Required);
            }
            let mut ids = HashSet::new();
            let mut labels = HashSet::new();
            for (i, o) in self.options.iter().enumerate() {
                let f = DefField::Option(i);
                if i == MAX_OPTIONS {
                    p.push(f, Problem::TooMany { max: MAX_OPTIONS });
                }
                if o.label.trim().is_empty() || o.id.is_nil() {
                    p.push(f, Problem::Required);
                } else if too_long(&o.label, MAX_OPTION_CHARS) {
                    let max = MAX_OPTION_CHARS;
                    p.push(f, Problem::TooLong { max });
                } else if !ids.insert(o.id) || !labels.insert(fold(o.label.trim())) {
                    p.push(f, Problem::Duplicate);
                }
            }
        }
        p.into_result()
    }

    /// Checks one value against this definition.
    pub fn check_value(&self, value: &Value) -> Result<(), CustomFieldError> {
        use CustomFieldError as E;
        if is_empty_value(value) {
            return if self.required {
                Err(E::Required)
            } else {
                Ok(())
            };
        }
        let wrong = E::WrongType {
            expected: self.kind,
        };
        let text = || value.as_str().ok_or(wrong);
        match self.kind {
            FieldKind::Text => {
                if too_long(text()?, MAX_TEXT_CHARS) {
                    return Err(E::TooLong {
                        max: MAX_TEXT_CHARS,
                    });
                }
            }
            FieldKind::Number => {
                value.as_number().ok_or(wrong)?;
            }
            FieldKind::Currency => {
                let money = Money::deserialize(value).map_err(|_| wrong)?;
                if let Some(expected) = self.currency
                    && money.currency != expected
                {
                    return Err(E::CurrencyMismatch { expected });
                }
            }
            FieldKind::Date => {
                CivilDate::parse(text()?).map_err(E::InvalidDate)?;
            }
            FieldKind::Select => {
                self.option(text()?)?;
            }
            FieldKind::MultiSelect => {
                let mut seen = HashSet::new();
                for v in value.as_array().ok_or(wrong)? {
                    let id = self.option(v.as_str().ok_or(wrong)?)?;
                    if !seen.insert(id) {
                        return Err(E::DuplicateOption);
                    }
                }
            }
            FieldKind::Checkbox => {
                value.as_bool().ok_or(wrong)?;
            }
            FieldKind::Url => {
                let url = text()?;
                if normalize_url(url).as_deref() != Some(url) {
                    return Err(E::InvalidUrl);
                }
            }
            FieldKind::Email => {
                if !is_plausible_email(text()?) {
                    return Err(E::InvalidEmail);
                }
            }
            FieldKind::Phone => {
                if !is_plausible_phone(text()?) {
                    return Err(E::InvalidPhone);
                }
            }
        }
        Ok(())
    }

    /// The value a form's text input means for this field: a number for
    /// number fields, money for currency fields (in the definition's
    /// currency, else `currency`; parsed exactly, never through floats),
    /// the text itself otherwise. Blank text is `null` (no value). Checkbox
    /// and select inputs give their JSON directly.
    pub fn value_from_input(
        &self,
        text: &str,
        currency: Currency,
    ) -> Result<Value, CustomFieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Value::Null);
        }
        let wrong = CustomFieldError::WrongType {
            expected: self.kind,
        };
        match self.kind {
            FieldKind::Number => {
                let plain = text.replace(',', "");
                if let Ok(i) = plain.parse::<i64>() {
                    Ok(Value::from(i))
                } else {
                    plain
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .ok_or(wrong)
                }
            }
            FieldKind::Currency => {
                let money =
                    Money::parse(text, self.currency.unwrap_or(currency)).map_err(|_| wrong)?;
                serde_json::to_value(money).map_err(|_| wrong)
            }
            _ => Ok(Value::String(text.to_owned())),
        }
    }

    /// A stored value as a form's text input shows it (the inverse of
    /// [`CustomFieldDef::value_from_input`]).
    pub fn input_text(&self, value: &Value) -> String {
        match (self.kind, value) {
            (FieldKind::Currency, v) => Money::deserialize(v)
                .map(Money::to_plain_string)
                .unwrap_or_default(),
            (_, Value::String(s)) => s.clone(),
            (_, Value::Null) => String::new(),
            (_, v) => v.to_string(),
        }
    }

    fn option(&self, id: &str) -> Result<Uuid, CustomFieldError> {
        let id = Uuid::parse_str(id).map_err(|_| CustomFieldError::UnknownOption)?;
        if self.options.iter().any(|o| o.id == id) {
            Ok(id)
        } else {
            Err(CustomFieldError::UnknownOption)
        }
    }

    /// Tidies one value: trims strings (and, for URLs, brings them to
    /// canonical form when they are plausible), lowercases an email's
    /// domain, removes repeated multi-select choices, and turns "no value"
    /// forms into `null`. Values of the wrong type are left for
    /// [`CustomFieldDef::check_value`] to report.
    pub fn normalize_value(&self, value: Value) -> Value {
        if is_empty_value(&value) {
            return Value::Null;
        }
        match (self.kind, value) {
            (FieldKind::Url, Value::String(s)) => {
                Value::String(normalize_url(&s).unwrap_or_else(|| s.trim().to_owned()))
            }
            (FieldKind::Email, Value::String(s)) => {
                let s = s.trim();
                Value::String(match s.rsplit_once('@') {
                    Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
                    None => s.to_owned(),
                })
            }
            (_, Value::String(s)) => Value::String(s.trim().to_owned()),
            (FieldKind::MultiSelect, Value::Array(items)) => {
                let mut seen = HashSet::new();
                Value::Array(
                    items
                        .into_iter()
                        .filter(|v| seen.insert(v.to_string()))
                        .collect(),
                )
            }
            (_, v) => v,
        }
    }
}

/// The data class of a table column that shows a custom value
/// (`custom.<id>` or `custom.<id>.minor`), or `None` for any other column.
/// A column of a field no longer defined counts as sensitive.
pub fn custom_column_class(path: &str, defs: &[CustomFieldDef]) -> Option<DataClass> {
    let rest = path.strip_prefix("custom.")?;
    let id = rest.split('.').next().unwrap_or(rest);
    Some(
        defs.iter()
            .find(|d| d.id.to_string() == id)
            .map_or(DataClass::Sensitive, |d| d.class),
    )
}

/// The table column of a custom field: its path in the record's JSON and
/// its kind for filters and sorts. Currency values sort by their minor
/// units; select and multi-select values by their labels (rows pass
/// through [`readable_custom`] first).
pub fn query_column(def: &CustomFieldDef) -> (String, crate::query::FieldKind) {
    use crate::query::FieldKind as Q;
    let path = format!("custom.{}", def.id);
    match def.kind {
        FieldKind::Number => (path, Q::Number),
        FieldKind::Currency => (format!("{path}.minor"), Q::Number),
        FieldKind::Date => (path, Q::Date),
        FieldKind::Checkbox => (path, Q::Bool),
        FieldKind::MultiSelect => (path, Q::Tags),
        FieldKind::Text
        | FieldKind::Select
        | FieldKind::Url
        | FieldKind::Email
        | FieldKind::Phone => (path, Q::Text),
    }
}

/// A record's JSON for a table: select and multi-select values under
/// `custom` replaced by their option labels, so they show, filter and
/// sort as the user sees them. Other values, and values of unknown
/// definitions or options, are left as they are.
pub fn readable_custom(defs: &[CustomFieldDef], mut row: Value) -> Value {
    let Some(Value::Object(custom)) = row.get_mut("custom") else {
        return row;
    };
    for def in defs.iter().filter(|d| d.kind.has_options()) {
        let Some(v) = custom.get_mut(&def.id.to_string()) else {
            continue;
        };
        let label = |v: &Value| -> Value {
            v.as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .and_then(|id| def.options.iter().find(|o| o.id == id))
                .map_or_else(|| v.clone(), |o| Value::String(o.label.clone()))
        };
        let readable = match &*v {
            Value::Array(items) => Value::Array(items.iter().map(label).collect()),
            other => label(other),
        };
        *v = readable;
    }
    row
}

/// Normalises the values of a `record`'s custom fields against `defs`
/// (see [`CustomFieldDef::normalize_value`]) and drops empty ones. Values
/// without a definition for this record type are kept as they are.
pub fn normalize_custom(
    defs: &[CustomFieldDef],
    record: RecordKind,
    values: CustomValues,
) -> CustomValues {
    values
        .into_iter()
        .map(|(id, v)| match find(defs, record, id) {
            Some(def) => (id, def.normalize_value(v)),
            None => (id, v),
        })
        .filter(|(_, v)| !v.is_null())
        .collect()
}

/// Every problem with a `record`'s custom values: a value that does not fit
/// its definition, or a required field without a value. In definition
/// order.
pub fn validate_custom(
    defs: &[CustomFieldDef],
    record: RecordKind,
    values: &CustomValues,
) -> Vec<(Uuid, CustomFieldError)> {
    defs.iter()
        .filter(|d| d.record == record)
        .filter_map(|d| {
            let value = values.get(&d.id).unwrap_or(&Value::Null);
            d.check_value(value).err().map(|e| (d.id, e))
        })
        .collect()
}

/// A record's custom values split by the [`DataClass`] of their
/// definitions, so each part can go into the envelope of its class (a
/// currency field marked financial stays out of reach of roles without the
/// financial key). Values without a definition for this record type count
/// as sensitive. Joining the parts back is a plain union: the keys are
/// disjoint.
pub fn split_by_class(
    defs: &[CustomFieldDef],
    record: RecordKind,
    values: &CustomValues,
) -> BTreeMap<DataClass, CustomValues> {
    let mut out: BTreeMap<DataClass, CustomValues> = BTreeMap::new();
    for (id, v) in values {
        let class = find(defs, record, *id).map_or(DataClass::Sensitive, |d| d.class);
        out.entry(class).or_default().insert(*id, v.clone());
    }
    out
}

/// [`validate_custom`] into a record's problem list, with `field` naming
/// the custom input.
pub(crate) fn check_custom<F: Copy + PartialEq>(
    defs: &[CustomFieldDef],
    record: RecordKind,
    values: &CustomValues,
    field: impl Fn(Uuid) -> F,
    out: &mut Problems<F>,
) {
    for (id, e) in validate_custom(defs, record, values) {
        out.push(field(id), Problem::Custom(e));
    }
}

fn find(defs: &[CustomFieldDef], record: RecordKind, id: Uuid) -> Option<&CustomFieldDef> {
    defs.iter().find(|d| d.id == id && d.record == record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(kind: FieldKind) -> CustomFieldDef {
        CustomFieldDef::new(Uuid::from_u128(1), RecordKind::Deal, "F".into(), kind, 0)
    }

    fn opt(n: u128, label: &str) -> SelectOption {
        SelectOption {
            id: Uuid::from_u128(n),
            label: label.into(),
        }
    }

    fn select(kind: FieldKind) -> CustomFieldDef {
        CustomFieldDef {
            options: vec![opt(10, "Red"), opt(11, "Green")],
            ..def(kind)
        }
    }

    const RED: &str = "00000000-0000-0000-0000-00000000000a";
    const GREEN: &str = "00000000-0000-0000-0000-00000000000b";

    #[test]
    fn values_of_each_kind_are_checked() {
        use CustomFieldError as E;
        use FieldKind as K;
        let ok = [
            (def(K::Text), json!("hello")),
            (def(K::Number), json!(12.5)),
            (def(K::Number), json!(-3)),
            (def(K::Currency), json!({"minor": 1250, "currency": "CNY"})),
            (def(K::Date), json!("2026-12-31")),
            (select(K::Select), json!(RED)),
            (select(K::MultiSelect), json!([RED, GREEN])),
            (def(K::Checkbox), json!(false)),
            (def(K::Url), json!("https://example.com/x")),
            (def(K::Email), json!("ann@example.com")),
            (def(K::Phone), json!("+86 138 0013 8000")),
        ];
        for (d, v) in ok {
            assert_eq!(d.check_value(&v), Ok(()), "{:?} {v}", d.kind);
        }
        let usd_only = CustomFieldDef {
            currency: Some(Currency::USD),
            ..def(K::Currency)
        };
        let bad = [
            (def(K::Text), json!(5), E::WrongType { expected: K::Text }),
            (
                def(K::Text),
                json!("x".repeat(2001)),
                E::TooLong { max: 2000 },
            ),
            (
                def(K::Number),
                json!("5"),
                E::WrongType {
                    expected: K::Number,
                },
            ),
            (
                def(K::Currency),
                json!({"minor": 1.5, "currency": "CNY"}),
                E::WrongType {
                    expected: K::Currency,
                },
            ),
            (
                usd_only,
                json!({"minor": 1, "currency": "CNY"}),
                E::CurrencyMismatch {
                    expected: Currency::USD,
                },
            ),
            (
                def(K::Date),
                json!("2026-02-30"),
                E::InvalidDate(DateError::DayOutOfRange),
            ),
            (select(K::Select), json!("blue"), E::UnknownOption),
            (
                select(K::Select),
                json!(Uuid::from_u128(99).to_string()),
                E::UnknownOption,
            ),
            (
                select(K::MultiSelect),
                json!([RED, RED]),
                E::DuplicateOption,
            ),
            (
                select(K::MultiSelect),
                json!(RED),
                E::WrongType {
                    expected: K::MultiSelect,
                },
            ),
            (
                def(K::Checkbox),
                json!("yes"),
                E::WrongType {
                    expected: K::Checkbox,
                },
            ),
            (def(K::Url), json!("example.com"), E::InvalidUrl),
            (def(K::Email), json!("ann@"), E::InvalidEmail),
            (def(K::Phone), json!("call me"), E::InvalidPhone),
        ];
        for (d, v, e) in bad {
            assert_eq!(d.check_value(&v), Err(e), "{:?} {v}", d.kind);
        }
    }

    #[test]
    fn empty_values_only_fail_required_fields() {
        let mut d = def(FieldKind::Text);
        for v in [json!(null), json!(" "), json!([])] {
            assert_eq!(d.check_value(&v), Ok(()));
        }
        d.required = true;
        assert_eq!(d.check_value(&json!("")), Err(CustomFieldError::Required));
        // An unticked required checkbox is still a value.
        let mut c = def(FieldKind::Checkbox);
        c.required = true;
        assert_eq!(c.check_value(&json!(false)), Ok(()));
    }

    #[test]
    fn definitions_are_validated() {
        assert_eq!(select(FieldKind::Select).validate(), Ok(()));
        let d = CustomFieldDef {
            label: " ".into(),
            options: vec![
                opt(1, "A"),
                opt(2, "a "),
                opt(1, "B"),
                opt(0, "C"),
                opt(3, ""),
            ],
            ..def(FieldKind::MultiSelect)
        };
        let p = d.validate().unwrap_err();
        assert!(p.contains(DefField::Label, Problem::Required));
        assert!(p.contains(DefField::Option(1), Problem::Duplicate));
        assert!(p.contains(DefField::Option(2), Problem::Duplicate));
        assert!(p.contains(DefField::Option(3), Problem::Required));
        assert!(p.contains(DefField::Option(4), Problem::Required));
        let empty = def(FieldKind::Select).validate().unwrap_err();
        assert!(empty.contains(DefField::Options, Problem::Required));
    }

    #[test]
    fn normalisation_tidies_definitions_and_values() {
        let d = CustomFieldDef {
            label: "  Deal   size ".into(),
            options: vec![opt(1, "A")],
            currency: Some(Currency::USD),
            ..def(FieldKind::Text)
        }
        .normalized();
        assert_eq!(d.label, "Deal size");
        assert!(d.options.is_empty() && d.currency.is_none());
        assert_eq!(
            def(FieldKind::Url).normalize_value(json!(" Example.com/A ")),
            json!("https://example.com/A")
        );
        assert_eq!(
            def(FieldKind::Email).normalize_value(json!(" Ann@Example.COM")),
            json!("Ann@example.com")
        );
        assert_eq!(
            select(FieldKind::MultiSelect).normalize_value(json!([RED, GREEN, RED])),
            json!([RED, GREEN])
        );
        assert_eq!(
            def(FieldKind::Text).normalize_value(json!("  ")),
            json!(null)
        );
        assert_eq!(def(FieldKind::Currency).class, DataClass::Financial);
        assert_eq!(def(FieldKind::Text).class, DataClass::Personal);
    }

    #[test]
    fn record_values_are_checked_against_their_record_type_only() {
        let a = CustomFieldDef {
            required: true,
            ..def(FieldKind::Text)
        };
        let b = CustomFieldDef {
            id: Uuid::from_u128(2),
            record: RecordKind::Company,
            required: true,
            ..def(FieldKind::Number)
        };
        let c = CustomFieldDef {
            id: Uuid::from_u128(3),
            ..def(FieldKind::Number)
        };
        let defs = [a, b, c];
        let orphan = Uuid::from_u128(77);
        let values: CustomValues = [
            (Uuid::from_u128(3), json!("not a number")),
            (orphan, json!({"kept": true})),
            (Uuid::from_u128(1), json!("  ")),
        ]
        .into_iter()
        .collect();
        let values = normalize_custom(&defs, RecordKind::Deal, values);
        assert_eq!(values.get(&orphan), Some(&json!({"kept": true})));
        assert!(!values.contains_key(&Uuid::from_u128(1)));
        assert_eq!(
            validate_custom(&defs, RecordKind::Deal, &values),
            [
                (Uuid::from_u128(1), CustomFieldError::Required),
                (
                    Uuid::from_u128(3),
                    CustomFieldError::WrongType {
                        expected: FieldKind::Number
                    }
                )
            ]
        );
    }

    #[test]
    fn values_split_by_the_class_of_their_definition() {
        let money = CustomFieldDef {
            id: Uuid::from_u128(2),
            ..def(FieldKind::Currency)
        };
        let text = def(FieldKind::Text);
        let values: CustomValues = [
            (Uuid::from_u128(1), json!("hi")),
            (Uuid::from_u128(2), json!({"minor": 5, "currency": "USD"})),
            (Uuid::from_u128(3), json!("orphan")),
        ]
        .into_iter()
        .collect();
        let parts = split_by_class(&[text, money], RecordKind::Deal, &values);
        let keys = |c| parts[&c].keys().map(|k| k.as_u128()).collect::<Vec<_>>();
        assert_eq!(keys(DataClass::Personal), [1]);
        assert_eq!(keys(DataClass::Financial), [2]);
        assert_eq!(keys(DataClass::Sensitive), [3]);
        let joined: CustomValues = parts.into_values().flatten().collect();
        assert_eq!(joined, values);
    }

    #[test]
    fn values_serialise_with_uuid_keys() {
        let values: CustomValues = [(Uuid::from_u128(1), json!(true))].into_iter().collect();
        let s = serde_json::to_string(&values).unwrap();
        assert_eq!(s, r#"{"00000000-0000-0000-0000-000000000001":true}"#);
        assert_eq!(serde_json::from_str::<CustomValues>(&s).unwrap(), values);
    }

    #[test]
    fn tables_show_option_labels_and_sort_currency_by_minor_units() {
        let multi = CustomFieldDef {
            id: Uuid::from_u128(2),
            ..select(FieldKind::MultiSelect)
        };
        let row = json!({"id": "x", "custom": {
            "00000000-0000-0000-0000-000000000001": RED,
            "00000000-0000-0000-0000-000000000002": [GREEN, "gone"],
        }});
        let out = readable_custom(&[select(FieldKind::Select), multi], row);
        assert_eq!(
            out["custom"],
            json!({"00000000-0000-0000-0000-000000000001": "Red",
                   "00000000-0000-0000-0000-000000000002": ["Green", "gone"]})
        );
        let (path, kind) = query_column(&def(FieldKind::Currency));
        assert_eq!(path, "custom.00000000-0000-0000-0000-000000000001.minor");
        assert_eq!(kind, crate::query::FieldKind::Number);
        assert_eq!(
            query_column(&def(FieldKind::Checkbox)).1,
            crate::query::FieldKind::Bool
        );
    }

    #[test]
    fn form_text_becomes_typed_values_and_back() {
        let money = def(FieldKind::Currency);
        let v = money.value_from_input("1,234.5", Currency::CNY).unwrap();
        assert_eq!(v, json!({"minor": 123_450, "currency": "CNY"}));
        assert_eq!(money.input_text(&v), "1234.50");
        let usd = CustomFieldDef {
            currency: Some(Currency::USD),
            ..def(FieldKind::Currency)
        };
        assert_eq!(
            usd.value_from_input("5", Currency::CNY).unwrap(),
            json!({"minor": 500, "currency": "USD"})
        );
        let n = def(FieldKind::Number);
        assert_eq!(n.value_from_input("12", Currency::CNY).unwrap(), json!(12));
        assert_eq!(
            n.value_from_input("2.5", Currency::CNY).unwrap(),
            json!(2.5)
        );
        assert!(n.value_from_input("many", Currency::CNY).is_err());
        assert_eq!(
            n.value_from_input("  ", Currency::CNY).unwrap(),
            Value::Null
        );
        assert_eq!(n.input_text(&json!(12)), "12");
        let t = def(FieldKind::Url);
        assert_eq!(
            t.value_from_input(" https://a.example ", Currency::CNY)
                .unwrap(),
            json!("https://a.example")
        );
    }
}
