//! Native micro-benchmark of the search index: 100,000 generated contacts
//! (a quarter with Chinese names), then a fixed set of queries; prints index
//! build time and per-query p50/p95/max. Not a test: numbers depend on the
//! machine. Run with `cargo run --release -p coffer-core --example search_bench`.

use std::time::Instant;

use coffer_core::contact::{Contact, ContactPointKind, Email, Phone};
use coffer_core::search::SearchIndex;
use uuid::Uuid;

const GIVEN: [&str; 8] = ["Ann", "Bob", "Carla", "Dmitri", "伟", "娜", "Zoë", "Kenji"];
const FAMILY: [&str; 7] = ["Lee", "Smith", "张", "王", "Müller", "García", "Tanaka"];

fn contact(n: u128) -> Contact {
    let i = n as usize;
    let mut c = Contact::new(Uuid::from_u128(n), 0);
    c.given_name = GIVEN[i % GIVEN.len()].into();
    c.family_name = FAMILY[i / GIVEN.len() % FAMILY.len()].into();
    c.emails = vec![Email {
        kind: ContactPointKind::Work,
        address: format!("user{n}@example.com"),
    }];
    c.phones = vec![Phone {
        kind: ContactPointKind::Mobile,
        number: format!("+86 139 {:04} {:04}", n / 10_000, n % 10_000),
    }];
    c.company = format!("Company {}", n % 97);
    c.notes = "Met at the trade fair; follow up about the renewal.".into();
    c
}

fn main() {
    const N: u128 = 100_000;
    let contacts: Vec<Contact> = (1..=N).map(contact).collect();
    let started = Instant::now();
    let mut index = SearchIndex::with_capacity(contacts.len());
    for c in &contacts {
        index.upsert(c);
    }
    println!("index {N} contacts: {:?}", started.elapsed());

    let queries = [
        "a",
        "ann",
        "lee",
        "张",
        "张伟",
        "zw",
        "zhang",
        "wang na",
        "user54321@",
        "139 0005",
        "company 42",
        "renewal",
        "nobody-has-this",
        "müller zoë",
        "",
    ];
    let mut times = Vec::new();
    for _ in 0..5 {
        for q in queries {
            let started = Instant::now();
            let r = index.search(q, 50);
            times.push(started.elapsed());
            std::hint::black_box(r);
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "{} queries: p50 {:?} p95 {:?} max {:?}",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
}
