//! The dashboard: key figures (open deal value, weighted forecast, tasks
//! overdue and due today, open tickets) and charts of the pipeline by
//! stage, deals won and lost by month, activities per week and open tasks
//! by due date. Figures come from `coffer_core::overview` and
//! `coffer_core::dashboard`. Search across every record type is in the
//! top bar, on every page.

use crate::components::charts::{BarChartView, ChartData, PLOT_H, PLOT_W};
use crate::components::local_time;
use crate::components::work_labels::section_label;
use crate::state::{View, use_app};
use crate::vault;
use coffer_core::activity::Activity;
use coffer_core::dashboard::{
    ChartLayout, Series, StageKind, activities_per_week, bar_chart, currencies, pipeline_by_stage,
    won_lost_by_month,
};
use coffer_core::deal::Deal;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::money::{Currency, Money};
use coffer_core::overview::{KeyFigures, activity_facts, deal_facts, key_figures};
use coffer_core::pipeline::Pipeline;
use coffer_core::settings::Locale;
use coffer_core::task::{Task, TaskBucket};
use coffer_core::ticket::Ticket;
use leptos::prelude::*;

const MONTHS: u32 = 6;
const WEEKS: u32 = 8;

fn layout() -> ChartLayout {
    ChartLayout {
        width: PLOT_W,
        height: PLOT_H,
        gap: 0.3,
        max_ticks: 4,
    }
}

