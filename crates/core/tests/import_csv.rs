//! CSV import: every header style and encoding in `fixtures/`, malformed
//! rows, planning against existing contacts, undo, and a 100,000-row file.

mod common;

use coffer_core::contact::{Contact, ContactPointKind};
use coffer_core::duplicates::{MatchOn, MatchReason, PhoneRegion};
use coffer_core::import::*;
use common::{email, id, person, phone};
use uuid::Uuid;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Opens a fixture, maps it as proposed and converts every row.
fn import(name: &str) -> (CsvImport, ColumnMapping, Vec<ConvertedRow>) {
    let file = CsvImport::open(&fixture(name)).unwrap();
    let mapping = file.proposed_mapping();
    let rows = file.rows(mapping.clone()).collect();
    (file, mapping, rows)
}

fn ok_contacts(rows: &[ConvertedRow]) -> Vec<Contact> {
    rows.iter()
        .map(|r| match &r.result {
            Ok(c) => c.clone(),
            Err(e) => panic!("row {} failed: {e:?}", r.row),
        })
        .collect()
}

fn emails(c: &Contact) -> Vec<&str> {
    c.emails.iter().map(|e| e.address.as_str()).collect()
}

fn phones(c: &Contact) -> Vec<&str> {
    c.phones.iter().map(|p| p.number.as_str()).collect()
}

#[test]
fn zoho_export_is_recognised_and_imported() {
    let (file, mapping, rows) = import("zoho_contacts.csv");
    assert_eq!(mapping.format, DetectedFormat::ZohoCrm);
    assert_eq!(file.encoding(), SourceEncoding::Utf8);
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 3);
    let wei = &cs[0];
    assert_eq!(
        (wei.given_name.as_str(), wei.family_name.as_str()),
        ("Wei", "Zhang")
    );
    assert_eq!(wei.salutation, "Mr.");
    // "Full Name" only repeats first and last name.
    assert_eq!(wei.full_name, "");
    assert_eq!(wei.company, "Shanghai Starlight Trading Co., Ltd.");
    assert_eq!(wei.job_title, "Purchasing Manager");
    assert_eq!(phones(wei), ["+862168881234", "+8613800138000"]);
    assert_eq!(wei.phones[1].kind, ContactPointKind::Mobile);
    assert_eq!(wei.address.street, "88 Century Avenue, Pudong");
    assert_eq!(wei.address.postcode, "200120");
    assert_eq!(wei.source, "Trade Show");
    assert_eq!(wei.owner, "Li Na");
    assert_eq!(wei.tags, ["VIP", "Canton Fair"]);
    let fang = &cs[1];
    assert_eq!(fang.family_name, "王");
    assert_eq!(fang.full_name, "");
    assert_eq!(
        emails(fang),
        ["wangfang@xingchen.example.cn", "fang.w@example.com"]
    );
    assert_eq!(fang.notes, "喜欢喝茶\n下次带茶叶");
    assert_eq!(cs[2].phones[1].kind, ContactPointKind::Home);
}

#[test]
fn hubspot_export_is_recognised_and_imported() {
    let (_, mapping, rows) = import("hubspot_contacts.csv");
    assert_eq!(mapping.format, DetectedFormat::HubSpot);
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 3);
    assert_eq!(cs[0].address.province, "Massachusetts");
    assert_eq!(cs[0].address.country, "United States");
    assert_eq!(cs[0].source, "Organic Search");
    assert_eq!(cs[0].owner, "Jordan Lee");
    assert_eq!(cs[1].company, "深圳华信电子有限公司");
    assert_eq!(cs[1].address.city, "深圳");
    assert_eq!(phones(&cs[1]), ["+8675588886666", "+8613923456789"]);
    assert!(cs[2].phones.is_empty() && cs[2].company.is_empty());
}

#[test]
fn salesforce_export_is_recognised_and_imported() {
    let (_, mapping, rows) = import("salesforce_contacts.csv");
    assert_eq!(mapping.format, DetectedFormat::Salesforce);
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0].address.street, "Friedrichstraße 123");
    assert_eq!(cs[0].address.postcode, "10117");
    assert_eq!(cs[0].notes, "Prefers email.\nGerman and English.");
    assert_eq!(cs[1].address.province, "广东省");
    assert_eq!(cs[1].source, "Web");
}

