//! Table views: typed filters, sorts and saved views over JSON records.

use coffer_core::query::{
    ColumnPath, Direction, FieldKind, Filter, Operand, Operator, Query, QueryError, SavedView,
    Schema, SortBy,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

fn col(p: &str) -> ColumnPath {
    ColumnPath::parse(p).unwrap()
}

fn schema() -> Schema {
    Schema::new("deal")
        .field("name", FieldKind::Text)
        .field("amount.minor", FieldKind::Number)
        .field("close_date", FieldKind::Date)
        .field("won", FieldKind::Bool)
        .field("tags", FieldKind::Tags)
        .field("emails.*.address", FieldKind::Text)
        .field("custom.f_1", FieldKind::Number)
}

fn records() -> Vec<Value> {
    vec![
        json!({"name": "Acme renewal", "amount": {"minor": 120000}, "close_date": "2024-05-03", "won": true, "tags": ["VIP", "north"], "emails": [{"address": "ann@acme.example"}]}),
        json!({"name": "ＢＥＴＡ pilot", "amount": {"minor": 5000}, "close_date": "2024-05-31T18:00:00Z", "won": false, "tags": ["south"]}),
        json!({"name": "Gamma", "amount": {"minor": 9007199254740993_i64}, "close_date": "2024-06-01", "tags": []}),
        json!({"name": "", "amount": {"minor": "250.5"}, "custom": {"f_1": 7}}),
        json!({"amount": null, "tags": "vip"}),
    ]
}

fn run_filter(filter: Filter) -> Vec<usize> {
    Query::new(&schema(), &[], &[], &filter)
        .unwrap()
        .run(&records())
}

fn cond(column: &str, op: Operator, value: Value) -> Filter {
    Filter::condition(col(column), op, value)
}

#[test]
fn text_operators_fold_case_and_width() {
    use Operator::*;
    assert_eq!(run_filter(cond("name", Equals, json!("ACME RENEWAL"))), [0]);
    assert_eq!(run_filter(cond("name", Contains, json!("beta"))), [1]);
    assert_eq!(run_filter(cond("name", StartsWith, json!("gam"))), [2]);
    assert_eq!(
        run_filter(cond("name", In, json!(["gamma", "beta pilot"]))),
        [1, 2]
    );
    assert_eq!(
        run_filter(cond("name", NotEquals, json!("gamma"))),
        [0, 1, 3, 4],
        "missing and empty values are not equal to anything"
    );
    assert_eq!(run_filter(cond("name", IsEmpty, Value::Null)), [3, 4]);
    assert_eq!(run_filter(cond("name", IsNotEmpty, Value::Null)), [0, 1, 2]);
    assert_eq!(
        run_filter(cond("emails.0.address", Contains, json!("@acme"))),
        [0]
    );
}

#[test]
fn number_operators_compare_numerically_and_exactly() {
    use Operator::*;
    assert_eq!(run_filter(cond("amount.minor", Gt, json!(5000))), [0, 2]);
    assert_eq!(run_filter(cond("amount.minor", Ge, json!(5000))), [0, 1, 2]);
    assert_eq!(run_filter(cond("amount.minor", Lt, json!(5000))), [3]);
    assert_eq!(run_filter(cond("amount.minor", Le, json!(250.5))), [3]);
    assert_eq!(
        run_filter(cond("amount.minor", Between, json!([250.5, 120000]))),
        [0, 1, 3]
    );
    assert_eq!(
        run_filter(cond("amount.minor", Equals, json!(9007199254740993_i64))),
        [2]
    );
    assert!(run_filter(cond("amount.minor", Equals, json!(9007199254740992_i64))).is_empty());
    assert_eq!(run_filter(cond("amount.minor", In, json!([5000, 1]))), [1]);
    assert_eq!(run_filter(cond("amount.minor", IsEmpty, Value::Null)), [4]);
    assert_eq!(run_filter(cond("custom.f_1", Equals, json!(7.0))), [3]);
}

#[test]
fn dates_compare_at_the_operands_precision() {
    use Operator::*;
    assert_eq!(
        run_filter(cond("close_date", Equals, json!("2024-05"))),
        [0, 1]
    );
    assert_eq!(
        run_filter(cond("close_date", Le, json!("2024-05-31"))),
        [0, 1]
    );
    assert_eq!(run_filter(cond("close_date", Gt, json!("2024-05-31"))), [2]);
    assert_eq!(
        run_filter(cond(
            "close_date",
            Between,
            json!(["2024-05-04", "2024-06-01"])
        )),
        [1, 2]
    );
    assert_eq!(run_filter(cond("close_date", IsEmpty, Value::Null)), [3, 4]);
}

#[test]
fn bool_and_tag_operators() {
    use Operator::*;
    assert_eq!(run_filter(cond("won", Equals, json!(true))), [0]);
    assert_eq!(
        run_filter(cond("won", NotEquals, json!(true))),
        [1, 2, 3, 4]
    );
    assert_eq!(run_filter(cond("tags", HasTag, json!("vip"))), [0, 4]);
    assert_eq!(run_filter(cond("tags", Contains, json!("th"))), [0, 1]);
    assert_eq!(run_filter(cond("tags", In, json!(["south", "east"]))), [1]);
    assert_eq!(run_filter(cond("tags", IsEmpty, Value::Null)), [2, 3]);
}

#[test]
fn groups_combine_with_and_or_not() {
    use Operator::*;
    let vip = cond("tags", HasTag, json!("vip"));
    let big = cond("amount.minor", Ge, json!(10000));
    assert_eq!(run_filter(Filter::And(vec![vip.clone(), big.clone()])), [0]);
    assert_eq!(
        run_filter(Filter::Or(vec![vip.clone(), big.clone()])),
        [0, 2, 4]
    );
    assert_eq!(run_filter(Filter::Not(Box::new(vip))), [1, 2, 3]);
    assert_eq!(run_filter(Filter::And(vec![])), [0, 1, 2, 3, 4]);
    assert!(run_filter(Filter::Or(vec![])).is_empty());
}

#[test]
fn misuse_is_reported_precisely() {
    use Operator::*;
    let err = |f: Filter| Query::new(&schema(), &[], &[], &f).unwrap_err();
    assert_eq!(
        err(cond("amount.minor", Contains, json!("1"))),
        QueryError::OperatorNotForKind {
            column: "amount.minor".into(),
            op: Contains,
            kind: FieldKind::Number
        }
    );
    assert_eq!(
        err(cond("name", Gt, json!("a"))),
        QueryError::OperatorNotForKind {
            column: "name".into(),
            op: Gt,
            kind: FieldKind::Text
        }
    );
    assert_eq!(
        err(cond("amount.minor", Gt, json!("12"))),
        QueryError::BadOperand {
            column: "amount.minor".into(),
            op: Gt,
            expected: Operand::One(FieldKind::Number)
        }
    );
    assert_eq!(
        err(cond("amount.minor", Between, json!([1]))),
        QueryError::BadOperand {
            column: "amount.minor".into(),
            op: Between,
            expected: Operand::Pair(FieldKind::Number)
        }
    );
    assert_eq!(
        err(cond("amount.minor", Between, json!([9, 1]))),
        QueryError::InvertedRange {
            column: "amount.minor".into()
        }
    );
    assert_eq!(
        err(cond("amount.minor", In, json!([1, "2"]))),
        QueryError::BadOperand {
            column: "amount.minor".into(),
            op: In,
            expected: Operand::List(FieldKind::Number)
        }
    );
    assert_eq!(
        err(cond("tags", HasTag, json!(1))),
        QueryError::BadOperand {
            column: "tags".into(),
            op: HasTag,
            expected: Operand::One(FieldKind::Text)
        }
    );
    assert_eq!(
        err(cond("won", Gt, json!(true))),
        QueryError::OperatorNotForKind {
            column: "won".into(),
            op: Gt,
            kind: FieldKind::Bool
        }
    );
    assert_eq!(
        err(cond("name", IsEmpty, json!("x"))),
        QueryError::BadOperand {
            column: "name".into(),
            op: IsEmpty,
            expected: Operand::Nothing
        }
    );
    assert_eq!(
        err(cond("close_date", Gt, json!("last week"))),
        QueryError::BadOperand {
            column: "close_date".into(),
            op: Gt,
            expected: Operand::One(FieldKind::Date)
        }
    );
    assert_eq!(
        err(cond("owner", Equals, json!("me"))),
        QueryError::UnknownColumn {
            column: "owner".into()
        }
    );
    let unknown_op = serde_json::from_value::<Filter>(json!(
        {"condition": {"column": "name", "op": "sounds_like", "value": "x"}}
    ));
    assert!(unknown_op.unwrap_err().to_string().contains("sounds_like"));
}

#[test]
fn schemas_list_their_fields_and_chinese_sorts_by_pinyin() {
    let s = Schema::new("contact")
        .field("name", FieldKind::Text)
        .field("age", FieldKind::Number);
    assert_eq!(
        s.fields(),
        [("age", FieldKind::Number), ("name", FieldKind::Text)]
    );
    let rows: Vec<Value> = ["张伟", "Wang", "李明", "Zoe", "王芳"]
        .iter()
        .map(|n| json!({ "name": n }))
        .collect();
    let sort = [SortBy {
        column: col("name"),
        direction: Direction::Ascending,
    }];
    let q = Query::new(&s, &[], &sort, &Filter::default()).unwrap();
    assert_eq!(q.run(&rows), [2, 1, 4, 0, 3]);
}

#[test]
fn multi_column_sort_is_stable_with_missing_last() {
    let rows = vec![
        json!({"name": "b", "amount": {"minor": 1}}),
        json!({"name": "A", "amount": {"minor": 2}}),
        json!({"amount": {"minor": 3}}),
        json!({"name": "a", "amount": {"minor": 1}}),
        json!({"name": "B", "amount": {"minor": 1}}),
        json!({"name": "c"}),
    ];
    let sort = |levels: &[(&str, Direction)]| {
        let sort: Vec<SortBy> = levels
            .iter()
            .map(|(c, d)| SortBy {
                column: col(c),
                direction: *d,
            })
            .collect();
        Query::new(&schema(), &[], &sort, &Filter::default())
            .unwrap()
            .run(&rows)
    };
    use Direction::*;
    assert_eq!(
        sort(&[("name", Ascending)]),
        [1, 3, 0, 4, 5, 2],
        "a=A stay in order"
    );
    assert_eq!(
        sort(&[("name", Descending)]),
        [5, 0, 4, 1, 3, 2],
        "missing still last"
    );
    assert_eq!(
        sort(&[("amount.minor", Descending), ("name", Ascending)]),
        [2, 1, 3, 0, 4, 5]
    );
}

#[test]
fn saved_views_round_trip_and_check_their_record_type() {
    let view = SavedView {
        id: Uuid::from_u128(9),
        name: "Big VIP deals".into(),
        record_type: "deal".into(),
        columns: vec![col("name"), col("amount.minor"), col("emails.0.address")],
        sort: vec![SortBy {
            column: col("amount.minor"),
            direction: Direction::Descending,
        }],
        filter: Filter::And(vec![
            cond("tags", Operator::HasTag, json!("vip")),
            Filter::Or(vec![
                cond("amount.minor", Operator::Ge, json!(100000)),
                cond("won", Operator::Equals, json!(true)),
            ]),
        ]),
    };
    let text = serde_json::to_string(&view).unwrap();
    let back: SavedView = serde_json::from_str(&text).unwrap();
    assert_eq!(back, view);

    let query = view.compile(&schema()).unwrap();
    let rows = records();
    assert_eq!(query.run(&rows), [0]);
    assert_eq!(
        query.cells(&rows[0]),
        [
            Some(&json!("Acme renewal")),
            Some(&json!(120000)),
            Some(&json!("ann@acme.example"))
        ]
    );

    assert_eq!(
        view.compile(&Schema::new("contact")).unwrap_err(),
        QueryError::WrongRecordType {
            view: "deal".into(),
            schema: "contact".into()
        }
    );
    let minimal: SavedView = serde_json::from_value(json!({
        "id": Uuid::from_u128(1), "name": "All", "record_type": "deal", "columns": ["name"]
    }))
    .unwrap();
    assert_eq!(minimal.compile(&schema()).unwrap().run(&rows).len(), 5);
}

#[test]
fn a_view_over_100k_records_runs() {
    let rows: Vec<Value> = (0..100_000u32)
        .map(|i| {
            json!({
                "name": format!("Deal {}", i % 1000),
                "amount": {"minor": i64::from(i % 777) * 100},
                "tags": if i % 3 == 0 { json!(["vip"]) } else { json!([]) },
            })
        })
        .collect();
    let filter = Filter::And(vec![
        cond("tags", Operator::HasTag, json!("VIP")),
        cond("name", Operator::Contains, json!("deal 1")),
    ]);
    let sort = [
        SortBy {
            column: col("amount.minor"),
            direction: Direction::Descending,
        },
        SortBy {
            column: col("name"),
            direction: Direction::Ascending,
        },
    ];
    let out = Query::new(&schema(), &[], &sort, &filter)
        .unwrap()
        .run(&rows);
    let expected = (0..100_000u32)
        .filter(|i| i % 3 == 0 && format!("deal {}", i % 1000).contains("deal 1"))
        .count();
    assert_eq!(out.len(), expected);
    let amount = |i: usize| rows[i]["amount"]["minor"].as_i64().unwrap();
    assert!(out.windows(2).all(|w| amount(w[0]) >= amount(w[1])));
}

// Properties.

fn cell() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        (-5i64..5).prop_map(|n| json!(n)),
        (-5i64..5).prop_map(|n| json!(n as f64 + 0.5)),
        prop::sample::select(vec!["a", "A", "b", "ä", "张", ""]).prop_map(|s| json!(s)),
    ]
}

