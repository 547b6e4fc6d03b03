//! The native core benchmark: what the app does with a large book, without
//! a browser. Prints figures; asserts nothing.
//!
//! - import: open (decode, sniff, map) and plan 100,000 realistic CSV rows
//!   (mixed Latin and Chinese names, phones, companies, a bad email in a
//!   thousand, a repeat in a hundred) against 10,000 existing contacts;
//! - search: build the index over 100,000 contacts, then p50/p95 latency of
//!   Latin, Chinese, pinyin, pinyin-initial, email and phone queries;
//! - dashboard: pipeline by stage, won/lost by month, activities per week and
//!   tasks due over 100,000 deals, activities and tasks.
//!
//! `cargo bench -p coffer-core --bench core [-- --quick]` (10,000 instead of
//! 100,000); `cargo xtask bench --core` runs exactly this.

use std::hint::black_box;
use std::time::{Duration, Instant};

use coffer_core::contact::{ContactPointKind, Email, Phone};
use coffer_core::dashboard::{
    ActivityFact, DealFact, StageKind, TaskFact, activities_per_week, pipeline_by_stage, tasks_due,
    won_lost_by_month,
};
use coffer_core::duplicates::{MatchOn, PhoneRegion};
use coffer_core::import::{CsvImport, ImportMode, ImportPlanner};
use coffer_core::{Contact, SearchIndex};
use uuid::Uuid;

const NOW: i64 = 1_764_000_000_000;
const DAY: i64 = 86_400_000;

/// xorshift64*: the same "random" book on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES_ZH: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN_ZH: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
];
const GIVEN_EN: [&str; 12] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "Lucas",
    "Emma",
];
const FAMILY_EN: [&str; 12] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martin",
    "Wilson", "Anderson", "Taylor",
];
const COMPANIES: [&str; 10] = [
    "Acme Corp",
    "Globex",
    "上海星光贸易有限公司",
    "深圳华信科技",
    "Initech",
    "北京云帆网络",
    "Northwind Traders",
    "成都天府软件有限公司",
    "Contoso Ltd",
    "杭州明达机械",
];
const CITIES: [&str; 8] = [
    "上海", "北京", "深圳", "成都", "Paris", "London", "New York", "Berlin",
];

/// One person: (given, family, email, phone, company, title, city).
fn person(rng: &mut Rng, i: usize) -> [String; 7] {
    let chinese = rng.below(2) == 0;
    let (given, family) = if chinese {
        (
            rng.pick(&GIVEN_ZH).to_owned(),
            rng.pick(&SURNAMES_ZH).to_owned(),
        )
    } else {
        (
            rng.pick(&GIVEN_EN).to_owned(),
            rng.pick(&FAMILY_EN).to_owned(),
        )
    };
    let email = format!("user{i}@example{}.com", i % 50);
    let phone = if chinese {
        format!("139{:08}", i)
    } else {
        format!("+1 555 {:03} {:04}", i / 10_000 % 1000, i % 10_000)
    };
    [
        given,
        family,
        email,
        phone,
        rng.pick(&COMPANIES).to_owned(),
        rng.pick(&["Manager", "经理", "Engineer", "销售总监", "CEO"])
            .to_owned(),
        rng.pick(&CITIES).to_owned(),
    ]
}

fn contact(rng: &mut Rng, i: usize) -> Contact {
    let [given, family, email, phone, company, title, city] = person(rng, i);
    let mut c = Contact::new(Uuid::from_u128(i as u128 + 1), NOW);
    if family.chars().all(|ch| !ch.is_ascii()) {
        // As Chinese spreadsheets and phones keep them: one 姓名 field.
        c.full_name = format!("{family}{given}");
    } else {
        c.given_name = given;
        c.family_name = family;
    }
    c.emails = vec![Email {
        kind: ContactPointKind::Work,
        address: email,
    }];
    c.phones = vec![Phone {
        kind: ContactPointKind::Mobile,
        number: phone,
    }];
    c.company = company;
    c.job_title = title;
    c.address.city = city;
    c
}