#[test]
fn google_contacts_current_export_with_labels_and_multi_values() {
    let (_, mapping, rows) = import("google_contacts.csv");
    assert_eq!(mapping.format, DetectedFormat::GoogleContacts);
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 2);
    let maria = &cs[0];
    assert_eq!(maria.given_name, "Maria Luisa");
    assert_eq!(maria.company, "Contoso Ltd");
    assert_eq!(maria.emails[0].kind, ContactPointKind::Work);
    assert_eq!(maria.emails[1].kind, ContactPointKind::Home);
    assert_eq!(maria.phones[0].kind, ContactPointKind::Mobile);
    assert_eq!(maria.tags, ["Clients"]);
    assert_eq!(maria.address.street, "Calle Mayor 10");
    let liu = &cs[1];
    assert_eq!(
        (liu.family_name.as_str(), liu.given_name.as_str()),
        ("刘", "小红")
    );
    assert_eq!(phones(liu), ["13857123456", "057188881234"]);
    assert_eq!(liu.tags, ["客户", "杭州"]);
    assert_eq!(liu.address.province, "浙江");
}

#[test]
fn google_contacts_legacy_export() {
    let (_, mapping, rows) = import("google_contacts_legacy.csv");
    assert_eq!(mapping.format, DetectedFormat::GoogleContacts);
    let cs = ok_contacts(&rows);
    assert_eq!(cs[0].full_name, "");
    assert_eq!(cs[0].given_name, "Peter");
    assert_eq!(cs[0].company, "Novak s.r.o.");
    assert_eq!(cs[0].job_title, "Owner");
    assert_eq!(cs[0].emails[0].kind, ContactPointKind::Home);
    assert_eq!(cs[0].tags, ["Friends"]);
    assert_eq!(cs[1].phones[0].kind, ContactPointKind::Work);
    assert!(cs[1].tags.is_empty());
}

#[test]
fn twenty_export_with_composite_fields() {
    let (_, mapping, rows) = import("twenty_people.csv");
    assert_eq!(mapping.format, DetectedFormat::Twenty);
    let cs = ok_contacts(&rows);
    assert_eq!(cs[0].given_name, "Lucas");
    assert_eq!(
        emails(&cs[0]),
        ["lucas.martin@example.fr", "l.martin@perso.example.fr"]
    );
    assert_eq!(phones(&cs[0]), ["+33612345678"]);
    assert_eq!(cs[0].company, "Martin & Fils");
    assert_eq!(cs[1].address.city, "成都");
    assert_eq!(phones(&cs[1]), ["+8613612345678"]);
}

#[test]
fn twenty_people_with_the_same_national_digits_in_two_countries_stay_two() {
    // +33 612345678 and +86 136 1234 5678 end in the same nine digits; they
    // were once matched as one number.
    let (_, _, rows) = import("twenty_people.csv");
    for region in [None, Some(PhoneRegion::CN)] {
        let on = MatchOn {
            phone_region: region,
            ..MatchOn::default()
        };
        let mut planner = ImportPlanner::new(&[], ImportMode::CreateOrUpdate, on, 1);
        let mut next = 0u128;
        for row in rows.iter().cloned() {
            planner.add(row, || {
                next += 1;
                id(next)
            });
        }
        let plan = planner.finish();
        assert_eq!(plan.create.len(), 2, "region {region:?}");
        assert!(plan.merged_rows.is_empty());
    }
}

#[test]
fn espocrm_export_with_camel_case_headers() {
    let (_, mapping, rows) = import("espocrm_contacts.csv");
    assert_eq!(mapping.format, DetectedFormat::EspoCrm);
    let cs = ok_contacts(&rows);
    assert_eq!(cs[0].salutation, "Mrs.");
    assert_eq!(cs[0].address.province, "TX");
    assert_eq!(cs[0].owner, "admin");
    assert_eq!(cs[1].company, "南京金陵机械有限公司");
    assert_eq!(cs[1].address.street, "江宁区将军大道 1 号");
}

#[test]
fn chinese_headers_in_gb18030() {
    let (file, mapping, rows) = import("chinese_gb18030.csv");
    assert_eq!(file.encoding(), SourceEncoding::Gb18030);
    assert!(!file.had_replacements());
    assert_eq!(mapping.format, DetectedFormat::Chinese);
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 3);
    let zhang = &cs[0];
    assert_eq!(zhang.full_name, "张伟");
    assert_eq!(phones(zhang), ["13800138000", "02168881234"]);
    assert_eq!(zhang.wechat, "zhangwei_88");
    assert_eq!(
        (
            zhang.address.province.as_str(),
            zhang.address.city.as_str(),
            zhang.address.district.as_str(),
            zhang.address.street.as_str()
        ),
        ("上海", "上海", "浦东新区", "世纪大道88号")
    );
    assert_eq!(zhang.notes, "老客户，喜欢喝茶");
    assert_eq!(cs[1].wechat, "13912345678");
    assert_eq!(cs[2].notes, "展会认识\n需要报价");
}

