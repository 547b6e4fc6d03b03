//! Property test: any valid contact survives a vCard round trip, in both
//! versions, whatever punctuation, scripts and line breaks its text holds.

use coffer_core::contact::{Contact, ContactPointKind, Email, Phone};
use coffer_core::vcard::{VcardVersion, cards, write_vcard};
use proptest::prelude::*;
use uuid::Uuid;

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => prop::sample::select(vec![
                ' ', ',', ';', ':', '\\', '"', '=', '\n', '张', '伟', '🍵', 'é', '.', '-',
            ]),
        ],
        1..40,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

prop_compose! {
    fn contact()(
        given in text(), family in text(), full in text(),
        company in text(), title in text(), notes in text(),
        street in text(), city in text(), district in text(),
        tags in prop::collection::vec(text(), 0..3),
        source in text(),
        digits in prop::collection::vec(0u8..10, 4..15),
    ) -> Contact {
        let number: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let mut c = Contact {
            given_name: given,
            family_name: family,
            full_name: full,
            company,
            job_title: title,
            notes,
            tags,
            source,
            emails: vec![Email { kind: ContactPointKind::Work, address: "a.b@example.com".into() }],
            phones: vec![Phone { kind: ContactPointKind::Mobile, number }],
            ..Contact::new(Uuid::nil(), 0)
        };
        c.address.street = street;
        c.address.city = city;
        c.address.district = district;
        c.normalized()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn vcard_round_trip(c in contact()) {
        prop_assume!(c.validate().is_ok());
        for version in [VcardVersion::V3, VcardVersion::V4] {
            let text = write_vcard(&c, version);
            let back = cards(&text).next().unwrap().result.unwrap();
            prop_assert_eq!(&back, &c);
        }
    }
}
