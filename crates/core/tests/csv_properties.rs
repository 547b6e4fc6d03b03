//! Property test: any valid contact exported with the default CSV layout
//! imports back unchanged, whatever quotes, delimiters, formula-like
//! prefixes, scripts and line breaks its text holds.

use coffer_core::contact::{Contact, ContactPointKind, Email, Phone};
use coffer_core::export::{CsvOptions, CsvWriter, contact_csv_cells, contact_csv_header};
use coffer_core::import::CsvImport;
use proptest::prelude::*;
use uuid::Uuid;

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => prop::sample::select(vec![
                ' ', ',', ';', '"', '\'', '=', '+', '-', '@', '\n', '\t', '张', '🍵', 'é',
            ]),
        ],
        1..30,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// Tags are split on "," ";" "、" when imported, so they hold none.
fn tag() -> impl Strategy<Value = String> {
    "[a-z张伟 =+-]{1,12}"
}

prop_compose! {
    fn contact()(
        given in text(), family in text(), full in text(),
        company in text(), title in text(), notes in text(),
        street in text(), city in text(), province in text(),
        source in text(), owner in text(),
        tags in prop::collection::vec(tag(), 0..3),
        digits in prop::collection::vec(0u8..10, 6..15),
        plus in any::<bool>(),
    ) -> Contact {
        let number: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let number = if plus { format!("+{number}") } else { number };
        let mut c = Contact {
            given_name: given,
            family_name: family,
            full_name: full,
            company,
            job_title: title,
            notes,
            tags,
            source,
            owner,
            emails: vec![Email { kind: ContactPointKind::Home, address: "a.b@example.com".into() }],
            phones: vec![Phone { kind: ContactPointKind::Work, number }],
            ..Contact::new(Uuid::nil(), 0)
        };
        c.address.street = street;
        c.address.city = city;
        c.address.province = province;
        c.normalized()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn csv_round_trip(c in contact()) {
        prop_assume!(c.validate().is_ok());
        let mut w = CsvWriter::new(&contact_csv_header(), CsvOptions::default());
        w.push_row(&contact_csv_cells(&c));
        let bytes = w.finish();
        let file = CsvImport::open(&bytes).unwrap();
        let back: Vec<Contact> = file
            .rows(file.proposed_mapping())
            .map(|r| r.result.unwrap())
            .collect();
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0], &c);
    }
}
