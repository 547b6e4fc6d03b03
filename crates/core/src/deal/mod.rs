//! Deals: a possible sale moving through a [`Pipeline`]. A deal has a name,
//! an amount ([`Money`]), an expected close date ([`CivilDate`]), its place
//! in a pipeline with the history of stages it went through, an optional
//! probability override, the contacts involved with their roles, a company,
//! an owner, tags, notes and custom field values.
//!
//! - Whether a deal is open, won or lost, and its probability, depend on its
//!   stage, so they take the deal's pipeline: [`Deal::status`],
//!   [`Deal::probability`], [`Deal::weighted_amount`].
//! - Moves are pure functions returning the moved deal:
//!   [`Deal::moved_to_stage`] within the pipeline, and
//!   [`Deal::moved_to_pipeline`] to another one (stages mapped by
//!   [`map_stage`] unless the user picks one).
//! - [`weighted_total`], [`weighted_by_close_month`] and [`stage_totals`]
//!   sum deals per currency for forecasts and the pipeline board;
//!   currencies are never converted.
//!
//! The place in the pipeline (`stage`: pipeline, stage, entry time and
//! history) is one top-level field, so concurrent moves on two devices
//! merge to one device's consistent move rather than a stage from one and a
//! history from the other.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::custom_field::{
    CustomFieldDef, CustomValues, RecordKind, check_custom, normalize_custom,
};
use crate::date::CivilDate;
use crate::money::Money;
use crate::pipeline::{Pipeline, StageKind, map_stage};
use crate::problem::{Problem, Problems, check_tags, normalize_tags, too_long};
use crate::record::{DEAL_NAMESPACE, impl_record};
use crate::text::collapse_whitespace;

mod forecast;
pub mod table;

pub use forecast::{MonthTotal, StageTotal, stage_totals, weighted_by_close_month, weighted_total};

pub const MAX_DEAL_CONTACTS: usize = 100;
/// Older stage visits are dropped beyond this many, keeping records small.
pub const MAX_STAGE_HISTORY: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deal {
    pub id: Uuid,
    pub name: String,
    /// `None` until someone puts a number on it.
    pub amount: Option<Money>,
    /// When the deal is expected to close (or closed).
    pub close_date: Option<CivilDate>,
    pub stage: DealStage,
    /// Overrides the stage's probability while the deal is open; ignored
    /// once won (100) or lost (0). Kept across stage moves.
    pub probability: Option<u8>,
    pub contacts: Vec<DealContact>,
    pub company_id: Option<Uuid>,
    /// The team member responsible for this deal.
    pub owner: Option<Uuid>,
    /// Who is responsible, as the team writes it (until team members are
    /// records, when `owner` names one).
    pub owner_name: String,
    pub tags: Vec<String>,
    pub notes: String,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    pub custom: CustomValues,
}

impl_record!(Deal, DEAL_NAMESPACE, {
    id: Public,
    name: Personal,
    amount: Financial,
    close_date: Personal,
    stage: Public,
    probability: Public,
    contacts: Personal,
    company_id: Personal,
    owner: Public,
    owner_name: Personal,
    tags: Personal,
    notes: Sensitive,
    created_ms: Public,
    updated_ms: Public,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
});

/// Where a deal is, since when, and where it was before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealStage {
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    /// Unix milliseconds when the deal entered this stage.
    pub entered_ms: i64,
    /// Earlier stages, oldest first.
    pub history: Vec<StageVisit>,
}

/// A stage a deal was in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageVisit {
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    /// Unix milliseconds.
    pub entered_ms: i64,
    /// Unix milliseconds.
    pub left_ms: i64,
}

/// A contact involved in a deal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealContact {
    pub contact_id: Uuid,
    pub role: DealRole,
}

/// The part a contact plays in a deal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealRole {
    DecisionMaker,
    /// Holds the budget.
    EconomicBuyer,
    /// Argues for the deal inside the customer.
    Champion,
    Influencer,
    TechnicalEvaluator,
    EndUser,
    /// Also any role written by a newer version.
    #[default]
    #[serde(other)]
    Other,
}

