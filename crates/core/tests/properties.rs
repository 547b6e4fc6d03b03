//! Property tests over arbitrary contacts.

use coffer_core::contact::{Address, Contact, ContactPointKind, Email, Phone};
use proptest::prelude::*;
use uuid::Uuid;

/// Text mixing ASCII, Latin accents (composed and decomposed), Han, emoji,
/// full-width forms and assorted whitespace, so normalisation meets its
/// edge cases.
fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            2 => prop::char::range('A', 'Z'),
            1 => prop::sample::select(vec![
                ' ', ' ', '\t', '\n', '\u{3000}', '\u{a0}', '-', '.', '(', ')', '+', '@', 'x',
                'é', 'e', '\u{301}', 'Ë', '张', '伟', '😀', 'Ａ', '１', '０', 'ß', 'İ', 'Σ',
            ]),
            2 => prop::char::range('0', '9'),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn kind() -> impl Strategy<Value = ContactPointKind> {
    prop::sample::select(vec![
        ContactPointKind::Work,
        ContactPointKind::Home,
        ContactPointKind::Mobile,
        ContactPointKind::Other,
    ])
}

fn address() -> impl Strategy<Value = Address> {
    (
        messy_text(),
        messy_text(),
        messy_text(),
        messy_text(),
        messy_text(),
        messy_text(),
    )
        .prop_map(
            |(street, city, province, district, postcode, country)| Address {
                street,
                city,
                province,
                district,
                postcode,
                country,
            },
        )
}

prop_compose! {
    fn contact()(
        id in 1..=u128::MAX,
        names in (messy_text(), messy_text(), messy_text()),
        emails in prop::collection::vec((kind(), messy_text()), 0..4),
        phones in prop::collection::vec((kind(), messy_text()), 0..4),
        work in (messy_text(), messy_text()),
        address in address(),
        notes in messy_text(),
        tags in prop::collection::vec(messy_text(), 0..6),
        times in (any::<i64>(), any::<i64>()),
        extra in (messy_text(), messy_text(), messy_text(), messy_text()),
    ) -> Contact {
        Contact {
            id: Uuid::from_u128(id),
            given_name: names.0,
            family_name: names.1,
            full_name: names.2,
            emails: emails.into_iter().map(|(kind, address)| Email { kind, address }).collect(),
            phones: phones.into_iter().map(|(kind, number)| Phone { kind, number }).collect(),
            company: work.0,
            job_title: work.1,
            salutation: extra.0,
            wechat: extra.1,
            source: extra.2,
            owner: extra.3,
            address,
            notes,
            tags,
            created_ms: times.0,
            updated_ms: times.1,
            ..Contact::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalize_is_idempotent(c in contact()) {
        let once = c.normalized();
        prop_assert_eq!(once.clone().normalized(), once);
    }

    #[test]
    fn json_round_trip_preserves_any_contact(c in contact()) {
        let back = Contact::from_json(&c.to_json()).unwrap();
        prop_assert_eq!(back, c);
    }

    #[test]
    fn normalized_contacts_have_no_empty_entries(c in contact()) {
        let n = c.normalized();
        prop_assert!(n.emails.iter().all(|e| !e.address.is_empty()));
        prop_assert!(n.phones.iter().all(|p| !p.number.is_empty()));
        prop_assert!(n.tags.iter().all(|t| !t.is_empty() && t.trim() == t));
    }

    #[test]
    fn validation_never_panics_and_display_name_is_trimmed(c in contact()) {
        let _ = c.validate();
        let name = c.display_name(coffer_core::NameOrder::SurnameFirst);
        prop_assert_eq!(name.trim(), name.as_str());
    }
}
