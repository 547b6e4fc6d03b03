//! Turning a file's bytes into text. Spreadsheet exports come as UTF-8,
//! UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), UTF-16 ("Unicode
//! text") or, from Chinese Excel and WPS, GBK / GB18030.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// The encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
}

/// Decoded text and how it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: SourceEncoding,
    /// Some bytes were not valid in the detected encoding and were replaced
    /// by U+FFFD; the app should warn that some characters may be wrong.
    pub had_replacements: bool,
}

/// Detects the encoding and decodes: a byte-order mark decides first; then
/// bytes that are valid UTF-8 are UTF-8; anything else is read as
/// GB18030. (Valid UTF-8 is almost never valid-looking GBK by accident, and
/// the converse is not needed: a GB18030 file with Chinese text is nearly
/// always invalid UTF-8.)
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, had_replacements) = match std::str::from_utf8(rest) {
            Ok(s) => (s.to_owned(), false),
            Err(_) => (String::from_utf8_lossy(rest).into_owned(), true),
        };
        return Decoded {
            text,
            encoding: SourceEncoding::Utf8Bom,
            had_replacements,
        };
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, SourceEncoding::Utf16Le))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, SourceEncoding::Utf16Be))
    } else {
        None
    };
    if let Some((enc, label)) = utf16 {
        let (text, _, had_replacements) = enc.decode(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: label,
            had_replacements,
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: s.to_owned(),
            encoding: SourceEncoding::Utf8,
            had_replacements: false,
        };
    }
    let (text, had_replacements) = GB18030.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: SourceEncoding::Gb18030,
        had_replacements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("姓名,手机\n".as_bytes());
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("姓名,手机\n", SourceEncoding::Utf8)
        );
        let d = decode(b"\xEF\xBB\xBFName\n");
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("Name\n", SourceEncoding::Utf8Bom)
        );
    }

    #[test]
    fn gbk_bytes_are_read_as_gb18030() {
        let (bytes, _, _) = GB18030.encode("张伟,上海");
        let d = decode(&bytes);
        assert_eq!(d.text, "张伟,上海");
        assert_eq!(d.encoding, SourceEncoding::Gb18030);
        assert!(!d.had_replacements);
    }

    #[test]
    fn utf16_le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "名\tA".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = decode(&bytes);
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("名\tA", SourceEncoding::Utf16Le)
        );
    }
}
