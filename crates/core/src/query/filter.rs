//! Filters: a tree of AND / OR / NOT groups over conditions, checked once
//! against the schema ([`Filter::compile`]) and then evaluated per record
//! without re-parsing paths or operands.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::value::{Cell, FieldKind, Num};
use super::{ColumnPath, QueryError, Schema};
use crate::text::fold;

/// A filter tree. `And([])` (the default) matches everything, `Or([])`
/// nothing.
///
/// JSON: `{"and": [{"condition": {"column": "address.city", "op":
/// "equals", "value": "Lyon"}}, {"or": [...]}]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Condition(Condition),
}

impl Default for Filter {
    fn default() -> Filter {
        Filter::And(Vec::new())
    }
}

/// One test on one column. `value` depends on the operator: none for
/// `is_empty` / `is_not_empty`, `[low, high]` (inclusive) for `between`, a
/// list for `in`, a single value otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub column: ColumnPath,
    pub op: Operator,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub value: Value,
}

/// Condition operators. Which apply depends on the column's
/// [`FieldKind`]:
///
/// | kind   | operators |
/// |--------|-----------|
/// | text   | equals, not_equals, contains, starts_with, in, is_empty, is_not_empty |
/// | number | equals, not_equals, gt, ge, lt, le, between, in, is_empty, is_not_empty |
/// | date   | equals, not_equals, gt, ge, lt, le, between, is_empty, is_not_empty |
/// | bool   | equals, not_equals, is_empty, is_not_empty |
/// | tags   | has_tag, contains, in (has any), is_empty, is_not_empty |
///
/// Text and tags compare folded (NFKC + lowercase). Dates compare as ISO
/// strings cut to the operand's length, so `equals "2024-05"` is the whole
/// month and `le "2024-05-31"` includes that whole day. A missing value
/// matches only `is_empty` and `not_equals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    IsEmpty,
    IsNotEmpty,
    Gt,
    Ge,
    Lt,
    Le,
    Between,
    In,
    HasTag,
}

/// The shape of operand an operator needs, reported in
/// [`QueryError::BadOperand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operand {
    /// No value (`is_empty`, `is_not_empty`).
    Nothing,
    /// One value of the column's kind.
    One(FieldKind),
    /// `[low, high]` of the column's kind, low ≤ high.
    Pair(FieldKind),
    /// A list of values of the column's kind.
    List(FieldKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Ne => ord != Equal,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
        }
    }
}

/// A condition with its operand parsed and folded.
#[derive(Clone, Debug)]
pub(super) enum Test {
    Empty,
    NotEmpty,
    TextEq(Box<str>),
    TextNe(Box<str>),
    TextContains(Box<str>),
    TextStarts(Box<str>),
    TextIn(Vec<Box<str>>),
    Num(Cmp, Num),
    NumBetween(Num, Num),
    NumIn(Vec<Num>),
    Date(Cmp, Box<str>),
    DateBetween(Box<str>, Box<str>),
    Bool(Cmp, bool),
    HasTag(Box<str>),
    TagContains(Box<str>),
    TagIn(Vec<Box<str>>),
}

/// A filter checked against a schema, ready to evaluate.
#[derive(Clone, Debug)]
pub(super) enum Compiled {
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
    Not(Box<Compiled>),
    /// `slot` indexes the query's list of (column, kind) cells.
    Cond {
        slot: usize,
        test: Test,
    },
}

/// The (column, kind) pairs a query reads; each is read once per row.
pub(super) type Slots = Vec<(ColumnPath, FieldKind)>;

/// The slot of `column`, adding it when new.
pub(super) fn slot_of(slots: &mut Slots, column: &ColumnPath, kind: FieldKind) -> usize {
    match slots.iter().position(|(c, k)| c == column && *k == kind) {
        Some(i) => i,
        None => {
            slots.push((column.clone(), kind));
            slots.len() - 1
        }
    }
}

impl Filter {
    /// A condition leaf.
    pub fn condition(column: ColumnPath, op: Operator, value: Value) -> Filter {
        Filter::Condition(Condition { column, op, value })
    }

