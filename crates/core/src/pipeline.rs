//! Sales pipelines: named, ordered lists of stages a deal moves through.
//! A user may keep several (new business, renewals, partners).
//!
//! # Rules
//!
//! - Every stage has an outcome ([`StageKind`]): **open** (still being
//!   worked on), **won** or **lost**, chosen by the user
//!   ([`Pipeline::set_kind`]). Deals, forecasts and the dashboard read a
//!   deal's status from its stage's kind, never from the stage's position
//!   or name.
//! - A pipeline has at least one open stage (where new deals start) and at
//!   least one won stage. Lost stages are optional, and there may be
//!   several won or lost stages ("Won – signed", "Won – paid"). Stages
//!   stand in the order the user chose, whatever their kind; any stage can
//!   be added, moved or removed as long as these rules hold.
//! - Probabilities: a won stage is 100 % and a lost stage 0 %, always
//!   (mapping a stage to won or lost sets it; it cannot be edited there).
//!   An open stage has 0–100 (not forced to rise along the pipeline: some
//!   teams keep a low-odds "nurture" stage late on). A stage mapped back to
//!   open keeps the 100 or 0 it had until the user changes it.
//! - Re-mapping a stage re-classifies the deals in it at once: deals in a
//!   stage mapped to won count as won, closed when they entered the stage.
//! - Stage names are required, at most [`MAX_STAGE_NAME_CHARS`] and unique
//!   within a pipeline ignoring case and width; ids are non-nil and unique.
//!   At most [`MAX_STAGES`] stages.
//! - Removing a stage does not touch deals: the app first moves the deals
//!   in it elsewhere ([`crate::deal::Deal::moved_to_stage`]).
//!
//! The default pipeline ([`Pipeline::with_default_stages`]) is Prospecting
//! 10 %, Qualification 20 %, Proposal 50 %, Negotiation 80 %, Won, Lost.
//! Stage names are user data stored in the record; the app passes the
//! default names in the user's language.
//!
//! [`map_stage`] decides where a deal lands when it moves to another
//! pipeline. The `stages` list is one top-level field: two devices editing
//! stages of one pipeline at once keep one device's list.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::{Problem, Problems, too_long};
use crate::record::{PIPELINE_NAMESPACE, impl_record};
use crate::text::{collapse_whitespace, fold};

pub const MAX_STAGES: usize = 30;
pub const MAX_STAGE_NAME_CHARS: usize = 100;
pub const MAX_PIPELINE_NAME_CHARS: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pipeline {
    pub id: Uuid,
    pub name: String,
    /// The stages in board order; each says whether it is open, won or
    /// lost.
    pub stages: Vec<Stage>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
}

impl_record!(Pipeline, PIPELINE_NAMESPACE, {
    id: Public,
    name: Public,
    stages: Public,
    created_ms: Public,
    updated_ms: Public,
});

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stage {
    pub id: Uuid,
    pub name: String,
    /// Chance, in percent, that a deal in this stage is won.
    pub probability: u8,
    pub kind: StageKind,
}

/// Whether deals in a stage are still being worked on or are closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    #[default]
    Open,
    Won,
    Lost,
}

/// The stages of the default pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultStage {
    Prospecting,
    Qualification,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl DefaultStage {
    pub const ALL: [DefaultStage; 6] = [
        DefaultStage::Prospecting,
        DefaultStage::Qualification,
        DefaultStage::Proposal,
        DefaultStage::Negotiation,
        DefaultStage::Won,
        DefaultStage::Lost,
    ];

    pub fn probability(self) -> u8 {
        match self {
            DefaultStage::Prospecting => 10,
            DefaultStage::Qualification => 20,
            DefaultStage::Proposal => 50,
            DefaultStage::Negotiation => 80,
            DefaultStage::Won => 100,
            DefaultStage::Lost => 0,
        }
    }

    pub fn kind(self) -> StageKind {
        match self {
            DefaultStage::Won => StageKind::Won,
            DefaultStage::Lost => StageKind::Lost,
            _ => StageKind::Open,
        }
    }
}

