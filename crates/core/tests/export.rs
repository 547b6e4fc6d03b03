//! Exports read back: the default contact CSV layout through the importer,
//! and the JSON export of contacts.

mod common;

use coffer_core::contact::{Contact, ContactPointKind};
use coffer_core::export::*;
use coffer_core::import::{CsvImport, DetectedFormat, SourceEncoding};
use common::{email, person, phone};

fn contacts() -> Vec<Contact> {
    let mut wei = person(1, "伟", "张");
    wei.salutation = "先生".into();
    wei.emails = vec![email("zhangwei@example.cn")];
    wei.phones = vec![phone("+8613800138000")];
    wei.phones.push(coffer_core::contact::Phone {
        kind: ContactPointKind::Work,
        number: "+862168881234".into(),
    });
    wei.company = "=HYPERLINK(\"http://evil.example\")".into();
    wei.wechat = "zhangwei_88".into();
    wei.address.province = "上海".into();
    wei.address.city = "上海".into();
    wei.address.district = "浦东新区".into();
    wei.address.street = "世纪大道88号, 1楼".into();
    wei.address.postcode = "200120".into();
    wei.source = "展会".into();
    wei.owner = "李娜".into();
    wei.notes = "第一行\n第二行, \"引号\"".into();
    wei.tags = vec!["客户".into(), "VIP".into()];
    let mut ann = person(2, "Ann", "Lee");
    ann.job_title = "-CTO-".into();
    ann.emails = vec![email("ann@example.com"), email("ann.lee@example.org")];
    vec![wei.normalized(), ann.normalized()]
}

#[test]
fn contact_csv_reads_back_through_the_importer() {
    let original = contacts();
    let mut w = CsvWriter::new(&contact_csv_header(), CsvOptions::default());
    for c in &original {
        w.push_row(&contact_csv_cells(c));
    }
    let bytes = w.finish();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'+8613800138000"), "{text}");

    let file = CsvImport::open(&bytes).unwrap();
    assert_eq!(file.encoding(), SourceEncoding::Utf8Bom);
    let mapping = file.proposed_mapping();
    assert_eq!(mapping.format, DetectedFormat::Generic);
    assert!(
        mapping
            .columns
            .iter()
            .all(|t| *t != coffer_core::import::TargetField::Ignore),
        "{mapping:?}"
    );
    let back: Vec<Contact> = file.rows(mapping).map(|r| r.result.unwrap()).collect();
    assert_eq!(back.len(), original.len());
    for (b, o) in back.iter().zip(&original) {
        let expected = Contact {
            id: b.id,
            created_ms: b.created_ms,
            updated_ms: b.updated_ms,
            ..o.clone()
        };
        assert_eq!(*b, expected);
    }
}

#[test]
fn json_export_of_contacts_reads_back() {
    let original = contacts();
    let mut w = JsonExportWriter::new(1_700_000_000_000);
    for c in &original {
        w.push("contact", &c.to_json()).unwrap();
    }
    let bytes = w.finish();
    let export = read_json_export(&bytes).unwrap();
    assert_eq!(export.format, EXPORT_FORMAT);
    let back: Vec<Contact> = export.records["contact"]
        .iter()
        .map(|v| Contact::from_json(v.to_string().as_bytes()).unwrap())
        .collect();
    assert_eq!(back, original);
}
