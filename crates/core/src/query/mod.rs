//! Table views over records of any type, given as `serde_json::Value`
//! objects (the app serialises each record; this module knows no record
//! type).
//!
//! - A [`ColumnPath`] ("family_name", "address.city", "emails.0.address",
//!   "custom.f_123", "amount.minor") is parsed once.
//! - A [`Schema`] says what [`FieldKind`] each column holds, so operators
//!   and comparisons are typed: text folded (NFKC + lowercase) and sorted
//!   by pinyin where it is Chinese, numbers
//!   numerically (integers exactly), dates as ISO strings, missing values
//!   last in every sort.
//! - A [`Filter`] is a tree of AND / OR / NOT groups of [`Condition`]s.
//! - A [`SavedView`] (id, name, record type, columns, sort, filter) is what
//!   the app stores, encrypted like any record.
//!
//! [`SavedView::compile`] (or [`Query::new`]) checks everything against
//! the schema once and reports a precise [`QueryError`]; [`Query::run`]
//! then filters and stably sorts records without re-parsing paths or
//! operands, reading each needed cell (path walk, folding, number parsing)
//! once per run. A [`Table`] keeps those cells between runs, so refining a
//! filter or changing the sort over 100,000 records only compares.
//!
//! ```
//! # use coffer_core::query::*;
//! # use serde_json::json;
//! let schema = Schema::new("contact")
//!     .field("family_name", FieldKind::Text)
//!     .field("address.city", FieldKind::Text);
//! let view: SavedView = serde_json::from_value(json!({
//!     "id": "00000000-0000-0000-0000-000000000001",
//!     "name": "Lyon",
//!     "record_type": "contact",
//!     "columns": ["family_name", "address.city"],
//!     "sort": [{"column": "family_name"}],
//!     "filter": {"condition": {"column": "address.city", "op": "equals", "value": "LYON"}}
//! })).unwrap();
//! let query = view.compile(&schema).unwrap();
//! let rows = [
//!     json!({"family_name": "Martin", "address": {"city": "Lyon"}}),
//!     json!({"family_name": "Durand", "address": {"city": "Paris"}}),
//!     json!({"family_name": "Bernard", "address": {"city": "lyon"}}),
//! ];
//! assert_eq!(query.run(&rows), [2, 0]);
//! ```

mod filter;
mod input;
mod path;
mod value;

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;
use uuid::Uuid;

pub use filter::{Condition, Filter, Operand, Operator};
pub use path::ColumnPath;
pub use value::FieldKind;

use value::Cell;

use crate::record::{VIEW_NAMESPACE, impl_record};

/// Why a view, filter or column cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum QueryError {
    #[error("empty column path")]
    EmptyPath,
    #[error("column path {path:?} has an empty segment")]
    EmptySegment { path: String },
    #[error("no column {column:?} in the schema")]
    UnknownColumn { column: String },
    #[error("operator {op:?} does not apply to {kind:?} column {column:?}")]
    OperatorNotForKind {
        column: String,
        op: Operator,
        kind: FieldKind,
    },
    #[error("operator {op:?} on column {column:?} needs {expected:?}")]
    BadOperand {
        column: String,
        op: Operator,
        expected: Operand,
    },
    #[error("range on column {column:?} has its low end above its high end")]
    InvertedRange { column: String },
    #[error("view is for {view:?} records, schema for {schema:?}")]
    WrongRecordType { view: String, schema: String },
}

/// The columns of one record type and what each holds. Repeated fields
/// are declared once with `*` for the index ("emails.*.address").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    record_type: String,
    fields: HashMap<String, FieldKind>,
}

impl Schema {
    pub fn new(record_type: &str) -> Schema {
        Schema {
            record_type: record_type.to_owned(),
            fields: HashMap::new(),
        }
    }

    /// Declares a column (builder form of [`Schema::insert`]).
    pub fn field(mut self, path: &str, kind: FieldKind) -> Schema {
        self.insert(path, kind);
        self
    }

