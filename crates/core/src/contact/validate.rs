//! Validation rules for contacts. Errors name a field and a problem, never
//! a sentence: the UI translates them.

use std::fmt;

use super::Contact;
use super::phone::is_plausible_phone;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_COMPANY_CHARS: usize = 200;
pub const MAX_JOB_TITLE_CHARS: usize = 200;
pub const MAX_ADDRESS_PART_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 20_000;
pub const MAX_TAG_CHARS: usize = 50;
pub const MAX_SALUTATION_CHARS: usize = 50;
pub const MAX_SOURCE_CHARS: usize = 100;
pub const MAX_OWNER_CHARS: usize = 200;
pub const MAX_CUSTOM_FIELDS: usize = 100;
/// For one custom value, counted over its JSON text; a bound on any value
/// whatever its definition says.
pub const MAX_CUSTOM_VALUE_CHARS: usize = 4_000;
/// WeChat's own rule for a 微信号: 6–20 characters.
const WECHAT_ID_CHARS: std::ops::RangeInclusive<usize> = 6..=20;
pub const MAX_TAGS: usize = 50;
pub const MAX_EMAILS: usize = 20;
pub const MAX_PHONES: usize = 20;
/// RFC 5321's limit on the part before the "@".
pub const MAX_EMAIL_LOCAL_CHARS: usize = 64;
const MAX_DOMAIN_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;

/// Which input a problem belongs to. Indexes point into `emails`, `phones`
/// and `tags`; for `TooMany` the index is the first one over the limit.
/// Custom values are named by their definition id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Salutation,
    Name,
    Email(usize),
    Phone(usize),
    Company,
    JobTitle,
    Address,
    Notes,
    Tag(usize),
    WeChat,
    Source,
    Owner,
    Custom(uuid::Uuid),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    Required,
    InvalidEmail,
    InvalidPhone,
    /// Longer than `max` characters (Unicode scalar values, not bytes).
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    /// Neither a WeChat ID (6–20 characters: a letter, then letters,
    /// digits, "_" or "-") nor a phone number (WeChat accepts those too).
    InvalidWeChat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

/// Every problem found in a contact, in field order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The problems reported for one field.
    pub fn for_field(&self, field: Field) -> impl Iterator<Item = Problem> + '_ {
        self.0
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.problem)
    }

    pub fn contains(&self, field: Field, problem: Problem) -> bool {
        self.0.contains(&FieldError { field, problem })
    }
}

/// For logs only; the UI maps `Field` and `Problem` to translated text.
impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid contact:")?;
        for (i, e) in self.0.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}{:?} {:?}", e.field, e.problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

fn too_long(s: &str, max: usize) -> bool {
    // Cheap byte check first: a string of at most `max` bytes has at most
    // `max` chars.
    s.len() > max && s.chars().count() > max
}

impl Contact {
    /// Checks every rule and reports all problems at once, so a form can
    /// mark each offending input. Run on [`Contact::normalized`] output:
    /// untrimmed input is judged as is.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        let mut push = |field, problem| errors.push(FieldError { field, problem });

        if too_long(&self.salutation, MAX_SALUTATION_CHARS) {
            let max = MAX_SALUTATION_CHARS;
            push(Field::Salutation, Problem::TooLong { max });
        }