    pub(super) fn compile(
        &self,
        schema: &Schema,
        slots: &mut Slots,
    ) -> Result<Compiled, QueryError> {
        let mut all = |fs: &[Filter]| -> Result<Vec<Compiled>, QueryError> {
            fs.iter().map(|f| f.compile(schema, slots)).collect()
        };
        Ok(match self {
            Filter::And(fs) => Compiled::And(all(fs)?),
            Filter::Or(fs) => Compiled::Or(all(fs)?),
            Filter::Not(f) => Compiled::Not(Box::new(f.compile(schema, slots)?)),
            Filter::Condition(c) => {
                let kind = schema.kind_of(&c.column)?;
                let test = c.compile(kind)?;
                Compiled::Cond {
                    slot: slot_of(slots, &c.column, kind),
                    test,
                }
            }
        })
    }
}

impl Condition {
    fn compile(&self, kind: FieldKind) -> Result<Test, QueryError> {
        use FieldKind as K;
        use Operator as O;
        let bad = |expected: Operand| QueryError::BadOperand {
            column: self.column.to_string(),
            op: self.op,
            expected,
        };
        let one = || bad(Operand::One(kind));
        let text = |v: &Value| -> Result<Box<str>, QueryError> {
            v.as_str().map(|s| fold(s).into()).ok_or_else(one)
        };
        let num = |v: &Value| match v {
            Value::Number(_) => Num::from_json(v).ok_or_else(one),
            _ => Err(one()),
        };
        let iso = |v: &Value| -> Result<Box<str>, QueryError> {
            v.as_str()
                .filter(|s| looks_like_iso_date(s))
                .map(Into::into)
                .ok_or_else(one)
        };
        let pair = || match &self.value {
            Value::Array(items) if items.len() == 2 => Ok((&items[0], &items[1])),
            _ => Err(bad(Operand::Pair(kind))),
        };
        let list = || match &self.value {
            Value::Array(items) => Ok(items),
            _ => Err(bad(Operand::List(kind))),
        };
        let inverted = || QueryError::InvertedRange {
            column: self.column.to_string(),
        };
        let cmp = match self.op {
            O::Equals => Some(Cmp::Eq),
            O::NotEquals => Some(Cmp::Ne),
            O::Gt => Some(Cmp::Gt),
            O::Ge => Some(Cmp::Ge),
            O::Lt => Some(Cmp::Lt),
            O::Le => Some(Cmp::Le),
            _ => None,
        };
        let v = &self.value;

        let as_list = |_| bad(Operand::List(kind));
        let tag = |v: &Value| text(v).map_err(|_| bad(Operand::One(K::Text)));
        let test = match (kind, self.op, cmp) {
            (_, O::IsEmpty | O::IsNotEmpty, _) => {
                if !v.is_null() {
                    return Err(bad(Operand::Nothing));
                }
                if self.op == O::IsEmpty {
                    Test::Empty
                } else {
                    Test::NotEmpty
                }
            }
            (K::Text, O::Equals, _) => Test::TextEq(text(v)?),
            (K::Text, O::NotEquals, _) => Test::TextNe(text(v)?),
            (K::Text, O::Contains, _) => Test::TextContains(text(v)?),
            (K::Text, O::StartsWith, _) => Test::TextStarts(text(v)?),
            (K::Text, O::In, _) => Test::TextIn(
                list()?
                    .iter()
                    .map(text)
                    .collect::<Result<_, _>>()
                    .map_err(as_list)?,
            ),
            (K::Number, O::Between, _) => {
                let (lo, hi) = pair()?;
                let (lo, hi) = (num(lo)?, num(hi)?);
                if lo > hi {
                    return Err(inverted());
                }
                Test::NumBetween(lo, hi)
            }
            (K::Number, O::In, _) => Test::NumIn(
                list()?
                    .iter()
                    .map(num)
                    .collect::<Result<_, _>>()
                    .map_err(as_list)?,
            ),
            (K::Number, _, Some(c)) => Test::Num(c, num(v)?),
            (K::Date, O::Between, _) => {
                let (lo, hi) = pair()?;
                let (lo, hi) = (iso(lo)?, iso(hi)?);
                if lo > hi {
                    return Err(inverted());
                }
                Test::DateBetween(lo, hi)
            }
            (K::Date, _, Some(c)) => Test::Date(c, iso(v)?),
            (K::Bool, O::Equals | O::NotEquals, Some(c)) => {
                Test::Bool(c, v.as_bool().ok_or_else(one)?)
            }
            (K::Tags, O::HasTag, _) => Test::HasTag(tag(v)?),
            (K::Tags, O::Contains, _) => Test::TagContains(tag(v)?),
            (K::Tags, O::In, _) => Test::TagIn(
                list()?
                    .iter()
                    .map(tag)
                    .collect::<Result<_, _>>()
                    .map_err(|_| bad(Operand::List(K::Text)))?,
            ),
            _ => {
                return Err(QueryError::OperatorNotForKind {
                    column: self.column.to_string(),
                    op: self.op,
                    kind,
                });
            }
        };
        Ok(test)
    }
}

