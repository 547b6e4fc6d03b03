//! Phone match keys that know about country codes.
//!
//! A key is E.164-like: "+" then the country calling code and the national
//! significant number ("+8613800138000"). A number written with its country
//! code ("+86 138…", "0086 138…") keys on its own digits. A number written
//! without one is national: with a default [`PhoneRegion`] it loses its
//! trunk prefix and gains the region's code, so "020 7946 0958" in Great
//! Britain and "+44 20 7946 0958" agree; with no region it keys on its
//! digits alone (no "+"), so it only matches the same national number.
//!
//! Comparing only the last digits (what this replaced) made "+33 6 12 34 56
//! 78" and "+86 136 1234 5678" one number; two different country codes are
//! never equal here.

use unicode_normalization::UnicodeNormalization;

use crate::settings::Locale;

/// Numbers with fewer digits are too short to identify anyone.
const MIN_PHONE_KEY_DIGITS: usize = 6;
/// The international call prefix of most of the world (ITU-T E.164 note);
/// used when there is no region to say otherwise.
const DEFAULT_INTERNATIONAL_PREFIX: &str = "00";

/// Where numbers written without a country code are taken to be: its
/// country calling code, the trunk prefix dialled before national numbers
/// and the prefix dialled before international ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhoneRegion {
    calling_code: u16,
    trunk_prefix: &'static str,
    international_prefix: &'static str,
}

impl PhoneRegion {
    /// Mainland China: +86, trunk "0", international "00".
    pub const CN: PhoneRegion = PhoneRegion::new(86, "0", "00");
    /// The North American Numbering Plan (US, Canada, …): +1, trunk "1",
    /// international "011".
    pub const NANP: PhoneRegion = PhoneRegion::new(1, "1", "011");
    /// United Kingdom: +44, trunk "0".
    pub const GB: PhoneRegion = PhoneRegion::new(44, "0", "00");
    /// France: +33, trunk "0".
    pub const FR: PhoneRegion = PhoneRegion::new(33, "0", "00");
    /// Germany: +49, trunk "0".
    pub const DE: PhoneRegion = PhoneRegion::new(49, "0", "00");

    /// A region by its calling code and prefixes (digits only; an empty
    /// trunk prefix for countries such as Italy that dial none).
    pub const fn new(
        calling_code: u16,
        trunk_prefix: &'static str,
        international_prefix: &'static str,
    ) -> PhoneRegion {
        PhoneRegion {
            calling_code,
            trunk_prefix,
            international_prefix,
        }
    }

    pub fn calling_code(self) -> u16 {
        self.calling_code
    }

    /// The region a user of `locale` most likely dials from: mainland China
    /// for `zh-CN`; none for `en`, which is spoken in too many countries to
    /// guess (the same rule as
    /// [`with_default_country_code`](crate::contact::with_default_country_code)).
    pub fn for_locale(locale: Locale) -> Option<PhoneRegion> {
        match locale {
            Locale::ZhCn => Some(PhoneRegion::CN),
            Locale::En => None,
        }
    }
}

