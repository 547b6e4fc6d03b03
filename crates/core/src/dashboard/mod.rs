//! Dashboard figures, computed from plain facts the app extracts from its
//! records (so this module depends on no record type):
//!
//! - [`pipeline_by_stage`]: count of deals per stage (with or without an
//!   amount) and their value per currency;
//! - [`won_lost_by_month`]: won and lost deals per month, per currency, for
//!   the last N months;
//! - [`activities_per_week`]: activities per ISO week (and per kind) for
//!   the last N weeks;
//! - [`tasks_due`]: open tasks overdue, due today, due in the next 7 days;
//! - [`bar_chart`] and [`nice_axis`]: SVG-ready bar geometry.
//!
//! Money stays in integer minor units and is never summed across
//! currencies; totals are `i128` so no sum of `i64` amounts can overflow.
//! Time comes in as unix milliseconds plus the UTC offset in minutes that
//! the app wants days and months counted in.

mod calendar;
mod chart;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use calendar::{IsoWeek, YearMonth};
pub use chart::{Bar, BarChart, ChartLayout, Series, Tick, bar_chart, nice_axis};

use calendar::{days_from_civil, local_day, weekday};

/// Where a pipeline stage leaves a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

/// What the dashboard needs of one deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFact {
    /// 0 for a deal without an amount.
    pub amount_minor: i64,
    /// ISO 4217 code; `None` for a deal without an amount (it is still
    /// counted in its stage, worth nothing).
    pub currency: Option<String>,
    pub stage_id: String,
    pub stage_name: String,
    /// The stage's position in its pipeline; results are ordered by it.
    pub stage_order: u32,
    pub stage_kind: StageKind,
    /// When it was won or lost; `None` while open.
    pub closed_ms: Option<i64>,
}

/// What the dashboard needs of one activity (call, meeting, email, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFact {
    pub at_ms: i64,
    pub kind: String,
}

/// What the dashboard needs of one task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFact {
    pub due_ms: Option<i64>,
    pub done: bool,
}

/// The deals of one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageValue {
    pub stage_id: String,
    pub stage_name: String,
    pub stage_order: u32,
    pub stage_kind: StageKind,
    /// Every deal in the stage, with or without an amount.
    pub count: u32,
    /// Of those, the deals without an amount (they add nothing to a value).
    pub without_amount: u32,
    /// Value per currency, currencies in code order.
    pub values: Vec<CurrencyValue>,
}

/// The deals of one stage in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyValue {
    pub currency: String,
    pub count: u32,
    pub amount_minor: i128,
}

impl StageValue {
    /// The stage's value in `currency`; 0 when none of its deals has an
    /// amount in it.
    pub fn amount_in(&self, currency: &str) -> i128 {
        self.values
            .iter()
            .find(|v| v.currency == currency)
            .map_or(0, |v| v.amount_minor)
    }
}

/// Count and value of the deals in each stage, one row per stage that has
/// deals, ordered by stage order, then stage id. Deals without an amount
/// are counted in their stage and add 0 to its value; values are per
/// currency, never summed across currencies. Every stage kind is included;
/// the app shows open stages as "pipeline".
pub fn pipeline_by_stage(deals: &[DealFact]) -> Vec<StageValue> {
    // Per stage: the row, and (count, amount) per currency.
    type Sums<'a> = BTreeMap<&'a str, (u32, i128)>;
    let mut rows: HashMap<&str, (StageValue, Sums)> = HashMap::new();
    for d in deals {
        let (row, values) = rows.entry(d.stage_id.as_str()).or_insert_with(|| {
            let row = StageValue {
                stage_id: d.stage_id.clone(),
                stage_name: d.stage_name.clone(),
                stage_order: d.stage_order,
                stage_kind: d.stage_kind,
                count: 0,
                without_amount: 0,
                values: Vec::new(),
            };
            (row, BTreeMap::new())
        });
        row.count += 1;
        match &d.currency {
            Some(currency) => {
                let v = values.entry(currency.as_str()).or_default();
                v.0 += 1;
                v.1 += i128::from(d.amount_minor);
            }
            None => row.without_amount += 1,
        }
    }
    let mut rows: Vec<StageValue> = rows
        .into_values()
        .map(|(mut row, values)| {
            row.values = values
                .into_iter()
                .map(|(currency, (count, amount_minor))| CurrencyValue {
                    currency: currency.to_owned(),
                    count,
                    amount_minor,
                })
                .collect();
            row
        })
        .collect();
    rows.sort_by(|a, b| (a.stage_order, &a.stage_id).cmp(&(b.stage_order, &b.stage_id)));
    rows
}

/// Every currency that has a value in `rows`, in code order.
pub fn currencies(rows: &[StageValue]) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .flat_map(|r| r.values.iter().map(|v| v.currency.clone()))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Won and lost deals closed in one month, in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthOutcome {
    pub month: YearMonth,
    pub won_count: u32,
    pub won_minor: i128,
    pub lost_count: u32,
    pub lost_minor: i128,
}

