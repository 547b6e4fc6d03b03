//! Running an import (and undoing one) against the contact collection:
//! reading the file in chunks, planning with core's `ImportPlanner`, then
//! saving through the `Syncer`, yielding to the browser between chunks so
//! the page stays responsive with 100,000 rows.

use crate::pages::unlock::error_text;
use crate::state::AppState;
use crate::vault::{self, yield_to_browser};
use coffer_core::contact::{Contact, Field, Problem};
use coffer_core::duplicates::MatchOn;
use coffer_core::i18n::Msg;
use coffer_core::import::{
    ColumnMapping, ConvertedRow, CsvImport, ImportError, ImportMode, ImportPlanner, RowProblem,
    SourceEncoding, decode,
};
use coffer_core::vcard::{self, CardProblem};
use leptos::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Rows converted and planned between two yields to the browser.
const READ_CHUNK: usize = 500;
/// New contacts handed to the syncer at once (one encrypted batch).
const SAVE_CHUNK: usize = 500;
/// Single edits (updates, deletions) between two yields.
const EDIT_CHUNK: usize = 50;

/// The opened file.
pub enum ImportSource {
    Csv(CsvImport),
    Vcard {
        text: String,
        encoding: SourceEncoding,
        had_replacements: bool,
    },
}

/// Why a file could not be opened at all.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenError {
    Empty,
    NoHeader,
    MalformedHeader(String),
    NoCards,
}

impl OpenError {
    pub fn text(&self, state: &AppState) -> String {
        match self {
            OpenError::Empty => state.t(Msg::ImportEmpty).to_string(),
            OpenError::NoHeader => state.t(Msg::ImportNoHeader).to_string(),
            OpenError::MalformedHeader(d) => {
                coffer_core::i18n::fill(state.t(Msg::ImportMalformedHeader), &[("detail", d)])
            }
            OpenError::NoCards => state.t(Msg::ImportNoCards).to_string(),
        }
    }
}

fn looks_like_vcard(name: &str, text_start: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".vcf")
        || lower.ends_with(".vcard")
        || text_start
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("BEGIN:VCARD")
}

