//! Unicode text helpers shared by the domain modules: folding for search and
//! comparison, whitespace collapsing, and script detection for name order.

use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: NFKC (so full-width "ＡＢＣ" becomes "ABC" and
/// composed/decomposed accents agree) followed by Unicode lowercasing.
///
/// Search haystacks and queries both go through this one function, so the
/// two sides always agree even where NFKC and lowercasing do not commute.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`], appending to `out` so callers can build one buffer from many
/// fields without an allocation per field.
pub fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        // ASCII is already in NFKC; skipping the normaliser keeps index
        // builds over 100k contacts fast.
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(s.nfkc().flat_map(char::to_lowercase));
    }
}

/// Trims and replaces every run of whitespace inside `s` with one space.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// True for characters of scripts written without spaces between a family
/// name and a given name: Han ideographs, kana and Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF     // Hangul Jamo
        | 0x2E80..=0x2FDF   // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007   // 々 〆 〇
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3130..=0x318F   // Hangul compatibility Jamo
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3134F // CJK Extensions B–G
    )
}

/// True when any character of `s` is CJK (see [`is_cjk`]).
pub fn contains_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_maps_full_width_to_ascii_lowercase() {
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
    }

    #[test]
    fn fold_composes_decomposed_accents() {
        assert_eq!(fold("Zoe\u{308}"), fold("ZOË"));
        assert_eq!(fold("ZOË"), "zoë");
    }

    #[test]
    fn fold_leaves_han_unchanged() {
        assert_eq!(fold("张伟"), "张伟");
    }

    #[test]
    fn collapse_whitespace_trims_and_joins_runs() {
        assert_eq!(
            collapse_whitespace("  Mary \t Ann\u{3000}Lee \n"),
            "Mary Ann Lee"
        );
        assert_eq!(collapse_whitespace("   "), "");
    }

    #[test]
    fn cjk_detection_covers_han_kana_hangul_but_not_latin() {
        assert!(contains_cjk("张"));
        assert!(contains_cjk("さくら"));
        assert!(contains_cjk("김"));
        assert!(!contains_cjk("Zoë"));
        assert!(!contains_cjk(""));
    }
}
