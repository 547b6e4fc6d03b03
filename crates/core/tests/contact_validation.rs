//! Every validation rule and limit of a contact.

mod common;

use coffer_core::contact::*;
use common::{email, id, person, phone};

fn errors(c: &Contact) -> Vec<FieldError> {
    c.validate().err().map(|e| e.0).unwrap_or_default()
}

fn only(field: Field, problem: Problem) -> Vec<FieldError> {
    vec![FieldError { field, problem }]
}

#[test]
fn a_complete_contact_is_valid() {
    let mut c = person(1, "Ann", "Lee");
    c.emails = vec![email("ann@example.com")];
    c.phones = vec![phone("+1 (555) 123-4567")];
    c.company = "Acme".into();
    c.job_title = "Buyer".into();
    c.address.city = "Springfield".into();
    c.tags = vec!["lead".into()];
    assert_eq!(c.validate(), Ok(()));
}

#[test]
fn contact_without_any_name_needs_one() {
    let c = person(1, " ", "");
    assert_eq!(errors(&c), only(Field::Name, Problem::Required));
}

#[test]
fn any_single_name_field_is_enough() {
    assert_eq!(person(1, "Ann", "").validate(), Ok(()));
    assert_eq!(person(1, "", "Lee").validate(), Ok(()));
    let c = Contact {
        full_name: "张伟".into(),
        ..person(1, "", "")
    };
    assert_eq!(c.validate(), Ok(()));
}

#[test]
fn unicode_names_are_valid() {
    for (given, family) in [
        ("Zoë", "Ñúñez"),
        ("伟", "张"),
        ("さくら", "山田"),
        ("Σωκράτης", ""),
        ("😀", ""),
    ] {
        assert_eq!(
            person(1, given, family).validate(),
            Ok(()),
            "{given} {family}"
        );
    }
}

#[test]
fn names_are_limited_to_200_chars_counted_as_chars() {
    assert_eq!(person(1, &"张".repeat(200), "").validate(), Ok(()));
    assert_eq!(
        errors(&person(1, &"张".repeat(201), "")),
        only(Field::Name, Problem::TooLong { max: 200 })
    );
    let c = Contact {
        full_name: "a".repeat(201),
        ..person(1, "Ann", "")
    };
    assert_eq!(errors(&c), only(Field::Name, Problem::TooLong { max: 200 }));
}

#[test]
fn invalid_email_is_reported_at_its_index() {
    let mut c = person(1, "Ann", "");
    c.emails = vec![email("ann@example.com"), email("ann at example")];
    assert_eq!(errors(&c), only(Field::Email(1), Problem::InvalidEmail));
}

#[test]
fn empty_email_entry_is_required_not_invalid() {
    let mut c = person(1, "Ann", "");
    c.emails = vec![email("")];
    assert_eq!(errors(&c), only(Field::Email(0), Problem::Required));
}

#[test]
fn idn_email_is_valid() {
    let mut c = person(1, "Ann", "");
    c.emails = vec![email("用户@例子.中国"), email("zoë@müller.de")];
    assert_eq!(c.validate(), Ok(()));
}

#[test]
fn more_than_20_emails_flags_the_first_extra_one() {
    let mut c = person(1, "Ann", "");
    c.emails = (0..20)
        .map(|i| email(&format!("a{i}@example.com")))
        .collect();
    assert_eq!(c.validate(), Ok(()));
    c.emails.push(email("extra@example.com"));
    assert_eq!(
        errors(&c),
        only(Field::Email(20), Problem::TooMany { max: 20 })
    );
}

#[test]
fn invalid_phone_is_reported_at_its_index() {
    let mut c = person(1, "Ann", "");
    c.phones = vec![phone("123"), phone("+86 138 0013 8000 ext 5")];
    assert_eq!(errors(&c), only(Field::Phone(0), Problem::InvalidPhone));
}

#[test]
fn phone_digit_count_limits_are_4_to_20() {
    for (number, ok) in [
        ("123", false),
        ("1234", true),
        ("12345678901234567890", true),
        ("123456789012345678901", false),
        ("+1 234", true),
        ("12.34", true),
    ] {
        assert_eq!(is_plausible_phone(number), ok, "{number}");
    }
}

#[test]
fn more_than_20_phones_flags_the_first_extra_one() {
    let mut c = person(1, "Ann", "");
    c.phones = (0..21).map(|i| phone(&format!("555 01{i:02}"))).collect();
    assert_eq!(
        errors(&c),
        only(Field::Phone(20), Problem::TooMany { max: 20 })
    );
}

#[test]
fn company_and_job_title_are_limited_to_200_chars() {
    let mut c = person(1, "Ann", "");
    c.company = "c".repeat(200);
    c.job_title = "j".repeat(200);
    assert_eq!(c.validate(), Ok(()));
    c.company.push('c');
    c.job_title.push('j');
    assert_eq!(
        errors(&c),
        vec![
            FieldError {
                field: Field::Company,
                problem: Problem::TooLong { max: 200 }
            },
            FieldError {
                field: Field::JobTitle,
                problem: Problem::TooLong { max: 200 }
            },
        ]
    );
}

