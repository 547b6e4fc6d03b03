//! Display names in both orders, and normalisation before saving.

mod common;

use coffer_core::contact::*;
use common::{email, person, phone};

#[test]
fn surname_first_joins_cjk_without_space() {
    assert_eq!(
        person(1, "伟", "张").display_name(NameOrder::SurnameFirst),
        "张伟"
    );
    assert_eq!(
        person(1, "太郎", "山田").display_name(NameOrder::SurnameFirst),
        "山田太郎"
    );
    assert_eq!(
        person(1, "민준", "김").display_name(NameOrder::SurnameFirst),
        "김민준"
    );
}

#[test]
fn surname_first_uses_no_space_when_either_part_is_cjk() {
    assert_eq!(
        person(1, "Wei", "张").display_name(NameOrder::SurnameFirst),
        "张Wei"
    );
}

#[test]
fn surname_first_separates_latin_with_a_space() {
    assert_eq!(
        person(1, "John", "Smith").display_name(NameOrder::SurnameFirst),
        "Smith John"
    );
    assert_eq!(
        person(1, "Zoë", "Ñúñez").display_name(NameOrder::SurnameFirst),
        "Ñúñez Zoë"
    );
}

#[test]
fn given_first_joins_with_a_space() {
    assert_eq!(
        person(1, "John", "Smith").display_name(NameOrder::GivenFirst),
        "John Smith"
    );
}

#[test]
fn display_name_trims_name_parts() {
    assert_eq!(
        person(1, " John ", " Smith ").display_name(NameOrder::GivenFirst),
        "John Smith"
    );
}

#[test]
fn full_name_is_used_when_given_and_family_are_empty() {
    let c = Contact {
        full_name: "张伟".into(),
        ..person(1, "", "")
    };
    assert_eq!(c.display_name(NameOrder::SurnameFirst), "张伟");
    assert_eq!(c.display_name(NameOrder::GivenFirst), "张伟");
}

#[test]
fn first_email_is_the_fallback_then_empty() {
    let mut c = person(1, "", "");
    c.emails = vec![email("first@example.com"), email("second@example.com")];
    assert_eq!(c.display_name(NameOrder::GivenFirst), "first@example.com");
    c.emails.clear();
    assert_eq!(c.display_name(NameOrder::SurnameFirst), "");
}

#[test]
fn normalized_tidies_every_field() {
    let mut c = person(1, "  Mary   Ann ", "\tLee ");
    c.full_name = "  张  伟 ".into();
    c.emails = vec![email("  Mary.Lee@EXAMPLE.Org "), email("   ")];
    c.phones = vec![phone("+1 (555) 010-9999"), phone("")];
    c.company = "  Acme ".into();
    c.job_title = " Buyer\n".into();
    c.address.street = " 1 Main St ".into();
    c.address.country = " 中国 ".into();
    c.notes = "  note  ".into();
    c.tags = vec![
        " Lead ".into(),
        "LEAD".into(),
        "vip  list".into(),
        "".into(),
    ];

    let n = c.normalized();
    assert_eq!(n.given_name, "Mary Ann");
    assert_eq!(n.family_name, "Lee");
    assert_eq!(n.full_name, "张 伟");
    assert_eq!(n.emails, [email("Mary.Lee@example.org")]);
    assert_eq!(n.phones, [phone("+15550109999")]);
    assert_eq!(
        (n.company.as_str(), n.job_title.as_str()),
        ("Acme", "Buyer")
    );
    assert_eq!(
        (n.address.street.as_str(), n.address.country.as_str()),
        ("1 Main St", "中国")
    );
    assert_eq!(n.notes, "note");
    assert_eq!(n.tags, ["Lead", "vip list"]);
}

#[test]
fn tag_dedup_folds_width_and_case() {
    let mut c = person(1, "Ann", "");
    c.tags = vec!["ＶＩＰ".into(), "vip".into(), "Vip".into()];
    assert_eq!(c.normalized().tags, ["ＶＩＰ"]);
}

#[test]
fn normalizing_twice_changes_nothing_more() {
    let mut c = person(1, " a  b ", "");
    c.phones = vec![phone("555 1234 ext. 9"), phone("not a - phone")];
    c.emails = vec![email(" X@Y.Z ")];
    let once = c.normalized();
    assert_eq!(once.clone().normalized(), once);
}