    pub fn insert(&mut self, path: &str, kind: FieldKind) {
        self.fields.insert(path.to_owned(), kind);
    }

    pub fn record_type(&self) -> &str {
        &self.record_type
    }

    /// Every declared column and its kind, in path order (for a column
    /// picker).
    pub fn fields(&self) -> Vec<(&str, FieldKind)> {
        let mut out: Vec<(&str, FieldKind)> =
            self.fields.iter().map(|(p, k)| (p.as_str(), *k)).collect();
        out.sort_unstable_by_key(|(p, _)| *p);
        out
    }

    /// The kind of `column`: its exact path, else its path with indices
    /// as `*`.
    pub fn kind_of(&self, column: &ColumnPath) -> Result<FieldKind, QueryError> {
        self.fields
            .get(column.as_str())
            .or_else(|| self.fields.get(&column.pattern()))
            .copied()
            .ok_or_else(|| QueryError::UnknownColumn {
                column: column.to_string(),
            })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Ascending,
    Descending,
}

/// One sort level; earlier levels win, later ones break ties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortBy {
    pub column: ColumnPath,
    #[serde(default)]
    pub direction: Direction,
}

/// A named table view the user saved: which records (filter), in which
/// order (sort) and which columns to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The namespace of the records it lists ("contact", "deal", …).
    pub record_type: String,
    pub columns: Vec<ColumnPath>,
    #[serde(default)]
    pub sort: Vec<SortBy>,
    #[serde(default)]
    pub filter: Filter,
}

// Saved views sync like any record. The filter may hold values the user
// typed about customers (a name, a city), so it is sensitive.
impl_record!(SavedView, VIEW_NAMESPACE, {
    id: Public,
    name: Public,
    record_type: Public,
    columns: Public,
    sort: Public,
    filter: Sensitive,
});

impl SavedView {
    /// Checks the view against `schema` and prepares it to run.
    pub fn compile(&self, schema: &Schema) -> Result<Query, QueryError> {
        if self.record_type != schema.record_type {
            return Err(QueryError::WrongRecordType {
                view: self.record_type.clone(),
                schema: schema.record_type.clone(),
            });
        }
        Query::new(schema, &self.columns, &self.sort, &self.filter)
    }
}

/// A view checked against its schema: filter compiled, paths parsed,
/// kinds resolved.
#[derive(Clone, Debug)]
pub struct Query {
    columns: Vec<ColumnPath>,
    /// Every (column, kind) the filter and the sort read.
    slots: filter::Slots,
    /// (slot, direction) per sort level.
    sort: Vec<(usize, Direction)>,
    filter: filter::Compiled,
}

impl Query {
    pub fn new(
        schema: &Schema,
        columns: &[ColumnPath],
        sort: &[SortBy],
        filter: &Filter,
    ) -> Result<Query, QueryError> {
        for c in columns {
            schema.kind_of(c)?;
        }
        let mut slots = Vec::new();
        let filter = filter.compile(schema, &mut slots)?;
        let sort = sort
            .iter()
            .map(|s| {
                let kind = schema.kind_of(&s.column)?;
                Ok((filter::slot_of(&mut slots, &s.column, kind), s.direction))
            })
            .collect::<Result<_, QueryError>>()?;
        Ok(Query {
            columns: columns.to_vec(),
            slots,
            sort,
            filter,
        })
    }

    /// Whether one record passes the filter.
    pub fn matches(&self, record: &Value) -> bool {
        let cells: Vec<Cell> = self
            .slots
            .iter()
            .map(|(path, kind)| Cell::read(*kind, path.lookup(record)))
            .collect();
        self.filter.eval(&|slot| &cells[slot])
    }

    /// Positions in `records` of those that pass the filter, in sort order;
    /// records that tie on every sort column keep their input order. Reads
    /// each needed cell once; to run many queries over the same records,
    /// use a [`Table`], which keeps the cells between runs.
    pub fn run(&self, records: &[Value]) -> Vec<usize> {
        self.run_by(records, |r| r)
    }