/// Why a deal could not be moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum DealError {
    /// The pipeline passed in is not the one the deal is in.
    #[error("the deal is not in this pipeline")]
    WrongPipeline,
    #[error("no such stage in the pipeline")]
    UnknownStage,
    /// Moving to another pipeline found no stage to land in.
    #[error("no matching stage in the target pipeline")]
    NoMatchingStage,
}

/// Which input of a deal form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DealField {
    Name,
    Amount,
    /// The pipeline or stage.
    Stage,
    Probability,
    Contact(usize),
    Tag(usize),
    Notes,
    Custom(Uuid),
}

impl Deal {
    /// A new deal in the first open stage of `pipeline`.
    pub fn new(id: Uuid, name: String, pipeline: &Pipeline, now_ms: i64) -> Deal {
        let stage_id = pipeline
            .first_open_stage()
            .map(|s| s.id)
            .unwrap_or_default();
        Deal {
            id,
            name,
            stage: DealStage {
                pipeline_id: pipeline.id,
                stage_id,
                entered_ms: now_ms,
                history: Vec::new(),
            },
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Deal::default()
        }
    }

    /// Open, won or lost; `None` if `pipeline` is not the deal's or lacks
    /// its stage.
    pub fn status(&self, pipeline: &Pipeline) -> Option<StageKind> {
        if pipeline.id != self.stage.pipeline_id {
            return None;
        }
        pipeline.stage(self.stage.stage_id).map(|s| s.kind)
    }

    pub fn is_open(&self, pipeline: &Pipeline) -> bool {
        self.status(pipeline) == Some(StageKind::Open)
    }

    pub fn is_won(&self, pipeline: &Pipeline) -> bool {
        self.status(pipeline) == Some(StageKind::Won)
    }

    pub fn is_lost(&self, pipeline: &Pipeline) -> bool {
        self.status(pipeline) == Some(StageKind::Lost)
    }

    /// 100 when won, 0 when lost, otherwise the override if set, else the
    /// stage's probability. `None` as for [`Deal::status`].
    pub fn probability(&self, pipeline: &Pipeline) -> Option<u8> {
        if pipeline.id != self.stage.pipeline_id {
            return None;
        }
        let stage = pipeline.stage(self.stage.stage_id)?;
        Some(match stage.kind {
            StageKind::Won => 100,
            StageKind::Lost => 0,
            StageKind::Open => self.probability.unwrap_or(stage.probability).min(100),
        })
    }

    /// The amount times the probability, rounded as [`Money::weighted`]
    /// documents. `None` without an amount or a known stage.
    pub fn weighted_amount(&self, pipeline: &Pipeline) -> Option<Money> {
        let p = self.probability(pipeline)?;
        // `probability` never exceeds 100, so weighting cannot fail.
        self.amount?.weighted(p).ok()
    }

    /// Whether the deal is still open after its expected close date
    /// (`today` is the user's local date, [`CivilDate::from_unix_ms`]).
    pub fn is_past_close_date(&self, pipeline: &Pipeline, today: CivilDate) -> bool {
        self.is_open(pipeline) && self.close_date.is_some_and(|d| d < today)
    }

    /// When the deal was won or lost (it entered its closed stage); `None`
    /// while open or when the stage is unknown.
    pub fn closed_ms(&self, pipeline: &Pipeline) -> Option<i64> {
        match self.status(pipeline)? {
            StageKind::Open => None,
            StageKind::Won | StageKind::Lost => Some(self.stage.entered_ms),
        }
    }

