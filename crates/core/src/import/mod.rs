//! Importing contacts from CSV files.
//!
//! The steps, each a function the app calls (between chunks it can show
//! progress and yield to the browser):
//!
//! 1. [`CsvImport::open`]`(bytes)`: decodes UTF-8, UTF-8 with BOM, UTF-16
//!    with BOM or GB18030/GBK ([`decode()`]), sniffs the delimiter (`,` `;`
//!    tab, or Excel's `sep=` line) and reads the header row.
//! 2. [`CsvImport::proposed_mapping`]: a [`ColumnMapping`] (column index →
//!    [`TargetField`], plus the [`DetectedFormat`]) that the user may edit.
//! 3. [`CsvImport::preview`]`(&mapping, n)`: the first rows, mapped.
//! 4. [`CsvImport::rows`]`(mapping)`: an iterator of [`ConvertedRow`]s
//!    (a valid, normalised contact or per-row [`RowError`]s); take chunks
//!    with `.by_ref().take(n)` and read [`Rows::bytes_read`] against
//!    [`CsvImport::total_bytes`] for progress.
//! 5. [`ImportPlanner`]: feed it rows; with an [`ImportMode`] and
//!    [`MatchOn`](crate::duplicates::MatchOn) it decides create / update /
//!    skip against the existing contacts, merging a person listed twice.
//! 6. [`ImportPlan::apply`]: the contacts to save and an [`ImportUndo`];
//!    later [`ImportUndo::actions`] says what to delete and restore.

mod convert;
pub mod decode;
pub mod mapping;
mod plan;
mod reader;
mod undo;

pub use convert::{RowError, RowProblem, convert_row};
pub use decode::{Decoded, SourceEncoding, decode};
pub use mapping::{ColumnMapping, DetectedFormat, TargetField, header_key, propose_mapping};
pub use plan::{
    AppliedImport, ImportMode, ImportPlan, ImportPlanner, PlannedUpdate, SkipReason, SkippedRow,
};
pub use reader::{ConvertedRow, CsvImport, PreviewRow, Rows};
pub use undo::{ImportUndo, UndoActions};

/// The file as a whole could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the first row has no column names")]
    NoHeader,
    /// The header row itself is not valid CSV (the parser's description).
    #[error("the header row is malformed: {0}")]
    Malformed(String),
}