        let names = [&self.given_name, &self.family_name, &self.full_name];
        if names.iter().all(|n| n.trim().is_empty()) {
            push(Field::Name, Problem::Required);
        }
        if names.iter().any(|n| too_long(n, MAX_NAME_CHARS)) {
            push(
                Field::Name,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }

        for (i, email) in self.emails.iter().enumerate() {
            if i == MAX_EMAILS {
                push(Field::Email(i), Problem::TooMany { max: MAX_EMAILS });
            }
            if email.address.trim().is_empty() {
                push(Field::Email(i), Problem::Required);
            } else if !is_plausible_email(&email.address) {
                push(Field::Email(i), Problem::InvalidEmail);
            }
        }

        for (i, phone) in self.phones.iter().enumerate() {
            if i == MAX_PHONES {
                push(Field::Phone(i), Problem::TooMany { max: MAX_PHONES });
            }
            if phone.number.trim().is_empty() {
                push(Field::Phone(i), Problem::Required);
            } else if !is_plausible_phone(&phone.number) {
                push(Field::Phone(i), Problem::InvalidPhone);
            }
        }

        if too_long(&self.company, MAX_COMPANY_CHARS) {
            push(
                Field::Company,
                Problem::TooLong {
                    max: MAX_COMPANY_CHARS,
                },
            );
        }
        if too_long(&self.job_title, MAX_JOB_TITLE_CHARS) {
            let max = MAX_JOB_TITLE_CHARS;
            push(Field::JobTitle, Problem::TooLong { max });
        }
        if self
            .address
            .parts()
            .iter()
            .any(|p| too_long(p, MAX_ADDRESS_PART_CHARS))
        {
            let max = MAX_ADDRESS_PART_CHARS;
            push(Field::Address, Problem::TooLong { max });
        }
        if too_long(&self.notes, MAX_NOTES_CHARS) {
            push(
                Field::Notes,
                Problem::TooLong {
                    max: MAX_NOTES_CHARS,
                },
            );
        }

        for (i, tag) in self.tags.iter().enumerate() {
            if i == MAX_TAGS {
                push(Field::Tag(i), Problem::TooMany { max: MAX_TAGS });
            }
            if tag.trim().is_empty() {
                push(Field::Tag(i), Problem::Required);
            } else if too_long(tag, MAX_TAG_CHARS) {
                push(Field::Tag(i), Problem::TooLong { max: MAX_TAG_CHARS });
            }
        }

        let wechat = self.wechat.trim();
        if !wechat.is_empty() && !is_plausible_wechat_id(wechat) && !is_plausible_phone(wechat) {
            push(Field::WeChat, Problem::InvalidWeChat);
        }
        if too_long(&self.source, MAX_SOURCE_CHARS) {
            let max = MAX_SOURCE_CHARS;
            push(Field::Source, Problem::TooLong { max });
        }
        if too_long(&self.owner, MAX_OWNER_CHARS) {
            let max = MAX_OWNER_CHARS;
            push(Field::Owner, Problem::TooLong { max });
        }
        for (i, (&id, value)) in self.custom.iter().enumerate() {
            let field = Field::Custom(id);
            if i == MAX_CUSTOM_FIELDS {
                let max = MAX_CUSTOM_FIELDS;
                push(field, Problem::TooMany { max });
            }
            if id.is_nil() {
                push(field, Problem::Required);
            }
            if too_long(&value.to_string(), MAX_CUSTOM_VALUE_CHARS) {
                let max = MAX_CUSTOM_VALUE_CHARS;
                push(field, Problem::TooLong { max });
            }
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }
}

/// Whether `id` follows WeChat's rule for a 微信号: 6–20 characters, the
/// first an ASCII letter, the rest ASCII letters, digits, "_" or "-".
/// (Validation also accepts a phone number, which WeChat lets people use
/// to find an account.)
pub fn is_plausible_wechat_id(id: &str) -> bool {
    let mut chars = id.chars();
    WECHAT_ID_CHARS.contains(&id.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether `address` is a plausible addr-spec: exactly one "@"; a local part
/// of 1–64 characters without whitespace, control characters or RFC 5322
/// specials; a domain of dot-separated labels made of letters (any script,
/// for internationalised domains), digits and inner hyphens, with at least
/// one dot and a top-level label that is not all digits.
///
/// Deliberately not a full RFC 5322 parser: quoted local parts and IP
/// literals are refused because people do not type them into a CRM, and
/// refusing them catches far more typos than it blocks real addresses.
pub fn is_plausible_email(address: &str) -> bool {
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    is_plausible_local_part(local) && is_plausible_domain(domain)
}

fn is_plausible_local_part(local: &str) -> bool {
    const SPECIALS: &[char] = &['<', '>', '(', ')', '[', ']', ',', ';', ':', '\\', '"'];
    let len = local.chars().count();
    (1..=MAX_EMAIL_LOCAL_CHARS).contains(&len)
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !SPECIALS.contains(&c))
}

fn is_plausible_domain(domain: &str) -> bool {
    if domain.chars().count() > MAX_DOMAIN_CHARS {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(top) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|l| is_plausible_label(l))
        && !top.chars().all(|c| c.is_ascii_digit())
}

fn is_plausible_label(label: &str) -> bool {
    let len = label.chars().count();
    (1..=MAX_LABEL_CHARS).contains(&len)
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails_are_accepted() {
        for ok in [
            "ann@example.com",
            "first.last+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "user@xn--fiqs8s.cn",
            "用户@例子.中国",
            "zoë@exämple.de",
            "a@b.co",
            "x@my-host.example",
        ] {
            assert!(is_plausible_email(ok), "{ok}");
        }
    }

    #[test]
    fn implausible_emails_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "ann@localhost",
            "ann@@example.com",
            "ann@bob@example.com",
            "ann smith@example.com",
            "ann@exa mple.com",
            " ann@example.com",
            "ann@example..com",
            "ann@.example.com",
            "ann@example.com.",
            "ann@-example.com",
            "ann@example-.com",
            "ann@exam_ple.com",
            "ann@1.2.3.4",
            "Ann <ann@example.com>",
            "ann,bob@example.com",
            long_local.as_str(),
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn local_part_of_exactly_64_chars_is_allowed() {
        assert!(is_plausible_email(&format!(
            "{}@example.com",
            "a".repeat(64)
        )));
        // Counted in characters, not bytes: 64 two-byte letters still pass.
        assert!(is_plausible_email(&format!(
            "{}@example.com",
            "é".repeat(64)
        )));
    }

    #[test]
    fn wechat_ids_follow_wechats_rule() {
        for ok in ["wxid_abc123", "Zhang-Wei", "abcdef", "a2345678901234567890"] {
            assert!(is_plausible_wechat_id(ok), "{ok}");
        }
        for bad in [
            "abcde",
            "1abcdef",
            "_abcdef",
            "a23456789012345678901",
            "zhang wei",
            "张伟微信号",
            "abc.def",
        ] {
            assert!(!is_plausible_wechat_id(bad), "{bad}");
        }
    }

    #[test]
    fn too_long_counts_chars_not_bytes() {
        assert!(!too_long(&"张".repeat(200), 200));
        assert!(too_long(&"张".repeat(201), 200));
        assert!(!too_long("", 0));
    }
}
