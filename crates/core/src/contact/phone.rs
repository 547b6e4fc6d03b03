//! Phone numbers: a deliberately loose grammar (international formats vary
//! too much for more), shared by validation and normalisation so that what
//! normalisation produces always validates the same way.
//!
//! ```text
//! phone     = ["+"] main [extension]
//! main      = 4–20 ASCII digits, mixed with spaces, "-", ".", "(", ")"
//! extension = ("x" | "ext" | "ext.") then optional spaces, then 1–10 digits
//! ```
//! Full-width digits and signs ("＋８６ １３８…", as Chinese input methods
//! type them) are folded by NFKC first.

use unicode_normalization::UnicodeNormalization;

use crate::settings::Locale;

pub(super) const MIN_DIGITS: usize = 4;
pub(super) const MAX_DIGITS: usize = 20;
const MAX_EXTENSION_DIGITS: usize = 10;

/// A phone number taken apart: sign, digits of the number, extension digits.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ParsedPhone {
    plus: bool,
    digits: String,
    extension: Option<String>,
}

impl ParsedPhone {
    /// "+8613800138000" or "5551234x12": separators dropped, the extension
    /// marked by a single "x".
    pub(super) fn canonical(&self) -> String {
        let mut out = String::with_capacity(self.digits.len() + 12);
        if self.plus {
            out.push('+');
        }
        out.push_str(&self.digits);
        if let Some(ext) = &self.extension {
            out.push('x');
            out.push_str(ext);
        }
        out
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')')
}

/// Parses `raw` (already NFKC-folded and trimmed) by the grammar above.
pub(super) fn parse(raw: &str) -> Option<ParsedPhone> {
    let (plus, rest) = match raw.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (main, extension) = split_extension(rest)?;
    let mut digits = String::with_capacity(main.len());
    for c in main.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_separator(c) {
            return None;
        }
    }
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return None;
    }
    Some(ParsedPhone {
        plus,
        digits,
        extension,
    })
}

/// Splits "555 1234 ext. 12" into ("555 1234 ", Some("12")). A marker with
/// no digits after it, or anything else after the digits, is an error.
fn split_extension(s: &str) -> Option<(&str, Option<String>)> {
    let Some(at) = s.find(|c: char| c.is_ascii_alphabetic()) else {
        return Some((s, None));
    };
    let (main, tail) = s.split_at(at);
    let lower = tail.to_ascii_lowercase();
    let after_marker = lower
        .strip_prefix("ext")
        .or_else(|| lower.strip_prefix('x'))?;
    let after_marker = after_marker.strip_prefix('.').unwrap_or(after_marker);
    let ext = after_marker.trim_start();
    let valid = !ext.is_empty()
        && ext.len() <= MAX_EXTENSION_DIGITS
        && ext.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| (main, Some(ext.to_owned())))
}

/// Whether `number` looks like a phone number: an optional leading "+",
/// 4–20 digits once spaces, dashes, dots and parentheses are removed, and an
/// optional extension ("x123", "ext 123").
pub fn is_plausible_phone(number: &str) -> bool {
    let folded: String = number.nfkc().collect();
    parse(folded.trim()).is_some()
}

/// Proposes the international form of a number typed without a leading
/// "+", from the user's locale, or `None` when there is nothing to propose.
/// The app shows the proposal; the user accepts it or keeps what they typed.
///
/// - `zh-CN`: the number is taken as mainland Chinese (+86). An 11-digit
///   mobile number (1[3-9]…) gets "+86" in front; a landline with its trunk
///   "0" and area code (010-…, 0755-…, 10–12 digits) loses the "0" and gets
///   "+86"; "86" followed by a mobile number gets "+"; an international
///   call prefix "00" becomes "+". A short local number (no area code) gets
///   no proposal: the area code cannot be guessed.
/// - `en`: no proposal. English is used in many countries with different
///   codes, so any guess would be wrong for many users; the number is kept
///   as typed.
///
/// Numbers that already start with "+" or are not plausible phone numbers
/// get `None`. The proposal is canonical (separators removed, extension
/// kept as "x…").
pub fn with_default_country_code(number: &str, locale: Locale) -> Option<String> {
    let folded: String = number.nfkc().collect();
    let parsed = parse(folded.trim())?;
    if parsed.plus || locale != Locale::ZhCn {
        return None;
    }
    let d = parsed.digits.as_str();
    let is_mobile = |m: &str| {
        let b = m.as_bytes();
        b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
    };
    let international = if let Some(rest) = d.strip_prefix("00") {
        (rest.len() >= MIN_DIGITS && !rest.starts_with('0')).then(|| rest.to_owned())
    } else if is_mobile(d) {
        Some(format!("86{d}"))
    } else if d.strip_prefix("86").is_some_and(is_mobile) {
        Some(d.to_owned())
    } else if d.starts_with('0') && (10..=12).contains(&d.len()) && !d.starts_with("00") {
        Some(format!("86{}", &d[1..]))
    } else {
        None
    }?;
    let proposed = ParsedPhone {
        plus: true,
        digits: international,
        extension: parsed.extension,
    };
    Some(proposed.canonical())
}