/// Why a pipeline edit was refused, or what is wrong with its stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PipelineError {
    #[error("no such stage in this pipeline")]
    UnknownStage,
    /// Won and lost stages have a fixed probability (100 and 0).
    #[error("won stages are 100 % and lost stages 0 %")]
    ClosedStageFixed,
    #[error("a pipeline needs at least one open stage")]
    LastOpenStage,
    #[error("a pipeline needs at least one won stage")]
    LastWonStage,
    #[error("a pipeline has at most {max} stages")]
    TooManyStages { max: usize },
    /// A position past the end of the stage list.
    #[error("position is out of range")]
    PositionOutOfRange,
    #[error("probability must be between 0 and 100, got {got}")]
    ProbabilityOutOfRange { got: u8 },
    #[error("stage name is required")]
    NameRequired,
    #[error("stage name is longer than {max} characters")]
    NameTooLong { max: usize },
    #[error("another stage has this name")]
    DuplicateName,
    #[error("another stage has this id")]
    DuplicateId,
}

/// Which input of a pipeline editor a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PipelineField {
    Name,
    /// The stage list as a whole.
    Stages,
    Stage(usize),
}

impl Pipeline {
    /// The default pipeline. `stage_ids` are fresh random ids, one per
    /// [`DefaultStage::ALL`] entry; `stage_name` gives each its name in the
    /// user's language.
    pub fn with_default_stages(
        id: Uuid,
        name: String,
        stage_ids: [Uuid; 6],
        stage_name: impl Fn(DefaultStage) -> String,
        now_ms: i64,
    ) -> Pipeline {
        Pipeline {
            id,
            name,
            stages: DefaultStage::ALL
                .iter()
                .zip(stage_ids)
                .map(|(&s, id)| Stage {
                    id,
                    name: stage_name(s),
                    probability: s.probability(),
                    kind: s.kind(),
                })
                .collect(),
            created_ms: now_ms,
            updated_ms: now_ms,
        }
    }

