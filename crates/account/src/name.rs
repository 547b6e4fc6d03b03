//! Account names: email-like, normalised once so that every device derives
//! the same OPAQUE credential identifier from what the user typed.

use core::fmt;

/// Why an account name was refused.
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountNameError {
    /// Shorter than [`AccountName::MIN_LEN`] characters after trimming.
    #[error("it is shorter than {} characters", AccountName::MIN_LEN)]
    TooShort,
    /// Longer than [`AccountName::MAX_LEN`] characters after trimming.
    #[error("it is longer than {} characters", AccountName::MAX_LEN)]
    TooLong,
    /// There is no `@`, or more than one.
    #[error("it must contain exactly one '@', like name@example.com")]
    NotOneAt,
    /// Nothing before the `@`.
    #[error("the part before '@' is empty")]
    EmptyLocalPart,
    /// The part before the `@` contains a space or control character.
    #[error("the part before '@' contains a space or control character")]
    InvalidLocalPart,
    /// The part after the `@` is not an ASCII domain (letters, digits and
    /// hyphens in dot-separated labels; internationalised domains in their
    /// `xn--` form).
    #[error("the part after '@' is not a valid domain (use letters, digits, '-' and '.')")]
    InvalidDomain,
}

/// A normalised, validated account name.
///
/// Normalisation: surrounding whitespace is trimmed and ASCII letters are
/// lowercased in both parts. Lowercasing the local part too is deliberate:
/// the name keys the OPAQUE record and is bound into the key exchange, so
/// `Alice@Example.com` and `alice@example.com` must be the same account or
/// the user's second device would fail to log in. Non-ASCII characters in
/// the local part are kept as typed (no Unicode normalisation).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountName(String);

impl AccountName {
    /// Shortest accepted account name, in characters (`a@b`).
    pub const MIN_LEN: usize = 3;
    /// Longest accepted account name, in characters (the SMTP path limit).
    pub const MAX_LEN: usize = 254;

    /// Normalises and validates what the user typed.
    pub fn parse(input: &str) -> Result<Self, AccountNameError> {
        let name = input.trim().to_ascii_lowercase();
        let len = name.chars().count();
        if len < Self::MIN_LEN {
            return Err(AccountNameError::TooShort);
        }
        if len > Self::MAX_LEN {
            return Err(AccountNameError::TooLong);
        }
        let (local, domain) = match name.split_once('@') {
            Some((l, d)) if !d.contains('@') => (l, d),
            _ => return Err(AccountNameError::NotOneAt),
        };
        if local.is_empty() {
            return Err(AccountNameError::EmptyLocalPart);
        }
        if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AccountNameError::InvalidLocalPart);
        }
        if !is_ascii_domain(domain) {
            return Err(AccountNameError::InvalidDomain);
        }
        Ok(AccountName(name))
    }

    /// The normalised name, as stored and sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Dot-separated labels of 1–63 `a-z`, `0-9`, `-`, not starting or ending
/// with `-` (input is already lowercased).
fn is_ascii_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_lowercased() {
        let name = AccountName::parse("  Alice.Smith+crm@Example.COM \n").unwrap();
        assert_eq!(name.as_str(), "alice.smith+crm@example.com");
        assert_eq!(
            name,
            AccountName::parse("alice.smith+crm@example.com").unwrap()
        );
    }

    #[test]
    fn non_ascii_local_parts_are_kept() {
        assert_eq!(
            AccountName::parse("张伟@example.cn").unwrap().as_str(),
            "张伟@example.cn"
        );
    }

    #[test]
    fn bad_names_are_refused_with_a_reason() {
        use AccountNameError::*;
        let cases = [
            ("", TooShort),
            ("  a@ ", TooShort),
            ("alice", NotOneAt),
            ("a@b@c", NotOneAt),
            ("@example.com", EmptyLocalPart),
            ("al ice@example.com", InvalidLocalPart),
            ("alice@", InvalidDomain),
            ("alice@exa mple.com", InvalidDomain),
            ("alice@例子.cn", InvalidDomain),
            ("alice@-x.com", InvalidDomain),
            ("alice@x..com", InvalidDomain),
            ("alice@x.com.", InvalidDomain),
        ];
        for (input, expected) in cases {
            assert_eq!(AccountName::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn length_limits_count_characters() {
        let ok = format!("{}@example.com", "a".repeat(AccountName::MAX_LEN - 12));
        assert_eq!(ok.len(), AccountName::MAX_LEN);
        assert!(AccountName::parse(&ok).is_ok());
        let long = format!("a{ok}");
        assert_eq!(AccountName::parse(&long), Err(AccountNameError::TooLong));
        assert!(AccountName::parse("a@b").is_ok());
    }
}
