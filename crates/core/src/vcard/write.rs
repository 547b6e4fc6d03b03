//! Writing contacts as vCard 4.0 (RFC 6350) or 3.0 (RFC 2426).

use super::escape::{escape, push_folded};
use crate::contact::{Contact, ContactPointKind, NameOrder};

/// Which vCard version to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VcardVersion {
    /// RFC 2426, for older address books (and Outlook).
    V3,
    /// RFC 6350.
    #[default]
    V4,
}

fn kind_type(kind: ContactPointKind, version: VcardVersion, email: bool) -> Option<&'static str> {
    match (kind, version) {
        (ContactPointKind::Work, VcardVersion::V4) => Some("work"),
        (ContactPointKind::Home, VcardVersion::V4) => Some("home"),
        (ContactPointKind::Mobile, VcardVersion::V4) => Some("cell"),
        (ContactPointKind::Work, VcardVersion::V3) => Some("WORK"),
        (ContactPointKind::Home, VcardVersion::V3) => Some("HOME"),
        (ContactPointKind::Mobile, VcardVersion::V3) if !email => Some("CELL"),
        // vCard has no "mobile email"; and "other" is the absence of a type.
        _ => None,
    }
}

/// One contact as a vCard, lines ending in CRLF and folded at 75 octets.
///
/// FN is the full name when set, else the name shown given-name first (a
/// vCard needs an FN). Coffer-only fields travel as `X-COFFER-*`
/// properties (district, source, owner, company and owner links, custom
/// values) and WeChat as
/// `X-WECHAT`, so a file written here reads back without loss.
pub fn write_vcard(c: &Contact, version: VcardVersion) -> String {
    let mut out = String::with_capacity(512);
    let mut line = |s: String| push_folded(&mut out, &s);
    line("BEGIN:VCARD".into());
    line(match version {
        VcardVersion::V3 => "VERSION:3.0".into(),
        VcardVersion::V4 => "VERSION:4.0".into(),
    });
    let fn_ = if c.full_name.trim().is_empty() {
        c.display_name(NameOrder::GivenFirst)
    } else {
        c.full_name.clone()
    };
    line(format!("FN:{}", escape(&fn_)));
    line(format!(
        "N:{};{};;{};",
        escape(&c.family_name),
        escape(&c.given_name),
        escape(&c.salutation)
    ));
    for e in &c.emails {
        let t = kind_type(e.kind, version, true);
        let params = match (version, t) {
            (VcardVersion::V3, Some(t)) => format!(";TYPE=INTERNET,{t}"),
            (VcardVersion::V3, None) => ";TYPE=INTERNET".into(),
            (VcardVersion::V4, Some(t)) => format!(";TYPE={t}"),
            (VcardVersion::V4, None) => String::new(),
        };
        line(format!("EMAIL{params}:{}", escape(&e.address)));
    }
    for p in &c.phones {
        let params = kind_type(p.kind, version, false)
            .map(|t| format!(";TYPE={t}"))
            .unwrap_or_default();
        line(format!("TEL{params}:{}", escape(&p.number)));
    }
    if !c.company.trim().is_empty() {
        line(format!("ORG:{}", escape(&c.company)));
    }
    if !c.job_title.trim().is_empty() {
        line(format!("TITLE:{}", escape(&c.job_title)));
    }
    let a = &c.address;
    if !a.is_empty() {
        line(format!(
            "ADR:;;{};{};{};{};{}",
            escape(&a.street),
            escape(&a.city),
            escape(&a.province),
            escape(&a.postcode),
            escape(&a.country)
        ));
    }
    if !a.district.trim().is_empty() {
        line(format!("X-COFFER-DISTRICT:{}", escape(&a.district)));
    }
    if !c.notes.trim().is_empty() {
        line(format!("NOTE:{}", escape(&c.notes)));
    }
    if !c.tags.is_empty() {
        let tags: Vec<String> = c.tags.iter().map(|t| escape(t)).collect();
        line(format!("CATEGORIES:{}", tags.join(",")));
    }
    if !c.wechat.trim().is_empty() {
        line(format!("X-WECHAT:{}", escape(&c.wechat)));
    }
    if !c.source.trim().is_empty() {
        line(format!("X-COFFER-SOURCE:{}", escape(&c.source)));
    }
    if !c.owner.trim().is_empty() {
        line(format!("X-COFFER-OWNER:{}", escape(&c.owner)));
    }
    if let Some(id) = c.owner_id {
        line(format!("X-COFFER-OWNER-ID:{id}"));
    }
    if let Some(id) = c.company_id {
        line(format!("X-COFFER-COMPANY-ID:{id}"));
    }
    for (key, value) in &c.custom {
        // The definition id, quoted as a parameter value.
        line(format!(
            "X-COFFER-CUSTOM;X-KEY=\"{key}\":{}",
            escape(&value.to_string())
        ));
    }
    line(match version {
        VcardVersion::V3 => format!("UID:{}", c.id),
        VcardVersion::V4 => format!("UID:urn:uuid:{}", c.id),
    });
    line("END:VCARD".into());
    out
}

/// Several contacts, one card after another.
pub fn write_vcards<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    version: VcardVersion,
) -> String {
    contacts
        .into_iter()
        .map(|c| write_vcard(c, version))
        .collect()
}
