//! Dashboard figures with exact expected numbers.

use coffer_core::dashboard::*;

/// A deal fact; `currency` "" is a deal without an amount.
fn deal(
    amount: i64,
    currency: &str,
    stage: (&str, u32, StageKind),
    closed_ms: Option<i64>,
) -> DealFact {
    DealFact {
        amount_minor: if currency.is_empty() { 0 } else { amount },
        currency: (!currency.is_empty()).then(|| currency.into()),
        stage_id: stage.0.into(),
        stage_name: stage.0.to_uppercase(),
        stage_order: stage.1,
        stage_kind: stage.2,
        closed_ms,
    }
}

const LEAD: (&str, u32, StageKind) = ("lead", 0, StageKind::Open);
const PROPOSAL: (&str, u32, StageKind) = ("proposal", 1, StageKind::Open);
const WON: (&str, u32, StageKind) = ("won", 2, StageKind::Won);
const LOST: (&str, u32, StageKind) = ("lost", 3, StageKind::Lost);

#[test]
fn pipeline_sums_per_stage_and_currency_without_mixing() {
    let deals = [
        deal(10_000, "EUR", PROPOSAL, None),
        deal(25_000, "EUR", LEAD, None),
        deal(99, "CNY", LEAD, None),
        deal(5_000, "EUR", LEAD, None),
        deal(i64::MAX, "USD", PROPOSAL, None),
        deal(i64::MAX, "USD", PROPOSAL, None),
    ];
    let rows = pipeline_by_stage(&deals);
    type Values<'a> = Vec<(&'a str, u32, i128)>;
    let got: Vec<(&str, u32, Values)> = rows
        .iter()
        .map(|r| {
            let values = r
                .values
                .iter()
                .map(|v| (v.currency.as_str(), v.count, v.amount_minor))
                .collect();
            (r.stage_id.as_str(), r.count, values)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("lead", 3, vec![("CNY", 1, 99), ("EUR", 2, 30_000)]),
            (
                "proposal",
                3,
                vec![("EUR", 1, 10_000), ("USD", 2, 2 * i128::from(i64::MAX))]
            ),
        ]
    );
    assert_eq!(rows[0].stage_name, "LEAD");
    assert_eq!(rows[0].stage_kind, StageKind::Open);
    assert_eq!(rows[1].amount_in("USD"), 2 * i128::from(i64::MAX));
    assert_eq!(rows[1].amount_in("CNY"), 0);
    assert_eq!(currencies(&rows), ["CNY", "EUR", "USD"]);
    assert!(pipeline_by_stage(&[]).is_empty());
}

#[test]
fn deals_without_an_amount_are_counted_in_their_stage() {
    let deals = [
        deal(0, "", PROPOSAL, None),
        deal(2_000, "CNY", LEAD, None),
        deal(0, "", LEAD, None),
        deal(0, "", PROPOSAL, None),
        // A won deal without an amount: counted in its stage, but it has
        // no currency to chart in the won/lost months.
        deal(0, "", WON, Some(utc_ms(2024, 6, 1, 0))),
    ];
    let rows = pipeline_by_stage(&deals);
    let got: Vec<(&str, u32, u32, i128)> = rows
        .iter()
        .map(|r| {
            (
                r.stage_id.as_str(),
                r.count,
                r.without_amount,
                r.amount_in("CNY"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("lead", 2, 1, 2_000),
            ("proposal", 2, 2, 0),
            ("won", 1, 1, 0)
        ]
    );
    assert!(rows[1].values.is_empty());
    assert_eq!(currencies(&rows), ["CNY"]);
    assert!(won_lost_by_month(&deals, utc_ms(2024, 6, 15, 0), 0, 3).is_empty());
}

#[test]
fn won_and_lost_are_bucketed_by_local_month() {
    let now = utc_ms(2024, 6, 15, 12);
    let deals = [
        // 2024-05-31 20:00 UTC is June 1st in Beijing (+08:00).
        deal(1_000, "CNY", WON, Some(utc_ms(2024, 5, 31, 20))),
        deal(2_000, "CNY", WON, Some(utc_ms(2024, 4, 10, 0))),
        deal(300, "CNY", LOST, Some(utc_ms(2024, 6, 2, 0))),
        deal(700, "EUR", WON, Some(utc_ms(2024, 6, 3, 0))),
        // Left out: open, no close time, before the window, after now.
        deal(5, "CNY", PROPOSAL, Some(utc_ms(2024, 6, 3, 0))),
        deal(5, "CNY", WON, None),
        deal(5, "CNY", WON, Some(utc_ms(2024, 3, 31, 0))),
        deal(5, "CNY", WON, Some(utc_ms(2024, 7, 2, 0))),
    ];
    let series = won_lost_by_month(&deals, now, 480, 3);
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].currency, "CNY");
    let cny: Vec<(u32, u32, i128, u32, i128)> = series[0]
        .months
        .iter()
        .map(|m| {
            (
                m.month.month,
                m.won_count,
                m.won_minor,
                m.lost_count,
                m.lost_minor,
            )
        })
        .collect();
    assert_eq!(
        cny,
        [(4, 1, 2_000, 0, 0), (5, 0, 0, 0, 0), (6, 1, 1_000, 1, 300)]
    );
    assert_eq!(series[1].currency, "EUR");
    assert_eq!(series[1].months[2].won_minor, 700);
    assert_eq!(
        series[1].months[0].month,
        YearMonth {
            year: 2024,
            month: 4
        }
    );

    // In New York (-04:00) the first deal closed in May.
    let ny = won_lost_by_month(&deals, now, -240, 3);
    assert_eq!(ny[0].months[1].won_minor, 1_000);
    assert_eq!(ny[0].months[2].won_minor, 0);
}

