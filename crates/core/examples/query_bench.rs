//! Native micro-benchmark of table views: 100,000 deal-like JSON records,
//! a few filters and sorts; prints the time of each run. Not a test.
//! Run with `cargo run --release -p coffer-core --example query_bench`.

use std::time::Instant;

use coffer_core::query::{
    ColumnPath, Direction, FieldKind, Filter, Operator, Query, Schema, SortBy, Table,
};
use serde_json::{Value, json};

fn col(p: &str) -> ColumnPath {
    ColumnPath::parse(p).expect("valid path")
}

fn main() {
    const N: u32 = 100_000;
    let names = [
        "Acme",
        "Globex",
        "Initech",
        "张伟贸易",
        "Umbrella",
        "Ünal GmbH",
    ];
    let rows: Vec<Value> = (0..N)
        .map(|i| {
            json!({
                "name": format!("{} deal {i}", names[i as usize % names.len()]),
                "amount": {"minor": i64::from(i % 9973) * 100, "currency": "EUR"},
                "close_date": format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                "tags": if i % 3 == 0 { json!(["vip"]) } else { json!(["smb", "north"]) },
                "custom": {"f_1": if i % 5 == 0 { Value::Null } else { json!(i % 17) }},
            })
        })
        .collect();
    let schema = Schema::new("deal")
        .field("name", FieldKind::Text)
        .field("amount.minor", FieldKind::Number)
        .field("close_date", FieldKind::Date)
        .field("tags", FieldKind::Tags)
        .field("custom.f_1", FieldKind::Number);
    let cond = |c: &str, op, v: Value| Filter::condition(col(c), op, v);
    let by = |c: &str, direction| SortBy {
        column: col(c),
        direction,
    };
    let cases: Vec<(&str, Filter, Vec<SortBy>)> = vec![
        ("no filter, no sort", Filter::default(), vec![]),
        (
            "contains 'acme', sort name",
            cond("name", Operator::Contains, json!("acme")),
            vec![by("name", Direction::Ascending)],
        ),
        (
            "vip and amount between, sort amount desc + name",
            Filter::And(vec![
                cond("tags", Operator::HasTag, json!("VIP")),
                cond("amount.minor", Operator::Between, json!([100_000, 500_000])),
            ]),
            vec![
                by("amount.minor", Direction::Descending),
                by("name", Direction::Ascending),
            ],
        ),
        (
            "date in May or custom empty, sort date",
            Filter::Or(vec![
                cond("close_date", Operator::Equals, json!("2024-05")),
                cond("custom.f_1", Operator::IsEmpty, Value::Null),
            ]),
            vec![by("close_date", Direction::Ascending)],
        ),
        (
            "sort everything by name",
            Filter::default(),
            vec![by("name", Direction::Ascending)],
        ),
    ];
    for (label, filter, sort) in cases.clone() {
        let query = Query::new(&schema, &[], &sort, &filter).expect("valid query");
        let started = Instant::now();
        let out = query.run(&rows);
        let all = started.elapsed();
        let started = Instant::now();
        let matched = rows.iter().filter(|r| query.matches(r)).count();
        println!(
            "{label}: {} rows in {all:?} (filter alone {:?})",
            out.len(),
            started.elapsed()
        );
        assert_eq!(matched, out.len());
    }

    // The same queries through a Table: the first run reads the columns,
    // the second only compares.
    let mut table = Table::new(rows);
    for (label, filter, sort) in &cases {
        let query = Query::new(&schema, &[], sort, filter).expect("valid query");
        let started = Instant::now();
        let first = table.run(&query);
        let cold = started.elapsed();
        let started = Instant::now();
        let again = table.run(&query);
        println!(
            "table, {label}: first {cold:?}, again {:?}",
            started.elapsed()
        );
        assert_eq!(first, again);
    }
}
