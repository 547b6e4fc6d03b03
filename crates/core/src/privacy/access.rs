//! The access package for one person (GDPR art. 15 access and art. 20
//! portability, PIPL art. 45, CCPA right to know): a zip with
//!
//! - `README.txt`: each file and field, in English and Chinese;
//! - `person.json`: everything, versioned and machine-readable;
//! - `contact.csv`, `activities.csv`, `deals.csv`, `tickets.csv`,
//!   `consent.csv`, `requests.csv`, `audit.csv`: the same for spreadsheets,
//!   every cell guarded against formula injection
//!   ([`crate::export::protect_cell`]).
//!
//! The app gathers the inputs (it holds the decrypted records); this module
//! keeps only what is linked to the person, so a caller that passes too
//! much does not leak someone else's records. The output depends only on
//! the inputs and the timestamp passed in: the same inputs give the same
//! bytes (records are sorted, zip entries carry that timestamp).

mod columns;

use std::io::{Cursor, Write as _};

use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::activity::Activity;
use crate::contact::Contact;
use crate::date::{CivilDate, DAY_MS};
use crate::deal::Deal;
use crate::export::{CsvOptions, write_csv};
use crate::pipeline::Pipeline;
use crate::ticket::Ticket;

use super::audit::AuditEntry;
use super::consent::ConsentEntry;
use super::request::SubjectRequest;

pub use columns::{CSV_FILES, Column, FileSpec};

/// `person.json`'s `format`.
pub const ACCESS_FORMAT: &str = "coffer-access-package";
/// `person.json`'s `version`: bumped when a field changes meaning.
pub const ACCESS_VERSION: u32 = 1;

/// What the app knows that may concern the person. Records not linked to
/// `contact` are left out.
#[derive(Clone, Copy, Debug)]
pub struct AccessInput<'a> {
    pub contact: &'a Contact,
    /// Activities whose `contact_ids` include the person are kept.
    pub activities: &'a [Activity],
    /// Deals that list the person among their contacts are kept.
    pub deals: &'a [Deal],
    /// To name deal stages; a stage not found is shown by its id.
    pub pipelines: &'a [Pipeline],
    /// Tickets the person raised are kept.
    pub tickets: &'a [Ticket],
    pub consent: &'a [ConsentEntry],
    pub requests: &'a [SubjectRequest],
    /// Entries about the person's contact record are kept.
    pub audit: &'a [AuditEntry],
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The zip writer failed; with an in-memory buffer this means a bug.
    #[error("cannot write the access package: {0}")]
    Zip(String),
}

/// The records of `input` that concern its contact, sorted.
struct Selected<'a> {
    activities: Vec<&'a Activity>,
    deals: Vec<&'a Deal>,
    tickets: Vec<&'a Ticket>,
    consent: Vec<&'a ConsentEntry>,
    requests: Vec<&'a SubjectRequest>,
    audit: Vec<&'a AuditEntry>,
}

fn select<'a>(input: &AccessInput<'a>) -> Selected<'a> {
    let id = input.contact.id;
    let mut activities: Vec<&Activity> = input
        .activities
        .iter()
        .filter(|a| a.contact_ids.contains(&id))
        .collect();
    activities.sort_by_key(|a| (a.start_ms, a.id));
    let mut deals: Vec<&Deal> = input
        .deals
        .iter()
        .filter(|d| d.contacts.iter().any(|c| c.contact_id == id))
        .collect();
    deals.sort_by_key(|d| (d.created_ms, d.id));
    let mut tickets: Vec<&Ticket> = input
        .tickets
        .iter()
        .filter(|t| t.contact_id == Some(id))
        .collect();
    tickets.sort_by_key(|t| (t.created_ms, t.id));
    let mut consent: Vec<&ConsentEntry> = input
        .consent
        .iter()
        .filter(|e| e.contact_id == id)
        .collect();
    consent.sort_by_key(|e| (e.at_ms, e.recorded_ms, e.id));
    let mut requests: Vec<&SubjectRequest> = input
        .requests
        .iter()
        .filter(|r| r.contact_id == Some(id))
        .collect();
    requests.sort_by_key(|r| (r.received_on, r.id));
    let mut audit: Vec<&AuditEntry> = input
        .audit
        .iter()
        .filter(|e| e.record_id == Some(id))
        .collect();
    audit.sort_by_key(|e| (e.at_ms, e.device_id, e.seq));
    Selected {
        activities,
        deals,
        tickets,
        consent,
        requests,
        audit,
    }
}

