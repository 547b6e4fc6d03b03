//! The access package: opened with the zip crate, each file checked, and
//! the same inputs give the same bytes.

mod common;

use std::io::{Cursor, Read as _};

use coffer_core::CivilDate;
use coffer_core::activity::{Activity, ActivityKind};
use coffer_core::contact::Contact;
use coffer_core::deal::{Deal, DealContact, DealRole};
use coffer_core::money::{Currency, Money};
use coffer_core::pipeline::Pipeline;
use coffer_core::privacy::access::{
    ACCESS_FORMAT, ACCESS_VERSION, AccessInput, CSV_FILES, access_package,
};
use coffer_core::privacy::audit::{AuditAction, AuditDraft, AuditEntry, append};
use coffer_core::privacy::consent::{Actor, ConsentDecision, ConsentEntry, LawfulBasis, Purpose};
use coffer_core::privacy::request::{Jurisdiction, RequestKind, RequestStatus, SubjectRequest};
use coffer_core::ticket::Ticket;
use common::{email, id, person, phone};
use serde_json::Value;
use uuid::Uuid;

const NOW: i64 = 1_764_000_000_000; // 2025-11-24T16:00:00Z
const ACTOR: Actor = Actor {
    user_id: Uuid::from_u128(0xA1),
    device_id: Uuid::from_u128(0xD1),
};

struct World {
    contact: Contact,
    activities: Vec<Activity>,
    deals: Vec<Deal>,
    pipelines: Vec<Pipeline>,
    tickets: Vec<Ticket>,
    consent: Vec<ConsentEntry>,
    requests: Vec<SubjectRequest>,
    audit: Vec<AuditEntry>,
}

impl World {
    fn input(&self) -> AccessInput<'_> {
        AccessInput {
            contact: &self.contact,
            activities: &self.activities,
            deals: &self.deals,
            pipelines: &self.pipelines,
            tickets: &self.tickets,
            consent: &self.consent,
            requests: &self.requests,
            audit: &self.audit,
        }
    }
}

fn sign(message: &[u8]) -> [u8; 64] {
    let mut sig = [0u8; 64];
    for (i, b) in message.iter().enumerate() {
        sig[i % 64] ^= *b;
    }
    sig
}

/// 张伟 (id 1) and records about him, mixed with records about Ann (id 2).
fn world() -> World {
    let mut wei = person(1, "伟", "张");
    wei.emails = vec![email("zhangwei@example.cn")];
    wei.phones = vec![phone("+86 138 0013 8000")];
    wei.notes = "=HYPERLINK(\"http://evil.example\")".into();
    wei.tags = vec!["VIP".into()];
    let other = id(2);

    let call = Activity {
        subject: "Pricing call".into(),
        contact_ids: vec![wei.id],
        duration_minutes: Some(30),
        ..Activity::new(id(10), ActivityKind::Call, NOW - 2 * 86_400_000, NOW)
    };
    let meeting = Activity {
        subject: "签约会议".into(),
        contact_ids: vec![other, wei.id],
        ..Activity::new(id(11), ActivityKind::Meeting, NOW - 86_400_000, NOW)
    };
    let not_his = Activity {
        subject: "Ann's call".into(),
        contact_ids: vec![other],
        ..Activity::new(id(12), ActivityKind::Call, NOW, NOW)
    };

    let stage_ids = [id(31), id(32), id(33), id(34), id(35), id(36)];
    let pipeline =
        Pipeline::with_default_stages(id(30), "Sales".into(), stage_ids, |s| format!("{s:?}"), 0);
    let mut deal = Deal::new(id(20), "Fleet order".into(), &pipeline, NOW);
    deal.amount = Some(Money::new(1_234_550, Currency::CNY));
    deal.contacts = vec![DealContact {
        contact_id: wei.id,
        role: DealRole::DecisionMaker,
    }];
    let other_deal = Deal::new(id(21), "Ann's deal".into(), &pipeline, NOW);

    let mut ticket = Ticket::new(id(40), "Invoice wrong".into(), NOW);
    ticket.contact_id = Some(wei.id);
    let other_ticket = Ticket::new(id(41), "Not his".into(), NOW);

    let entry = |n: u128, contact: Uuid, decision, at_ms| ConsentEntry {
        id: id(n),
        contact_id: contact,
        purpose: Purpose::MarketingEmail,
        basis: LawfulBasis::Consent,
        decision,
        source: "web-form".into(),
        at_ms,
        recorded_by: ACTOR,
        recorded_ms: at_ms,
    };
    let consent = vec![
        entry(51, wei.id, ConsentDecision::Withdrawn, NOW - 1000),
        entry(50, wei.id, ConsentDecision::Given, NOW - 9000),
        entry(52, other, ConsentDecision::Given, NOW),
    ];

    let request = |n: u128, contact: Uuid| SubjectRequest {
        id: id(n),
        contact_id: Some(contact),
        kind: RequestKind::Access,
        ccpa: None,
        jurisdiction: Jurisdiction::Pipl,
        received_on: CivilDate::from_ymd(2025, 11, 20).unwrap(),
        status: RequestStatus::InProgress,
        extension: None,
        outcome: None,
        closed_on: None,
        recorded_by: ACTOR,
    };

    let mut head = None;
    let mut audit = Vec::new();
    for (at, record, detail) in [
        (NOW - 5000, Some(wei.id), "created"),
        (NOW - 4000, Some(other), "other"),
        (NOW - 3000, Some(wei.id), "fields=emails"),
    ] {
        let draft = AuditDraft {
            at_ms: at,
            actor: ACTOR.user_id,
            action: AuditAction::Edit,
            record_type: "contact".into(),
            record_id: record,
            detail: detail.into(),
        };
        let (e, h) = append(ACTOR.device_id, head.as_ref(), draft, &sign).unwrap();
        audit.push(e);
        head = Some(h);
    }

    World {
        contact: wei,
        activities: vec![meeting, not_his, call],
        deals: vec![other_deal, deal],
        pipelines: vec![pipeline],
        tickets: vec![other_ticket, ticket],
        consent,
        requests: vec![request(60, other), request(61, id(1))],
        audit,
    }
}