fn clamp(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

fn money(minor: i128, currency: &str, locale: Locale) -> String {
    match Currency::from_code(currency) {
        Ok(c) => Money::new(clamp(minor), c).format(locale),
        Err(_) => format!("{minor} {currency}"),
    }
}

/// An axis label: the amount without a zero fraction.
fn tick_money(minor: i64, currency: &str, locale: Locale) -> String {
    let s = money(i128::from(minor), currency, locale);
    s.strip_suffix(".00").map_or(s.clone(), str::to_owned)
}

fn amounts(list: &[Money], locale: Locale, none: &str) -> String {
    if list.is_empty() {
        return none.to_owned();
    }
    list.iter()
        .map(|m| m.format(locale))
        .collect::<Vec<_>>()
        .join(" + ")
}

struct Board {
    figures: Option<KeyFigures>,
    charts: Vec<ChartData>,
}

fn count_chart(
    id: &str,
    title: String,
    desc: String,
    head: [String; 2],
    categories: Vec<String>,
    values: Vec<i64>,
    caption_tpl: &str,
) -> ChartData {
    let chart = bar_chart(
        categories.len(),
        &[Series {
            name: head[1].clone(),
            values: values.clone(),
        }],
        &layout(),
    );
    ChartData {
        id: id.to_owned(),
        caption: fill(caption_tpl, &[("title", &title)]),
        title,
        desc,
        tick_labels: chart.ticks.iter().map(|t| t.value.to_string()).collect(),
        chart,
        series: vec![head[1].clone()],
        table_head: head.to_vec(),
        table_rows: categories
            .iter()
            .zip(&values)
            .map(|(c, v)| vec![c.clone(), v.to_string()])
            .collect(),
        categories,
    }
}

fn board(
    deals: &[Deal],
    pipelines: &[Pipeline],
    activities: &[Activity],
    tasks: &[Task],
    tickets: &[Ticket],
    locale: Locale,
    (now, offset): (i64, i32),
) -> Board {
    let t = |m: WorkMsg| m.in_locale(locale);
    let data_tpl = t(WorkMsg::ChartData);
    let facts = deal_facts(deals, pipelines);
    let mut charts = Vec::new();

    // Pipeline value by stage, one chart per currency. Every open stage
    // with deals is a bar in each (0 where none of its deals is in that
    // currency), and the table counts every deal in the stage, with or
    // without an amount.
    let rows: Vec<_> = pipeline_by_stage(&facts)
        .into_iter()
        .filter(|r| r.stage_kind == StageKind::Open)
        .collect();
    let stage_names: Vec<String> = rows.iter().map(|r| r.stage_name.clone()).collect();
    let currencies = currencies(&rows);
    for cur in &currencies {
        let values: Vec<i64> = rows.iter().map(|r| clamp(r.amount_in(cur))).collect();
        let chart = bar_chart(
            rows.len(),
            &[Series {
                name: t(WorkMsg::ColValue).into(),
                values,
            }],
            &layout(),
        );
        let title = fill(t(WorkMsg::ChartPipeline), &[("currency", cur)]);
        charts.push(ChartData {
            id: format!("chart-pipeline-{}", cur.to_lowercase()),
            caption: fill(data_tpl, &[("title", &title)]),
            title,
            desc: t(WorkMsg::ChartPipelineDesc).into(),
            tick_labels: chart
                .ticks
                .iter()
                .map(|k| tick_money(k.value, cur, locale))
                .collect(),
            chart,
            categories: stage_names.clone(),
            series: vec![t(WorkMsg::ColValue).into()],
            table_head: vec![
                t(WorkMsg::ColStage).into(),
                t(WorkMsg::ColDeals).into(),
                t(WorkMsg::ColValue).into(),
            ],
            table_rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.stage_name.clone(),
                        r.count.to_string(),
                        money(r.amount_in(cur), cur, locale),
                    ]
                })
                .collect(),
        });
    }
    if currencies.is_empty() {
        // No amounts at all: the deals per stage, counted.
        let title = t(if rows.is_empty() {
            WorkMsg::ChartPipelineEmpty
        } else {
            WorkMsg::ChartPipelineCount
        })
        .to_owned();
        charts.push(count_chart(
            "chart-pipeline",
            title,
            t(WorkMsg::ChartPipelineCountDesc).into(),
            [t(WorkMsg::ColStage).into(), t(WorkMsg::ColDeals).into()],
            stage_names,
            rows.iter().map(|r| i64::from(r.count)).collect(),
            data_tpl,
        ));
    }

    // Won and lost by month, one chart per currency.
    for cm in won_lost_by_month(&facts, now, offset, MONTHS) {
        let cur = cm.currency.as_str();
        let labels: Vec<String> = cm
            .months
            .iter()
            .map(|m| format!("{}-{:02}", m.month.year, m.month.month))
            .collect();
        let won: Vec<i64> = cm.months.iter().map(|m| clamp(m.won_minor)).collect();
        let lost: Vec<i64> = cm.months.iter().map(|m| clamp(m.lost_minor)).collect();
        let series = [
            Series {
                name: t(WorkMsg::ColWon).into(),
                values: won,
            },
            Series {
                name: t(WorkMsg::ColLost).into(),
                values: lost,
            },
        ];
        let chart = bar_chart(labels.len(), &series, &layout());
        let title = fill(t(WorkMsg::ChartWonLost), &[("currency", cur)]);
        charts.push(ChartData {
            id: format!("chart-won-lost-{}", cur.to_lowercase()),
            caption: fill(data_tpl, &[("title", &title)]),
            title,
            desc: t(WorkMsg::ChartWonLostDesc).into(),
            tick_labels: chart
                .ticks
                .iter()
                .map(|k| tick_money(k.value, cur, locale))
                .collect(),
            chart,
            series: vec![t(WorkMsg::ColWon).into(), t(WorkMsg::ColLost).into()],
            table_head: vec![
                t(WorkMsg::ColMonth).into(),
                t(WorkMsg::ColWon).into(),
                t(WorkMsg::ColLost).into(),
            ],
            table_rows: cm
                .months
                .iter()
                .zip(&labels)
                .map(|(m, label)| {
                    vec![
                        label.clone(),
                        format!("{} ({})", money(m.won_minor, cur, locale), m.won_count),
                        format!("{} ({})", money(m.lost_minor, cur, locale), m.lost_count),
                    ]
                })
                .collect(),
            categories: labels,
        });
    }

    // Activities per ISO week.
    let weeks = activities_per_week(&activity_facts(activities), now, offset, WEEKS);
    charts.push(count_chart(
        "chart-activities",
        t(WorkMsg::ChartActivities).into(),
        t(WorkMsg::ChartActivitiesDesc).into(),
        [t(WorkMsg::ColWeek).into(), t(WorkMsg::ColCount).into()],
        weeks
            .iter()
            .map(|w| fill(t(WorkMsg::WeekLabel), &[("week", &w.week.week.to_string())]))
            .collect(),
        weeks.iter().map(|w| i64::from(w.total)).collect(),
        data_tpl,
    ));

    let figures = key_figures(deals, pipelines, tasks, tickets, now, offset).ok();
    if let Some(f) = &figures {
        let d = f.tasks;
        charts.push(count_chart(
            "chart-tasks",
            t(WorkMsg::ChartTasks).into(),
            t(WorkMsg::ChartTasksDesc).into(),
            [t(WorkMsg::ColDue).into(), t(WorkMsg::ColCount).into()],
            vec![
                t(section_label(TaskBucket::Overdue)).into(),
                t(section_label(TaskBucket::Today)).into(),
                t(WorkMsg::DueNext7).into(),
                t(WorkMsg::DueLater).into(),
                t(section_label(TaskBucket::NoDate)).into(),
            ],
            [d.overdue, d.today, d.next_7_days, d.later, d.no_due_date]
                .into_iter()
                .map(i64::from)
                .collect(),
            data_tpl,
        ));
    }
    Board { figures, charts }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_app();
    let figures_and_charts = Memo::new(move |_| {
        let locale = state.locale.get();
        let (deals, mut pipelines, activities, tasks, tickets) = state.records.with(|r| {
            (
                r.all::<Deal>(),
                r.all::<Pipeline>(),
                r.all::<Activity>(),
                r.all::<Task>(),
                r.all::<Ticket>(),
            )
        });
        pipelines.sort_by_key(|p| (p.created_ms, p.id));
        let b = board(
            &deals,
            &pipelines,
            &activities,
            &tasks,
            &tickets,
            locale,
            (vault::now_ms(), local_time::offset_minutes()),
        );
        (b.figures, b.charts)
    });
    let figure = move |label: WorkMsg, value: String, id: &'static str| {
        view! {
            <div class="figure" data-figure=id>
                <dt>{move || state.t(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    view! {
        <section class="page work-page dashboard" aria-labelledby="page-title">
            <h1 id="page-title">{move || View::Dashboard.label(state.locale.get())}</h1>
            <section class="card key-figures" aria-labelledby="key-figures-heading">
                <h2 id="key-figures-heading">{move || state.t(WorkMsg::KeyFigures)}</h2>
                {move || {
                    let locale = state.locale.get();
                    let none = state.t(WorkMsg::NoAmounts);
                    figures_and_charts.get().0.map(|f| view! {
                        <dl class="figures">
                            {figure(WorkMsg::OpenDealsValue, format!("{} · {}", amounts(&f.open_value, locale, none),
                                fill(state.t(WorkMsg::OpenDealsCount), &[("count", &f.open_deals.to_string())])), "open-value")}
                            {figure(WorkMsg::WeightedForecast, amounts(&f.weighted, locale, none), "weighted")}
                            {figure(WorkMsg::TasksOverdue, f.tasks.overdue.to_string(), "tasks-overdue")}
                            {figure(WorkMsg::TasksDueToday, f.tasks.today.to_string(), "tasks-today")}
                            {figure(WorkMsg::ActiveTickets, f.active_tickets.to_string(), "tickets")}
                        </dl>
                    })
                }}
            </section>
            <div class="charts">
                {move || figures_and_charts.get().1.into_iter().map(|data| {
                    let empty = data.categories.is_empty();
                    if empty {
                        view! {
                            <section class="card chart" aria-labelledby={format!("{}-heading", data.id)}>
                                <h2 id={format!("{}-heading", data.id)}>{data.title}</h2>
                                <p class="empty">{move || state.t(WorkMsg::NoChartData)}</p>
                            </section>
                        }.into_any()
                    } else {
                        view! { <BarChartView data=data/> }.into_any()
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