impl ImportSource {
    /// Opens a file by its name and bytes: vCard by extension or content,
    /// anything else as CSV.
    pub fn open(name: &str, bytes: &[u8]) -> Result<ImportSource, OpenError> {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).into_owned();
        let head = head.trim_start_matches('\u{feff}');
        if looks_like_vcard(name, head) {
            let decoded = decode(bytes);
            if !decoded.text.to_ascii_uppercase().contains("BEGIN:VCARD") {
                return Err(OpenError::NoCards);
            }
            return Ok(ImportSource::Vcard {
                text: decoded.text,
                encoding: decoded.encoding,
                had_replacements: decoded.had_replacements,
            });
        }
        CsvImport::open(bytes)
            .map(ImportSource::Csv)
            .map_err(|e| match e {
                ImportError::Empty => OpenError::Empty,
                ImportError::NoHeader => OpenError::NoHeader,
                ImportError::Malformed(d) => OpenError::MalformedHeader(d),
            })
    }

    pub fn encoding(&self) -> SourceEncoding {
        match self {
            ImportSource::Csv(c) => c.encoding(),
            ImportSource::Vcard { encoding, .. } => *encoding,
        }
    }

    pub fn had_replacements(&self) -> bool {
        match self {
            ImportSource::Csv(c) => c.had_replacements(),
            ImportSource::Vcard {
                had_replacements, ..
            } => *had_replacements,
        }
    }

    /// The first `n` rows (or cards), converted.
    pub fn preview(&self, mapping: Option<&ColumnMapping>, n: usize) -> Vec<PreviewLine> {
        match (self, mapping) {
            (ImportSource::Csv(csv), Some(m)) => csv
                .preview(m, n)
                .into_iter()
                .map(|p| split_row(p.converted))
                .collect(),
            (ImportSource::Vcard { text, .. }, _) => vcard::cards(text)
                .take(n)
                .map(|card| {
                    let row = card.index as u64 + 1;
                    match card.result {
                        Ok(c) => (row, Vec::new(), Some(c)),
                        Err(p) => (row, card_issues(row, p), None),
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A previewed row: its number, its problems, and the contact if valid.
pub type PreviewLine = (u64, Vec<Issue>, Option<Contact>);

fn split_row(row: ConvertedRow) -> PreviewLine {
    match row.result {
        Ok(c) => (row.row, Vec::new(), Some(c)),
        Err(errors) => (
            row.row,
            errors
                .into_iter()
                .map(|e| Issue {
                    row: e.row,
                    column: e.column.map_or(IssueColumn::None, IssueColumn::Index),
                    problem: IssueProblem::Row(e.problem),
                })
                .collect(),
            None,
        ),
    }
}

/// Where in the row a problem is.
#[derive(Clone, Debug, PartialEq)]
pub enum IssueColumn {
    None,
    /// A CSV column, by index.
    Index(usize),
    /// A contact field (vCards have no columns).
    Field(Field),
}

#[derive(Clone, Debug, PartialEq)]
pub enum IssueProblem {
    Row(RowProblem),
    Card(CardProblem),
}

/// One problem in one row (or card) of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub row: u64,
    pub column: IssueColumn,
    pub problem: IssueProblem,
}

fn card_issues(row: u64, problem: CardProblem) -> Vec<Issue> {
    match problem {
        CardProblem::Invalid(errors) => errors
            .0
            .into_iter()
            .map(|e| Issue {
                row,
                column: IssueColumn::Field(e.field),
                problem: IssueProblem::Row(match e.problem {
                    Problem::Required => RowProblem::NameMissing,
                    Problem::InvalidEmail => RowProblem::InvalidEmail,
                    Problem::InvalidPhone => RowProblem::InvalidPhone,
                    Problem::InvalidWeChat => RowProblem::InvalidWeChat,
                    Problem::TooLong { max } => RowProblem::TooLong { max },
                    Problem::TooMany { max } => RowProblem::TooMany { max },
                }),
            })
            .collect(),
        other => vec![Issue {
            row,
            column: IssueColumn::None,
            problem: IssueProblem::Card(other),
        }],
    }
}

/// What the progress bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Reading and planning: percent of the file read.
    Reading(u32),
    /// Saving: contacts saved of the total.
    Saving(usize, usize),
    Undoing(usize, usize),
}

/// The result of an import, for the summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub error_rows: usize,
    /// Every problem, by row.
    pub issues: Vec<Issue>,
}

/// Imports the file: plans every row, then saves creations in batches and
/// updates one by one. The undo record is kept in `state.last_import`
/// before anything is saved, so even a stopped import can be undone.
/// Errors are translated text.
pub async fn run_import(
    state: AppState,
    source: &ImportSource,
    mapping: Option<ColumnMapping>,
    mode: ImportMode,
    match_on: MatchOn,
    progress: RwSignal<Option<Progress>>,
) -> Result<ImportOutcome, String> {
    let locale = state.locale.get_untracked();
    let started = vault::now_ms();
    let mut planner = state
        .book
        .with_untracked(|b| ImportPlanner::new(b.entries.values(), mode, match_on, started));
    let mut issues = Vec::new();
    progress.set(Some(Progress::Reading(0)));
    yield_to_browser().await;
    match source {
        ImportSource::Csv(csv) => {
            let Some(mapping) = mapping else {
                return Ok(ImportOutcome::default());
            };
            let total = csv.total_bytes().max(1);
            let mut rows = csv.rows(mapping).with_phone_locale(locale);
            loop {
                let mut n = 0;
                for row in rows.by_ref().take(READ_CHUNK) {
                    planner.add(row, Uuid::new_v4);
                    n += 1;
                }
                let percent = (rows.bytes_read().min(total) * 100 / total) as u32;
                progress.set(Some(Progress::Reading(percent)));
                yield_to_browser().await;
                if n < READ_CHUNK {
                    break;
                }
            }
        }
        ImportSource::Vcard { text, .. } => {
            let total = text.matches("BEGIN:VCARD").count().max(1);
            let mut cards = vcard::cards(text);
            let mut seen = 0;
            loop {
                let mut n = 0;
                for card in cards.by_ref().take(READ_CHUNK) {
                    n += 1;
                    let row = card.index as u64 + 1;
                    match card.result {
                        Ok(c) => planner.add(ConvertedRow { row, result: Ok(c) }, Uuid::new_v4),
                        Err(p) => issues.extend(card_issues(row, p)),
                    }
                }
                seen += n;
                progress.set(Some(Progress::Reading(
                    (seen.min(total) * 100 / total) as u32,
                )));
                yield_to_browser().await;
                if n < READ_CHUNK {
                    break;
                }
            }
        }
    }
    let plan = planner.finish();
    issues.extend(plan.errors.iter().map(|e| Issue {
        row: e.row,
        column: e.column.map_or(IssueColumn::None, IssueColumn::Index),
        problem: IssueProblem::Row(e.problem.clone()),
    }));
    issues.sort_by_key(|i| i.row);
    let error_rows = issues.iter().map(|i| i.row).collect::<BTreeSet<_>>().len();

    let Some(sync) = state.sync() else {
        // Locked meanwhile (the page is gone too): nothing was saved.
        return Err(state.t(Msg::LockedManual).to_string());
    };
    let applied_ms = vault::now_ms();
    let applied = state.book.with_untracked(|b| {
        plan.apply(|id| b.entries.get(&id).cloned(), Uuid::new_v4(), applied_ms)
    });
    state.last_import.set_value(Some(applied.undo.clone()));
    let (creates, updates) = applied.save.split_at(plan.create.len());
    let total = applied.save.len();
    let mut done = 0;
    progress.set(Some(Progress::Saving(0, total)));
    for chunk in creates.chunks(SAVE_CHUNK) {
        sync.add_contacts(chunk)
            .await
            .map_err(|e| error_text(&e, locale))?;
        done += chunk.len();
        progress.set(Some(Progress::Saving(done, total)));
        yield_to_browser().await;
    }
    for (new, old) in updates.iter().zip(&applied.undo.previous) {
        sync.save_contact(Some(old), new)
            .await
            .map_err(|e| error_text(&e, locale))?;
        done += 1;
        if done % EDIT_CHUNK == 0 {
            progress.set(Some(Progress::Saving(done, total)));
            yield_to_browser().await;
        }
    }
    progress.set(Some(Progress::Saving(total, total)));
    Ok(ImportOutcome {
        created: creates.len(),
        updated: updates.len(),
        skipped: plan.skipped.len(),
        error_rows,
        issues,
    })
}

/// What undoing did: (deleted, restored, left alone because edited since).
pub type UndoOutcome = (usize, usize, usize);

/// Undoes the last import: deletes what it created and restores what it
/// changed, leaving contacts edited since then alone.
pub async fn undo_import(
    state: AppState,
    progress: RwSignal<Option<Progress>>,
) -> Result<UndoOutcome, String> {
    let locale = state.locale.get_untracked();
    let (Some(undo), Some(sync)) = (state.last_import.get_value(), state.sync()) else {
        return Ok((0, 0, 0));
    };
    let actions = state
        .book
        .with_untracked(|b| undo.actions(|id| b.entries.get(&id).cloned(), false, vault::now_ms()));
    let total = actions.delete.len() + actions.restore.len();
    let mut done = 0;
    progress.set(Some(Progress::Undoing(0, total)));
    for id in &actions.delete {
        sync.delete_contact(*id)
            .await
            .map_err(|e| error_text(&e, locale))?;
        done += 1;
        if done % EDIT_CHUNK == 0 {
            progress.set(Some(Progress::Undoing(done, total)));
            yield_to_browser().await;
        }
    }
    for old in &actions.restore {
        let current = state
            .book
            .with_untracked(|b| b.entries.get(&old.id).cloned());
        sync.save_contact(current.as_ref(), old)
            .await
            .map_err(|e| error_text(&e, locale))?;
        done += 1;
        if done % EDIT_CHUNK == 0 {
            progress.set(Some(Progress::Undoing(done, total)));
            yield_to_browser().await;
        }
    }
    progress.set(Some(Progress::Undoing(total, total)));
    state.last_import.set_value(None);
    Ok((
        actions.delete.len(),
        actions.restore.len(),
        actions.edited_since.len(),
    ))
}
