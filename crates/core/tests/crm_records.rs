//! The stored JSON of the CRM records added after contacts: fixtures as this
//! version writes them must keep loading (they are the stored format), and
//! properties that span modules.

use coffer_core::company::{Company, normalize_uscc, uscc_check_char, validate_uscc};
use coffer_core::custom_field::{CustomFieldDef, FieldKind, RecordKind};
use coffer_core::date::CivilDate;
use coffer_core::deal::Deal;
use coffer_core::money::{Currency, Money};
use coffer_core::pipeline::{DefaultStage, Pipeline, StageKind};
use coffer_core::record::{ALL_NAMESPACES, Record};
use coffer_core::task::{Due, Task, TaskStatus};
use coffer_core::ticket::{Ticket, TicketStatus};
use coffer_core::website::{domain_of, normalize_url};
use coffer_core::{Activity, ActivityKind, Locale};
use proptest::prelude::*;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Loads `json`, checks it against `check`, and that writing it back and
/// loading again gives the same record.
fn fixture<T: Record + PartialEq + std::fmt::Debug>(json: &str, check: impl Fn(&T)) {
    let record = T::from_json(json.as_bytes()).unwrap();
    check(&record);
    assert_eq!(T::from_json(&record.to_json()).unwrap(), record);
}

#[test]
fn company_fixture_loads() {
    fixture::<Company>(
        r#"{"id":"00000000-0000-0000-0000-000000000001","name":"上海某某贸易有限公司",
        "domain":"example.cn","website":"https://www.example.cn","industry":"Trade",
        "size":"51-200","registration":{"scheme":"uscc","number":"91350100M000100Y43","issuer":""},
        "addresses":[{"kind":"registered","country":"中国","province":"上海市","city":"上海市",
        "district":"浦东新区","street":"世纪大道 100 号","postcode":"200120"}],
        "owner":"00000000-0000-0000-0000-000000000009","tags":["VIP"],"notes":"",
        "created_ms":1700000000000,"updated_ms":1700000000001,
        "custom":{"00000000-0000-0000-0000-0000000000c1":"A"}}"#,
        |c| {
            assert_eq!(c.addresses[0].district, "浦东新区");
            assert_eq!(c.owner, Some(id(9)));
            assert_eq!(c.validate(&[]), Ok(()));
        },
    );
}

#[test]
fn pipeline_and_deal_fixtures_load() {
    let pipeline = r#"{"id":"00000000-0000-0000-0000-000000000064","name":"Sales","stages":[
        {"id":"00000000-0000-0000-0000-000000000001","name":"Prospecting","probability":10,"kind":"open"},
        {"id":"00000000-0000-0000-0000-000000000005","name":"Won","probability":100,"kind":"won"},
        {"id":"00000000-0000-0000-0000-000000000006","name":"Lost","probability":0,"kind":"lost"}],
        "created_ms":1,"updated_ms":2}"#;
    fixture::<Pipeline>(pipeline, |p| {
        assert_eq!(p.stages[1].kind, StageKind::Won);
        assert_eq!(p.validate(), Ok(()));
    });
    let p = Pipeline::from_json(pipeline.as_bytes()).unwrap();
    fixture::<Deal>(
        r#"{"id":"00000000-0000-0000-0000-000000000032","name":"Big order",
        "amount":{"minor":12345600,"currency":"CNY"},"close_date":"2026-12-31",
        "stage":{"pipeline_id":"00000000-0000-0000-0000-000000000064",
          "stage_id":"00000000-0000-0000-0000-000000000001","entered_ms":5,"history":[]},
        "probability":null,"contacts":[{"contact_id":"00000000-0000-0000-0000-000000000007",
        "role":"decision_maker"}],"company_id":null,"owner":null,"tags":[],"notes":"",
        "created_ms":5,"updated_ms":5,"custom":{}}"#,
        |d| {
            assert_eq!(d.amount, Some(Money::new(12_345_600, Currency::CNY)));
            assert_eq!(d.close_date, CivilDate::from_ymd(2026, 12, 31).ok());
            assert_eq!(
                d.weighted_amount(&p),
                Some(Money::new(1_234_560, Currency::CNY))
            );
            assert_eq!(d.amount.unwrap().format(Locale::ZhCn), "¥123,456.00");
            assert_eq!(d.validate(std::slice::from_ref(&p), &[]), Ok(()));
        },
    );
}