#[test]
fn month_windows_cross_year_boundaries() {
    let now = utc_ms(2024, 1, 10, 0);
    let deals = [deal(1, "EUR", WON, Some(utc_ms(2023, 11, 30, 0)))];
    let months: Vec<YearMonth> = won_lost_by_month(&deals, now, 0, 3)[0]
        .months
        .iter()
        .map(|m| m.month)
        .collect();
    assert_eq!(
        months,
        [
            YearMonth {
                year: 2023,
                month: 11
            },
            YearMonth {
                year: 2023,
                month: 12
            },
            YearMonth {
                year: 2024,
                month: 1
            }
        ]
    );
}

#[test]
fn activities_are_counted_per_iso_week() {
    // Wednesday 2025-01-01: ISO week 1 of 2025 began Monday 2024-12-30.
    let now = utc_ms(2025, 1, 1, 10);
    let act = |ms: i64, kind: &str| ActivityFact {
        at_ms: ms,
        kind: kind.into(),
    };
    let acts = [
        act(utc_ms(2024, 12, 30, 9), "call"),
        act(utc_ms(2024, 12, 31, 9), "call"),
        act(utc_ms(2024, 12, 29, 23), "meeting"), // Sunday UTC, Monday in Beijing
        act(utc_ms(2024, 12, 20, 9), "email"),
        act(utc_ms(2024, 12, 1, 9), "email"), // before the window
        act(utc_ms(2025, 1, 6, 9), "call"),   // next week
    ];
    let weeks = activities_per_week(&acts, now, 0, 3);
    let got: Vec<(i32, u32, u32)> = weeks
        .iter()
        .map(|w| (w.week.year, w.week.week, w.total))
        .collect();
    assert_eq!(got, [(2024, 51, 1), (2024, 52, 1), (2025, 1, 2)]);
    assert_eq!(weeks[2].by_kind.get("call"), Some(&2));
    assert_eq!(weeks[1].by_kind.get("meeting"), Some(&1));

    let beijing = activities_per_week(&acts, now, 480, 3);
    assert_eq!(beijing[2].total, 3);
    assert_eq!(beijing[2].by_kind.get("meeting"), Some(&1));
}

#[test]
fn tasks_are_bucketed_by_local_due_day() {
    let now = utc_ms(2024, 5, 15, 12);
    let task = |due: Option<i64>, done| TaskFact { due_ms: due, done };
    let tasks = [
        task(Some(utc_ms(2024, 5, 14, 23)), false), // yesterday: overdue
        task(Some(utc_ms(2024, 5, 15, 1)), false),  // earlier today: today
        task(Some(utc_ms(2024, 5, 15, 23)), false), // today
        task(Some(utc_ms(2024, 5, 16, 0)), false),  // tomorrow
        task(Some(utc_ms(2024, 5, 22, 23)), false), // today + 7
        task(Some(utc_ms(2024, 5, 23, 0)), false),  // later
        task(None, false),
        task(Some(utc_ms(2024, 5, 1, 0)), true), // done: not counted
    ];
    assert_eq!(
        tasks_due(&tasks, now, 0),
        TasksDue {
            overdue: 1,
            today: 2,
            next_7_days: 2,
            later: 1,
            no_due_date: 1
        }
    );
    // At +08:00 it is 20:00 on the 15th: yesterday 23:00 UTC is today,
    // today 23:00 UTC is tomorrow, and the 22nd 23:00 UTC is the 23rd.
    assert_eq!(
        tasks_due(&tasks, now, 480),
        TasksDue {
            overdue: 0,
            today: 2,
            next_7_days: 2,
            later: 2,
            no_due_date: 1
        }
    );
}