#[test]
fn chinese_locale_adds_plus_86_to_bare_numbers() {
    let file = CsvImport::open(&fixture("chinese_gb18030.csv")).unwrap();
    let rows = file
        .rows(file.proposed_mapping())
        .with_phone_locale(coffer_core::settings::Locale::ZhCn);
    let cs = ok_contacts(&rows.collect::<Vec<_>>());
    assert_eq!(phones(&cs[0]), ["+8613800138000", "+862168881234"]);
}

#[test]
fn chinese_headers_in_utf8_with_bom_and_split_names() {
    let (file, mapping, rows) = import("chinese_utf8_bom.csv");
    assert_eq!(file.encoding(), SourceEncoding::Utf8Bom);
    assert_eq!(file.headers()[0], "姓");
    assert_eq!(mapping.columns[0], TargetField::FamilyName);
    assert_eq!(mapping.columns[1], TargetField::GivenName);
    let cs = ok_contacts(&rows);
    assert_eq!(
        (cs[0].family_name.as_str(), cs[0].given_name.as_str()),
        ("张", "伟")
    );
    assert_eq!(
        cs[0].display_name(coffer_core::contact::NameOrder::SurnameFirst),
        "张伟"
    );
}

#[test]
fn semicolons_and_excel_sep_line() {
    let (file, _, rows) = import("semicolon_excel.csv");
    assert_eq!(file.delimiter(), b';');
    assert_eq!(file.headers()[0], "First Name");
    let cs = ok_contacts(&rows);
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0].company, "Vries; de & Zn");
    assert_eq!(cs[0].family_name, "de Vries");
    // Line numbers count the "sep=" line.
    assert_eq!(rows[1].row, 2);
}

#[test]
fn tab_delimiter_is_sniffed() {
    let file = CsvImport::open(b"Name\tEmail\nAnn\tann@example.com\n").unwrap();
    assert_eq!(file.delimiter(), b'\t');
}

#[test]
fn malformed_rows_are_reported_and_good_rows_still_import() {
    let (_, mapping, rows) = import("malformed.csv");
    assert_eq!(mapping.format, DetectedFormat::Generic);
    let errors: Vec<&RowError> = rows
        .iter()
        .filter_map(|r| r.result.as_ref().err())
        .flatten()
        .collect();
    let ok: Vec<String> = rows
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
        .map(|c| c.given_name.clone())
        .collect();
    assert_eq!(ok, ["Ann", "Frank \"Frankie\"", "Gina"]);
    let simple: Vec<(u64, u64, Option<usize>, RowProblem)> = errors
        .iter()
        .map(|e| (e.row, e.line, e.column, e.problem.clone()))
        .collect();
    assert_eq!(
        simple,
        [
            (2, 3, Some(2), RowProblem::InvalidEmail),
            // Row 3 (line 4) is blank and skipped without an error.
            (3, 5, Some(0), RowProblem::NameMissing),
            (4, 6, Some(3), RowProblem::InvalidPhone),
            (
                5,
                7,
                Some(5),
                RowProblem::ExtraCells {
                    expected: 5,
                    found: 7
                }
            ),
        ]
    );
    let frank = rows.iter().find(|r| r.row == 6).unwrap();
    assert_eq!(frank.result.as_ref().unwrap().company, "Multi\nline Co");
    assert_eq!(rows.iter().find(|r| r.row == 7).unwrap().row, 7);
}

#[test]
fn empty_and_headerless_files_are_refused() {
    assert_eq!(CsvImport::open(b"").unwrap_err(), ImportError::Empty);
    assert_eq!(CsvImport::open(b" \r\n").unwrap_err(), ImportError::Empty);
    assert_eq!(
        CsvImport::open(b",,\na,b,c\n").unwrap_err(),
        ImportError::NoHeader
    );
}

#[test]
fn preview_shows_first_rows_with_cells() {
    let file = CsvImport::open(&fixture("hubspot_contacts.csv")).unwrap();
    let preview = file.preview(&file.proposed_mapping(), 2);
    assert_eq!(preview.len(), 2);
    assert_eq!(preview[0].cells[1], "Sarah");
    assert_eq!(preview[1].converted.row, 2);
}