/// The stored form of a phone number: canonical when it parses; otherwise
/// (so the user can still see and fix it) only separators are removed.
pub(super) fn normalize(number: &str) -> String {
    let folded: String = number.nfkc().collect();
    if let Some(parsed) = parse(folded.trim()) {
        return parsed.canonical();
    }
    let stripped: String = folded.chars().filter(|&c| !is_separator(c)).collect();
    // Removing separators can make combining marks adjacent to a new base
    // character; re-normalise so a second pass changes nothing.
    let stripped: String = stripped.nfkc().collect();
    match parse(&stripped) {
        Some(parsed) => parsed.canonical(),
        None => stripped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_formats() {
        for ok in [
            "+86 138 0013 8000",
            "(555) 123-4567",
            "555.123.4567",
            "1234",
            "+44 20 7946 0958 ext. 12",
            "555-1234 x9",
            "555-1234 EXT 42",
            "＋８６ １３８００１３８０００",
        ] {
            assert!(is_plausible_phone(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_too_few_or_too_many_digits_and_letters() {
        for bad in [
            "",
            "123",
            "+",
            "123456789012345678901",
            "call me",
            "555-CALL",
            "12+34567",
            "5551234 x",
            "5551234 ext 12a",
            "5551234 x 12345678901",
        ] {
            assert!(!is_plausible_phone(bad), "{bad}");
        }
    }

    #[test]
    fn chinese_locale_proposes_plus_86() {
        let zh = |n: &str| with_default_country_code(n, Locale::ZhCn);
        assert_eq!(zh("138 0013 8000").as_deref(), Some("+8613800138000"));
        assert_eq!(
            zh("１３８００１３８０００").as_deref(),
            Some("+8613800138000")
        );
        assert_eq!(zh("010-6552 9988").as_deref(), Some("+861065529988"));
        assert_eq!(
            zh("0755 8888 6666 ext 12").as_deref(),
            Some("+8675588886666x12")
        );
        assert_eq!(zh("8613800138000").as_deref(), Some("+8613800138000"));
        assert_eq!(zh("0044 20 7946 0958").as_deref(), Some("+442079460958"));
        // Already international, a short local number, not a number.
        assert_eq!(zh("+1 555 123 4567"), None);
        assert_eq!(zh("6552 9988"), None);
        assert_eq!(zh("12345678901"), None);
        assert_eq!(zh("call me"), None);
    }

    #[test]
    fn english_locale_proposes_nothing() {
        for n in ["138 0013 8000", "(555) 123-4567", "020 7946 0958"] {
            assert_eq!(with_default_country_code(n, Locale::En), None, "{n}");
        }
    }

    #[test]
    fn normalize_strips_separators_and_keeps_plus() {
        assert_eq!(normalize(" +86 (138) 0013-8000 "), "+8613800138000");
        assert_eq!(normalize("555.123.4567 ext. 89"), "5551234567x89");
    }

    #[test]
    fn normalize_of_invalid_number_only_strips_separators() {
        assert_eq!(normalize("555-CALL (now)"), "555CALLnow");
        assert_eq!(normalize("12 3"), "123");
    }

    #[test]
    fn normalize_is_stable_when_stripping_joins_a_combining_mark() {
        // "-" separates "e" from a combining acute; removing it must not
        // leave a decomposed "é" that a second pass would compose.
        let once = normalize("e -\u{301}");
        assert_eq!(once, "\u{e9}");
        assert_eq!(normalize(&once), once);
    }
}