/// The match key of `number` (see the module comment), or `None` when it
/// has fewer than 6 digits. An extension ("x12", "ext. 12") and a bracketed
/// trunk zero ("+44 (0)20 …") are ignored; full-width digits are folded.
pub fn phone_key(number: &str, region: Option<PhoneRegion>) -> Option<String> {
    let folded: String = number.nfkc().collect();
    let main = folded
        .split(|c: char| c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .replace("(0)", "");
    let plus = main.trim_start().starts_with('+');
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_PHONE_KEY_DIGITS {
        return None;
    }
    if plus {
        return Some(format!("+{digits}"));
    }
    let international_prefix =
        region.map_or(DEFAULT_INTERNATIONAL_PREFIX, |r| r.international_prefix);
    if let Some(rest) = digits.strip_prefix(international_prefix) {
        return Some(format!("+{rest}"));
    }
    Some(match region {
        Some(r) => {
            let national = digits.strip_prefix(r.trunk_prefix).unwrap_or(&digits);
            format!("+{}{national}", r.calling_code)
        }
        None => digits,
    })
}

/// The last 9 digits of `number`, or `None` under 6 digits. Only for telling
/// whether two numbers of the *same* person are one (when merging them):
/// there a country-code mismatch is a formatting difference, not another
/// person, so the loose comparison is the right one.
pub(crate) fn same_person_phone_key(number: &str) -> Option<String> {
    const SAME_PERSON_DIGITS: usize = 9;
    let folded: String = number.nfkc().collect();
    let main = folded
        .split(|c: char| c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    let digits: Vec<char> = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_PHONE_KEY_DIGITS {
        return None;
    }
    let start = digits.len().saturating_sub(SAME_PERSON_DIGITS);
    Some(digits[start..].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_a_country_code_key_on_all_their_digits() {
        assert_eq!(
            phone_key("+86 138 0013 8000", None),
            Some("+8613800138000".into())
        );
        assert_eq!(
            phone_key("0086 138 0013 8000", None),
            phone_key("+8613800138000", None)
        );
        assert_eq!(
            phone_key("+44 (0)20 7946 0958", None),
            phone_key("+44 20 7946 0958", None)
        );
    }

    #[test]
    fn the_same_national_digits_in_two_countries_do_not_collide() {
        // The Twenty fixture: a French mobile and a Chinese one that end in
        // the same nine digits.
        let fr = phone_key("+33 612345678", None);
        let cn = phone_key("+86 136 1234 5678", None);
        assert_ne!(fr, cn);
        for region in [None, Some(PhoneRegion::CN), Some(PhoneRegion::FR)] {
            assert_ne!(
                phone_key("+33 612345678", region),
                phone_key("+86 136 1234 5678", region)
            );
        }
        assert_ne!(
            phone_key("+1 555 123 4567", None),
            phone_key("+7 555 123 4567", None)
        );
    }

    #[test]
    fn national_numbers_take_the_default_region() {
        let cn = Some(PhoneRegion::CN);
        assert_eq!(
            phone_key("13800138000", cn),
            phone_key("+86 138 0013 8000", cn)
        );
        assert_eq!(
            phone_key("010-6552 9988", cn),
            phone_key("+86 10 6552 9988", cn)
        );
        let gb = Some(PhoneRegion::GB);
        assert_eq!(
            phone_key("020-7946-0958", gb),
            phone_key("+44 20 7946 0958", gb)
        );
        let us = Some(PhoneRegion::NANP);
        assert_eq!(
            phone_key("(555) 123-4567", us),
            phone_key("+1 555 123 4567", us)
        );
        assert_eq!(
            phone_key("1 555 123 4567", us),
            phone_key("+1 555 123 4567", us)
        );
        assert_eq!(
            phone_key("011 44 20 7946 0958", us),
            phone_key("+44 20 7946 0958", us)
        );
        // A French national number in a Chinese address book is taken as
        // Chinese, so it does not match the French international form.
        assert_ne!(
            phone_key("06 12 34 56 78", cn),
            phone_key("+33 6 12 34 56 78", cn)
        );
    }

    #[test]
    fn without_a_region_national_numbers_match_only_each_other() {
        assert_eq!(
            phone_key("555 123 4567 x12", None),
            phone_key("(555) 123-4567", None)
        );
        assert_eq!(phone_key("555 123 4567", None), Some("5551234567".into()));
        assert_ne!(
            phone_key("13800138000", None),
            phone_key("+86 138 0013 8000", None)
        );
    }

    #[test]
    fn short_and_full_width_numbers() {
        assert_eq!(phone_key("１２３４５６", None), Some("123456".into()));
        assert_eq!(
            phone_key("＋８６ １３８００１３８０００", None),
            Some("+8613800138000".into())
        );
        assert_eq!(phone_key("12345", None), None);
        assert_eq!(phone_key("+1 2345", Some(PhoneRegion::CN)), None);
    }

    #[test]
    fn locales_choose_a_region_only_when_it_is_clear() {
        assert_eq!(PhoneRegion::for_locale(Locale::ZhCn), Some(PhoneRegion::CN));
        assert_eq!(PhoneRegion::for_locale(Locale::En), None);
    }

    #[test]
    fn the_same_person_key_still_joins_formats_of_one_number() {
        assert_eq!(
            same_person_phone_key("+86 138 0013 8000"),
            same_person_phone_key("13800138000")
        );
    }
}
