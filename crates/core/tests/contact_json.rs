//! The JSON plaintext of a contact: round trips and tolerance of other
//! versions' records.

mod common;

use coffer_core::contact::*;
use common::{email, id, person, phone};

#[test]
fn chinese_and_emoji_survive_a_round_trip() {
    let mut c = person(42, "伟", "张");
    c.full_name = "张伟".into();
    c.emails = vec![email("张伟@例子.中国")];
    c.phones = vec![phone("+8613800138000")];
    c.company = "上海某某有限公司".into();
    c.address.city = "上海".into();
    c.notes = "喜欢喝茶 🍵\n第二行 🎉".into();
    c.tags = vec!["客户".into(), "⭐ VIP".into()];
    c.updated_ms = 1_700_000_123_456;
    let back = Contact::from_json(&c.to_json()).unwrap();
    assert_eq!(back, c);
}

#[test]
fn json_is_utf8_text_not_escaped_ascii() {
    let json = String::from_utf8(person(1, "伟", "张").to_json()).unwrap();
    assert!(json.contains("\"given_name\":\"伟\""), "{json}");
}

#[test]
fn missing_fields_take_defaults() {
    let json = r#"{"id":"00000000-0000-0000-0000-00000000002a","full_name":"张伟"}"#.as_bytes();
    let c = Contact::from_json(json).unwrap();
    assert_eq!(c.id, id(42));
    assert_eq!(c.full_name, "张伟");
    assert!(c.given_name.is_empty() && c.emails.is_empty() && c.tags.is_empty());
    assert_eq!((c.created_ms, c.updated_ms), (0, 0));
    assert_eq!(c.address, Address::default());
}

#[test]
fn missing_fields_inside_nested_values_take_defaults() {
    let json = br#"{"id":"00000000-0000-0000-0000-000000000001",
        "emails":[{"address":"a@example.com"}],
        "phones":[{"kind":"work"}],
        "address":{"city":"Paris"}}"#;
    let c = Contact::from_json(json).unwrap();
    assert_eq!(
        c.emails,
        [Email {
            kind: ContactPointKind::Other,
            address: "a@example.com".into()
        }]
    );
    assert_eq!(
        c.phones,
        [Phone {
            kind: ContactPointKind::Work,
            number: String::new()
        }]
    );
    assert_eq!(c.address.city, "Paris");
}

#[test]
fn unknown_fields_from_newer_versions_are_ignored() {
    let json = br#"{"id":"00000000-0000-0000-0000-000000000001","given_name":"Ann",
        "birthday":"1990-01-01","address":{"city":"Oslo","geo":[59.9,10.7]}}"#;
    let c = Contact::from_json(json).unwrap();
    assert_eq!(c.given_name, "Ann");
    assert_eq!(c.address.city, "Oslo");
}

#[test]
fn unknown_contact_point_kind_is_an_error() {
    // Kinds are a closed set; silently mapping a new one to Other would
    // lose the user's choice on the next save.
    let json = br#"{"id":"00000000-0000-0000-0000-000000000001","emails":[{"kind":"fax"}]}"#;
    assert!(matches!(
        Contact::from_json(json),
        Err(ContactError::Json(_))
    ));
}

#[test]
fn kinds_serialise_lowercase() {
    let mut c = person(1, "Ann", "");
    c.emails = vec![Email {
        kind: ContactPointKind::Home,
        address: "a@b.co".into(),
    }];
    let json = String::from_utf8(c.to_json()).unwrap();
    assert!(json.contains(r#""kind":"home""#), "{json}");
}

#[test]
fn nil_id_is_refused() {
    let json = br#"{"id":"00000000-0000-0000-0000-000000000000","given_name":"Ann"}"#;
    assert!(matches!(
        Contact::from_json(json),
        Err(ContactError::MissingId)
    ));
}

#[test]
fn truncated_json_is_an_error() {
    let json = person(1, "Ann", "").to_json();
    assert!(matches!(
        Contact::from_json(&json[..json.len() - 1]),
        Err(ContactError::Json(_))
    ));
}

#[test]
fn old_address_region_loads_as_province() {
    let json = br#"{"id":"00000000-0000-0000-0000-000000000001",
        "address":{"street":"1 Main St","city":"Springfield","region":"IL","postcode":"62701","country":"US"}}"#;
    let c = Contact::from_json(json).unwrap();
    assert_eq!(c.address.province, "IL");
    assert_eq!(c.address.city, "Springfield");
    assert!(c.address.district.is_empty());
    // Written back under the new name only.
    let out = String::from_utf8(c.to_json()).unwrap();
    assert!(
        out.contains(r#""province":"IL""#) && !out.contains("region"),
        "{out}"
    );
}

#[test]
fn old_records_load_with_empty_new_fields() {
    let json =
        br#"{"id":"00000000-0000-0000-0000-000000000001","given_name":"Ann","company":"Acme"}"#;
    let c = Contact::from_json(json).unwrap();
    assert_eq!(c.company, "Acme");
    assert_eq!(c.company_id, None);
    assert!(c.salutation.is_empty() && c.wechat.is_empty() && c.source.is_empty());
    assert!(c.owner.is_empty() && c.owner_id.is_none() && c.custom.is_empty());
}

#[test]
fn new_fields_round_trip() {
    let mut c = person(7, "伟", "张");
    c.salutation = "先生".into();
    c.wechat = "zhangwei_88".into();
    c.company_id = Some(id(99));
    c.source = "展会".into();
    c.owner = "李娜".into();
    c.owner_id = Some(id(3));
    c.address.province = "广东省".into();
    c.address.district = "南山区".into();
    c.custom.insert(id(0xc1), serde_json::json!("gold"));
    c.custom.insert(
        id(0xc2),
        serde_json::json!({"minor": 1250, "currency": "CNY"}),
    );
    let back = Contact::from_json(&c.to_json()).unwrap();
    assert_eq!(back, c);
}