fn row() -> impl Strategy<Value = Value> {
    (cell(), cell()).prop_map(|(n, t)| json!({"n": n, "t": t}))
}

fn prop_schema() -> Schema {
    Schema::new("x")
        .field("n", FieldKind::Number)
        .field("t", FieldKind::Text)
}

fn leaf() -> impl Strategy<Value = Filter> {
    prop_oneof![
        (-5i64..5).prop_map(|v| cond("n", Operator::Ge, json!(v))),
        (-5i64..5).prop_map(|v| cond("n", Operator::Equals, json!(v))),
        Just(cond("n", Operator::IsEmpty, Value::Null)),
        prop::sample::select(vec!["a", "b", "张"]).prop_map(|v| cond(
            "t",
            Operator::Equals,
            json!(v)
        )),
        Just(cond("t", Operator::IsNotEmpty, Value::Null)),
    ]
}

fn matches(f: &Filter, rows: &[Value]) -> Vec<usize> {
    Query::new(&prop_schema(), &[], &[], f).unwrap().run(rows)
}

proptest! {
    #[test]
    fn sort_is_a_stable_total_order(rows in prop::collection::vec(row(), 0..40), desc in any::<bool>()) {
        let direction = if desc { Direction::Descending } else { Direction::Ascending };
        let sort = [SortBy { column: col("n"), direction }];
        let out = Query::new(&prop_schema(), &[], &sort, &Filter::default()).unwrap().run(&rows);
        let mut seen = out.clone();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..rows.len()).collect::<Vec<_>>());
        let key = |i: usize| rows[i]["n"].as_f64();
        for w in out.windows(2) {
            match (key(w[0]), key(w[1])) {
                (None, Some(_)) => prop_assert!(false, "missing before a value"),
                (None, None) => prop_assert!(w[0] < w[1]),
                (Some(_), None) => {}
                (Some(a), Some(b)) => {
                    if a == b { prop_assert!(w[0] < w[1], "ties keep input order") }
                    else { prop_assert_eq!(a < b, !desc) }
                }
            }
        }
    }

    #[test]
    fn and_or_not_obey_boolean_laws(rows in prop::collection::vec(row(), 0..30), a in leaf(), b in leaf(), c in leaf()) {
        let and = |x: &Filter, y: &Filter| Filter::And(vec![x.clone(), y.clone()]);
        let or = |x: &Filter, y: &Filter| Filter::Or(vec![x.clone(), y.clone()]);
        let not = |x: &Filter| Filter::Not(Box::new(x.clone()));
        let m = |f: &Filter| matches(f, &rows);
        prop_assert_eq!(m(&and(&a, &b)), m(&and(&b, &a)));
        prop_assert_eq!(m(&or(&a, &b)), m(&or(&b, &a)));
        prop_assert_eq!(m(&and(&a, &and(&b, &c))), m(&Filter::And(vec![a.clone(), b.clone(), c.clone()])));
        prop_assert_eq!(m(&and(&a, &or(&b, &c))), m(&or(&and(&a, &b), &and(&a, &c))));
        prop_assert_eq!(m(&or(&a, &and(&a, &b))), m(&a));
        prop_assert_eq!(m(&not(&and(&a, &b))), m(&or(&not(&a), &not(&b))));
        prop_assert_eq!(m(&and(&a, &Filter::default())), m(&a));
        prop_assert_eq!(m(&or(&a, &Filter::Or(vec![]))), m(&a));
        // A filter and its negation split the rows.
        let (yes, no) = (m(&a), m(&not(&a)));
        prop_assert_eq!(yes.len() + no.len(), rows.len());
    }
}

#[derive(Clone, Debug)]
enum Edit {
    Set(usize, Value),
    Push(Value),
    Remove(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..12, row()).prop_map(|(i, r)| Edit::Set(i, r)),
        row().prop_map(Edit::Push),
        (0usize..12).prop_map(Edit::Remove),
    ]
}

proptest! {
    #[test]
    fn a_table_answers_like_a_fresh_run_after_edits(
        rows in prop::collection::vec(row(), 0..10),
        edits in prop::collection::vec(edit(), 0..10),
        f in leaf(),
        desc in any::<bool>(),
    ) {
        let direction = if desc { Direction::Descending } else { Direction::Ascending };
        let sort = [SortBy { column: col("t"), direction }, SortBy { column: col("n"), direction }];
        let query = Query::new(&prop_schema(), &[], &sort, &f).unwrap();
        let mut table = coffer_core::query::Table::new(rows);
        table.run(&query); // fills the cache before the edits
        for e in edits {
            match e {
                Edit::Set(i, r) => table.set(i, r),
                Edit::Push(r) => table.push(r),
                Edit::Remove(i) => table.swap_remove(i),
            }
        }
        let fresh = query.run(table.rows());
        prop_assert_eq!(table.run(&query), fresh);
    }
}
