//! One CSV row to one contact, with errors that name the row, the column
//! and the reason.

use serde_json::Value;

use super::mapping::{ColumnMapping, TargetField};
use crate::contact::{
    Contact, ContactPointKind, Email, Field, MAX_ADDRESS_PART_CHARS, Phone, Problem,
    with_default_country_code,
};
use crate::settings::Locale;

/// Why a row (or one of its cells) could not be imported. The app
/// translates these; they carry no UI text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// No name column has a value. `column` is the first name column, if
    /// any is mapped.
    NameMissing,
    InvalidEmail,
    InvalidPhone,
    InvalidWeChat,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    /// The row has more non-empty cells than the header has columns: a
    /// field with an unquoted delimiter probably shifted the columns.
    ExtraCells {
        expected: usize,
        found: usize,
    },
    /// The CSV structure itself is broken here (as the parser reports it).
    Malformed(String),
}

/// A problem in one row. `row` is the 1-based data row (the header is row
/// 0); `line` is the 1-based line in the file where the row starts (they
/// differ when fields contain newlines); `column` is the 0-based column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("row {row} (line {line}), column {column:?}: {problem:?}")]
pub struct RowError {
    pub row: u64,
    pub line: u64,
    pub column: Option<usize>,
    pub problem: RowProblem,
}

/// Where each list entry of the contact came from, to point errors at
/// their column.
#[derive(Default)]
struct Origins {
    emails: Vec<usize>,
    phones: Vec<usize>,
    tags: Vec<usize>,
}

/// Google joins several values of one kind in a cell with " ::: ".
fn split_multi(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(" ::: ").map(str::trim).filter(|s| !s.is_empty())
}

fn parse_kind(s: &str) -> Option<ContactPointKind> {
    let k = crate::text::fold(s.trim().trim_start_matches('*').trim());
    Some(match k.as_str() {
        "work" | "business" | "office" | "工作" | "单位" | "公司" => ContactPointKind::Work,
        "home" | "personal" | "家庭" | "住宅" | "个人" => ContactPointKind::Home,
        "mobile" | "cell" | "手机" | "移动电话" => ContactPointKind::Mobile,
        "other" | "其他" => ContactPointKind::Other,
        _ => return None,
    })
}

/// Drops the apostrophe that formula-injection protection (ours in
/// [`crate::export::protect_cell`], or another app's) puts before "=",
/// "+", "-", "@", tab, CR or another apostrophe: "'+86 138…" is the number
/// "+86 138…".
fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest,
        _ => cell,
    }
}

/// Twenty exports lists as JSON arrays of strings: `["a@x.com","b@y.com"]`.
fn json_list(v: &str) -> Option<Vec<String>> {
    if !v.starts_with('[') {
        return None;
    }
    serde_json::from_str(v).ok()
}

fn cell_value(s: &str) -> Value {
    Value::String(s.trim().to_owned())
}