#[test]
fn user_can_remap_a_column_to_a_custom_field() {
    let file = CsvImport::open(&fixture("hubspot_contacts.csv")).unwrap();
    let mut mapping = file.proposed_mapping();
    let stage = file
        .headers()
        .iter()
        .position(|h| h == "Lifecycle Stage")
        .unwrap();
    assert_eq!(mapping.columns[stage], TargetField::Ignore);
    let lifecycle = id(0xc1);
    mapping.columns[stage] = TargetField::Custom(lifecycle);
    let c = file.rows(mapping).next().unwrap().result.unwrap();
    assert_eq!(c.custom[&lifecycle], "Lead");
}

/// Plans `csv` as a Chinese-locale user would: numbers without a country
/// code are taken as mainland Chinese.
fn planned(existing: &[Contact], mode: ImportMode, csv: &str) -> ImportPlan {
    let file = CsvImport::open(csv.as_bytes()).unwrap();
    let on = MatchOn {
        phone_region: Some(PhoneRegion::CN),
        ..MatchOn::default()
    };
    let mut planner = ImportPlanner::new(existing, mode, on, 1_000);
    let mut next = 100u128;
    for row in file.rows(file.proposed_mapping()) {
        planner.add(row, || {
            next += 1;
            id(next)
        });
    }
    planner.finish()
}

const PLAN_CSV: &str = "Name,Email,Phone,Title\n\
    Ann Lee,ann@example.com,,Engineer\n\
    张伟,,+86 138 0013 8000,经理\n\
    New Person,new@example.com,,\n\
    New Again,NEW@example.com,555-0000,Boss\n";

fn existing() -> Vec<Contact> {
    let mut ann = person(1, "Ann", "Lee");
    ann.emails = vec![email("ann@example.com")];
    ann.job_title = "Intern".into();
    let mut wei = person(2, "伟", "张");
    wei.phones = vec![phone("13800138000")];
    vec![ann, wei]
}

#[test]
fn plan_create_or_update_matches_by_email_and_phone_and_merges_repeats() {
    let plan = planned(&existing(), ImportMode::CreateOrUpdate, PLAN_CSV);
    assert_eq!(plan.rows, 4);
    assert_eq!(plan.update.len(), 2);
    assert_eq!(plan.update[0].existing_id, id(1));
    assert_eq!(plan.update[0].reason, MatchReason::Email);
    assert_eq!(plan.update[1].existing_id, id(2));
    assert_eq!(plan.update[1].reason, MatchReason::Phone);
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.create[0].id, id(101));
    assert_eq!(plan.create[0].created_ms, 1_000);
    // Row 4 repeats row 3's email: merged into the same new contact.
    assert_eq!(plan.merged_rows, [4]);
    assert_eq!(plan.create[0].job_title, "Boss");
    assert_eq!(plan.create[0].phones.len(), 1);
}

#[test]
fn plan_create_only_and_update_only_skip_the_rest() {
    let plan = planned(&existing(), ImportMode::CreateOnly, PLAN_CSV);
    assert_eq!(plan.create.len(), 1);
    assert!(plan.update.is_empty());
    assert_eq!(plan.skipped.len(), 2);
    assert_eq!(
        plan.skipped[0].reason,
        SkipReason::Exists {
            id: id(1),
            reason: MatchReason::Email
        }
    );
    let plan = planned(&existing(), ImportMode::UpdateOnly, PLAN_CSV);
    assert!(plan.create.is_empty());
    assert_eq!(plan.update.len(), 2);
    let no_match: Vec<u64> = plan.skipped.iter().map(|s| s.row).collect();
    assert_eq!(no_match, [3, 4]);
}

#[test]
fn apply_merges_updates_and_undo_restores_previous_versions() {
    let book = existing();
    let plan = planned(&book, ImportMode::CreateOrUpdate, PLAN_CSV);
    let lookup = |id: Uuid| book.iter().find(|c| c.id == id).cloned();
    let applied = plan.apply(lookup, id(900), 2_000);
    assert!(applied.missing.is_empty());
    assert_eq!(applied.save.len(), 3);
    let ann = applied.save.iter().find(|c| c.id == id(1)).unwrap();
    assert_eq!(ann.job_title, "Engineer");
    // "Ann Lee" is the same name: the existing given/family split stays.
    assert_eq!(
        (ann.given_name.as_str(), ann.family_name.as_str()),
        ("Ann", "Lee")
    );
    assert_eq!(ann.full_name, "");
    assert_eq!(ann.updated_ms, 2_000);
    let undo = &applied.undo;
    assert_eq!(undo.created, [id(101)]);
    assert_eq!(undo.previous, book);

    // After the import, the book holds the saved versions; one created
    // contact is edited later.
    let mut after = applied.save.clone();
    let edited = after.iter_mut().find(|c| c.id == id(101)).unwrap();
    edited.updated_ms = 3_000;
    let now = |id: Uuid| after.iter().find(|c| c.id == id).cloned();
    let actions = undo.actions(now, false, 4_000);
    assert_eq!(actions.edited_since, [id(101)]);
    assert!(actions.delete.is_empty());
    assert_eq!(actions.restore.len(), 2);
    assert_eq!(actions.restore[0].job_title, "Intern");
    assert_eq!(actions.restore[0].updated_ms, 4_000);
    let actions = undo.actions(now, true, 4_000);
    assert_eq!(actions.delete, [id(101)]);
    let json = serde_json::to_string(undo).unwrap();
    assert_eq!(&serde_json::from_str::<ImportUndo>(&json).unwrap(), undo);
}

