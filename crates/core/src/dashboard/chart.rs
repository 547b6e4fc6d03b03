//! Bar-chart geometry: the app draws the rects and labels it is given.
//! Coordinates are SVG's (origin top left, y down) inside a
//! `width` × `height` plot area; the app adds its own margins for labels.

use serde::{Deserialize, Serialize};

/// Plot area and spacing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartLayout {
    pub width: f64,
    pub height: f64,
    /// Share of each category's band left empty around its bars (0–1).
    pub gap: f64,
    /// At most this many intervals between axis ticks.
    pub max_ticks: u32,
}

impl Default for ChartLayout {
    fn default() -> ChartLayout {
        ChartLayout {
            width: 600.0,
            height: 240.0,
            gap: 0.2,
            max_ticks: 5,
        }
    }
}

/// One series: a value per category (missing ones count as 0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// One rect to draw.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub category: usize,
    pub series: usize,
    pub value: i64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// One gridline / axis label.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    pub value: i64,
    pub y: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    /// Grouped by category, series in the order given.
    pub bars: Vec<Bar>,
    /// Lowest value first.
    pub ticks: Vec<Tick>,
    /// The y of value 0.
    pub baseline_y: f64,
    /// The x centre of each category, for its label.
    pub category_x: Vec<f64>,
}

/// A "nice" axis for values in `min..=max`: always includes 0, ticks every
/// `step` where step is 1, 2 or 5 × 10ⁿ, the smallest such step that
/// needs at most `max_ticks` intervals (at least 2 when the values span
/// both signs). Returns (low, high, step).
pub fn nice_axis(min: i64, max: i64, max_ticks: u32) -> (i64, i64, i64) {
    let (min, max) = (i128::from(min.min(0)), i128::from(max.max(0)));
    if min == max {
        return (0, 1, 1);
    }
    // An axis across 0 needs an interval on each side; with that floor
    // the loop ends by the time the step exceeds every value.
    let floor = if min < 0 && max > 0 { 2 } else { 1 };
    let max_ticks = i128::from(max_ticks.max(floor));
    let mut magnitude: i128 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            let lo = min.div_euclid(step);
            let hi = -(-max).div_euclid(step); // ceiling
            if hi - lo <= max_ticks {
                let clamp = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
                return (clamp(lo * step), clamp(hi * step), clamp(step));
            }
        }
        magnitude *= 10;
    }
}