#[test]
fn won_lost_series_feed_the_chart() {
    let now = utc_ms(2024, 6, 15, 12);
    let deals = [
        deal(18_000, "EUR", WON, Some(utc_ms(2024, 5, 2, 0))),
        deal(4_000, "EUR", LOST, Some(utc_ms(2024, 6, 2, 0))),
    ];
    let months = &won_lost_by_month(&deals, now, 0, 2)[0].months;
    let to_i64 = |v: i128| i64::try_from(v).unwrap();
    let series = [
        Series {
            name: "won".into(),
            values: months.iter().map(|m| to_i64(m.won_minor)).collect(),
        },
        Series {
            name: "lost".into(),
            values: months.iter().map(|m| to_i64(m.lost_minor)).collect(),
        },
    ];
    let layout = ChartLayout {
        width: 200.0,
        height: 100.0,
        gap: 0.0,
        max_ticks: 5,
    };
    let chart = bar_chart(months.len(), &series, &layout);
    // Axis 0..20,000 step 5,000: 0.005 px per minor unit.
    let ticks: Vec<i64> = chart.ticks.iter().map(|t| t.value).collect();
    assert_eq!(ticks, [0, 5_000, 10_000, 15_000, 20_000]);
    let rects: Vec<(f64, f64, f64, f64)> = chart
        .bars
        .iter()
        .map(|b| (b.x, b.y, b.width, b.height))
        .collect();
    assert_eq!(
        rects,
        [
            (0.0, 10.0, 50.0, 90.0),
            (50.0, 100.0, 50.0, 0.0),
            (100.0, 100.0, 50.0, 0.0),
            (150.0, 80.0, 50.0, 20.0),
        ]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn any_deal() -> impl Strategy<Value = DealFact> {
        (
            -1_000_000i64..1_000_000,
            prop::sample::select(vec!["CNY", "EUR", "USD", ""]),
            prop::sample::select(vec![LEAD, PROPOSAL, WON, LOST]),
            prop::option::of(utc_ms(2023, 1, 1, 0)..utc_ms(2024, 12, 31, 0)),
        )
            .prop_map(|(amount, currency, stage, closed)| deal(amount, currency, stage, closed))
    }

    proptest! {
        #[test]
        fn pipeline_totals_add_up_per_currency(deals in prop::collection::vec(any_deal(), 0..60)) {
            let mut expected: BTreeMap<&str, (u32, i128)> = BTreeMap::new();
            for d in &deals {
                let e = expected.entry(d.currency.as_deref().unwrap_or("")).or_default();
                e.0 += 1;
                e.1 += i128::from(d.amount_minor);
            }
            let mut got: BTreeMap<&str, (u32, i128)> = BTreeMap::new();
            let rows = pipeline_by_stage(&deals);
            for r in &rows {
                for v in &r.values {
                    let g = got.entry(v.currency.as_str()).or_default();
                    g.0 += v.count;
                    g.1 += v.amount_minor;
                }
                if r.without_amount > 0 {
                    got.entry("").or_default().0 += r.without_amount;
                }
                let in_values: u32 = r.values.iter().map(|v| v.count).sum();
                prop_assert_eq!(r.count, in_values + r.without_amount);
            }
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn month_series_are_contiguous_and_count_each_closed_deal_once(
            deals in prop::collection::vec(any_deal(), 0..60),
            offset in -720i32..=840,
            months in 1u32..30,
        ) {
            let now = utc_ms(2024, 12, 31, 0);
            let series = won_lost_by_month(&deals, now, offset, months);
            let mut counted = 0;
            for s in &series {
                prop_assert_eq!(s.months.len(), months as usize);
                for w in s.months.windows(2) {
                    let next = if w[0].month.month == 12 {
                        YearMonth { year: w[0].month.year + 1, month: 1 }
                    } else {
                        YearMonth { year: w[0].month.year, month: w[0].month.month + 1 }
                    };
                    prop_assert_eq!(w[1].month, next);
                }
                counted += s.months.iter().map(|m| m.won_count + m.lost_count).sum::<u32>();
            }
            let closed = deals
                .iter()
                .filter(|d| d.closed_ms.is_some() && d.currency.is_some() && d.stage_kind != StageKind::Open)
                .count() as u32;
            prop_assert!(counted <= closed);
            if months >= 25 {
                prop_assert_eq!(counted, closed, "a window of 25+ months holds 2023-2024");
            }
        }

        #[test]
        fn nice_axes_cover_the_data_with_one_two_five_steps(
            a in -10_000_000i64..10_000_000,
            b in -10_000_000i64..10_000_000,
            max_ticks in 1u32..10,
        ) {
            let (lo, hi, step) = nice_axis(a.min(b), a.max(b), max_ticks);
            prop_assert!(lo <= a.min(b).min(0) && hi >= a.max(b).max(0));
            prop_assert!(step > 0 && lo % step == 0 && hi % step == 0);
            let floor = if a.min(b) < 0 && a.max(b) > 0 { 2 } else { 1 };
            prop_assert!((hi - lo) / step <= i64::from(max_ticks.max(floor)));
            let mut m = step;
            while m % 10 == 0 {
                m /= 10;
            }
            prop_assert!([1, 2, 5].contains(&m), "step {}", step);
        }
    }
}