#[test]
fn each_address_part_is_limited_to_200_chars() {
    for part in 0..6 {
        let mut c = person(1, "Ann", "");
        let long = "路".repeat(201);
        match part {
            0 => c.address.street = long,
            1 => c.address.city = long,
            2 => c.address.province = long,
            3 => c.address.postcode = long,
            4 => c.address.district = long,
            _ => c.address.country = long,
        }
        assert_eq!(
            errors(&c),
            only(Field::Address, Problem::TooLong { max: 200 }),
            "part {part}"
        );
    }
}

#[test]
fn notes_allow_20000_chars_including_emoji() {
    let mut c = person(1, "Ann", "");
    c.notes = "🎉".repeat(20_000);
    assert_eq!(c.validate(), Ok(()));
    c.notes.push('x');
    assert_eq!(
        errors(&c),
        only(Field::Notes, Problem::TooLong { max: 20_000 })
    );
}

#[test]
fn tags_are_limited_to_50_chars_each() {
    let mut c = person(1, "Ann", "");
    c.tags = vec!["重".repeat(50), "t".repeat(51), " ".into()];
    assert_eq!(
        errors(&c),
        vec![
            FieldError {
                field: Field::Tag(1),
                problem: Problem::TooLong { max: 50 }
            },
            FieldError {
                field: Field::Tag(2),
                problem: Problem::Required
            },
        ]
    );
}

#[test]
fn more_than_50_tags_flags_the_first_extra_one() {
    let mut c = person(1, "Ann", "");
    c.tags = (0..50).map(|i| format!("t{i}")).collect();
    assert_eq!(c.validate(), Ok(()));
    c.tags.push("t50".into());
    assert_eq!(
        errors(&c),
        only(Field::Tag(50), Problem::TooMany { max: 50 })
    );
}

#[test]
fn all_problems_are_reported_together() {
    let mut c = person(1, "", "");
    c.emails = vec![email("nope")];
    c.phones = vec![phone("x")];
    c.notes = "n".repeat(20_001);
    let e = c.validate().unwrap_err();
    assert!(e.contains(Field::Name, Problem::Required));
    assert!(e.contains(Field::Email(0), Problem::InvalidEmail));
    assert!(e.contains(Field::Phone(0), Problem::InvalidPhone));
    assert_eq!(
        e.for_field(Field::Notes).collect::<Vec<_>>(),
        [Problem::TooLong { max: 20_000 }]
    );
    assert_eq!(e.0.len(), 4);
}

#[test]
fn validation_errors_display_for_logs_and_are_errors() {
    let e = person(1, "", "").validate().unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains("Name") && shown.contains("Required"),
        "{shown}"
    );
    let _: &dyn std::error::Error = &e;
}

#[test]
fn normalized_input_from_a_sloppy_form_validates() {
    let mut c = person(1, "  Ann ", "");
    c.emails = vec![email(" Ann@Example.COM "), email("")];
    c.phones = vec![phone(" ＋８６ １３８ ００１３ ８０００ ")];
    c.tags = vec!["".into()];
    assert!(c.validate().is_err());
    assert_eq!(c.normalized().validate(), Ok(()));
}

#[test]
fn wechat_accepts_ids_and_phone_numbers_only() {
    let mut c = person(1, "Ann", "");
    for ok in ["", "wxid_abc123", "13800138000", "+86 138 0013 8000"] {
        c.wechat = ok.into();
        assert_eq!(c.validate(), Ok(()), "{ok}");
    }
    c.wechat = "张伟".into();
    assert_eq!(errors(&c), only(Field::WeChat, Problem::InvalidWeChat));
}

#[test]
fn salutation_source_and_owner_have_length_limits() {
    let mut c = person(1, "Ann", "");
    c.salutation = "x".repeat(51);
    c.source = "x".repeat(101);
    c.owner = "x".repeat(201);
    let e = c.validate().unwrap_err();
    assert!(e.contains(Field::Salutation, Problem::TooLong { max: 50 }));
    assert!(e.contains(Field::Source, Problem::TooLong { max: 100 }));
    assert!(e.contains(Field::Owner, Problem::TooLong { max: 200 }));
}

#[test]
fn custom_values_are_bounded_but_may_be_objects() {
    let mut c = person(1, "Ann", "");
    let (money, big, nil) = (id(0xc1), id(0xc2), uuid::Uuid::nil());
    c.custom
        .insert(money, serde_json::json!({"minor": 1250, "currency": "CNY"}));
    c.custom.insert(big, serde_json::json!("y".repeat(4_000)));
    c.custom.insert(nil, serde_json::json!(1));
    let e = c.validate().unwrap_err();
    assert!(!e.for_field(Field::Custom(money)).any(|_| true));
    assert!(e.contains(Field::Custom(big), Problem::TooLong { max: 4_000 }));
    assert!(e.contains(Field::Custom(nil), Problem::Required));
}
