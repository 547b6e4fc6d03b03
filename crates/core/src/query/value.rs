//! Typed readings of JSON cells: numbers with an exact total order, folded
//! text, ISO dates, booleans and tag lists, and the sort keys built from
//! them.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::search::pinyin::collation_key;
use crate::text::fold;

/// What a column holds; decides which operators apply and how values
/// compare. The app declares it per column in a [`super::Schema`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Compared folded (NFKC + lowercase); sorted with Han characters
    /// spelled in pinyin, so 李 < 王 < 张 and they interleave with Latin
    /// names. Numbers and booleans found in a text column are read as
    /// their JSON text.
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

/// Folded text, ordered by pinyin where it has Han characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Text {
    pub(super) folded: Box<str>,
    /// Set only for text with Han characters (see
    /// [`crate::search::pinyin::collation_key`]).
    collation: Option<Box<str>>,
}

impl Text {
    fn new(folded: String) -> Text {
        Text {
            collation: collation_key(&folded).map(String::into_boxed_str),
            folded: folded.into_boxed_str(),
        }
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        // The pinyin spelling first, then the folded text, so different
        // texts never tie.
        self.collation
            .as_deref()
            .unwrap_or(&self.folded)
            .cmp(other.collation.as_deref().unwrap_or(&other.folded))
            .then_with(|| self.folded.cmp(&other.folded))
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One cell read once for its column's kind: text and tags folded, numbers
/// parsed. `None` (or no tags) is a missing value: absent, null, blank, or
/// not readable as the kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Cell {
    Text(Option<Text>),
    Num(Option<Num>),
    Date(Option<Box<str>>),
    Bool(Option<bool>),
    Tags(Box<[Box<str>]>),
}

impl Cell {
    pub(super) fn read(kind: FieldKind, v: Option<&Value>) -> Cell {
        let folded = |s: &str| (!s.trim().is_empty()).then(|| fold(s).into_boxed_str());
        match kind {
            FieldKind::Text => Cell::Text(match v {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(Text::new(fold(s))),
                Some(Value::Number(n)) => Some(Text::new(n.to_string())),
                Some(Value::Bool(b)) => Some(Text::new(b.to_string())),
                _ => None,
            }),
            FieldKind::Number => Cell::Num(v.and_then(Num::from_json)),
            FieldKind::Date => Cell::Date(
                v.and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(Into::into),
            ),
            FieldKind::Bool => Cell::Bool(v.and_then(Value::as_bool)),
            FieldKind::Tags => {
                let one = v.and_then(Value::as_str).into_iter();
                let many = v
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str);
                Cell::Tags(one.chain(many).filter_map(folded).collect())
            }
        }
    }

    pub(super) fn is_missing(&self) -> bool {
        match self {
            Cell::Text(v) => v.is_none(),
            Cell::Date(v) => v.is_none(),
            Cell::Num(v) => v.is_none(),
            Cell::Bool(v) => v.is_none(),
            Cell::Tags(v) => v.is_empty(),
        }
    }

    /// Compares in `descending` order or not, with missing values last
    /// either way. Both cells come from one column, so are of one kind.
    pub(super) fn cmp_in(&self, other: &Cell, descending: bool) -> Ordering {
        let ord = match (self.is_missing(), other.is_missing()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => match (self, other) {
                (Cell::Text(a), Cell::Text(b)) => a.cmp(b),
                (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
                (Cell::Num(a), Cell::Num(b)) => a.cmp(b),
                (Cell::Bool(a), Cell::Bool(b)) => a.cmp(b),
                (Cell::Tags(a), Cell::Tags(b)) => a.cmp(b),
                _ => self.rank().cmp(&other.rank()),
            },
        };
        if descending { ord.reverse() } else { ord }
    }

    fn rank(&self) -> u8 {
        match self {
            Cell::Text(_) => 0,
            Cell::Num(_) => 1,
            Cell::Date(_) => 2,
            Cell::Bool(_) => 3,
            Cell::Tags(_) => 4,
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
    fn cells_are_missing_when_absent_blank_or_unreadable() {
        let missing = |k, v: Value| Cell::read(k, Some(&v)).is_missing();
        assert!(missing(FieldKind::Text, json!("  ")));
        assert!(!missing(FieldKind::Text, json!(0)));
        assert!(missing(FieldKind::Number, json!("n/a")));
        assert!(missing(FieldKind::Tags, json!([])));
        assert!(missing(FieldKind::Tags, json!([""])));
        assert!(!missing(FieldKind::Tags, json!("vip")));
        assert!(missing(FieldKind::Bool, json!("yes")));
        assert!(Cell::read(FieldKind::Date, None).is_missing());
        assert_eq!(
            Cell::read(FieldKind::Tags, Some(&json!(["VIP", 3, "Nord"]))),
            Cell::Tags(vec!["vip".into(), "nord".into()].into())
        );
    }

    #[test]
    fn han_text_sorts_by_pinyin_among_latin() {
        let text = |s: &str| Cell::read(FieldKind::Text, Some(&json!(s)));
        let mut names = ["张伟", "Wang", "李明", "Lin", "王芳", "li", "Zoe"]
            .map(text)
            .to_vec();
        names.sort_by(|a, b| a.cmp_in(b, false));
        let back: Vec<&str> = names
            .iter()
            .map(|c| match c {
                Cell::Text(Some(t)) => &*t.folded,
                _ => "",
            })
            .collect();
        assert_eq!(back, ["li", "李明", "lin", "wang", "王芳", "张伟", "zoe"]);
    }

    #[test]
    fn missing_sorts_last_in_both_directions() {
        let a = Cell::read(FieldKind::Number, Some(&json!(1)));
        let b = Cell::read(FieldKind::Number, Some(&json!(2)));
        let m = Cell::read(FieldKind::Number, None);
        assert_eq!(a.cmp_in(&m, false), Ordering::Less);
        assert_eq!(a.cmp_in(&m, true), Ordering::Less);
        assert_eq!(m.cmp_in(&a, true), Ordering::Greater);
        assert_eq!(a.cmp_in(&b, true), Ordering::Greater);
    }
}