/// Converts one row. The contact has a nil id and zero timestamps (the
/// planner fills those in); it is normalised and has passed
/// [`Contact::validate`] when `Ok`.
///
/// With `phone_locale`, numbers typed without a country code get the one
/// [`with_default_country_code`] proposes for that locale (for `zh-CN`,
/// "138 0013 8000" is stored as "+8613800138000").
pub fn convert_row(
    mapping: &ColumnMapping,
    cells: &[&str],
    row: u64,
    line: u64,
    phone_locale: Option<Locale>,
) -> Result<Contact, Vec<RowError>> {
    let err = |column, problem| RowError {
        row,
        line,
        column,
        problem,
    };
    let width = mapping.columns.len();
    let found = cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |p| p + 1);
    if found > width {
        let problem = RowProblem::ExtraCells {
            expected: width,
            found,
        };
        return Err(vec![err(Some(width), problem)]);
    }

    let mut c = Contact::default();
    let mut origins = Origins::default();
    let mut middle = String::new();
    let cell = |i: usize| unprotect(cells.get(i).copied().unwrap_or("").trim());
    for (i, target) in mapping.columns.iter().enumerate() {
        let v = cell(i);
        if v.is_empty() {
            continue;
        }
        let set = |dst: &mut String| {
            if dst.is_empty() {
                *dst = v.to_owned();
            } else {
                dst.push(' ');
                dst.push_str(v);
            }
        };
        let email_kind = |default| {
            mapping
                .columns
                .iter()
                .position(|t| *t == TargetField::KindOf(i))
                .and_then(|k| parse_kind(cell(k)))
                .unwrap_or(default)
        };
        match target {
            TargetField::Ignore | TargetField::KindOf(_) | TargetField::CountryCodeOf(_) => {}
            TargetField::Salutation => set(&mut c.salutation),
            TargetField::FullName => set(&mut c.full_name),
            TargetField::GivenName => set(&mut c.given_name),
            TargetField::MiddleName => set(&mut middle),
            TargetField::FamilyName => set(&mut c.family_name),
            TargetField::Email | TargetField::EmailWork | TargetField::EmailHome => {
                let kind = email_kind(match target {
                    TargetField::EmailWork => ContactPointKind::Work,
                    TargetField::EmailHome => ContactPointKind::Home,
                    _ => ContactPointKind::Other,
                });
                let listed = json_list(v);
                let parts: Box<dyn Iterator<Item = &str>> = match &listed {
                    Some(items) => Box::new(items.iter().map(String::as_str)),
                    None => Box::new(split_multi(v).flat_map(|s| s.split([';', ',']))),
                };
                for a in parts.map(str::trim) {
                    if !a.is_empty() {
                        c.emails.push(Email {
                            kind,
                            address: a.to_owned(),
                        });
                        origins.emails.push(i);
                    }
                }
            }
            TargetField::Phone
            | TargetField::PhoneWork
            | TargetField::PhoneHome
            | TargetField::Mobile => {
                let kind = email_kind(match target {
                    TargetField::PhoneWork => ContactPointKind::Work,
                    TargetField::PhoneHome => ContactPointKind::Home,
                    TargetField::Mobile => ContactPointKind::Mobile,
                    _ => ContactPointKind::Other,
                });
                let code = mapping
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t == TargetField::CountryCodeOf(i))
                    .map(|(k, _)| cell(k).trim_start_matches('+'))
                    // Newer Twenty exports put an ISO country ("CN") in one
                    // column and the calling code in another: digits only.
                    .find(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned);
                // "-" or "()" alone is a placeholder for "no number".
                for n in split_multi(v).filter(|n| n.chars().any(char::is_alphanumeric)) {
                    let number = match (&code, phone_locale) {
                        (Some(code), _) if !n.starts_with('+') => format!("+{code} {n}"),
                        (None, Some(locale)) => {
                            with_default_country_code(n, locale).unwrap_or_else(|| n.to_owned())
                        }
                        _ => n.to_owned(),
                    };
                    c.phones.push(Phone { kind, number });
                    origins.phones.push(i);
                }
            }
            TargetField::Company => set(&mut c.company),
            TargetField::JobTitle => set(&mut c.job_title),
            TargetField::WeChat => set(&mut c.wechat),
            TargetField::Country => set(&mut c.address.country),
            TargetField::Province => set(&mut c.address.province),
            TargetField::City => set(&mut c.address.city),
            TargetField::District => set(&mut c.address.district),
            TargetField::Street => set(&mut c.address.street),
            TargetField::Postcode => set(&mut c.address.postcode),
            TargetField::Source => set(&mut c.source),
            TargetField::Owner => set(&mut c.owner),
            TargetField::Notes => {
                if !c.notes.is_empty() {
                    c.notes.push_str("\n\n");
                }
                c.notes.push_str(v);
            }
            TargetField::Tags => {
                for t in v.split(" ::: ").flat_map(|s| s.split([',', ';', '、'])) {
                    let t = t.trim().trim_start_matches('*').trim();
                    // Google puts every contact in "myContacts"; it is not
                    // a label anyone chose.
                    if !t.is_empty() && !t.eq_ignore_ascii_case("myContacts") {
                        c.tags.push(t.to_owned());
                        origins.tags.push(i);
                    }
                }
            }
            TargetField::Custom(id) => {
                c.custom.insert(*id, cell_value(v));
            }
        }
    }
    if !middle.is_empty() {
        c.given_name = format!("{} {middle}", c.given_name);
    }

    // Exports often carry a "Full Name" beside first and last name (Zoho,
    // Google's legacy "Name"); when it only repeats them, keep the parts.
    if !c.full_name.is_empty() && (!c.given_name.is_empty() || !c.family_name.is_empty()) {
        let full = squash(&c.full_name);
        let given_first = squash(&format!("{}{}", c.given_name, c.family_name));
        let family_first = squash(&format!("{}{}", c.family_name, c.given_name));
        if full == given_first || full == family_first {
            c.full_name.clear();
        }
    }

    // Normalisation drops empty entries, which shifts indexes; every entry
    // here is non-empty (checked above), so origins stay aligned.
    let c = c.normalized();
    match c.validate() {
        Ok(()) => Ok(c),
        Err(errors) => Err(errors
            .0
            .iter()
            .map(|e| {
                let column = column_of(mapping, &origins, e.field, cells);
                err(column, problem_of(e.problem))
            })
            .collect()),
    }
}

/// Folded with whitespace removed, for comparing name spellings.
fn squash(s: &str) -> String {
    crate::text::fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn problem_of(p: Problem) -> RowProblem {
    match p {
        Problem::Required => RowProblem::NameMissing,
        Problem::InvalidEmail => RowProblem::InvalidEmail,
        Problem::InvalidPhone => RowProblem::InvalidPhone,
        Problem::InvalidWeChat => RowProblem::InvalidWeChat,
        Problem::TooLong { max } => RowProblem::TooLong { max },
        Problem::TooMany { max } => RowProblem::TooMany { max },
    }
}

fn column_of(m: &ColumnMapping, o: &Origins, field: Field, cells: &[&str]) -> Option<usize> {
    let first = |ts: &[TargetField]| m.columns.iter().position(|t| ts.contains(t));
    match field {
        Field::Name => first(&[
            TargetField::FullName,
            TargetField::GivenName,
            TargetField::FamilyName,
        ]),
        Field::Salutation => first(&[TargetField::Salutation]),
        Field::Email(i) => o.emails.get(i).copied(),
        Field::Phone(i) => o.phones.get(i).copied(),
        Field::Tag(i) => o.tags.get(i).copied(),
        Field::Company => first(&[TargetField::Company]),
        Field::JobTitle => first(&[TargetField::JobTitle]),
        Field::WeChat => first(&[TargetField::WeChat]),
        Field::Source => first(&[TargetField::Source]),
        Field::Owner => first(&[TargetField::Owner]),
        Field::Notes => first(&[TargetField::Notes]),
        Field::Address => m.columns.iter().enumerate().position(|(i, t)| {
            matches!(
                t,
                TargetField::Country
                    | TargetField::Province
                    | TargetField::City
                    | TargetField::District
                    | TargetField::Street
                    | TargetField::Postcode
            ) && cells
                .get(i)
                .is_some_and(|v| v.trim().chars().count() > MAX_ADDRESS_PART_CHARS)
        }),
        Field::Custom(id) => first(&[TargetField::Custom(id)]),
    }
}
