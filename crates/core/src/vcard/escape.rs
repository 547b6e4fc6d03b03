//! vCard text escaping (RFC 6350 §3.4, RFC 2426 §4) and line folding.

/// Escapes a text value: backslash, newline, comma and semicolon.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape`]; "\N" is a newline too, and an unknown escape keeps
/// the character after the backslash.
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits on `sep` where it is not escaped by a backslash; parts stay
/// escaped.
pub(super) fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Maximum octets of a content line, CRLF excluded (RFC 6350 §3.2).
const FOLD_OCTETS: usize = 75;

/// Appends `line` folded at 75 octets, never inside a UTF-8 sequence, each
/// continuation starting with one space, with CRLF line ends.
pub(super) fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = FOLD_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space counts toward the next line's 75 octets.
        limit = FOLD_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips() {
        let s = "a,b;c\\d\ne";
        assert_eq!(escape(s), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(unescape(&escape(s)), s);
        assert_eq!(unescape("x\\Ny"), "x\ny");
    }

    #[test]
    fn split_respects_escapes() {
        assert_eq!(split_unescaped("a\\;b;c;;d", ';'), ["a\\;b", "c", "", "d"]);
    }

    #[test]
    fn folding_keeps_lines_within_75_octets_and_utf8_whole() {
        let line = format!("NOTE:{}", "喜欢喝茶🍵".repeat(30));
        let mut out = String::new();
        push_folded(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }
}
