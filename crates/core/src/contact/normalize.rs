//! Tidying a contact before it is validated and saved. Normalising twice
//! gives the same result as normalising once (a property test checks this).

use std::collections::HashSet;

use super::{Address, Contact, Email, Phone, phone};
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
            company: self.company.trim().to_owned(),
            job_title: self.job_title.trim().to_owned(),
            address: Address {
                street: self.address.street.trim().to_owned(),
                city: self.address.city.trim().to_owned(),
                region: self.address.region.trim().to_owned(),
                postcode: self.address.postcode.trim().to_owned(),
                country: self.address.country.trim().to_owned(),
            },
            notes: self.notes.trim().to_owned(),
            tags: normalize_tags(self.tags),
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
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
