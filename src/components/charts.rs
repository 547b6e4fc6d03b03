//! A bar chart drawn as inline SVG from `coffer_core::dashboard::bar_chart`
//! geometry, with a title and description for screen readers and the
//! same numbers in a visually hidden table.

use coffer_core::dashboard::BarChart;
use leptos::prelude::*;

/// Plot area inside the SVG's view box; the rest holds axis labels. The
/// view box is narrow so labels stay readable on a 360 px screen.
pub const PLOT_W: f64 = 300.0;
pub const PLOT_H: f64 = 150.0;
const LEFT: f64 = 68.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 36.0;
const LABEL_CHARS: usize = 9;

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// Everything a chart shows, already translated and formatted.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// Unique on the page; prefixes element ids.
    pub id: String,
    pub title: String,
    pub desc: String,
    pub chart: BarChart,
    pub categories: Vec<String>,
    pub series: Vec<String>,
    /// One per `chart.ticks`.
    pub tick_labels: Vec<String>,
    pub table_head: Vec<String>,
    pub table_rows: Vec<Vec<String>>,
    pub caption: String,
}

#[component]
pub fn BarChartView(data: ChartData) -> impl IntoView {
    let title_id = format!("{}-title", data.id);
    let desc_id = format!("{}-desc", data.id);
    let heading_id = format!("{}-heading", data.id);
    let width = LEFT + PLOT_W + 8.0;
    let height = TOP + PLOT_H + BOTTOM;
    let ChartData {
        title,
        desc,
        chart,
        categories,
        series,
        tick_labels,
        table_head,
        table_rows,
        caption,
        id,
    } = data;
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul class="legend" aria-hidden="true">
                {series.iter().enumerate().map(|(i, s)| view! {
                    <li><span class={format!("swatch series-{i}")}></span>{s.clone()}</li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <figure class="card chart" aria-labelledby=heading_id.clone() data-chart=id>
            <figcaption><h2 id=heading_id.clone()>{title.clone()}</h2></figcaption>
            <svg viewBox={format!("0 0 {width} {height}")} role="img"
                aria-labelledby={format!("{title_id} {desc_id}")} preserveAspectRatio="xMidYMid meet">
                <title id=title_id.clone()>{title}</title>
                <desc id=desc_id.clone()>{desc}</desc>
                <g transform={format!("translate({LEFT},{TOP})")}>
                    {chart.ticks.iter().zip(tick_labels).map(|(t, label)| view! {
                        <line class="grid" x1="0" x2={PLOT_W} y1={t.y} y2={t.y}></line>
                        <text class="tick" x="-6" y={t.y + 4.0} text-anchor="end">{label}</text>
                    }).collect_view()}
                    {chart.bars.iter().map(|b| view! {
                        <rect class={format!("bar series-{}", b.series)} x={b.x} y={b.y}
                            width={b.width} height={b.height.max(if b.value != 0 { 1.0 } else { 0.0 })}></rect>
                    }).collect_view()}
                    <line class="axis" x1="0" x2={PLOT_W} y1={chart.baseline_y} y2={chart.baseline_y}></line>
                    {chart.category_x.iter().zip(categories).map(|(x, label)| view! {
                        <text class="category" x={*x} y={PLOT_H + 16.0} text-anchor="middle">{short(&label)}</text>
                    }).collect_view()}
                </g>
            </svg>
            {legend}
            <table class="visually-hidden">
                <caption>{caption}</caption>
                <thead><tr>{table_head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {table_rows.into_iter().map(|row| {
                        let mut cells = row.into_iter();
                        let first = cells.next().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{first}</th>
                                {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