#[test]
fn hundred_thousand_rows_import_in_chunks() {
    const N: usize = 100_000;
    let mut csv = String::with_capacity(N * 80);
    csv.push_str("First Name,Last Name,Email,Mobile,Company,City\n");
    for i in 0..N {
        if i % 1000 == 999 {
            // One bad email per thousand rows.
            csv.push_str(&format!("Bad{i},Row,not-an-email-{i},,Acme,Paris\n"));
        } else {
            csv.push_str(&format!(
                "名{i},张,user{i}@example.com,139{i:08},\"公司 {}, Ltd\",上海\n",
                i % 97
            ));
        }
    }
    let file = CsvImport::open(csv.as_bytes()).unwrap();
    let mut rows = file.rows(file.proposed_mapping());
    let mut planner = ImportPlanner::new(&[], ImportMode::CreateOrUpdate, MatchOn::default(), 0);
    let mut next = 0u128;
    let mut chunks = 0;
    let mut last_progress = 0;
    loop {
        let chunk: Vec<ConvertedRow> = rows.by_ref().take(5_000).collect();
        if chunk.is_empty() {
            break;
        }
        chunks += 1;
        for row in chunk {
            planner.add(row, || {
                next += 1;
                Uuid::from_u128(next)
            });
        }
        assert!(rows.bytes_read() >= last_progress);
        last_progress = rows.bytes_read();
    }
    assert_eq!(last_progress, file.total_bytes());
    assert_eq!(chunks, N / 5_000);
    let plan = planner.finish();
    assert_eq!(plan.rows, N as u64);
    assert_eq!(plan.errors.len(), N / 1000);
    assert_eq!(plan.create.len(), N - N / 1000);
    assert!(
        plan.errors
            .iter()
            .all(|e| e.problem == RowProblem::InvalidEmail)
    );
    assert_eq!(plan.create[0].phones[0].number, "13900000000");
}

#[test]
fn importing_the_same_file_twice_updates_instead_of_duplicating() {
    for name in [
        "zoho_contacts.csv",
        "hubspot_contacts.csv",
        "google_contacts.csv",
        "chinese_gb18030.csv",
    ] {
        let file = CsvImport::open(&fixture(name)).unwrap();
        let first = {
            let mut p = ImportPlanner::new(&[], ImportMode::CreateOrUpdate, MatchOn::default(), 1);
            let mut n = 0u128;
            for row in file.rows(file.proposed_mapping()) {
                p.add(row, || {
                    n += 1;
                    id(n)
                });
            }
            p.finish()
        };
        let book = first.apply(|_| None, id(500), 1).save;
        let mut again =
            ImportPlanner::new(&book, ImportMode::CreateOrUpdate, MatchOn::default(), 2);
        for row in file.rows(file.proposed_mapping()) {
            again.add(row, || unreachable!("{name}: nothing new to create"));
        }
        let again = again.finish();
        assert!(again.create.is_empty(), "{name}");
        assert_eq!(again.update.len(), book.len(), "{name}");
        let lookup = |i: Uuid| book.iter().find(|c| c.id == i).cloned();
        for saved in again.apply(lookup, id(501), 3).save {
            let before = lookup(saved.id).unwrap();
            assert_eq!(
                Contact {
                    updated_ms: 1,
                    ..saved
                },
                before,
                "{name}"
            );
        }
    }
}

#[test]
fn invalid_gbk_bytes_are_flagged() {
    // "张" in GBK is D5 C5; a lone lead byte FF is invalid everywhere.
    let file = CsvImport::open(b"\xD0\xD5\xC3\xFB\n\xD5\xC5\xFF\n").unwrap();
    assert_eq!(file.encoding(), SourceEncoding::Gb18030);
    assert_eq!(file.headers(), ["姓名"]);
    assert!(file.had_replacements());
}
