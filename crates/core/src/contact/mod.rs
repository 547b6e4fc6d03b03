//! Contacts: the record a CRM user edits most, its display name, its
//! normalisation before saving, its validation rules and its JSON form (the
//! plaintext that gets encrypted into an envelope).

mod normalize;
mod phone;
mod validate;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::custom_field::CustomValues;
use crate::text::contains_cjk;

pub use phone::{is_plausible_phone, with_default_country_code};
pub use validate::{
    Field, FieldError, MAX_ADDRESS_PART_CHARS, MAX_COMPANY_CHARS, MAX_CUSTOM_FIELDS,
    MAX_CUSTOM_VALUE_CHARS, MAX_EMAIL_LOCAL_CHARS, MAX_EMAILS, MAX_JOB_TITLE_CHARS, MAX_NAME_CHARS,
    MAX_NOTES_CHARS, MAX_OWNER_CHARS, MAX_PHONES, MAX_SALUTATION_CHARS, MAX_SOURCE_CHARS,
    MAX_TAG_CHARS, MAX_TAGS, Problem, ValidationErrors, is_plausible_email, is_plausible_wechat_id,
};

/// A person the user keeps in touch with.
///
/// Every field has a default so JSON written by older or newer versions of
/// the app still loads: missing fields take their default and unknown fields
/// are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Random (v4) and never derived from content, so it reveals nothing.
    pub id: Uuid,
    /// "Mr.", "Dr.", "女士", as the user writes it.
    pub salutation: String,
    pub given_name: String,
    pub family_name: String,
    /// A single-field name, common for Chinese names ("张伟"); shown when
    /// both `given_name` and `family_name` are empty.
    pub full_name: String,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    /// WeChat ID (微信号); see [`is_plausible_wechat_id`].
    pub wechat: String,
    /// Free-text company name, kept even when `company_id` is set: imports
    /// and older records have only the text.
    pub company: String,
    /// The company record this contact belongs to, when linked.
    pub company_id: Option<Uuid>,
    pub job_title: String,
    pub address: Address,
    /// Where the contact came from ("Trade show", "官网"), as the user or the
    /// imported CRM names it.
    pub source: String,
    /// Who is responsible for the contact, as text: imports keep the
    /// source CRM's owner name here until the user links a team member.
    pub owner: String,
    /// The team member responsible for the contact, when linked (the same
    /// pairing as `company` and `company_id`).
    pub owner_id: Option<Uuid>,
    pub notes: String,
    pub tags: Vec<String>,
    /// Values of user-defined fields, by definition id, as
    /// [`crate::custom_field`] describes them. [`Contact::normalized`] and
    /// [`Contact::validate`] only tidy and bound them; checking each value
    /// against its definition needs the definitions
    /// ([`crate::custom_field::validate_custom`]).
    pub custom: CustomValues,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    /// Set while processing is restricted (GDPR art. 18): the contact is
    /// kept but read-only and left out of search, exports and bulk actions
    /// ([`crate::privacy::restriction::decide`]).
    pub restriction: Option<crate::privacy::Restriction>,
    /// When the contact was anonymised (unix ms); its personal fields are
    /// empty since ([`crate::privacy::anonymise`]).
    pub anonymised_ms: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Email {
    pub kind: ContactPointKind,
    pub address: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Phone {
    pub kind: ContactPointKind,
    pub number: String,
}

/// What an email address or phone number is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactPointKind {
    Work,
    Home,
    Mobile,
    #[default]
    Other,
}

/// A postal address. Chinese addresses go from large to small (country,
/// province 省, city 市, district 区, street); Western ones use province
/// for the state or region.
///
/// `province` was called `region` before; records that still say `region`
/// load into `province`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub country: String,
    /// Province, state or region (省 / 州).
    #[serde(alias = "region")]
    pub province: String,
    pub city: String,
    /// District or county (区 / 县).
    pub district: String,
    pub street: String,
    pub postcode: String,
}

impl Address {
    /// The parts in large-to-small order, for code that treats them alike.
    pub fn parts(&self) -> [&str; 6] {
        [
            &self.country,
            &self.province,
            &self.city,
            &self.district,
            &self.street,
            &self.postcode,
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|p| p.trim().is_empty())
    }
}

/// How a two-part name is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameOrder {
    /// "John Smith".
    #[default]
    GivenFirst,
    /// "Smith John", or "张伟" with no space for CJK names.
    SurnameFirst,
}

/// A contact could not be read back from its JSON plaintext.
#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    #[error("contact JSON is malformed: {0}")]
    Json(#[from] serde_json::Error),
    /// Ids are never derived from content, so a record without one cannot
    /// be tied back to its envelope.
    #[error("contact JSON has no id")]
    MissingId,
}

crate::record::impl_record!(Contact, crate::record::CONTACT_NAMESPACE, {
    id: Public,
    salutation: Personal,
    given_name: Personal,
    family_name: Personal,
    full_name: Personal,
    emails: Personal,
    phones: Personal,
    wechat: Personal,
    // The employer's name is business data, kept for "deals by company".
    company: Public,
    company_id: Public,
    job_title: Personal,
    address: Personal,
    source: Public,
    owner: Public,
    owner_id: Public,
    tags: Personal,
    notes: Sensitive,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
    created_ms: Public,
    updated_ms: Public,
    restriction: Public,
    anonymised_ms: Public,
});

