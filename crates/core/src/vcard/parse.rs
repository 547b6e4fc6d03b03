//! Reading vCards (2.1, 3.0, 4.0) into contacts, one card at a time.

use encoding_rs::Encoding;

use super::escape::{split_unescaped, unescape};
use crate::contact::{Contact, ContactPointKind, Email, NameOrder, Phone, ValidationErrors};

/// Why one card could not be read. Other cards in the file are unaffected.
/// The messages are for logs; the app translates the variants.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CardProblem {
    /// BEGIN:VCARD with no END:VCARD before the next card or the end.
    #[error("card has no END:VCARD")]
    MissingEnd,
    /// A VERSION other than 2.1, 3.0 or 4.0.
    #[error("unsupported vCard version {0}")]
    UnsupportedVersion(String),
    /// A QUOTED-PRINTABLE value with a bad "=XX" escape, on `line`.
    #[error("bad quoted-printable value on line {line}")]
    BadQuotedPrintable { line: u64 },
    /// A CHARSET parameter this app does not know, on `line`.
    #[error("unknown charset {charset} on line {line}")]
    UnknownCharset { line: u64, charset: String },
    /// The card read, but the contact breaks a rule (no name, a bad email…).
    #[error("{0}")]
    Invalid(ValidationErrors),
}

/// A card's outcome: `index` is 0-based among the cards of the file and
/// `line` the 1-based line of its BEGIN:VCARD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedCard {
    pub index: usize,
    pub line: u64,
    /// A normalised, valid contact with a nil id (the app assigns ids).
    pub result: Result<Contact, CardProblem>,
}

/// Properties whose values are large binary blobs; their lines are skipped
/// without being copied.
const BLOB_PROPERTIES: [&str; 4] = ["PHOTO", "LOGO", "SOUND", "KEY"];

/// Cards of a vCard file, in order. Text outside BEGIN/END is ignored.
pub fn cards(text: &str) -> Cards<'_> {
    Cards {
        lines: text.split('\n').peekable(),
        line_no: 0,
        index: 0,
    }
}

/// Iterator over the cards of a file; see [`cards`].
pub struct Cards<'a> {
    lines: std::iter::Peekable<std::str::Split<'a, char>>,
    line_no: u64,
    index: usize,
}

/// One unfolded content line.
struct ContentLine {
    line: u64,
    text: String,
}

impl<'a> Cards<'a> {
    fn next_physical(&mut self) -> Option<&'a str> {
        let l = self.lines.next()?;
        self.line_no += 1;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// The next logical line: folded continuations (leading space or tab)
    /// joined, quoted-printable soft breaks ("=" at the end) joined, and
    /// blob properties returned with an empty value, unread.
    fn next_logical(&mut self) -> Option<ContentLine> {
        let first = self.next_physical()?;
        let line = self.line_no;
        let name = property_name(first);
        let blob = BLOB_PROPERTIES.iter().any(|b| name.eq_ignore_ascii_case(b));
        let qp = is_quoted_printable(first);
        let mut text = if blob {
            format!("{name}:")
        } else {
            first.to_owned()
        };
        while let Some(next) = self.lines.peek() {
            let folded = next.starts_with(' ') || next.starts_with('\t');
            let soft_break = qp && text.ends_with('=');
            if !folded && !soft_break {
                break;
            }
            let next = self.next_physical().unwrap_or_default();
            if blob {
                continue;
            }
            if soft_break {
                text.pop();
                text.push_str(next.trim_start());
            } else {
                text.push_str(&next[1..]);
            }
        }
        Some(ContentLine { line, text })
    }
}

