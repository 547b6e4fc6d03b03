//! vCard import (fixtures/contacts.vcf: 2.1, 3.0 and 4.0 cards, folding,
//! quoted-printable in UTF-8 and GBK, an inline photo, broken cards) and
//! export round trips.

mod common;

use coffer_core::contact::{Contact, ContactPointKind, Field, Problem};
use coffer_core::vcard::*;
use common::{email, id, person, phone};

fn fixture() -> String {
    let path = format!("{}/tests/fixtures/contacts.vcf", env!("CARGO_MANIFEST_DIR"));
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_card_is_read_and_bad_ones_are_reported_alone() {
    let text = fixture();
    let parsed: Vec<ParsedCard> = cards(&text).collect();
    assert_eq!(parsed.len(), 7);
    let ok: Vec<String> = parsed
        .iter()
        .filter_map(|p| p.result.as_ref().ok())
        .map(|c| c.display_name(coffer_core::contact::NameOrder::SurnameFirst))
        .collect();
    assert_eq!(ok, ["Zhang Wei", "王芳", "Brown Emily", "赵敏"]);
    assert_eq!(
        parsed[3].result,
        Err(CardProblem::UnsupportedVersion("5.0".into()))
    );
    match &parsed[4].result {
        Err(CardProblem::Invalid(e)) => assert!(e.contains(Field::Name, Problem::Required)),
        other => panic!("{other:?}"),
    }
    assert_eq!(parsed[5].result, Err(CardProblem::MissingEnd));
    assert_eq!(parsed[0].line, 1);
    assert!(parsed.windows(2).all(|w| w[0].line < w[1].line));
}

#[test]
fn version_3_card_fields() {
    let text = fixture();
    let c = cards(&text).next().unwrap().result.unwrap();
    assert_eq!(
        (c.given_name.as_str(), c.family_name.as_str()),
        ("Wei", "Zhang")
    );
    assert_eq!(c.salutation, "Mr.");
    assert!(c.full_name.is_empty(), "FN equals the composed name");
    assert_eq!(c.company, "Shanghai Starlight Trading Co., Ltd.");
    assert_eq!(c.job_title, "Purchasing Manager");
    assert_eq!(c.emails[0].kind, ContactPointKind::Work);
    assert_eq!(c.emails[1].kind, ContactPointKind::Home);
    assert_eq!(c.phones[0].kind, ContactPointKind::Mobile);
    assert_eq!(c.phones[0].number, "+8613800138000");
    assert_eq!(c.address.street, "88 Century Avenue, Pudong");
    assert_eq!(c.address.postcode, "200120");
    assert_eq!(
        c.notes,
        "Met at Canton Fair.\nInterested in bulk orders; wants a quote."
    );
    assert_eq!(c.tags, ["VIP", "Canton Fair"]);
    assert_eq!(c.wechat, "zhangwei_88");
}

#[test]
fn quoted_printable_in_utf8_and_gbk_with_soft_breaks() {
    let text = fixture();
    let c = cards(&text).nth(1).unwrap().result.unwrap();
    assert_eq!(
        (c.family_name.as_str(), c.given_name.as_str()),
        ("王", "芳")
    );
    assert_eq!(c.phones[0].kind, ContactPointKind::Mobile);
    assert_eq!(c.notes, "喜欢喝茶");
}

#[test]
fn version_4_card_with_uri_phone_group_and_folding() {
    let text = fixture();
    let c = cards(&text).nth(2).unwrap().result.unwrap();
    assert_eq!(c.phones[0].number, "+15551234567");
    assert_eq!(c.phones[0].kind, ContactPointKind::Mobile);
    assert_eq!(c.company, "Acme Corporation");
    assert_eq!(
        c.notes,
        "A long note that is folded across two lines because it is longer than seventy-five octets."
    );
}

#[test]
fn bad_quoted_printable_and_unknown_charset_are_reported() {
    let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:A=ZZ\r\nEND:VCARD\r\n\
                BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=KLINGON:x\r\nEND:VCARD\r\n";
    let parsed: Vec<ParsedCard> = cards(text).collect();
    assert_eq!(
        parsed[0].result,
        Err(CardProblem::BadQuotedPrintable { line: 3 })
    );
    assert_eq!(
        parsed[1].result,
        Err(CardProblem::UnknownCharset {
            line: 7,
            charset: "KLINGON".into()
        })
    );
}

#[test]
fn a_huge_inline_photo_is_skipped() {
    let mut text = String::from("BEGIN:VCARD\nVERSION:3.0\nFN:Big Photo\nPHOTO;ENCODING=b:");
    for _ in 0..50_000 {
        text.push_str("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n ");
    }
    text.push_str("AAAA\nEMAIL:big@example.com\nEND:VCARD\n");
    let c = cards(&text).next().unwrap().result.unwrap();
    assert_eq!(c.full_name, "Big Photo");
    assert_eq!(c.emails[0].address, "big@example.com");
}

fn rich_contact() -> Contact {
    let mut c = person(7, "伟", "张");
    c.salutation = "先生".into();
    c.full_name = "Zhang Wei (Shanghai)".into();
    c.emails = vec![email("zhangwei@example.cn")];
    c.phones = vec![phone("+8613800138000")];
    c.phones[0].kind = ContactPointKind::Mobile;
    c.company = "上海星光贸易有限公司; 采购部, 二组".into();
    c.job_title = "采购经理".into();
    c.wechat = "zhangwei_88".into();
    c.address.country = "中国".into();
    c.address.province = "上海".into();
    c.address.city = "上海".into();
    c.address.district = "浦东新区".into();
    c.address.street = "世纪大道88号".into();
    c.address.postcode = "200120".into();
    c.source = "展会".into();
    c.owner = "李娜".into();
    c.owner_id = Some(id(0x0e));
    c.company_id = Some(id(0x0c));
    c.notes = format!(
        "{}\n第二行, with comma; and semicolon \\ backslash 🍵",
        "很长的备注".repeat(20)
    );
    c.tags = vec!["客户".into(), "VIP, gold".into()];
    c.custom.insert(id(0xc1), serde_json::json!("gold"));
    c.custom.insert(
        id(0xc2),
        serde_json::json!({"minor": 1250, "currency": "CNY"}),
    );
    c.normalized()
}

fn round_trip(version: VcardVersion) {
    let original = rich_contact();
    let text = write_vcard(&original, version);
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(text.ends_with("END:VCARD\r\n"));
    let back = cards(&text).next().unwrap().result.unwrap();
    let expected = Contact {
        id: uuid::Uuid::nil(),
        created_ms: 0,
        updated_ms: 0,
        ..original
    };
    assert_eq!(back, expected);
}

#[test]
fn version_4_round_trip_is_lossless() {
    round_trip(VcardVersion::V4);
}

#[test]
fn version_3_round_trip_is_lossless() {
    round_trip(VcardVersion::V3);
}

#[test]
fn many_cards_round_trip_and_uid_is_written() {
    let a = person(1, "Ann", "Lee");
    let mut b = person(2, "", "");
    b.full_name = "赵敏".into();
    let text = write_vcards([&a, &b], VcardVersion::V4);
    assert!(text.contains(&format!("UID:urn:uuid:{}\r\n", id(1))));
    let names: Vec<String> = cards(&text)
        .map(|p| p.result.unwrap().display_name(Default::default()))
        .collect();
    assert_eq!(names, ["Ann Lee", "赵敏"]);
    let v3 = write_vcard(&a, VcardVersion::V3);
    assert!(v3.contains("VERSION:3.0\r\n") && v3.contains(&format!("UID:{}\r\n", id(1))));
}