/// Lays out grouped bars: `categories` bands across the width, one bar per
/// series in each, heights scaled to a [`nice_axis`] that spans every
/// value and 0.
pub fn bar_chart(categories: usize, series: &[Series], layout: &ChartLayout) -> BarChart {
    let value = |s: &Series, c: usize| s.values.get(c).copied().unwrap_or(0);
    let all = || {
        series
            .iter()
            .flat_map(move |s| (0..categories).map(move |c| value(s, c)))
    };
    let (lo, hi, step) = nice_axis(
        all().min().unwrap_or(0),
        all().max().unwrap_or(0),
        layout.max_ticks,
    );
    let span = (hi as f64) - (lo as f64);
    let y_of = |v: i64| layout.height * ((hi as f64) - (v as f64)) / span;
    let baseline_y = y_of(0);

    let band = if categories == 0 {
        0.0
    } else {
        layout.width / categories as f64
    };
    let gap = layout.gap.clamp(0.0, 1.0);
    let bar_width = if series.is_empty() {
        0.0
    } else {
        band * (1.0 - gap) / series.len() as f64
    };
    let mut bars = Vec::with_capacity(categories * series.len());
    for c in 0..categories {
        let left = c as f64 * band + band * gap / 2.0;
        for (s, ser) in series.iter().enumerate() {
            let v = value(ser, c);
            let top = y_of(v).min(baseline_y);
            bars.push(Bar {
                category: c,
                series: s,
                value: v,
                x: left + s as f64 * bar_width,
                y: top,
                width: bar_width,
                height: (y_of(v) - baseline_y).abs(),
            });
        }
    }

    let ticks = (0..)
        .map(|i| lo as i128 + i128::from(step) * i)
        .take_while(|v| *v <= i128::from(hi))
        .map(|v| {
            let v = v as i64;
            Tick {
                value: v,
                y: y_of(v),
            }
        })
        .collect();
    BarChart {
        bars,
        ticks,
        baseline_y,
        category_x: (0..categories).map(|c| (c as f64 + 0.5) * band).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axes_use_one_two_five_steps() {
        assert_eq!(nice_axis(0, 100, 5), (0, 100, 20));
        assert_eq!(nice_axis(0, 1234, 5), (0, 1500, 500));
        assert_eq!(nice_axis(0, 7, 5), (0, 8, 2));
        assert_eq!(nice_axis(0, 3, 5), (0, 3, 1));
        assert_eq!(nice_axis(-30, 70, 5), (-50, 100, 50));
        assert_eq!(nice_axis(5, 5, 5), (0, 5, 1));
        assert_eq!(nice_axis(0, 0, 5), (0, 1, 1));
        assert_eq!(nice_axis(-1, 1, 1), (-1, 1, 1), "one interval each side");
        assert_eq!(nice_axis(0, 12_345_600, 4), (0, 15_000_000, 5_000_000));
        let (lo, hi, step) = nice_axis(i64::MIN, i64::MAX, 5);
        assert!(lo <= hi && step > 0);
    }

    #[test]
    fn bars_are_scaled_to_the_axis_and_grouped() {
        let layout = ChartLayout {
            width: 400.0,
            height: 200.0,
            gap: 0.5,
            max_ticks: 5,
        };
        let series = [
            Series {
                name: "won".into(),
                values: vec![100, 50],
            },
            Series {
                name: "lost".into(),
                values: vec![25],
            },
        ];
        let chart = bar_chart(2, &series, &layout);
        // Axis 0..100 step 20: 2 px per unit.
        assert_eq!(chart.baseline_y, 200.0);
        assert_eq!(chart.ticks.len(), 6);
        assert_eq!(
            chart.ticks[1],
            Tick {
                value: 20,
                y: 160.0
            }
        );
        assert_eq!(chart.category_x, [100.0, 300.0]);
        let b = |c: usize, s: usize| chart.bars[c * 2 + s];
        // Band 200 px, half of it bars: two bars of 50 px from x = 50.
        assert_eq!(
            b(0, 0),
            Bar {
                category: 0,
                series: 0,
                value: 100,
                x: 50.0,
                y: 0.0,
                width: 50.0,
                height: 200.0
            }
        );
        assert_eq!((b(0, 1).x, b(0, 1).y, b(0, 1).height), (100.0, 150.0, 50.0));
        assert_eq!(
            (b(1, 0).x, b(1, 0).y, b(1, 0).height),
            (250.0, 100.0, 100.0)
        );
        assert_eq!(
            (b(1, 1).value, b(1, 1).height),
            (0, 0.0),
            "missing counts as 0"
        );
    }

    #[test]
    fn negative_values_hang_below_the_baseline() {
        let layout = ChartLayout {
            width: 100.0,
            height: 100.0,
            gap: 0.0,
            max_ticks: 4,
        };
        let chart = bar_chart(
            2,
            &[Series {
                name: "net".into(),
                values: vec![-20, 20],
            }],
            &layout,
        );
        // Axis -20..20 step 10.
        assert_eq!(chart.baseline_y, 50.0);
        assert_eq!((chart.bars[0].y, chart.bars[0].height), (50.0, 50.0));
        assert_eq!((chart.bars[1].y, chart.bars[1].height), (0.0, 50.0));
        let values: Vec<i64> = chart.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, [-20, -10, 0, 10, 20]);
    }

    #[test]
    fn empty_input_gives_an_empty_chart() {
        let chart = bar_chart(0, &[], &ChartLayout::default());
        assert!(chart.bars.is_empty() && chart.category_x.is_empty());
        assert_eq!(chart.ticks.len(), 2);
    }
}