/// One currency's months, oldest first, with no gaps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyMonths {
    pub currency: String,
    pub months: Vec<MonthOutcome>,
}

/// Won and lost deals per local month for the `months` months ending with
/// the current one (at `utc_offset_min`), one series per currency that has
/// a deal closed in that window, currencies in code order. Open deals,
/// deals without a close time or without an amount (they have no currency
/// to chart in) and deals closed outside the window are left out.
pub fn won_lost_by_month(
    deals: &[DealFact],
    now_ms: i64,
    utc_offset_min: i32,
    months: u32,
) -> Vec<CurrencyMonths> {
    let last = YearMonth::of_day(local_day(now_ms, utc_offset_min)).ordinal();
    let first = last - i64::from(months) + 1;
    let empty = || -> Vec<MonthOutcome> {
        (first..=last)
            .map(|n| MonthOutcome {
                month: YearMonth::from_ordinal(n),
                won_count: 0,
                won_minor: 0,
                lost_count: 0,
                lost_minor: 0,
            })
            .collect()
    };
    let mut by_currency: BTreeMap<&str, Vec<MonthOutcome>> = BTreeMap::new();
    for d in deals {
        let (Some(closed), Some(currency), StageKind::Won | StageKind::Lost) =
            (d.closed_ms, &d.currency, d.stage_kind)
        else {
            continue;
        };
        let n = YearMonth::of_day(local_day(closed, utc_offset_min)).ordinal();
        if !(first..=last).contains(&n) {
            continue;
        }
        let slot = &mut by_currency.entry(currency).or_insert_with(empty)[(n - first) as usize];
        let amount = i128::from(d.amount_minor);
        if d.stage_kind == StageKind::Won {
            slot.won_count += 1;
            slot.won_minor += amount;
        } else {
            slot.lost_count += 1;
            slot.lost_minor += amount;
        }
    }
    by_currency
        .into_iter()
        .map(|(currency, months)| CurrencyMonths {
            currency: currency.to_owned(),
            months,
        })
        .collect()
}

/// Activities in one ISO week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekActivity {
    pub week: IsoWeek,
    pub total: u32,
    /// Count per activity kind, kinds in code order.
    pub by_kind: BTreeMap<String, u32>,
}

/// Activities per ISO week (local at `utc_offset_min`) for the `weeks`
/// weeks ending with the current one, oldest first, with no gaps.
/// Activities outside the window (including future ones) are left out.
pub fn activities_per_week(
    activities: &[ActivityFact],
    now_ms: i64,
    utc_offset_min: i32,
    weeks: u32,
) -> Vec<WeekActivity> {
    let today = local_day(now_ms, utc_offset_min);
    let this_monday = today - weekday(today);
    let first_monday = this_monday - 7 * (i64::from(weeks) - 1);
    let mut out: Vec<WeekActivity> = (0..i64::from(weeks))
        .map(|i| WeekActivity {
            week: IsoWeek::of_day(first_monday + 7 * i),
            total: 0,
            by_kind: BTreeMap::new(),
        })
        .collect();
    for a in activities {
        let day = local_day(a.at_ms, utc_offset_min);
        let slot = (day - weekday(day) - first_monday).div_euclid(7);
        if let Some(w) = usize::try_from(slot).ok().and_then(|i| out.get_mut(i)) {
            w.total += 1;
            *w.by_kind.entry(a.kind.clone()).or_insert(0) += 1;
        }
    }
    out
}

/// Open tasks by when they are due, counted in local days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksDue {
    /// Due on a day before today.
    pub overdue: u32,
    /// Due today (at any time of the day, even one already past).
    pub today: u32,
    /// Due in the 7 days after today.
    pub next_7_days: u32,
    /// Due later than that.
    pub later: u32,
    pub no_due_date: u32,
}

/// Counts open tasks by due day relative to today at `utc_offset_min`;
/// done tasks are not counted.
pub fn tasks_due(tasks: &[TaskFact], now_ms: i64, utc_offset_min: i32) -> TasksDue {
    let today = local_day(now_ms, utc_offset_min);
    let mut out = TasksDue::default();
    for t in tasks.iter().filter(|t| !t.done) {
        let Some(due) = t.due_ms else {
            out.no_due_date += 1;
            continue;
        };
        let bucket = match local_day(due, utc_offset_min) - today {
            d if d < 0 => &mut out.overdue,
            0 => &mut out.today,
            1..=7 => &mut out.next_7_days,
            _ => &mut out.later,
        };
        *bucket += 1;
    }
    out
}

/// Unix milliseconds of `hour`:00 UTC on a civil date; for tests and
/// callers that build dates without a clock.
pub fn utc_ms(year: i64, month: u32, day: u32, hour: u32) -> i64 {
    (days_from_civil(year, month, day) * 24 + i64::from(hour)) * 3_600_000
}