/// Builds the zip for `input.contact`, stamped `generated_ms` (unix ms).
pub fn access_package(input: &AccessInput<'_>, generated_ms: i64) -> Result<Vec<u8>, AccessError> {
    let selected = select(input);
    let generated_at = iso_utc(generated_ms);
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("README.txt", columns::readme(&generated_at).into_bytes()),
        (
            columns::PERSON_JSON.name,
            person_json(input.contact, &selected, &generated_at, generated_ms),
        ),
    ];
    let rows: [Vec<Vec<String>>; 7] = [
        contact_rows(input.contact),
        selected
            .activities
            .iter()
            .map(|a| activity_row(a))
            .collect(),
        selected
            .deals
            .iter()
            .map(|d| deal_row(d, input.contact.id, input.pipelines))
            .collect(),
        selected.tickets.iter().map(|t| ticket_row(t)).collect(),
        selected.consent.iter().map(|e| consent_row(e)).collect(),
        selected.requests.iter().map(|r| request_row(r)).collect(),
        selected.audit.iter().map(|e| audit_row(e)).collect(),
    ];
    for (spec, rows) in CSV_FILES.iter().zip(rows) {
        let csv = write_csv(&columns::header(spec), &rows, CsvOptions::default());
        files.push((spec.name, csv));
    }
    write_zip(&files, generated_ms)
}

