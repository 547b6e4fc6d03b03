//! Finding and merging duplicates across records from different sources.

mod common;

use coffer_core::contact::Contact;
use coffer_core::duplicates::*;
use coffer_core::import::CsvImport;
use coffer_core::vcard::cards;
use common::{email, id, person, phone};

#[test]
fn the_same_people_from_a_csv_and_a_vcard_are_grouped_and_merged() {
    let csv =
        "姓名,手机,邮箱,公司\n张伟,138 0013 8000,,上海星光\n李娜,13912345678,lina@example.cn,\n";
    let file = CsvImport::open(csv.as_bytes()).unwrap();
    let mut book: Vec<Contact> = file
        .rows(file.proposed_mapping())
        .enumerate()
        .map(|(i, r)| Contact {
            id: id(i as u128 + 1),
            created_ms: 100,
            ..r.result.unwrap()
        })
        .collect();
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:张;伟;;;\r\nFN:张伟\r\nTEL;TYPE=CELL:+86 138-0013-8000\r\n\
               EMAIL:zhangwei@example.cn\r\nTITLE:经理\r\nNOTE:vCard note\r\nEND:VCARD\r\n";
    let from_card = cards(vcf).next().unwrap().result.unwrap();
    book.push(Contact {
        id: id(3),
        created_ms: 50,
        ..from_card
    });

    let groups = find_duplicates(&book, Some(PhoneRegion::CN));
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].ids, [id(1), id(3)]);
    assert!(groups[0].reasons.contains(&MatchReason::Phone));
    assert!(groups[0].reasons.contains(&MatchReason::Name));

    let Merged { merged, delete_id } =
        merge_contacts(&book[0], &book[2], &MergeChoices::default(), 999);
    assert_eq!(delete_id, id(3));
    assert_eq!(merged.id, id(1));
    assert_eq!(merged.full_name, "张伟");
    assert_eq!(merged.company, "上海星光");
    assert_eq!(merged.job_title, "经理");
    assert_eq!(merged.emails.len(), 1);
    assert_eq!(merged.emails[0].address, "zhangwei@example.cn");
    // "13800138000" and "+8613800138000" are one number: kept once.
    assert_eq!(merged.phones.len(), 1);
    assert_eq!(merged.notes, "vCard note");
    assert_eq!((merged.created_ms, merged.updated_ms), (50, 999));
    assert_eq!(merged.clone().normalized().validate(), Ok(()));
}

#[test]
fn unrelated_contacts_are_not_grouped() {
    let mut a = person(1, "Ann", "Lee");
    a.phones = vec![phone("555 0100")];
    let mut b = person(2, "Bob", "Lee");
    b.phones = vec![phone("555 0199")];
    b.emails = vec![email("bob@example.com")];
    assert!(find_duplicates(&[a, b], None).is_empty());
}