impl Iterator for Cards<'_> {
    type Item = ParsedCard;

    fn next(&mut self) -> Option<ParsedCard> {
        // Find the next BEGIN:VCARD.
        let begin = loop {
            let l = self.next_logical()?;
            if l.text.trim().eq_ignore_ascii_case("BEGIN:VCARD") {
                break l.line;
            }
        };
        let index = self.index;
        self.index += 1;
        let mut props = Vec::new();
        let mut ended = false;
        while let Some(peek) = self.lines.peek() {
            // Only an unindented line starts a card; an indented one is a
            // folded continuation of some value.
            if peek.trim_end().eq_ignore_ascii_case("BEGIN:VCARD") {
                break;
            }
            let Some(l) = self.next_logical() else { break };
            if l.text.trim().eq_ignore_ascii_case("END:VCARD") {
                ended = true;
                break;
            }
            props.push(l);
        }
        let result = if ended {
            build(&props)
        } else {
            Err(CardProblem::MissingEnd)
        };
        Some(ParsedCard {
            index,
            line: begin,
            result,
        })
    }
}

/// "item1.EMAIL;TYPE=work:x" → "EMAIL".
fn property_name(line: &str) -> &str {
    let end = line.find([';', ':']).unwrap_or(line.len());
    let name = &line[..end];
    name.rsplit('.').next().unwrap_or(name)
}

fn is_quoted_printable(line: &str) -> bool {
    let head = line.split(':').next().unwrap_or("");
    head.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
}

/// A parsed property: upper-case name, parameters as (NAME, value) with
/// bare 2.1 parameters as ("TYPE", value), and the raw value.
struct Property {
    line: u64,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param_values<'p>(&'p self, name: &'p str) -> impl Iterator<Item = String> + 'p {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
    }

    fn has_type(&self, t: &str) -> bool {
        self.param_values("TYPE").any(|v| v == t)
    }
}

/// Splits "NAME;P=V;P2="a:b":value" at the first ':' outside quotes.
fn parse_property(l: &ContentLine) -> Option<Property> {
    let mut in_quotes = false;
    let colon = l.text.char_indices().find_map(|(i, c)| {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => return Some(i),
            _ => {}
        }
        None
    })?;
    let (head, value) = (&l.text[..colon], &l.text[colon + 1..]);
    let mut parts = Vec::new();
    let mut cur = String::new();
    in_quotes = false;
    for c in head.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    let mut parts = parts.into_iter();
    let name = parts.next()?;
    let name = name
        .rsplit('.')
        .next()
        .unwrap_or(&name)
        .to_ascii_uppercase();
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((n, v)) => (n.trim().to_ascii_uppercase(), v.to_owned()),
            None => ("TYPE".to_owned(), p),
        })
        .collect();
    Some(Property {
        line: l.line,
        name,
        params,
        value: value.to_owned(),
    })
}

/// The property's value as text: quoted-printable and charset decoded.
fn decoded_value(p: &Property) -> Result<String, CardProblem> {
    let qp = p.params.iter().any(|(n, v)| {
        (n == "ENCODING" || n == "TYPE") && v.eq_ignore_ascii_case("QUOTED-PRINTABLE")
    });
    let charset = p
        .params
        .iter()
        .find(|(n, _)| n == "CHARSET")
        .map(|(_, v)| v.trim().to_owned());
    if !qp && charset.is_none() {
        return Ok(p.value.clone());
    }
    let bytes = if qp {
        decode_qp(&p.value).ok_or(CardProblem::BadQuotedPrintable { line: p.line })?
    } else {
        p.value.clone().into_bytes()
    };
    let encoding = match &charset {
        None => encoding_rs::UTF_8,
        Some(label) => {
            Encoding::for_label(label.as_bytes()).ok_or_else(|| CardProblem::UnknownCharset {
                line: p.line,
                charset: label.clone(),
            })?
        }
    };
    Ok(encoding.decode_without_bom_handling(&bytes).0.into_owned())
}

