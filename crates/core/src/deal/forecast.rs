//! Sums over many deals: the weighted forecast (in total and by month of
//! expected close) and the pipeline board's per-stage totals. Always per
//! currency; amounts are never converted.

use uuid::Uuid;

use super::Deal;
use crate::money::{Money, MoneyError, sum_by_currency};
use crate::pipeline::Pipeline;

fn pipeline_of<'a>(deal: &Deal, pipelines: &'a [Pipeline]) -> Option<&'a Pipeline> {
    pipelines.iter().find(|p| p.id == deal.stage.pipeline_id)
}

/// The forecast: weighted amounts of the open deals, per currency. Deals
/// without an amount or whose pipeline or stage is unknown are skipped.
pub fn weighted_total<'a>(
    deals: impl IntoIterator<Item = &'a Deal>,
    pipelines: &[Pipeline],
) -> Result<Vec<Money>, MoneyError> {
    sum_by_currency(deals.into_iter().filter_map(|d| {
        let p = pipeline_of(d, pipelines)?;
        if d.is_open(p) {
            d.weighted_amount(p)
        } else {
            None
        }
    }))
}

/// One month of [`weighted_by_close_month`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthTotal {
    pub year: u16,
    /// 1–12.
    pub month: u8,
    pub amounts: Vec<Money>,
}

/// The forecast by month of expected close: weighted amounts of the open
/// deals that have a close date, per month in order, each split
/// per currency. Deals without an amount, close date or known stage are
/// skipped.
pub fn weighted_by_close_month<'a>(
    deals: impl IntoIterator<Item = &'a Deal>,
    pipelines: &[Pipeline],
) -> Result<Vec<MonthTotal>, MoneyError> {
    let mut months: std::collections::BTreeMap<(u16, u8), Vec<Money>> = Default::default();
    for d in deals {
        let Some(p) = pipeline_of(d, pipelines) else {
            continue;
        };
        if let (true, Some(date), Some(w)) = (d.is_open(p), d.close_date, d.weighted_amount(p)) {
            months
                .entry((date.year(), date.month()))
                .or_default()
                .push(w);
        }
    }
    months
        .into_iter()
        .map(|((year, month), amounts)| {
            Ok(MonthTotal {
                year,
                month,
                amounts: sum_by_currency(amounts)?,
            })
        })
        .collect()
}

/// One column of the pipeline board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageTotal {
    pub stage_id: Uuid,
    /// Deals in the stage, with or without an amount.
    pub count: usize,
    /// Their amounts, per currency.
    pub amounts: Vec<Money>,
}

/// Deal counts and amounts per stage of `pipeline`, in stage order; deals
/// of other pipelines are ignored.
pub fn stage_totals<'a>(
    deals: impl IntoIterator<Item = &'a Deal>,
    pipeline: &Pipeline,
) -> Result<Vec<StageTotal>, MoneyError> {
    let deals: Vec<&Deal> = deals
        .into_iter()
        .filter(|d| d.stage.pipeline_id == pipeline.id)
        .collect();
    pipeline
        .stages
        .iter()
        .map(|s| {
            let here = deals.iter().filter(|d| d.stage.stage_id == s.id);
            Ok(StageTotal {
                stage_id: s.id,
                count: here.clone().count(),
                amounts: sum_by_currency(here.filter_map(|d| d.amount))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::CivilDate;
    use crate::money::Currency;
    use crate::pipeline::tests::{default_pipeline, id};

    fn deal() -> Deal {
        Deal {
            amount: Some(Money::new(100_000, Currency::CNY)),
            ..Deal::new(id(50), "Big order".into(), &default_pipeline(), 1_000)
        }
    }

    #[test]
    fn totals_are_per_currency_and_per_stage() {
        let p = default_pipeline();
        let a = deal();
        let b = Deal {
            amount: Some(Money::new(5_000, Currency::USD)),
            ..deal().moved_to_stage(&p, id(3), 9).unwrap()
        };
        let won = deal().moved_to_stage(&p, id(5), 9).unwrap();
        let no_amount = Deal {
            amount: None,
            ..deal()
        };
        let deals = [a, b, won, no_amount];
        assert_eq!(
            weighted_total(&deals, std::slice::from_ref(&p)),
            Ok(vec![
                Money::new(10_000, Currency::CNY),
                Money::new(2_500, Currency::USD)
            ])
        );
        let board = stage_totals(&deals, &p).unwrap();
        assert_eq!(board.len(), 6);
        assert_eq!(board[0].count, 2);
        assert_eq!(board[0].amounts, [Money::new(100_000, Currency::CNY)]);
        assert_eq!(board[2].amounts, [Money::new(5_000, Currency::USD)]);
        assert_eq!(board[4].count, 1);
        assert_eq!(board[5].count, 0);
    }

    #[test]
    fn a_stage_mapped_to_another_outcome_reclassifies_its_deals() {
        use crate::pipeline::StageKind;
        let mut p = default_pipeline();
        // Proposal (50 %), not the last stages: its kind decides.
        let d = deal().moved_to_stage(&p, id(3), 9).unwrap();
        let weighted = |p: &Pipeline| weighted_total([&d], std::slice::from_ref(p));
        assert_eq!(weighted(&p), Ok(vec![Money::new(50_000, Currency::CNY)]));
        p.set_kind(id(3), StageKind::Won, 10).unwrap();
        assert!(d.is_won(&p));
        assert_eq!(d.probability(&p), Some(100));
        assert_eq!(d.closed_ms(&p), Some(9), "closed when it entered the stage");
        assert_eq!(
            weighted(&p),
            Ok(vec![]),
            "the forecast counts open deals only"
        );
        p.set_kind(id(3), StageKind::Lost, 11).unwrap();
        assert!(d.is_lost(&p));
        assert_eq!(d.probability(&p), Some(0));
        p.set_kind(id(3), StageKind::Open, 12).unwrap();
        p.set_probability(id(3), 40, 12).unwrap();
        assert!(d.is_open(&p));
        assert_eq!(weighted(&p), Ok(vec![Money::new(40_000, Currency::CNY)]));
        // The board's totals follow the stage list, whatever the kinds.
        assert_eq!(stage_totals([&d], &p).unwrap()[2].count, 1);
    }

    #[test]
    fn forecast_groups_open_deals_by_close_month() {
        let p = default_pipeline();
        let on = |date: &str, minor| Deal {
            close_date: Some(CivilDate::parse(date).unwrap()),
            amount: Some(Money::new(minor, Currency::CNY)),
            ..deal()
        };
        let won = on("2026-12-01", 5_000)
            .moved_to_stage(&p, id(5), 9)
            .unwrap();
        let deals = [
            on("2026-12-31", 1_000),
            on("2027-01-02", 2_000),
            on("2026-12-01", 3_000),
            won,
            deal(),
        ];
        assert_eq!(
            weighted_by_close_month(&deals, std::slice::from_ref(&p)),
            Ok(vec![
                MonthTotal {
                    year: 2026,
                    month: 12,
                    amounts: vec![Money::new(400, Currency::CNY)]
                },
                MonthTotal {
                    year: 2027,
                    month: 1,
                    amounts: vec![Money::new(200, Currency::CNY)]
                },
            ])
        );
    }
}