/// Every file of the zip, by name, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_owned(), content)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

/// A CSV file's rows, header first; checks the UTF-8 BOM.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_package_holds_every_file_in_order() {
    let w = world();
    let files = unzip(&access_package(&w.input(), NOW).unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "README.txt",
            "person.json",
            "contact.csv",
            "activities.csv",
            "deals.csv",
            "tickets.csv",
            "consent.csv",
            "requests.csv",
            "audit.csv"
        ]
    );
    for spec in CSV_FILES {
        let rows = csv_rows(file(&files, spec.name));
        let header: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        assert_eq!(rows[0], header, "{}", spec.name);
        assert!(
            rows.iter().all(|r| r.len() == header.len()),
            "{}",
            spec.name
        );
    }
}

#[test]
fn person_json_has_everything_about_him_and_nothing_about_others() {
    let w = world();
    let files = unzip(&access_package(&w.input(), NOW).unwrap());
    let doc: Value = serde_json::from_slice(file(&files, "person.json")).unwrap();
    assert_eq!(doc["format"], ACCESS_FORMAT);
    assert_eq!(doc["version"], ACCESS_VERSION);
    assert_eq!(doc["generated_at"], "2025-11-24T16:00:00Z");
    assert_eq!(doc["generated_ms"], NOW);
    assert_eq!(doc["contact"], serde_json::to_value(&w.contact).unwrap());
    let ids = |key: &str| -> Vec<String> {
        doc[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Oldest first; the unlinked ones are left out.
    assert_eq!(ids("activities"), [id(10).to_string(), id(11).to_string()]);
    assert_eq!(ids("deals"), [id(20).to_string()]);
    assert_eq!(ids("tickets"), [id(40).to_string()]);
    assert_eq!(ids("consent"), [id(50).to_string(), id(51).to_string()]);
    assert_eq!(ids("requests"), [id(61).to_string()]);
    let audit = doc["audit"].as_array().unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1], serde_json::to_value(&w.audit[2]).unwrap());
    assert_eq!(doc["deals"][0]["amount"]["minor"], 1_234_550);
}

