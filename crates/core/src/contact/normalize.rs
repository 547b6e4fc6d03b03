//! Tidying a contact before it is validated and saved. Normalising twice
//! gives the same result as normalising once (a property test checks this).

use std::collections::HashSet;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use super::{Address, Contact, Email, Phone, phone};
use crate::custom_field::CustomValues;
use crate::text::{collapse_whitespace, fold};

impl Contact {
    /// Trims every string; collapses inner whitespace in names and tags;
    /// lowercases the domain of each email; brings phone numbers to their
    /// canonical form (separators removed, leading "+" kept); drops empty
    /// emails, phones and tags; and removes tags that repeat an earlier one
    /// case-insensitively, keeping the first spelling.
    pub fn normalized(self) -> Contact {
        Contact {
            id: self.id,
            salutation: collapse_whitespace(&self.salutation),
            given_name: collapse_whitespace(&self.given_name),
            family_name: collapse_whitespace(&self.family_name),
            full_name: collapse_whitespace(&self.full_name),
            emails: self
                .emails
                .into_iter()
                .map(|e| Email {
                    kind: e.kind,
                    address: normalize_email(&e.address),
                })
                .filter(|e| !e.address.is_empty())
                .collect(),
            phones: self
                .phones
                .into_iter()
                .map(|p| Phone {
                    kind: p.kind,
                    number: phone::normalize(&p.number),
                })
                .filter(|p| !p.number.is_empty())
                .collect(),
            wechat: normalize_wechat(&self.wechat),
            company: self.company.trim().to_owned(),
            company_id: self.company_id.filter(|id| !id.is_nil()),
            job_title: self.job_title.trim().to_owned(),
            address: Address {
                country: self.address.country.trim().to_owned(),
                province: self.address.province.trim().to_owned(),
                city: self.address.city.trim().to_owned(),
                district: self.address.district.trim().to_owned(),
                street: self.address.street.trim().to_owned(),
                postcode: self.address.postcode.trim().to_owned(),
            },
            source: collapse_whitespace(&self.source),
            owner: collapse_whitespace(&self.owner),
            owner_id: self.owner_id.filter(|id| !id.is_nil()),
            notes: self.notes.trim().to_owned(),
            tags: normalize_tags(self.tags),
            custom: normalize_custom(self.custom),
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
            restriction: self.restriction,
            anonymised_ms: self.anonymised_ms,
        }
    }
}

/// Trims and lowercases the part after the last "@". The local part keeps
/// its case: RFC 5321 lets servers treat it as case-sensitive.
fn normalize_email(address: &str) -> String {
    let address = address.trim();
    match address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => address.to_owned(),
    }
}

/// WeChat IDs are typed with Chinese input methods too, so full-width
/// letters and digits are folded (NFKC) and surrounding spaces dropped.
/// Case is kept: WeChat shows IDs as registered.
fn normalize_wechat(id: &str) -> String {
    let folded: String = id.nfkc().collect();
    folded.trim().to_owned()
}

/// Without the definitions at hand: trims string values (also inside
/// arrays) and drops entries that are then empty (null, "", or an array
/// with no non-empty element), as [`crate::custom_field`] defines "no
/// value". Objects (money values) are kept as they are.
fn normalize_custom(custom: CustomValues) -> CustomValues {
    fn tidy(v: Value) -> Option<Value> {
        match v {
            Value::Null => None,
            Value::String(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| Value::String(t.to_owned()))
            }
            Value::Array(items) => {
                let items: Vec<Value> = items.into_iter().filter_map(tidy).collect();
                (!items.is_empty()).then_some(Value::Array(items))
            }
            other => Some(other),
        }
    }
    custom
        .into_iter()
        .filter_map(|(k, v)| tidy(v).map(|v| (k, v)))
        .collect()
}

fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::with_capacity(tags.len());
    tags.iter()
        .map(|t| collapse_whitespace(t))
        .filter(|t| !t.is_empty() && seen.insert(fold(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactPointKind;
    use uuid::Uuid;

    fn contact() -> Contact {
        Contact::new(Uuid::from_u128(1), 5)
    }

    #[test]
    fn names_are_trimmed_and_inner_whitespace_collapsed() {
        let c = Contact {
            given_name: "  Mary \t Ann ".into(),
            family_name: "\u{3000}van  der Berg\n".into(),
            full_name: " 张伟 ".into(),
            ..contact()
        }
        .normalized();
        assert_eq!(c.given_name, "Mary Ann");
        assert_eq!(c.family_name, "van der Berg");
        assert_eq!(c.full_name, "张伟");
    }

    #[test]
    fn other_strings_are_trimmed_but_keep_inner_whitespace() {
        let mut c = contact();
        c.notes = "\n line one\n\n line two \n".into();
        c.company = " Acme  Corp ".into();
        c.address.city = " 上海 ".into();
        let c = c.normalized();
        assert_eq!(c.notes, "line one\n\n line two");
        assert_eq!(c.company, "Acme  Corp");
        assert_eq!(c.address.city, "上海");
    }

    #[test]
    fn email_domain_is_lowercased_but_local_part_kept() {
        let mut c = contact();
        c.emails = vec![Email {
            kind: ContactPointKind::Work,
            address: "  John.Smith@Example.COM ".into(),
        }];
        assert_eq!(c.normalized().emails[0].address, "John.Smith@example.com");
    }

    #[test]
    fn empty_emails_phones_and_tags_are_dropped() {
        let mut c = contact();
        c.emails = vec![
            Email::default(),
            Email {
                address: " ".into(),
                ..Email::default()
            },
        ];
        c.phones = vec![Phone {
            number: " - ( ) ".into(),
            ..Phone::default()
        }];
        c.tags = vec!["".into(), "  ".into(), "vip".into()];
        let c = c.normalized();
        assert!(c.emails.is_empty());
        assert!(c.phones.is_empty());
        assert_eq!(c.tags, ["vip"]);
    }

    #[test]
    fn tags_dedup_case_insensitively_keeping_first_spelling() {
        let mut c = contact();
        c.tags = vec![
            "VIP".into(),
            "lead".into(),
            "vip".into(),
            " Vip ".into(),
            "客户".into(),
        ];
        assert_eq!(c.normalized().tags, ["VIP", "lead", "客户"]);
    }

    #[test]
    fn phone_separators_are_stripped_keeping_leading_plus() {
        let mut c = contact();
        c.phones = vec![
            Phone {
                kind: ContactPointKind::Mobile,
                number: "+86 (138) 0013-8000".into(),
            },
            Phone {
                kind: ContactPointKind::Work,
                number: "555 1234 ext 7".into(),
            },
        ];
        let c = c.normalized();
        assert_eq!(c.phones[0].number, "+8613800138000");
        assert_eq!(c.phones[0].kind, ContactPointKind::Mobile);
        assert_eq!(c.phones[1].number, "5551234x7");
    }

    #[test]
    fn new_fields_are_tidied() {
        let mut c = contact();
        c.salutation = "  Dr.  ".into();
        c.wechat = " ｗｘｉｄ＿１２３ ".into();
        c.source = " Trade   show ".into();
        c.owner = "\tLi  Na ".into();
        c.company_id = Some(Uuid::nil());
        c.owner_id = Some(Uuid::nil());
        c.address.province = " 广东省 ".into();
        c.address.district = " 南山区\n".into();
        let key = Uuid::from_u128;
        c.custom.insert(key(1), Value::String(" gold ".into()));
        c.custom.insert(key(2), Value::String("  ".into()));
        c.custom.insert(key(3), Value::Null);
        let money = serde_json::json!({"minor": 1250, "currency": "CNY"});
        c.custom.insert(key(4), money.clone());
        c.custom
            .insert(key(5), serde_json::json!([" a ", "", null, 3]));
        let c = c.normalized();
        assert_eq!(c.salutation, "Dr.");
        assert_eq!(c.wechat, "wxid_123");
        assert_eq!(c.source, "Trade show");
        assert_eq!(c.owner, "Li Na");
        assert_eq!((c.company_id, c.owner_id), (None, None));
        assert_eq!(c.address.province, "广东省");
        assert_eq!(c.address.district, "南山区");
        assert_eq!(
            c.custom,
            CustomValues::from([
                (key(1), Value::String("gold".into())),
                (key(4), money),
                (key(5), serde_json::json!(["a", 3])),
            ])
        );
    }

    #[test]
    fn id_and_timestamps_are_untouched() {
        let c = Contact {
            updated_ms: 9,
            ..contact()
        }
        .normalized();
        assert_eq!(
            (c.id, c.created_ms, c.updated_ms),
            (Uuid::from_u128(1), 5, 9)
        );
    }
}