/// "2024", "2024-05", "2024-05-01", "2024-05-01T09:30:00Z", …: four digits,
/// then only characters an ISO 8601 date-time uses.
fn looks_like_iso_date(s: &str) -> bool {
    s.len() >= 4
        && s.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'T' | b'Z' | b'+'))
}

/// `value` cut to `operand`'s length (dates compare at the operand's
/// precision).
fn cut<'a>(value: &'a str, operand: &str) -> &'a str {
    value.get(..operand.len()).unwrap_or(value)
}

impl Compiled {
    /// Whether the row whose cells `cell(slot)` returns passes.
    pub(super) fn eval<'c>(&self, cell: &impl Fn(usize) -> &'c Cell) -> bool {
        match self {
            Compiled::And(cs) => cs.iter().all(|c| c.eval(cell)),
            Compiled::Or(cs) => cs.iter().any(|c| c.eval(cell)),
            Compiled::Not(c) => !c.eval(cell),
            Compiled::Cond { slot, test } => test.eval(cell(*slot)),
        }
    }
}

impl Test {
    fn eval(&self, cell: &Cell) -> bool {
        let text = || match cell {
            Cell::Text(Some(t)) => Some(&*t.folded),
            _ => None,
        };
        let num = || match cell {
            Cell::Num(n) => *n,
            _ => None,
        };
        let date = || match cell {
            Cell::Date(d) => d.as_deref(),
            _ => None,
        };
        let tags: &[Box<str>] = match cell {
            Cell::Tags(t) => t,
            _ => &[],
        };
        match self {
            Test::Empty => cell.is_missing(),
            Test::NotEmpty => !cell.is_missing(),
            Test::TextEq(s) => text() == Some(&**s),
            Test::TextNe(s) => text() != Some(&**s),
            Test::TextContains(s) => text().is_some_and(|t| t.contains(&**s)),
            Test::TextStarts(s) => text().is_some_and(|t| t.starts_with(&**s)),
            Test::TextIn(list) => text().is_some_and(|t| list.iter().any(|s| **s == *t)),
            Test::Num(cmp, n) => match num() {
                Some(v) => cmp.holds(v.cmp(n)),
                None => *cmp == Cmp::Ne,
            },
            Test::NumBetween(lo, hi) => num().is_some_and(|v| *lo <= v && v <= *hi),
            Test::NumIn(list) => num().is_some_and(|v| list.contains(&v)),
            Test::Date(cmp, d) => match date() {
                Some(v) => cmp.holds(cut(v, d).cmp(d)),
                None => *cmp == Cmp::Ne,
            },
            Test::DateBetween(lo, hi) => {
                date().is_some_and(|v| cut(v, lo) >= &**lo && cut(v, hi) <= &**hi)
            }
            Test::Bool(cmp, b) => match cell {
                Cell::Bool(Some(v)) => cmp.holds(v.cmp(b)),
                _ => *cmp == Cmp::Ne,
            },
            Test::HasTag(t) => tags.contains(t),
            Test::TagContains(t) => tags.iter().any(|s| s.contains(&**t)),
            Test::TagIn(list) => tags.iter().any(|s| list.contains(s)),
        }
    }
}