fn write_zip(files: &[(&str, Vec<u8>)], generated_ms: i64) -> Result<Vec<u8>, AccessError> {
    let zip_error = |e: zip::result::ZipError| AccessError::Zip(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip_time(generated_ms))
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(*name, options).map_err(zip_error)?;
        zip.write_all(bytes)
            .map_err(|e| AccessError::Zip(e.to_string()))?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// The zip timestamp (UTC, 2-second precision) of `ms`; 1980-01-01 when
/// zip cannot express it.
fn zip_time(ms: i64) -> DateTime {
    let Ok(date) = CivilDate::from_unix_ms(ms, 0) else {
        return DateTime::default();
    };
    let seconds = ms.rem_euclid(DAY_MS) / 1000;
    // Each part is below 24, 60 or 60, so the casts are exact.
    let (h, m, s) = (
        (seconds / 3600) as u8,
        (seconds / 60 % 60) as u8,
        (seconds % 60) as u8,
    );
    DateTime::from_date_and_time(date.year(), date.month(), date.day(), h, m, s).unwrap_or_default()
}

/// "2026-11-23T14:05:09Z"; the bare number when outside years 1–9999.
fn iso_utc(ms: i64) -> String {
    match CivilDate::from_unix_ms(ms, 0) {
        Ok(date) => {
            let seconds = ms.rem_euclid(DAY_MS) / 1000;
            format!(
                "{date}T{:02}:{:02}:{:02}Z",
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60
            )
        }
        Err(_) => ms.to_string(),
    }
}

/// The serialised name of an enum value ("call", "given"); for a variant
/// with data, its tag, and its text if that is all it holds
/// ("custom:newsletter-de").
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(map)) => match map.iter().next() {
            Some((tag, Value::String(text))) => format!("{tag}:{text}"),
            Some((tag, _)) => tag.clone(),
            None => String::new(),
        },
        Ok(Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

fn person_json(
    contact: &Contact,
    s: &Selected<'_>,
    generated_at: &str,
    generated_ms: i64,
) -> Vec<u8> {
    let doc = json!({
        "format": ACCESS_FORMAT,
        "version": ACCESS_VERSION,
        "generated_at": generated_at,
        "generated_ms": generated_ms,
        "contact": contact,
        "activities": s.activities,
        "deals": s.deals,
        "tickets": s.tickets,
        "consent": s.consent,
        "requests": s.requests,
        "audit": s.audit,
    });
    // Serialising a Value to a Vec cannot fail.
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn contact_rows(c: &Contact) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut field = |name: &str, value: &str| {
        if !value.trim().is_empty() {
            rows.push(vec![name.to_owned(), value.to_owned()]);
        }
    };
    field("salutation", &c.salutation);
    field("given_name", &c.given_name);
    field("family_name", &c.family_name);
    field("full_name", &c.full_name);
    for e in &c.emails {
        field("email", &format!("{} ({})", e.address, name(&e.kind)));
    }
    for p in &c.phones {
        field("phone", &format!("{} ({})", p.number, name(&p.kind)));
    }
    field("wechat", &c.wechat);
    field("company", &c.company);
    field("job_title", &c.job_title);
    let a = &c.address;
    field("country", &a.country);
    field("province", &a.province);
    field("city", &a.city);
    field("district", &a.district);
    field("street", &a.street);
    field("postcode", &a.postcode);
    field("source", &c.source);
    field("owner", &c.owner);
    field("notes", &c.notes);
    for tag in &c.tags {
        field("tag", tag);
    }
    for (id, value) in &c.custom {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        field(&format!("custom:{id}"), &text);
    }
    field("created_at", &iso_utc(c.created_ms));
    field("updated_at", &iso_utc(c.updated_ms));
    rows
}

fn activity_row(a: &Activity) -> Vec<String> {
    vec![
        a.id.to_string(),
        name(&a.kind),
        a.subject.clone(),
        iso_utc(a.start_ms),
        a.duration_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
        name(&a.outcome),
        a.notes.clone(),
        iso_utc(a.created_ms),
        iso_utc(a.updated_ms),
    ]
}

fn deal_row(d: &Deal, person: Uuid, pipelines: &[Pipeline]) -> Vec<String> {
    let role = d
        .contacts
        .iter()
        .find(|c| c.contact_id == person)
        .map(|c| name(&c.role))
        .unwrap_or_default();
    let stage = pipelines
        .iter()
        .filter(|p| p.id == d.stage.pipeline_id)
        .flat_map(|p| &p.stages)
        .find(|s| s.id == d.stage.stage_id)
        .map_or_else(|| d.stage.stage_id.to_string(), |s| s.name.clone());
    vec![
        d.id.to_string(),
        d.name.clone(),
        role,
        d.amount.map(|m| m.to_plain_string()).unwrap_or_default(),
        d.amount.map(|m| m.currency.to_string()).unwrap_or_default(),
        stage,
        d.close_date.map(|c| c.to_string()).unwrap_or_default(),
        d.notes.clone(),
        iso_utc(d.created_ms),
        iso_utc(d.updated_ms),
    ]
}

fn ticket_row(t: &Ticket) -> Vec<String> {
    vec![
        t.id.to_string(),
        t.subject.clone(),
        t.description.clone(),
        name(&t.status.current),
        name(&t.priority),
        iso_utc(t.created_ms),
        iso_utc(t.updated_ms),
    ]
}

fn consent_row(e: &ConsentEntry) -> Vec<String> {
    vec![
        e.id.to_string(),
        name(&e.purpose),
        name(&e.basis),
        name(&e.decision),
        e.source.clone(),
        iso_utc(e.at_ms),
        iso_utc(e.recorded_ms),
    ]
}

fn request_row(r: &SubjectRequest) -> Vec<String> {
    vec![
        r.id.to_string(),
        name(&r.kind),
        name(&r.jurisdiction),
        r.received_on.to_string(),
        name(&r.status),
        r.closed_on.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

fn audit_row(e: &AuditEntry) -> Vec<String> {
    vec![
        iso_utc(e.at_ms),
        e.device_id.to_string(),
        e.seq.to_string(),
        e.actor.to_string(),
        name(&e.action),
        e.detail.clone(),
    ]
}