    pub fn stage(&self, id: Uuid) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn stage_index(&self, id: Uuid) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }

    pub fn open_stages(&self) -> impl Iterator<Item = &Stage> {
        self.stages.iter().filter(|s| s.kind == StageKind::Open)
    }

    /// Where new deals start: the first open stage.
    pub fn first_open_stage(&self) -> Option<&Stage> {
        self.open_stages().next()
    }

    /// The first won stage, where "mark as won" sends a deal.
    pub fn won_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == StageKind::Won)
    }

    /// The first lost stage; `None` when the pipeline keeps no lost stage.
    pub fn lost_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == StageKind::Lost)
    }

    fn count(&self, kind: StageKind) -> usize {
        self.stages.iter().filter(|s| s.kind == kind).count()
    }

    /// Where the editor puts a new stage: just after the last open stage
    /// (so before the won and lost stages of a conventional pipeline).
    pub fn new_stage_position(&self) -> usize {
        self.stages
            .iter()
            .rposition(|s| s.kind == StageKind::Open)
            .map_or(0, |i| i + 1)
    }

    /// Refuses to take away a stage of kind `was` (by removing it or
    /// re-mapping it) when it is the last open or the last won stage.
    fn can_lose(&self, was: StageKind) -> Result<(), PipelineError> {
        match was {
            StageKind::Open if self.count(StageKind::Open) == 1 => {
                Err(PipelineError::LastOpenStage)
            }
            StageKind::Won if self.count(StageKind::Won) == 1 => Err(PipelineError::LastWonStage),
            _ => Ok(()),
        }
    }

    /// Checks `name` (already tidied) for a stage other than `except`.
    fn check_name(&self, name: &str, except: Option<Uuid>) -> Result<(), PipelineError> {
        if name.is_empty() {
            return Err(PipelineError::NameRequired);
        }
        if too_long(name, MAX_STAGE_NAME_CHARS) {
            return Err(PipelineError::NameTooLong {
                max: MAX_STAGE_NAME_CHARS,
            });
        }
        let folded = fold(name);
        if self
            .stages
            .iter()
            .any(|s| Some(s.id) != except && fold(&s.name) == folded)
        {
            return Err(PipelineError::DuplicateName);
        }
        Ok(())
    }

    /// The stage before (`step` < 0) or after (`step` > 0) `id` in board
    /// order, for moving a deal one column with the keyboard; `None` at
    /// either end or for an unknown stage.
    pub fn neighbour_stage(&self, id: Uuid, step: isize) -> Option<&Stage> {
        let i = self.stage_index(id)?;
        self.stages.get(i.checked_add_signed(step)?)
    }

    /// Inserts a new open stage at `position` in the stage list (0 = first,
    /// the number of stages = last; see [`Pipeline::new_stage_position`]).
    pub fn add_stage(
        &mut self,
        id: Uuid,
        name: &str,
        probability: u8,
        position: usize,
        now_ms: i64,
    ) -> Result<(), PipelineError> {
        let name = collapse_whitespace(name);
        if self.stages.len() >= MAX_STAGES {
            return Err(PipelineError::TooManyStages { max: MAX_STAGES });
        }
        if id.is_nil() || self.stage(id).is_some() {
            return Err(PipelineError::DuplicateId);
        }
        self.check_name(&name, None)?;
        if probability > 100 {
            return Err(PipelineError::ProbabilityOutOfRange { got: probability });
        }
        if position > self.stages.len() {
            return Err(PipelineError::PositionOutOfRange);
        }
        let stage = Stage {
            id,
            name,
            probability,
            kind: StageKind::Open,
        };
        self.stages.insert(position, stage);
        self.updated_ms = now_ms;
        Ok(())
    }

    /// Renames any stage, whatever its kind.
    pub fn rename_stage(&mut self, id: Uuid, name: &str, now_ms: i64) -> Result<(), PipelineError> {
        let name = collapse_whitespace(name);
        let i = self.stage_index(id).ok_or(PipelineError::UnknownStage)?;
        self.check_name(&name, Some(id))?;
        self.stages[i].name = name;
        self.updated_ms = now_ms;
        Ok(())
    }

    /// Sets an open stage's probability; won and lost stages are fixed.
    pub fn set_probability(
        &mut self,
        id: Uuid,
        probability: u8,
        now_ms: i64,
    ) -> Result<(), PipelineError> {
        let i = self.stage_index(id).ok_or(PipelineError::UnknownStage)?;
        if self.stages[i].kind != StageKind::Open {
            return Err(PipelineError::ClosedStageFixed);
        }
        if probability > 100 {
            return Err(PipelineError::ProbabilityOutOfRange { got: probability });
        }
        self.stages[i].probability = probability;
        self.updated_ms = now_ms;
        Ok(())
    }

    /// Maps a stage to open, won or lost. Won sets its probability to 100
    /// and lost to 0; open keeps the probability it had. Refused when it
    /// would leave no open or no won stage.
    pub fn set_kind(
        &mut self,
        id: Uuid,
        kind: StageKind,
        now_ms: i64,
    ) -> Result<(), PipelineError> {
        let i = self.stage_index(id).ok_or(PipelineError::UnknownStage)?;
        let was = self.stages[i].kind;
        if was == kind {
            return Ok(());
        }
        self.can_lose(was)?;
        let stage = &mut self.stages[i];
        stage.kind = kind;
        match kind {
            StageKind::Won => stage.probability = 100,
            StageKind::Lost => stage.probability = 0,
            StageKind::Open => {}
        }
        self.updated_ms = now_ms;
        Ok(())
    }

    /// Moves any stage to `position` in the stage list.
    pub fn move_stage(
        &mut self,
        id: Uuid,
        position: usize,
        now_ms: i64,
    ) -> Result<(), PipelineError> {
        let i = self.stage_index(id).ok_or(PipelineError::UnknownStage)?;
        if position >= self.stages.len() {
            return Err(PipelineError::PositionOutOfRange);
        }
        let stage = self.stages.remove(i);
        self.stages.insert(position, stage);
        self.updated_ms = now_ms;
        Ok(())
    }

    /// Removes a stage, unless it is the last open or the last won one.
    /// Move its deals first.
    pub fn remove_stage(&mut self, id: Uuid, now_ms: i64) -> Result<Stage, PipelineError> {
        let i = self.stage_index(id).ok_or(PipelineError::UnknownStage)?;
        self.can_lose(self.stages[i].kind)?;
        self.updated_ms = now_ms;
        Ok(self.stages.remove(i))
    }

    /// Checks every rule in the module docs, e.g. on a pipeline that came
    /// from sync or an import.
    pub fn validate(&self) -> Result<(), Problems<PipelineField>> {
        use PipelineField as F;
        let mut p = Problems::default();
        if self.name.trim().is_empty() {
            p.push(F::Name, Problem::Required);
        } else if too_long(&self.name, MAX_PIPELINE_NAME_CHARS) {
            let max = MAX_PIPELINE_NAME_CHARS;
            p.push(F::Name, Problem::TooLong { max });
        }
        let n = self.stages.len();
        if n > MAX_STAGES {
            p.push(F::Stages, Problem::TooMany { max: MAX_STAGES });
        }
        if self.count(StageKind::Open) == 0 {
            p.push(F::Stages, Problem::Pipeline(PipelineError::LastOpenStage));
        }
        if self.count(StageKind::Won) == 0 {
            p.push(F::Stages, Problem::Pipeline(PipelineError::LastWonStage));
        }
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for (i, s) in self.stages.iter().enumerate() {
            let f = F::Stage(i);
            if s.id.is_nil() || !ids.insert(s.id) {
                p.push(f, Problem::Pipeline(PipelineError::DuplicateId));
            }
            if s.name.trim().is_empty() {
                p.push(f, Problem::Required);
            } else if too_long(&s.name, MAX_STAGE_NAME_CHARS) {
                let max = MAX_STAGE_NAME_CHARS;
                p.push(f, Problem::TooLong { max });
            } else if !names.insert(fold(s.name.trim())) {
                p.push(f, Problem::Duplicate);
            }
            let fixed = match s.kind {
                StageKind::Open => None,
                StageKind::Won => Some(100),
                StageKind::Lost => Some(0),
            };
            if s.probability > 100 {
                p.push(f, Problem::OutOfRange { min: 0, max: 100 });
            } else if fixed.is_some_and(|want| want != s.probability) {
                p.push(f, Problem::Pipeline(PipelineError::ClosedStageFixed));
            }
        }
        p.into_result()
    }
}