fn decode_qp(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn kind_of(p: &Property) -> ContactPointKind {
    if p.has_type("cell") || p.has_type("mobile") || p.has_type("iphone") {
        ContactPointKind::Mobile
    } else if p.has_type("work") {
        ContactPointKind::Work
    } else if p.has_type("home") {
        ContactPointKind::Home
    } else {
        ContactPointKind::Other
    }
}

fn build(lines: &[ContentLine]) -> Result<Contact, CardProblem> {
    let mut c = Contact::default();
    let mut formatted = String::new();
    for l in lines {
        let Some(p) = parse_property(l) else { continue };
        if BLOB_PROPERTIES.contains(&p.name.as_str()) {
            continue;
        }
        let v = decoded_value(&p)?;
        let parts = || split_unescaped(&v, ';');
        let part = |i: usize| parts().get(i).map(|s| unescape(s)).unwrap_or_default();
        // A component holding several values ("Mary,Ann"), joined by spaces.
        let list = |i: usize| {
            let raw = parts().get(i).copied().unwrap_or_default();
            split_unescaped(raw, ',')
                .iter()
                .map(|v| unescape(v))
                .filter(|v| !v.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        match p.name.as_str() {
            "VERSION" => {
                let version = v.trim();
                if !matches!(version, "2.1" | "3.0" | "4.0") {
                    return Err(CardProblem::UnsupportedVersion(version.to_owned()));
                }
            }
            "FN" => formatted = unescape(&v),
            "N" => {
                c.family_name = list(0);
                c.given_name = list(1);
                let additional = list(2);
                if !additional.is_empty() {
                    c.given_name = format!("{} {additional}", c.given_name);
                }
                c.salutation = list(3);
            }
            "EMAIL" => c.emails.push(Email {
                kind: kind_of(&p),
                address: unescape(&v),
            }),
            "TEL" => {
                let v = unescape(&v);
                let number = v.strip_prefix("tel:").unwrap_or(&v).to_owned();
                c.phones.push(Phone {
                    kind: kind_of(&p),
                    number,
                });
            }
            "ORG" => c.company = part(0),
            "TITLE" => c.job_title = unescape(&v),
            "ADR" if c.address.is_empty() => {
                let street = [part(1), part(2)]
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                c.address.street = street;
                c.address.city = part(3);
                c.address.province = part(4);
                c.address.postcode = part(5);
                c.address.country = part(6);
            }
            "NOTE" => {
                if !c.notes.is_empty() {
                    c.notes.push_str("\n\n");
                }
                c.notes.push_str(&unescape(&v));
            }
            "CATEGORIES" => c
                .tags
                .extend(split_unescaped(&v, ',').iter().map(|t| unescape(t))),
            "X-WECHAT" | "X-WECHAT-ID" => c.wechat = unescape(&v),
            "X-COFFER-DISTRICT" => c.address.district = unescape(&v),
            "X-COFFER-SOURCE" => c.source = unescape(&v),
            "X-COFFER-OWNER" => c.owner = unescape(&v),
            "X-COFFER-OWNER-ID" => c.owner_id = v.trim().parse().ok(),
            "X-COFFER-COMPANY-ID" => c.company_id = v.trim().parse().ok(),
            "X-COFFER-CUSTOM" => {
                // The definition id; a card from elsewhere with some other
                // key is skipped rather than guessed at.
                let key = p
                    .params
                    .iter()
                    .find(|(n, _)| n == "X-KEY")
                    .and_then(|(_, k)| k.trim().parse::<uuid::Uuid>().ok());
                if let Some(key) = key {
                    let text = unescape(&v);
                    let value =
                        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
                    c.custom.insert(key, value);
                }
            }
            _ => {}
        }
    }
    let formatted = formatted.trim();
    let composed = [NameOrder::GivenFirst, NameOrder::SurnameFirst].map(|o| {
        Contact {
            full_name: String::new(),
            emails: Vec::new(),
            ..c.clone()
        }
        .display_name(o)
    });
    if !formatted.is_empty() && !composed.iter().any(|n| n.trim() == formatted) {
        c.full_name = formatted.to_owned();
    }
    let c = c.normalized();
    c.validate().map_err(CardProblem::Invalid)?;
    Ok(c)
}