#[test]
fn csv_files_are_readable_and_guarded_against_formulas() {
    let w = world();
    let files = unzip(&access_package(&w.input(), NOW).unwrap());

    let contact = csv_rows(file(&files, "contact.csv"));
    let field = |name: &str| -> Vec<&str> {
        contact
            .iter()
            .filter(|r| r[0] == name)
            .map(|r| r[1].as_str())
            .collect()
    };
    assert_eq!(field("given_name"), ["伟"]);
    assert_eq!(field("family_name"), ["张"]);
    assert_eq!(field("email"), ["zhangwei@example.cn (work)"]);
    // A leading "+" would be a formula too.
    assert_eq!(field("phone"), ["'+86 138 0013 8000 (mobile)"]);
    assert_eq!(field("notes"), ["'=HYPERLINK(\"http://evil.example\")"]);
    assert_eq!(field("tag"), ["VIP"]);
    assert!(field("wechat").is_empty(), "empty fields are left out");

    let activities = csv_rows(file(&files, "activities.csv"));
    assert_eq!(activities.len(), 3);
    assert_eq!(
        activities[1][1..5],
        ["call", "Pricing call", "2025-11-22T16:00:00Z", "30"]
    );
    assert_eq!(activities[2][1..3], ["meeting", "签约会议"]);

    let deals = csv_rows(file(&files, "deals.csv"));
    assert_eq!(deals.len(), 2);
    assert_eq!(
        deals[1][1..6],
        [
            "Fleet order",
            "decision_maker",
            "12345.50",
            "CNY",
            "Prospecting"
        ]
    );

    let tickets = csv_rows(file(&files, "tickets.csv"));
    assert_eq!(tickets.len(), 2);
    assert_eq!(tickets[1][1], "Invoice wrong");

    let consent = csv_rows(file(&files, "consent.csv"));
    assert_eq!(consent.len(), 3);
    assert_eq!(
        consent[1][1..5],
        ["marketing_email", "consent", "given", "web-form"]
    );
    assert_eq!(consent[2][3], "withdrawn");

    let requests = csv_rows(file(&files, "requests.csv"));
    assert_eq!(
        requests[1..],
        [vec![
            id(61).to_string(),
            "access".into(),
            "pipl".into(),
            "2025-11-20".into(),
            "in_progress".into(),
            String::new()
        ]]
    );

    let audit = csv_rows(file(&files, "audit.csv"));
    assert_eq!(audit.len(), 3);
    assert_eq!(audit[1][4..], ["edit", "created"]);
    assert_eq!(audit[2][5], "fields=emails");
}

#[test]
fn readme_describes_every_file_and_field_in_english_and_chinese() {
    let w = world();
    let files = unzip(&access_package(&w.input(), NOW).unwrap());
    let readme = String::from_utf8(file(&files, "README.txt").to_vec()).unwrap();
    assert!(readme.contains("GDPR art. 15"));
    assert!(readme.contains("个人信息保护法"));
    assert!(readme.contains("2025-11-24T16:00:00Z"));
    for (name, _) in &files {
        assert_eq!(readme.matches(&format!("{name}\n")).count(), 2, "{name}");
    }
    for spec in CSV_FILES {
        for column in spec.columns {
            assert!(readme.contains(&format!("  - {}: {}\n", column.name, column.en)));
            assert!(readme.contains(&format!("  - {}: {}\n", column.name, column.zh)));
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let w = world();
    let first = access_package(&w.input(), NOW).unwrap();
    assert_eq!(access_package(&w.input(), NOW).unwrap(), first);
    // Input order does not matter.
    let mut shuffled = world();
    shuffled.activities.reverse();
    shuffled.deals.reverse();
    shuffled.consent.reverse();
    shuffled.requests.reverse();
    shuffled.audit.reverse();
    assert_eq!(access_package(&shuffled.input(), NOW).unwrap(), first);
    // The timestamp is the one passed in.
    let later = access_package(&w.input(), NOW + 60_000).unwrap();
    assert_ne!(later, first);
    let mut archive = zip::ZipArchive::new(Cursor::new(&first)).unwrap();
    let modified = archive.by_index(0).unwrap().last_modified().unwrap();
    assert_eq!(
        (
            modified.year(),
            modified.month(),
            modified.day(),
            modified.hour(),
            modified.minute()
        ),
        (2025, 11, 24, 16, 0)
    );
}