/// Where a deal in stage `stage_id` of `from` lands in pipeline `to`:
///
/// 1. a stage of `to` with the same name (ignoring case and width);
/// 2. otherwise won goes to the first won stage and lost to the first lost
///    stage (none when `to` keeps no lost stage);
/// 3. otherwise (an open stage) the open stage of `to` whose probability
///    is nearest, the earlier one on a tie.
///
/// `None` when `stage_id` is not in `from` or `to` has no fitting stage.
pub fn map_stage(from: &Pipeline, stage_id: Uuid, to: &Pipeline) -> Option<Uuid> {
    let stage = from.stage(stage_id)?;
    let name = fold(stage.name.trim());
    if let Some(same) = to.stages.iter().find(|s| fold(s.name.trim()) == name) {
        return Some(same.id);
    }
    match stage.kind {
        StageKind::Won => to.won_stage().map(|s| s.id),
        StageKind::Lost => to.lost_stage().map(|s| s.id),
        StageKind::Open => to
            .open_stages()
            .min_by_key(|s| s.probability.abs_diff(stage.probability))
            .map(|s| s.id),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// The default pipeline with id 100 and stage ids 1..=6.
    pub(crate) fn default_pipeline() -> Pipeline {
        Pipeline::with_default_stages(
            id(100),
            "Sales".into(),
            [id(1), id(2), id(3), id(4), id(5), id(6)],
            |s| format!("{s:?}"),
            7,
        )
    }

    fn names(p: &Pipeline) -> Vec<&str> {
        p.stages.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn default_pipeline_has_the_documented_stages() {
        let p = default_pipeline();
        assert_eq!(
            names(&p),
            [
                "Prospecting",
                "Qualification",
                "Proposal",
                "Negotiation",
                "Won",
                "Lost"
            ]
        );
        let probs: Vec<u8> = p.stages.iter().map(|s| s.probability).collect();
        assert_eq!(probs, [10, 20, 50, 80, 100, 0]);
        assert_eq!(p.won_stage().unwrap().id, id(5));
        assert_eq!(p.lost_stage().unwrap().id, id(6));
        assert_eq!(p.first_open_stage().unwrap().id, id(1));
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn stages_are_added_anywhere_in_the_list() {
        let mut p = default_pipeline();
        assert_eq!(p.new_stage_position(), 4, "after the last open stage");
        p.add_stage(id(7), " Demo ", 30, 2, 9).unwrap();
        assert_eq!(names(&p)[2], "Demo");
        assert_eq!(p.updated_ms, 9);
        p.add_stage(id(8), "Contract", 90, 5, 9).unwrap();
        assert_eq!(names(&p)[5..], ["Contract", "Won", "Lost"]);
        // After the lost stage is fine too: order is the user's.
        p.add_stage(id(10), "Re-engage", 5, 8, 9).unwrap();
        assert_eq!(names(&p)[8], "Re-engage");
        assert_eq!(p.new_stage_position(), 9);
        assert_eq!(
            p.add_stage(id(9), "X", 1, 10, 9),
            Err(PipelineError::PositionOutOfRange)
        );
        assert_eq!(
            p.add_stage(id(9), "demo", 1, 0, 9),
            Err(PipelineError::DuplicateName)
        );
        assert_eq!(
            p.add_stage(id(1), "Y", 1, 0, 9),
            Err(PipelineError::DuplicateId)
        );
        assert_eq!(
            p.add_stage(id(9), "  ", 1, 0, 9),
            Err(PipelineError::NameRequired)
        );
        assert_eq!(
            p.add_stage(id(9), "Z", 101, 0, 9),
            Err(PipelineError::ProbabilityOutOfRange { got: 101 })
        );
        assert_eq!(p.validate(), Ok(()));
        for n in 11..(11 + MAX_STAGES as u128 - p.stages.len() as u128) {
            p.add_stage(id(n), &format!("S{n}"), 5, 0, 9).unwrap();
        }
        assert_eq!(
            p.add_stage(id(999), "One more", 5, 0, 9),
            Err(PipelineError::TooManyStages { max: MAX_STAGES })
        );
    }

    #[test]
    fn any_stage_moves_or_goes_but_closed_odds_are_fixed() {
        let mut p = default_pipeline();
        p.move_stage(id(4), 0, 9).unwrap();
        assert_eq!(names(&p)[..2], ["Negotiation", "Prospecting"]);
        // Won and lost move like any stage.
        p.move_stage(id(6), 0, 9).unwrap();
        assert_eq!(names(&p)[..2], ["Lost", "Negotiation"]);
        assert_eq!(
            p.move_stage(id(1), 6, 9),
            Err(PipelineError::PositionOutOfRange)
        );
        assert_eq!(
            p.set_probability(id(6), 5, 9),
            Err(PipelineError::ClosedStageFixed)
        );
        assert_eq!(
            p.set_probability(id(5), 90, 9),
            Err(PipelineError::ClosedStageFixed)
        );
        assert_eq!(p.remove_stage(id(42), 9), Err(PipelineError::UnknownStage));
        // The only won stage stays; the only lost stage may go.
        assert_eq!(p.remove_stage(id(5), 9), Err(PipelineError::LastWonStage));
        p.remove_stage(id(6), 9).unwrap();
        assert!(p.lost_stage().is_none());
        p.set_probability(id(1), 15, 9).unwrap();
        assert_eq!(p.stage(id(1)).unwrap().probability, 15);
        for n in [1, 2, 3] {
            p.remove_stage(id(n), 9).unwrap();
        }
        assert_eq!(p.remove_stage(id(4), 9), Err(PipelineError::LastOpenStage));
        p.rename_stage(id(5), "Closed won", 9).unwrap();
        assert_eq!(
            p.rename_stage(id(4), "closed WON", 9),
            Err(PipelineError::DuplicateName)
        );
        // Renaming a stage to its own name in another case is fine.
        p.rename_stage(id(5), "Closed Won", 9).unwrap();
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn stages_are_mapped_to_outcomes_with_fixed_odds() {
        let mut p = default_pipeline();
        // Negotiation (80 %) becomes a second won stage: 100 %.
        p.set_kind(id(4), StageKind::Won, 9).unwrap();
        assert_eq!(p.stage(id(4)).unwrap().probability, 100);
        assert_eq!(p.won_stage().unwrap().id, id(4), "the first won stage");
        // Proposal becomes lost: 0 %.
        p.set_kind(id(3), StageKind::Lost, 9).unwrap();
        assert_eq!(p.stage(id(3)).unwrap().probability, 0);
        assert_eq!(p.lost_stage().unwrap().id, id(3));
        // Back to open keeps the 0 until the user sets it.
        p.set_kind(id(3), StageKind::Open, 9).unwrap();
        assert_eq!(p.stage(id(3)).unwrap().kind, StageKind::Open);
        assert_eq!(p.stage(id(3)).unwrap().probability, 0);
        p.set_probability(id(3), 45, 9).unwrap();
        // The old won stage may become open now that Negotiation is won.
        p.set_kind(id(5), StageKind::Open, 9).unwrap();
        assert_eq!(
            p.set_kind(id(4), StageKind::Lost, 9),
            Err(PipelineError::LastWonStage)
        );
        assert_eq!(
            p.set_kind(id(99), StageKind::Lost, 9),
            Err(PipelineError::UnknownStage)
        );
        // Setting the kind a stage already has changes nothing.
        let before = p.clone();
        p.set_kind(id(4), StageKind::Won, 10).unwrap();
        assert_eq!(p, before);
        for n in [1, 2, 5] {
            p.set_kind(id(n), StageKind::Lost, 9).unwrap();
        }
        assert_eq!(
            p.set_kind(id(3), StageKind::Won, 9),
            Err(PipelineError::LastOpenStage)
        );
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn validation_needs_an_open_and_a_won_stage() {
        let mut p = default_pipeline();
        // Any order of kinds is fine, and lost stages are optional.
        p.stages.swap(4, 5);
        p.stages.swap(0, 5);
        p.stages.pop();
        assert_eq!(p.validate(), Ok(()));
        let mut p = default_pipeline();
        p.stages.drain(..4);
        assert!(p.validate().unwrap_err().contains(
            PipelineField::Stages,
            Problem::Pipeline(PipelineError::LastOpenStage)
        ));
        let mut p = default_pipeline();
        p.stages[4].kind = StageKind::Lost;
        p.stages[4].probability = 0;
        assert!(p.validate().unwrap_err().contains(
            PipelineField::Stages,
            Problem::Pipeline(PipelineError::LastWonStage)
        ));
        let mut p = default_pipeline();
        p.stages[4].probability = 90;
        p.stages[1].name = "prospecting".into();
        p.stages[2].id = id(1);
        p.name.clear();
        let e = p.validate().unwrap_err();
        assert!(e.contains(
            PipelineField::Stage(4),
            Problem::Pipeline(PipelineError::ClosedStageFixed)
        ));
        assert!(e.contains(PipelineField::Stage(1), Problem::Duplicate));
        assert!(e.contains(
            PipelineField::Stage(2),
            Problem::Pipeline(PipelineError::DuplicateId)
        ));
        assert!(e.contains(PipelineField::Name, Problem::Required));
    }

    #[test]
    fn stages_map_by_name_then_kind_then_nearest_probability() {
        let from = default_pipeline();
        let mut to = Pipeline::with_default_stages(
            id(200),
            "Renewals".into(),
            [id(21), id(22), id(23), id(24), id(25), id(26)],
            |s| format!("R {s:?}"),
            7,
        );
        to.rename_stage(id(23), "PROPOSAL", 8).unwrap();
        assert_eq!(map_stage(&from, id(3), &to), Some(id(23)));
        assert_eq!(map_stage(&from, id(5), &to), Some(id(25)));
        assert_eq!(map_stage(&from, id(6), &to), Some(id(26)));
        // Negotiation (80) goes to R Negotiation (80); Qualification (20)
        // to R Qualification (20).
        assert_eq!(map_stage(&from, id(4), &to), Some(id(24)));
        assert_eq!(map_stage(&from, id(2), &to), Some(id(22)));
        to.set_probability(id(21), 30, 9).unwrap();
        to.set_probability(id(22), 10, 9).unwrap();
        // Prospecting (10) to R Qualification (now 10), nearest.
        assert_eq!(map_stage(&from, id(1), &to), Some(id(22)));
        assert_eq!(map_stage(&from, id(99), &to), None);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Add(u8, u8, usize),
        Rename(usize, u8),
        SetProbability(usize, u8),
        Move(usize, usize),
        Remove(usize),
        SetKind(usize, u8),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..40, 0u8..=110, 0usize..12).prop_map(|(n, p, i)| Op::Add(n, p, i)),
            (0usize..12, 0u8..40).prop_map(|(i, n)| Op::Rename(i, n)),
            (0usize..12, 0u8..=110).prop_map(|(i, p)| Op::SetProbability(i, p)),
            (0usize..12, 0usize..12).prop_map(|(i, j)| Op::Move(i, j)),
            (0usize..12).prop_map(Op::Remove),
            (0usize..12, 0u8..3).prop_map(|(i, k)| Op::SetKind(i, k)),
        ]
    }

    proptest::proptest! {
        /// Whatever edits succeed or fail, the pipeline always satisfies
        /// every rule, and a failed edit changes nothing.
        #[test]
        fn edits_never_break_the_rules(ops in proptest::collection::vec(op(), 0..60)) {
            let mut p = default_pipeline();
            let mut next = 1000u128;
            for op in ops {
                let before = p.clone();
                // Stage picked by index, wrapping, so both open and closed
                // stages are tried.
                let at = |i: usize| p.stages[i % p.stages.len()].id;
                let result = match op {
                    Op::Add(n, prob, i) => {
                        next += 1;
                        p.add_stage(id(next), &format!("S{n}"), prob, i, 1)
                    }
                    Op::Rename(i, n) => p.rename_stage(at(i), &format!("S{n}"), 1),
                    Op::SetProbability(i, prob) => p.set_probability(at(i), prob, 1),
                    Op::Move(i, j) => p.move_stage(at(i), j, 1),
                    Op::Remove(i) => p.remove_stage(at(i), 1).map(|_| ()),
                    Op::SetKind(i, k) => {
                        let kind = [StageKind::Open, StageKind::Won, StageKind::Lost][usize::from(k)];
                        p.set_kind(at(i), kind, 1)
                    }
                };
                if result.is_err() {
                    proptest::prop_assert_eq!(&p, &before);
                }
                proptest::prop_assert_eq!(p.validate(), Ok(()));
            }
        }
    }

    #[test]
    fn neighbour_stages_step_along_the_board_and_stop_at_the_ends() {
        let p = default_pipeline();
        let first = p.stages[0].id;
        assert_eq!(
            p.neighbour_stage(first, 1).map(|s| s.id),
            Some(p.stages[1].id)
        );
        assert!(p.neighbour_stage(first, -1).is_none());
        let last = p.stages[5].id;
        assert!(p.neighbour_stage(last, 1).is_none());
        assert_eq!(
            p.neighbour_stage(last, -1).map(|s| s.id),
            Some(p.stages[4].id)
        );
        assert!(p.neighbour_stage(Uuid::from_u128(999), 1).is_none());
    }
}
