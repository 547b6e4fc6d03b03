//! Pinyin forms of Han text, so "zw" and "zhang" find 张伟.
//!
//! Each Han character takes its most common reading (toneless, from the
//! `pinyin` crate's table); heteronyms are not expanded, so a surname read
//! differently from its common reading (单 shàn) is found by its common one.

use pinyin::ToPinyin;

use crate::text::is_cjk;

/// Appends the full pinyin and the initials of `folded` to `out` as two
/// lines, when it contains at least one Han character with a reading;
/// otherwise appends nothing. Other characters are copied as they are into
/// the full form, and letters and digits into the initials.
///
/// `folded` must already be folded (see [`crate::text::fold`]) so that
/// Latin letters mixed into a name agree with folded queries.
pub(super) fn push_pinyin_lines(folded: &str, out: &mut String) {
    if folded.is_ascii() || !folded.chars().any(|c| is_cjk(c) && c.to_pinyin().is_some()) {
        return;
    }
    let mut initials = String::with_capacity(folded.len() / 3 + 1);
    for c in folded.chars() {
        match c.to_pinyin() {
            Some(p) => {
                let plain = p.plain();
                push_syllable(plain, out);
                initials.extend(plain.chars().next());
            }
            None if c.is_whitespace() => {}
            None => {
                out.push(c);
                if c.is_alphanumeric() {
                    initials.push(c);
                }
            }
        }
    }
    out.push(super::FIELD_SEP);
    out.push_str(&initials);
    out.push(super::FIELD_SEP);
}

/// Appends a toneless syllable as typed on a keyboard: ü as "v", the
/// convention of pinyin input methods (吕 is "lv").
fn push_syllable(plain: &str, out: &mut String) {
    out.extend(plain.chars().map(|c| if c == 'ü' { 'v' } else { c }));
}

/// A collation key that orders Han text by pinyin, as Chinese users
/// expect (李 < 王 < 张), among Latin text: each Han character becomes its
/// syllable and a space ("li ming" < "lin"), everything else stays.
/// `None` when `folded` has no Han character with a reading, so callers
/// store nothing extra for other text.
pub(crate) fn collation_key(folded: &str) -> Option<String> {
    if folded.is_ascii() || !folded.chars().any(|c| is_cjk(c) && c.to_pinyin().is_some()) {
        return None;
    }
    let mut out = String::with_capacity(folded.len() * 2);
    for c in folded.chars() {
        match c.to_pinyin() {
            Some(p) => {
                push_syllable(p.plain(), &mut out);
                out.push(' ');
            }
            None => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> String {
        let mut out = String::new();
        push_pinyin_lines(s, &mut out);
        out
    }

    #[test]
    fn han_names_get_full_pinyin_and_initials() {
        assert_eq!(lines("张伟"), "zhangwei\nzw\n");
        assert_eq!(lines("欧阳娜娜"), "ouyangnana\noynn\n");
    }

    #[test]
    fn u_umlaut_is_typed_as_v() {
        assert_eq!(
            lines("吕女士"),
            "lvnvshi
lns
"
        );
    }

    #[test]
    fn collation_keys_spell_han_in_pinyin() {
        assert_eq!(collation_key("李明").as_deref(), Some("li ming "));
        assert_eq!(collation_key("张tony").as_deref(), Some("zhang tony"));
        assert_eq!(collation_key("zoë"), None);
        assert_eq!(collation_key("abc"), None);
    }

    #[test]
    fn latin_text_gets_no_pinyin_lines() {
        assert_eq!(lines("ann lee"), "");
        assert_eq!(lines(""), "");
    }

    #[test]
    fn mixed_text_keeps_the_latin_part() {
        assert_eq!(lines("张tony"), "zhangtony\nztony\n");
        assert_eq!(lines("李 明"), "liming\nlm\n");
    }
}