    /// How long the deal has been in its current stage.
    pub fn time_in_stage_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.stage.entered_ms).max(0)
    }

    /// The deal moved to stage `stage_id` of its own `pipeline` at
    /// `now_ms`: the current stage goes into the history. Moving to the
    /// stage it is already in changes nothing.
    pub fn moved_to_stage(
        &self,
        pipeline: &Pipeline,
        stage_id: Uuid,
        now_ms: i64,
    ) -> Result<Deal, DealError> {
        if pipeline.id != self.stage.pipeline_id {
            return Err(DealError::WrongPipeline);
        }
        if pipeline.stage(stage_id).is_none() {
            return Err(DealError::UnknownStage);
        }
        if stage_id == self.stage.stage_id {
            return Ok(self.clone());
        }
        Ok(self.entering(pipeline.id, stage_id, now_ms))
    }

    /// The deal moved from its pipeline `from` into pipeline `to` at
    /// `now_ms`, into `stage_id` when given, else where [`map_stage`] puts
    /// it.
    pub fn moved_to_pipeline(
        &self,
        from: &Pipeline,
        to: &Pipeline,
        stage_id: Option<Uuid>,
        now_ms: i64,
    ) -> Result<Deal, DealError> {
        if from.id != self.stage.pipeline_id {
            return Err(DealError::WrongPipeline);
        }
        if from.id == to.id {
            let target = stage_id.unwrap_or(self.stage.stage_id);
            return self.moved_to_stage(from, target, now_ms);
        }
        let target = match stage_id {
            Some(id) if to.stage(id).is_some() => id,
            Some(_) => return Err(DealError::UnknownStage),
            None => map_stage(from, self.stage.stage_id, to).ok_or(DealError::NoMatchingStage)?,
        };
        Ok(self.entering(to.id, target, now_ms))
    }

    fn entering(&self, pipeline_id: Uuid, stage_id: Uuid, now_ms: i64) -> Deal {
        let mut history = self.stage.history.clone();
        history.push(StageVisit {
            pipeline_id: self.stage.pipeline_id,
            stage_id: self.stage.stage_id,
            entered_ms: self.stage.entered_ms,
            left_ms: now_ms,
        });
        if history.len() > MAX_STAGE_HISTORY {
            history.drain(..history.len() - MAX_STAGE_HISTORY);
        }
        Deal {
            stage: DealStage {
                pipeline_id,
                stage_id,
                entered_ms: now_ms,
                history,
            },
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// Collapses whitespace in the name; drops contacts without an id or
    /// repeating an earlier one (keeping the first role); tidies tags,
    /// notes and custom values.
    pub fn normalized(self, defs: &[CustomFieldDef]) -> Deal {
        let mut seen = HashSet::new();
        Deal {
            name: collapse_whitespace(&self.name),
            owner_name: collapse_whitespace(&self.owner_name),
            contacts: self
                .contacts
                .into_iter()
                .filter(|c| !c.contact_id.is_nil() && seen.insert(c.contact_id))
                .collect(),
            tags: normalize_tags(self.tags),
            notes: self.notes.trim().to_owned(),
            custom: normalize_custom(defs, RecordKind::Deal, self.custom),
            ..self
        }
    }

    /// Checks every rule: a name; a non-negative amount; a pipeline among
    /// `pipelines` holding the stage; a probability override of 0–100;
    /// distinct contacts; tags, notes and custom values as elsewhere.
    pub fn validate(
        &self,
        pipelines: &[Pipeline],
        defs: &[CustomFieldDef],
    ) -> Result<(), Problems<DealField>> {
        use DealField as F;
        let mut p = Problems::default();
        if self.name.trim().is_empty() {
            p.push(F::Name, Problem::Required);
        } else if too_long(&self.name, MAX_NAME_CHARS) {
            p.push(
                F::Name,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }
        if self.amount.is_some_and(Money::is_negative) {
            p.push(F::Amount, Problem::Negative);
        }
        let pipeline = pipelines.iter().find(|x| x.id == self.stage.pipeline_id);
        if pipeline
            .and_then(|x| x.stage(self.stage.stage_id))
            .is_none()
        {
            p.push(F::Stage, Problem::UnknownReference);
        }
        if self.probability.is_some_and(|x| x > 100) {
            p.push(F::Probability, Problem::OutOfRange { min: 0, max: 100 });
        }
        let mut seen = HashSet::new();
        for (i, c) in self.contacts.iter().enumerate() {
            if i == MAX_DEAL_CONTACTS {
                let max = MAX_DEAL_CONTACTS;
                p.push(F::Contact(i), Problem::TooMany { max });
            }
            if c.contact_id.is_nil() {
                p.push(F::Contact(i), Problem::Required);
            } else if !seen.insert(c.contact_id) {
                p.push(F::Contact(i), Problem::Duplicate);
            }
        }
        check_tags(&self.tags, F::Tag, &mut p);
        if too_long(&self.notes, MAX_NOTES_CHARS) {
            p.push(
                F::Notes,
                Problem::TooLong {
                    max: MAX_NOTES_CHARS,
                },
            );
        }
        check_custom(defs, RecordKind::Deal, &self.custom, F::Custom, &mut p);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::pipeline::tests::{default_pipeline, id};
    use crate::record::Record;

    fn deal() -> Deal {
        Deal {
            amount: Some(Money::new(100_000, Currency::CNY)),
            ..Deal::new(id(50), "Big order".into(), &default_pipeline(), 1_000)
        }
    }

    #[test]
    fn new_deals_start_in_the_first_open_stage() {
        let d = deal();
        assert_eq!(d.stage.pipeline_id, id(100));
        assert_eq!(d.stage.stage_id, id(1));
        assert_eq!(d.stage.entered_ms, 1_000);
        assert!(d.is_open(&default_pipeline()));
        assert_eq!(d.validate(&[default_pipeline()], &[]), Ok(()));
    }

    #[test]
    fn probability_and_weighted_value_follow_the_stage() {
        let p = default_pipeline();
        let mut d = deal();
        assert_eq!(d.probability(&p), Some(10));
        assert_eq!(
            d.weighted_amount(&p),
            Some(Money::new(10_000, Currency::CNY))
        );
        d.probability = Some(35);
        assert_eq!(
            d.weighted_amount(&p),
            Some(Money::new(35_000, Currency::CNY))
        );
        assert_eq!(d.closed_ms(&p), None);
        let won = d.moved_to_stage(&p, id(5), 2_000).unwrap();
        assert!(won.is_won(&p) && !won.is_open(&p));
        assert_eq!(won.closed_ms(&p), Some(2_000));
        assert_eq!(won.probability(&p), Some(100));
        let lost = d.moved_to_stage(&p, id(6), 2_000).unwrap();
        assert!(lost.is_lost(&p));
        assert_eq!(lost.weighted_amount(&p), Some(Money::zero(Currency::CNY)));
        d.amount = None;
        assert_eq!(d.weighted_amount(&p), None);
    }

    #[test]
    fn moving_records_history_and_refuses_unknown_stages() {
        let p = default_pipeline();
        let d = deal().moved_to_stage(&p, id(3), 2_000).unwrap();
        let d = d.moved_to_stage(&p, id(4), 5_000).unwrap();
        assert_eq!(d.stage.stage_id, id(4));
        assert_eq!(d.stage.entered_ms, 5_000);
        assert_eq!(d.updated_ms, 5_000);
        let visits: Vec<(Uuid, i64, i64)> = d
            .stage
            .history
            .iter()
            .map(|v| (v.stage_id, v.entered_ms, v.left_ms))
            .collect();
        assert_eq!(visits, [(id(1), 1_000, 2_000), (id(3), 2_000, 5_000)]);
        assert_eq!(d.time_in_stage_ms(6_000), 1_000);
        assert_eq!(d.moved_to_stage(&p, id(4), 9_000), Ok(d.clone()));
        assert_eq!(
            d.moved_to_stage(&p, id(77), 9_000),
            Err(DealError::UnknownStage)
        );
        let other = Pipeline {
            id: id(101),
            ..default_pipeline()
        };
        assert_eq!(
            d.moved_to_stage(&other, id(4), 9_000),
            Err(DealError::WrongPipeline)
        );
    }

    #[test]
    fn open_deals_past_their_close_date_are_flagged() {
        let p = default_pipeline();
        let day = |s| CivilDate::parse(s).unwrap();
        let d = Deal {
            close_date: Some(day("2026-11-20")),
            ..deal()
        };
        assert!(d.is_past_close_date(&p, day("2026-11-21")));
        assert!(!d.is_past_close_date(&p, day("2026-11-20")));
        let won = d.moved_to_stage(&p, id(5), 9).unwrap();
        assert!(!won.is_past_close_date(&p, day("2026-12-01")));
        assert!(!deal().is_past_close_date(&p, day("2026-12-01")));
    }

    #[test]
    fn history_is_capped() {
        let p = default_pipeline();
        let mut d = deal();
        for i in 0..(MAX_STAGE_HISTORY as i64 + 10) {
            let target = if i % 2 == 0 { id(2) } else { id(1) };
            d = d.moved_to_stage(&p, target, 2_000 + i).unwrap();
        }
        assert_eq!(d.stage.history.len(), MAX_STAGE_HISTORY);
        assert_eq!(d.stage.history.last().unwrap().left_ms, 2_000 + 209);
    }

    #[test]
    fn moving_to_another_pipeline_maps_or_takes_the_chosen_stage() {
        let from = default_pipeline();
        let to = Pipeline::with_default_stages(
            id(200),
            "Renewals".into(),
            [id(21), id(22), id(23), id(24), id(25), id(26)],
            |s| format!("{s:?}"),
            0,
        );
        let d = deal().moved_to_stage(&from, id(3), 2_000).unwrap();
        let moved = d.moved_to_pipeline(&from, &to, None, 3_000).unwrap();
        assert_eq!(
            (moved.stage.pipeline_id, moved.stage.stage_id),
            (id(200), id(23))
        );
        assert_eq!(moved.stage.history.last().unwrap().pipeline_id, id(100));
        let chosen = d
            .moved_to_pipeline(&from, &to, Some(id(21)), 3_000)
            .unwrap();
        assert_eq!(chosen.stage.stage_id, id(21));
        assert_eq!(
            d.moved_to_pipeline(&from, &to, Some(id(3)), 3_000),
            Err(DealError::UnknownStage)
        );
        assert_eq!(
            d.moved_to_pipeline(&to, &from, None, 3_000),
            Err(DealError::WrongPipeline)
        );
    }

    #[test]
    fn validation_and_normalisation() {
        let p = default_pipeline();
        let d = Deal {
            name: "  Big \t order ".into(),
            contacts: vec![
                DealContact {
                    contact_id: id(7),
                    role: DealRole::Champion,
                },
                DealContact {
                    contact_id: id(7),
                    role: DealRole::EndUser,
                },
                DealContact::default(),
            ],
            ..deal()
        }
        .normalized(&[]);
        assert_eq!(d.name, "Big order");
        assert_eq!(d.contacts.len(), 1);
        assert_eq!(d.contacts[0].role, DealRole::Champion);
        let bad = Deal {
            name: String::new(),
            amount: Some(Money::new(-1, Currency::USD)),
            probability: Some(120),
            contacts: vec![DealContact::default()],
            stage: DealStage {
                stage_id: id(99),
                ..d.stage.clone()
            },
            ..d
        };
        let e = bad.validate(std::slice::from_ref(&p), &[]).unwrap_err();
        assert!(e.contains(DealField::Name, Problem::Required));
        assert!(e.contains(DealField::Amount, Problem::Negative));
        assert!(e.contains(DealField::Stage, Problem::UnknownReference));
        assert!(e.contains(
            DealField::Probability,
            Problem::OutOfRange { min: 0, max: 100 }
        ));
        assert!(e.contains(DealField::Contact(0), Problem::Required));
    }

    #[test]
    fn json_round_trips_with_dates_and_money() {
        let d = Deal {
            close_date: Some(CivilDate::from_ymd(2026, 12, 31).unwrap()),
            contacts: vec![DealContact {
                contact_id: id(7),
                role: DealRole::DecisionMaker,
            }],
            ..deal()
        };
        let json = String::from_utf8(d.to_json()).unwrap();
        assert!(json.contains(r#""close_date":"2026-12-31""#), "{json}");
        assert!(
            json.contains(r#""amount":{"minor":100000,"currency":"CNY"}"#),
            "{json}"
        );
        assert!(json.contains(r#""role":"decision_maker""#), "{json}");
        assert_eq!(Deal::from_json(json.as_bytes()), Ok(d));
        let future = br#"{"id":"00000000-0000-0000-0000-000000000001","contacts":[{"contact_id":"00000000-0000-0000-0000-000000000002","role":"sponsor"}]}"#;
        assert_eq!(
            Deal::from_json(future).unwrap().contacts[0].role,
            DealRole::Other
        );
    }
}