fn csv_file(rng: &mut Rng, n: usize) -> String {
    let mut csv = String::with_capacity(n * 100);
    csv.push_str("First Name,Last Name,Email,Phone Number,Company Name,Job Title,City\n");
    for i in 0..n {
        let mut p = person(rng, i);
        if i % 1000 == 999 {
            p[2] = format!("not-an-email-{i}");
        }
        if i % 100 == 50 {
            // A repeat of an earlier row's email: merged, not created.
            p[2] = format!("user{}@example{}.com", i - 50, (i - 50) % 50);
        }
        let quoted: Vec<String> = p
            .iter()
            .map(|cell| {
                if cell.contains([',', '"']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.clone()
                }
            })
            .collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    csv
}

/// (p50, p95) of `samples`.
fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    (at(50), at(95))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn import(n: usize, rng: &mut Rng) {
    let existing: Vec<Contact> = (0..n / 10).map(|i| contact(rng, i)).collect();
    let csv = csv_file(rng, n);
    println!(
        "\nimport: {n} rows ({:.1} MB), planned against {} existing contacts",
        csv.len() as f64 / 1e6,
        existing.len()
    );
    let mut times = Vec::new();
    let mut summary = (0, 0, 0, 0);
    for _ in 0..3 {
        let started = Instant::now();
        let file = CsvImport::open(csv.as_bytes()).expect("a CSV file");
        let on = MatchOn {
            phone_region: Some(PhoneRegion::CN),
            ..MatchOn::default()
        };
        let mut planner = ImportPlanner::new(&existing, ImportMode::CreateOrUpdate, on, NOW);
        let mut next = 1_000_000u128;
        for row in file.rows(file.proposed_mapping()) {
            planner.add(row, || {
                next += 1;
                Uuid::from_u128(next)
            });
        }
        let plan = planner.finish();
        times.push(started.elapsed());
        summary = (
            plan.create.len(),
            plan.update.len(),
            plan.merged_rows.len(),
            plan.errors.len(),
        );
        black_box(plan);
    }
    let (median, _) = percentiles(&mut times);
    println!("| step                         | median of 3 | rows/s    |");
    println!("|------------------------------|-------------|-----------|");
    println!(
        "| open + map + plan            | {:>11} | {:>9.0} |",
        ms(median),
        n as f64 / median.as_secs_f64()
    );
    let (create, update, merged, errors) = summary;
    println!(
        "plan: {create} to create, {update} to update, {merged} rows merged, {errors} rows with errors"
    );
}

fn search(n: usize, rng: &mut Rng) {
    let book: Vec<Contact> = (0..n).map(|i| contact(rng, i)).collect();
    let started = Instant::now();
    let mut index = SearchIndex::with_capacity(n);
    for c in &book {
        index.upsert(c);
    }
    let built = started.elapsed();
    println!("\nsearch: {n} contacts, index built in {}", ms(built));
    println!("| query              | kind            | matches | p50      | p95      |");
    println!("|--------------------|-----------------|---------|----------|----------|");
    let queries = [
        ("smith", "Latin name"),
        ("jennifer w", "Latin two words"),
        ("张伟", "Chinese name"),
        ("zhang", "full pinyin"),
        ("zw", "pinyin initials"),
        ("星光", "Chinese company"),
        ("example7.com", "email domain"),
        ("139000012", "phone digits"),
        ("manager", "job title"),
    ];
    let rounds = 40;
    for (query, kind) in queries {
        let mut samples = Vec::with_capacity(rounds);
        let mut total = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let result = index.search(black_box(query), 50);
            samples.push(started.elapsed());
            total = result.total;
            black_box(result);
        }
        let (p50, p95) = percentiles(&mut samples);
        println!(
            "| {query:<18} | {kind:<15} | {total:>7} | {:>8} | {:>8} |",
            us(p50),
            us(p95)
        );
    }
}

fn dashboard(n: usize, rng: &mut Rng) {
    let stages = [
        ("lead", "Lead", StageKind::Open),
        ("qualified", "Qualified", StageKind::Open),
        ("proposal", "Proposal", StageKind::Open),
        ("negotiation", "Negotiation", StageKind::Open),
        ("won", "Won", StageKind::Won),
        ("lost", "Lost", StageKind::Lost),
    ];
    let deals: Vec<DealFact> = (0..n)
        .map(|_| {
            let s = rng.below(stages.len() as u64) as usize;
            let (id, name, kind) = stages[s];
            DealFact {
                amount_minor: (rng.below(10_000_000)) as i64,
                currency: Some(rng.pick(&["CNY", "USD", "EUR"]).to_owned()),
                stage_id: id.to_owned(),
                stage_name: name.to_owned(),
                stage_order: s as u32,
                stage_kind: kind,
                closed_ms: (kind != StageKind::Open).then(|| NOW - rng.below(400) as i64 * DAY),
            }
        })
        .collect();
    let activities: Vec<ActivityFact> = (0..n)
        .map(|_| ActivityFact {
            at_ms: NOW - rng.below(200) as i64 * DAY,
            kind: rng.pick(&["call", "meeting", "email", "note"]).to_owned(),
        })
        .collect();
    let tasks: Vec<TaskFact> = (0..n)
        .map(|_| TaskFact {
            due_ms: (rng.below(10) != 0).then(|| NOW + (rng.below(60) as i64 - 30) * DAY),
            done: rng.below(3) == 0,
        })
        .collect();
    println!("\ndashboard: {n} deals, {n} activities, {n} tasks (UTC+8)");
    println!("| figure                       | p50      | p95      |");
    println!("|------------------------------|----------|----------|");
    let rounds = 20;
    let run = |label: &str, f: &dyn Fn()| {
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            f();
            samples.push(started.elapsed());
        }
        let (p50, p95) = percentiles(&mut samples);
        println!("| {label:<28} | {:>8} | {:>8} |", ms(p50), ms(p95));
    };
    run("pipeline by stage", &|| {
        black_box(pipeline_by_stage(black_box(&deals)));
    });
    run("won/lost by month (12)", &|| {
        black_box(won_lost_by_month(black_box(&deals), NOW, 480, 12));
    });
    run("activities per week (12)", &|| {
        black_box(activities_per_week(black_box(&activities), NOW, 480, 12));
    });
    run("tasks due", &|| {
        black_box(tasks_due(black_box(&tasks), NOW, 480));
    });
    run("all four", &|| {
        black_box(pipeline_by_stage(&deals));
        black_box(won_lost_by_month(&deals, NOW, 480, 12));
        black_box(activities_per_week(&activities, NOW, 480, 12));
        black_box(tasks_due(&tasks, NOW, 480));
    });
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 10_000 } else { 100_000 };
    println!(
        "coffer-core native benchmark ({} build, {} records{})",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        n,
        if quick { ", --quick" } else { "" }
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    import(n, &mut rng);
    search(n, &mut rng);
    dashboard(n, &mut rng);
}