    /// [`Query::run`] over any records the caller can show as JSON.
    pub fn run_by<T>(&self, records: &[T], json: impl Fn(&T) -> &Value) -> Vec<usize> {
        let columns: Vec<Vec<Cell>> = self
            .slots
            .iter()
            .map(|(path, kind)| read_column(records, &json, path, *kind))
            .collect();
        let columns: Vec<&[Cell]> = columns.iter().map(Vec::as_slice).collect();
        self.run_on(&columns, records.len())
    }

    /// Filters and sorts rows `0..len` whose cells are `columns[slot][row]`.
    fn run_on(&self, columns: &[&[Cell]], len: usize) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..len)
            .filter(|&row| self.filter.eval(&|slot| &columns[slot][row]))
            .collect();
        // Stable: rows equal on every level keep their input order.
        rows.sort_by(|&a, &b| {
            self.sort
                .iter()
                .map(|&(slot, dir)| {
                    columns[slot][a].cmp_in(&columns[slot][b], dir == Direction::Descending)
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
        rows
    }

    /// The chosen columns.
    pub fn columns(&self) -> &[ColumnPath] {
        &self.columns
    }

    /// The record's value in each chosen column (`None` when missing), for
    /// the app to format.
    pub fn cells<'a>(&self, record: &'a Value) -> Vec<Option<&'a Value>> {
        self.columns.iter().map(|c| c.lookup(record)).collect()
    }
}

fn read_column<T>(
    records: &[T],
    json: impl Fn(&T) -> &Value,
    path: &ColumnPath,
    kind: FieldKind,
) -> Vec<Cell> {
    records
        .iter()
        .map(|r| Cell::read(kind, path.lookup(json(r))))
        .collect()
}

/// Records with their cells cached per (column, kind): the first query
/// that needs a column reads it from every record (path walk, folding,
/// number parsing); later queries only compare. Keep one per record list
/// and update it with the records.
#[derive(Clone, Debug, Default)]
pub struct Table {
    rows: Vec<Value>,
    cache: HashMap<(ColumnPath, FieldKind), Vec<Cell>>,
}

impl Table {
    pub fn new(rows: Vec<Value>) -> Table {
        Table {
            rows,
            cache: HashMap::new(),
        }
    }

    pub fn rows(&self) -> &[Value] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Replaces row `i` and its cached cells; out of range does nothing.
    pub fn set(&mut self, i: usize, row: Value) {
        if i >= self.rows.len() {
            return;
        }
        for ((path, kind), cells) in &mut self.cache {
            cells[i] = Cell::read(*kind, path.lookup(&row));
        }
        self.rows[i] = row;
    }

    /// Appends a row; its position is the old length.
    pub fn push(&mut self, row: Value) {
        for ((path, kind), cells) in &mut self.cache {
            cells.push(Cell::read(*kind, path.lookup(&row)));
        }
        self.rows.push(row);
    }

    /// Removes row `i`, moving the last row into its place (as
    /// `Vec::swap_remove`); out of range does nothing.
    pub fn swap_remove(&mut self, i: usize) {
        if i >= self.rows.len() {
            return;
        }
        for cells in self.cache.values_mut() {
            cells.swap_remove(i);
        }
        self.rows.swap_remove(i);
    }

    /// [`Query::run`] over the rows, reading only columns not yet cached.
    pub fn run(&mut self, query: &Query) -> Vec<usize> {
        for (path, kind) in &query.slots {
            if !self.cache.contains_key(&(path.clone(), *kind)) {
                let cells = read_column(&self.rows, |r| r, path, *kind);
                self.cache.insert((path.clone(), *kind), cells);
            }
        }
        let columns: Vec<&[Cell]> = query
            .slots
            .iter()
            .map(|(path, kind)| {
                self.cache
                    .get(&(path.clone(), *kind))
                    .map_or(&[][..], Vec::as_slice)
            })
            .collect();
        query.run_on(&columns, self.rows.len())
    }
}