impl Contact {
    /// An empty contact with the given id, created and updated at `now_ms`.
    pub fn new(id: Uuid, now_ms: i64) -> Contact {
        Contact {
            id,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Contact::default()
        }
    }

    /// The name to show in lists and headings.
    ///
    /// Uses `full_name` when both given and family names are empty, then the
    /// first email address, and finally the empty string (the UI shows its
    /// own translated placeholder).
    pub fn display_name(&self, order: NameOrder) -> String {
        let given = self.given_name.trim();
        let family = self.family_name.trim();
        match (given.is_empty(), family.is_empty()) {
            (false, true) => return given.to_owned(),
            (true, false) => return family.to_owned(),
            (false, false) => {
                return match order {
                    NameOrder::GivenFirst => format!("{given} {family}"),
                    // Chinese, Japanese and Korean write the family name
                    // straight before the given name: 张 + 伟 = 张伟.
                    NameOrder::SurnameFirst if contains_cjk(family) || contains_cjk(given) => {
                        format!("{family}{given}")
                    }
                    NameOrder::SurnameFirst => format!("{family} {given}"),
                };
            }
            (true, true) => {}
        }
        let full = self.full_name.trim();
        if !full.is_empty() {
            return full.to_owned();
        }
        self.emails
            .iter()
            .map(|e| e.address.trim())
            .find(|a| !a.is_empty())
            .unwrap_or_default()
            .to_owned()
    }

    /// The plaintext form that gets encrypted.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising cannot fail: every field is a string, number, UUID,
        // JSON value or a sequence/struct/string-keyed map of those; maps
        // with non-string keys are the only way serde_json's serializer
        // errors here.
        serde_json::to_vec(self).expect("contact serialises to JSON")
    }

    /// Reads a contact back, tolerating missing and unknown fields.
    pub fn from_json(bytes: &[u8]) -> Result<Contact, ContactError> {
        let contact: Contact = serde_json::from_slice(bytes)?;
        if contact.id.is_nil() {
            return Err(ContactError::MissingId);
        }
        Ok(contact)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_contact_field_has_a_data_class() {
        let contact = Contact::new(Uuid::from_u128(7), 1);
        crate::record::assert_fields_classified(&contact);
    }
    use super::*;

    fn named(given: &str, family: &str, full: &str) -> Contact {
        Contact {
            given_name: given.into(),
            family_name: family.into(),
            full_name: full.into(),
            ..Contact::new(Uuid::from_u128(1), 0)
        }
    }

    #[test]
    fn surname_first_joins_cjk_without_space() {
        let c = named("伟", "张", "");
        assert_eq!(c.display_name(NameOrder::SurnameFirst), "张伟");
    }

    #[test]
    fn surname_first_separates_latin_with_space() {
        let c = named("John", "Smith", "");
        assert_eq!(c.display_name(NameOrder::SurnameFirst), "Smith John");
    }

    #[test]
    fn given_first_puts_given_name_first_with_space() {
        let c = named("John", "Smith", "");
        assert_eq!(c.display_name(NameOrder::GivenFirst), "John Smith");
    }

    #[test]
    fn display_name_uses_the_only_part_present() {
        assert_eq!(
            named("Madonna", "", "").display_name(NameOrder::SurnameFirst),
            "Madonna"
        );
        assert_eq!(
            named("", "王", "").display_name(NameOrder::GivenFirst),
            "王"
        );
    }

    #[test]
    fn display_name_falls_back_to_full_name_then_email_then_empty() {
        assert_eq!(
            named("", "", "张伟").display_name(NameOrder::GivenFirst),
            "张伟"
        );
        let mut c = named("", " ", "  ");
        c.emails = vec![
            Email {
                kind: ContactPointKind::Work,
                address: "  ".into(),
            },
            Email {
                kind: ContactPointKind::Home,
                address: "wei@example.cn".into(),
            },
        ];
        assert_eq!(c.display_name(NameOrder::GivenFirst), "wei@example.cn");
        c.emails.clear();
        assert_eq!(c.display_name(NameOrder::GivenFirst), "");
    }

    #[test]
    fn given_and_family_take_precedence_over_full_name() {
        let c = named("Wei", "Zhang", "张伟");
        assert_eq!(c.display_name(NameOrder::GivenFirst), "Wei Zhang");
    }

    #[test]
    fn new_contact_is_empty_and_timestamped() {
        let c = Contact::new(Uuid::from_u128(7), 1_700_000_000_000);
        assert_eq!(c.id, Uuid::from_u128(7));
        assert_eq!(
            (c.created_ms, c.updated_ms),
            (1_700_000_000_000, 1_700_000_000_000)
        );
        assert!(c.emails.is_empty() && c.given_name.is_empty() && c.address.is_empty());
    }

    #[test]
    fn from_json_rejects_a_record_without_id() {
        assert!(matches!(
            Contact::from_json(br#"{"given_name":"Ann"}"#),
            Err(ContactError::MissingId)
        ));
        assert!(matches!(
            Contact::from_json(b"not json"),
            Err(ContactError::Json(_))
        ));
    }

    #[test]
    fn contact_point_kind_serialises_lowercase() {
        let json = serde_json::to_string(&ContactPointKind::Mobile).unwrap();
        assert_eq!(json, r#""mobile""#);
    }
}
