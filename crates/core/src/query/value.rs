//! Typed readings of JSON cells: numbers with an exact total order, folded
//! text, ISO dates, booleans and tag lists, and the sort keys built from
//! them.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::fold_into;

/// What a column holds; decides which operators apply and how values
/// compare. The app declares it per column in a [`super::Schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Compared folded (NFKC + lowercase). Numbers and booleans found in
    /// a text column are read as their JSON text.
    Text,
    /// JSON numbers (integers exactly, e.g. money in minor units); a string
    /// that parses as a number is read as one.
    Number,
    /// ISO 8601 strings ("2024-05-01", "2024-05-01T09:30:00Z"), compared as
    /// strings.
    Date,
    Bool,
    /// An array of strings (a single string counts as one tag), compared
    /// folded.
    Tags,
}

/// A number with a total order that is exact between integers: the `f64`
/// orders, and the exact integer breaks ties between large integers that
/// round to the same `f64`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Num {
    approx: f64,
    exact: Option<i64>,
}

impl Num {
    pub(super) fn from_json(v: &Value) -> Option<Num> {
        match v {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(Num::int(i)),
                None => n.as_f64().map(Num::float),
            },
            Value::String(s) => {
                let s = s.trim();
                match s.parse::<i64>() {
                    Ok(i) => Some(Num::int(i)),
                    Err(_) => s
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(Num::float),
                }
            }
            _ => None,
        }
    }

    fn int(i: i64) -> Num {
        Num {
            approx: i as f64,
            exact: Some(i),
        }
    }

    fn float(f: f64) -> Num {
        // Integral floats in range become integers, so 3.0 equals 3 and -0.0
        // equals 0.
        if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
            Num::int(f as i64)
        } else {
            Num {
                approx: f,
                exact: None,
            }
        }
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Num) -> Ordering {
        self.approx
            .total_cmp(&other.approx)
            .then_with(|| self.exact.cmp(&other.exact))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Num {}

/// The text of a cell for a text column, folded into `out` (cleared
/// first); false when the cell has no text.
pub(super) fn fold_text(v: Option<&Value>, out: &mut String) -> bool {
    out.clear();
    match v {
        Some(Value::String(s)) => fold_into(s, out),
        Some(Value::Number(n)) => out.push_str(&n.to_string()),
        Some(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        _ => {}
    }
    !out.is_empty()
}

/// The non-empty strings of a tags cell.
pub(super) fn tags(v: Option<&Value>) -> impl Iterator<Item = &str> {
    let (one, many) = match v {
        Some(Value::String(s)) => (Some(s.as_str()), None),
        Some(Value::Array(items)) => (None, Some(items.iter().filter_map(Value::as_str))),
        _ => (None, None),
    };
    one.into_iter()
        .chain(many.into_iter().flatten())
        .filter(|s| !s.is_empty())
}

/// The non-empty ISO string of a date cell.
pub(super) fn date(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Whether a cell counts as empty for `is_empty`: absent, null, an empty
/// or blank string, an empty array or object, or a value the column's kind
/// cannot read.
pub(super) fn is_empty(kind: FieldKind, v: Option<&Value>) -> bool {
    match (kind, v) {
        (_, None) => true,
        (FieldKind::Text, Some(Value::String(s))) => s.trim().is_empty(),
        (FieldKind::Text, Some(Value::Number(_) | Value::Bool(_))) => false,
        (FieldKind::Text, Some(_)) => true,
        (FieldKind::Number, v) => Num::from_json(v.unwrap_or(&Value::Null)).is_none(),
        (FieldKind::Date, v) => date(v).is_none_or(|s| s.trim().is_empty()),
        (FieldKind::Bool, Some(v)) => !v.is_boolean(),
        (FieldKind::Tags, v) => tags(v).next().is_none(),
    }
}

/// A precomputed sort key for one cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SortValue {
    Bool(bool),
    Num(Num),
    Text(Box<str>),
    Missing,
}

impl SortValue {
    pub(super) fn of(kind: FieldKind, v: Option<&Value>) -> SortValue {
        if is_empty(kind, v) {
            return SortValue::Missing;
        }
        match kind {
            FieldKind::Text => {
                let mut s = String::new();
                fold_text(v, &mut s);
                SortValue::Text(s.into())
            }
            FieldKind::Number => v
                .and_then(Num::from_json)
                .map_or(SortValue::Missing, SortValue::Num),
            FieldKind::Date => date(v).map_or(SortValue::Missing, |s| SortValue::Text(s.into())),
            FieldKind::Bool => v
                .and_then(Value::as_bool)
                .map_or(SortValue::Missing, SortValue::Bool),
            FieldKind::Tags => {
                let mut s = String::new();
                for tag in tags(v) {
                    fold_into(tag, &mut s);
                    s.push('\n');
                }
                SortValue::Text(s.into())
            }
        }
    }

    /// Compares in `descending` order or not, with missing values last
    /// either way.
    pub(super) fn cmp_in(&self, other: &SortValue, descending: bool) -> Ordering {
        match (self, other) {
            (SortValue::Missing, SortValue::Missing) => Ordering::Equal,
            (SortValue::Missing, _) => Ordering::Greater,
            (_, SortValue::Missing) => Ordering::Less,
            _ if descending => other.cmp(self),
            _ => self.cmp(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(v: Value) -> Num {
        Num::from_json(&v).unwrap()
    }

    #[test]
    fn numbers_compare_exactly_and_across_representations() {
        assert_eq!(num(json!(3)), num(json!(3.0)));
        assert_eq!(num(json!(0)), num(json!(-0.0)));
        assert_eq!(num(json!("42")), num(json!(42)));
        assert!(num(json!(2.5)) < num(json!(3)));
        assert!(num(json!(-1)) < num(json!(0.5)));
        let big = 9_007_199_254_740_993_i64; // 2^53 + 1 rounds to 2^53 as f64
        assert!(num(json!(big - 1)) < num(json!(big)));
        assert!(num(json!(u64::MAX)) > num(json!(i64::MAX)));
        assert!(Num::from_json(&json!("abc")).is_none());
        assert!(Num::from_json(&json!(true)).is_none());
    }

    #[test]
    fn emptiness_depends_on_the_kind() {
        assert!(is_empty(FieldKind::Text, Some(&json!("  "))));
        assert!(!is_empty(FieldKind::Text, Some(&json!(0))));
        assert!(is_empty(FieldKind::Number, Some(&json!("n/a"))));
        assert!(is_empty(FieldKind::Tags, Some(&json!([]))));
        assert!(is_empty(FieldKind::Tags, Some(&json!([""]))));
        assert!(!is_empty(FieldKind::Tags, Some(&json!("vip"))));
        assert!(is_empty(FieldKind::Bool, Some(&json!("yes"))));
        assert!(is_empty(FieldKind::Date, None));
    }

    #[test]
    fn missing_sorts_last_in_both_directions() {
        let a = SortValue::of(FieldKind::Number, Some(&json!(1)));
        let m = SortValue::of(FieldKind::Number, None);
        assert_eq!(a.cmp_in(&m, false), Ordering::Less);
        assert_eq!(a.cmp_in(&m, true), Ordering::Less);
        assert_eq!(m.cmp_in(&a, true), Ordering::Greater);
    }
}