#[test]
fn activity_task_ticket_and_field_fixtures_load() {
    fixture::<Activity>(
        r#"{"id":"00000000-0000-0000-0000-000000000001","kind":"call","subject":"Intro",
        "contact_ids":["00000000-0000-0000-0000-000000000007"],"company_ids":[],"deal_ids":[],
        "start_ms":1700000000000,"duration_minutes":15,"outcome":"no_answer","notes":"",
        "owner":null,"created_ms":1,"updated_ms":1,"custom":{}}"#,
        |a| assert_eq!((a.kind, a.duration_minutes), (ActivityKind::Call, Some(15))),
    );
    fixture::<Task>(
        r#"{"id":"00000000-0000-0000-0000-000000000001","title":"Send quote","notes":"",
        "due":{"at":1700000000000},"assignee":null,"status":{"state":"done","completed_ms":9},
        "reminder":{"at_ms":1699999000000,"dismissed":false},
        "contact_ids":[],"company_ids":[],"deal_ids":[],"created_ms":1,"updated_ms":9,"custom":{}}"#,
        |t| {
            assert_eq!(t.due, Some(Due::At(1_700_000_000_000)));
            assert_eq!(t.status, TaskStatus::Done { completed_ms: 9 });
        },
    );
    fixture::<Ticket>(
        r#"{"id":"00000000-0000-0000-0000-000000000001","subject":"Cannot log in",
        "description":"","status":{"current":"pending","changes":[{"from":"new","to":"pending",
        "at_ms":3,"author":"00000000-0000-0000-0000-000000000009"}]},"priority":"high",
        "contact_id":null,"company_id":null,"assignee":null,"tags":[],"created_ms":1,
        "updated_ms":3,"custom":{}}"#,
        |t| assert_eq!(t.status.current, TicketStatus::Pending),
    );
    fixture::<CustomFieldDef>(
        r#"{"id":"00000000-0000-0000-0000-0000000000c1","record":"deal","label":"Source",
        "kind":"select","options":[{"id":"00000000-0000-0000-0000-000000000001","label":"Web"}],
        "required":true,"class":"public","currency":null,"created_ms":1,"updated_ms":1}"#,
        |d| {
            assert_eq!((d.record, d.kind), (RecordKind::Deal, FieldKind::Select));
            assert_eq!(d.validate(), Ok(()));
        },
    );
}

#[test]
fn every_record_type_has_a_known_namespace() {
    for ns in [
        Company::NAMESPACE,
        Pipeline::NAMESPACE,
        Deal::NAMESPACE,
        Activity::NAMESPACE,
        Task::NAMESPACE,
        Ticket::NAMESPACE,
        CustomFieldDef::NAMESPACE,
    ] {
        assert!(ALL_NAMESPACES.contains(&ns), "{ns}");
    }
}

#[test]
fn default_pipeline_moves_a_deal_from_first_stage_to_won() {
    let ids = [id(1), id(2), id(3), id(4), id(5), id(6)];
    let p = Pipeline::with_default_stages(id(100), "销售".into(), ids, |s| format!("{s:?}"), 0);
    let mut deal = Deal::new(id(50), "Order".into(), &p, 0);
    deal.amount = Some(Money::new(1_000_000, Currency::USD));
    let mut weighted = Vec::new();
    for (i, stage) in DefaultStage::ALL[..5].iter().enumerate() {
        deal = deal.moved_to_stage(&p, ids[i], i as i64).unwrap();
        weighted.push(deal.weighted_amount(&p).unwrap().minor);
        assert_eq!(deal.probability(&p), Some(stage.probability()));
    }
    assert_eq!(weighted, [100_000, 200_000, 500_000, 800_000, 1_000_000]);
    assert!(deal.is_won(&p));
    assert_eq!(deal.stage.history.len(), 4);
}

fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => prop::sample::select(vec![
                ' ', '\t', '\u{3000}', '.', '/', ':', '-', ',', '¥', '$', '张', 'Ａ', '１', 'W',
            ]),
            2 => prop::char::range('0', '9'),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn money_parse_never_panics(s in "\\PC*", c in 0usize..13) {
        let currency = Currency::all().nth(c).unwrap();
        let _ = Money::parse(&s, currency);
    }

    #[test]
    fn text_parsers_never_panic_and_normalisers_are_idempotent(s in "\\PC*") {
        let _ = CivilDate::parse(&s);
        let _ = validate_uscc(&normalize_uscc(&s));
        let _ = uscc_check_char(&s);
        if let Some(url) = normalize_url(&s) {
            prop_assert_eq!(normalize_url(&url), Some(url.clone()));
            prop_assert!(domain_of(&url).is_some());
        }
    }

    #[test]
    fn url_normalisation_is_idempotent(s in messy_text()) {
        if let Some(url) = normalize_url(&s) {
            prop_assert_eq!(normalize_url(&url), Some(url.clone()));
            prop_assert!(domain_of(&url).is_some());
        }
    }

    #[test]
    fn company_normalisation_is_idempotent(
        name in messy_text(), website in messy_text(), domain in messy_text(),
        number in messy_text(), tags in prop::collection::vec(messy_text(), 0..4),
    ) {
        let mut c = Company::new(id(1), 0);
        c.name = name;
        c.website = website;
        c.domain = domain;
        c.registration.number = number;
        c.tags = tags;
        let once = c.normalized(&[]);
        prop_assert_eq!(once.clone().normalized(&[]), once);
    }

    #[test]
    fn uscc_normalise_then_validate_never_panics(s in messy_text()) {
        let code = normalize_uscc(&s);
        if validate_uscc(&code).is_ok() {
            prop_assert_eq!(uscc_check_char(&code[..17]).unwrap(), code.chars().last().unwrap());
        }
    }
}
