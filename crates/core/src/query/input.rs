//! What a table's filter builder offers and how it reads what the user
//! typed: the operators that fit a column's kind, and a typed
//! [`Condition`] from an operator and a line of text.

use serde_json::Value;

use super::{ColumnPath, Condition, FieldKind, Operand, Operator, QueryError};

impl Operator {
    /// The operators that apply to a column of `kind`, commonest first.
    pub fn for_kind(kind: FieldKind) -> &'static [Operator] {
        use Operator as O;
        match kind {
            FieldKind::Text => &[
                O::Contains,
                O::Equals,
                O::NotEquals,
                O::StartsWith,
                O::In,
                O::IsEmpty,
                O::IsNotEmpty,
            ],
            FieldKind::Number => &[
                O::Equals,
                O::NotEquals,
                O::Gt,
                O::Ge,
                O::Lt,
                O::Le,
                O::Between,
                O::In,
                O::IsEmpty,
                O::IsNotEmpty,
            ],
            FieldKind::Date => &[
                O::Equals,
                O::NotEquals,
                O::Gt,
                O::Ge,
                O::Lt,
                O::Le,
                O::Between,
                O::IsEmpty,
                O::IsNotEmpty,
            ],
            FieldKind::Bool => &[O::Equals, O::NotEquals, O::IsEmpty, O::IsNotEmpty],
            FieldKind::Tags => &[O::HasTag, O::Contains, O::In, O::IsEmpty, O::IsNotEmpty],
        }
    }

    /// Whether the operator takes no value (so the builder hides the input).
    pub fn takes_value(self) -> bool {
        !matches!(self, Operator::IsEmpty | Operator::IsNotEmpty)
    }

    /// A stable name for the operator (its JSON form), for form values.
    pub fn key(self) -> &'static str {
        use Operator as O;
        match self {
            O::Equals => "equals",
            O::NotEquals => "not_equals",
            O::Contains => "contains",
            O::StartsWith => "starts_with",
            O::IsEmpty => "is_empty",
            O::IsNotEmpty => "is_not_empty",
            O::Gt => "gt",
            O::Ge => "ge",
            O::Lt => "lt",
            O::Le => "le",
            O::Between => "between",
            O::In => "in",
            O::HasTag => "has_tag",
        }
    }

    /// The operator named by [`Operator::key`].
    pub fn from_key(key: &str) -> Option<Operator> {
        ALL.iter().copied().find(|o| o.key() == key)
    }
}

const ALL: [Operator; 13] = [
    Operator::Equals,
    Operator::NotEquals,
    Operator::Contains,
    Operator::StartsWith,
    Operator::IsEmpty,
    Operator::IsNotEmpty,
    Operator::Gt,
    Operator::Ge,
    Operator::Lt,
    Operator::Le,
    Operator::Between,
    Operator::In,
    Operator::HasTag,
];

/// Splits a typed list on ASCII and Chinese commas and the ideographic
/// enumeration comma, dropping blanks.
fn items(text: &str) -> Vec<&str> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The two ends of a typed range: "10..20", "10 - 20", "10,20" or
/// "2024-01-01..2024-03-31".
fn range(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    if let Some((a, b)) = text.split_once("..") {
        return Some((a.trim(), b.trim()));
    }
    if let [a, b] = items(text)[..] {
        return Some((a, b));
    }
    // "10 - 20": a dash with spaces, so "-5" and dates stay whole.
    text.split_once(" - ").map(|(a, b)| (a.trim(), b.trim()))
}

fn number(text: &str) -> Option<Value> {
    let text = text.trim().replace([',', '_', ' '], "");
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Value::from)
}

fn boolean(text: &str) -> Option<bool> {
    match crate::text::fold(text.trim()).as_str() {
        "true" | "yes" | "y" | "1" | "是" | "真" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "假" => Some(false),
        _ => None,
    }
}

impl Condition {
    /// A condition from the builder's inputs: `text` is read as `kind`
    /// needs for `op` (a number, an ISO date, yes/no, a comma-separated
    /// list for `in`, "low..high" for `between`). Reports the operand the
    /// operator needs when the text does not fit; the query then checks
    /// the rest (an operator that does not fit the kind, an inverted
    /// range).
    pub fn from_input(
        column: ColumnPath,
        kind: FieldKind,
        op: Operator,
        text: &str,
    ) -> Result<Condition, QueryError> {
        let bad = |expected: Operand| QueryError::BadOperand {
            column: column.to_string(),
            op,
            expected,
        };
        let one = |t: &str| -> Option<Value> {
            let t = t.trim();
            match kind {
                FieldKind::Number => number(t),
                FieldKind::Bool => boolean(t).map(Value::Bool),
                FieldKind::Date | FieldKind::Text | FieldKind::Tags => {
                    (!t.is_empty()).then(|| Value::String(t.to_owned()))
                }
            }
        };
        let value = match op {
            Operator::IsEmpty | Operator::IsNotEmpty => Value::Null,
            Operator::Between => {
                let (a, b) = range(text).ok_or_else(|| bad(Operand::Pair(kind)))?;
                let (a, b) = one(a).zip(one(b)).ok_or_else(|| bad(Operand::Pair(kind)))?;
                Value::Array(vec![a, b])
            }
            Operator::In => {
                let list: Option<Vec<Value>> = items(text).into_iter().map(one).collect();
                match list {
                    Some(list) if !list.is_empty() => Value::Array(list),
                    _ => return Err(bad(Operand::List(kind))),
                }
            }
            _ => one(text).ok_or_else(|| bad(Operand::One(kind)))?,
        };
        Ok(Condition { column, op, value })
    }

    /// The operand as the user would type it back (for editing a saved
    /// view's filter).
    pub fn input_text(&self) -> String {
        let plain = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        match (&self.op, &self.value) {
            (Operator::Between, Value::Array(a)) if a.len() == 2 => {
                format!("{}..{}", plain(&a[0]), plain(&a[1]))
            }
            (_, Value::Array(a)) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
            (_, v) => plain(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{Filter, Query, Schema};
    use serde_json::json;

    fn col(p: &str) -> ColumnPath {
        ColumnPath::parse(p).unwrap()
    }

    #[test]
    fn every_offered_operator_compiles_for_its_kind() {
        for kind in [
            FieldKind::Text,
            FieldKind::Number,
            FieldKind::Date,
            FieldKind::Bool,
            FieldKind::Tags,
        ] {
            let schema = Schema::new("x").field("c", kind);
            let (one, range, list) = match kind {
                FieldKind::Number => ("1", "1..5", "1, 5"),
                FieldKind::Date => ("2024-01-01", "2024-01-01..2024-02-01", ""),
                FieldKind::Bool => ("yes", "", ""),
                _ => ("a", "", "a, b"),
            };
            for &op in Operator::for_kind(kind) {
                let text = match op {
                    Operator::Between => range,
                    Operator::In => list,
                    _ => one,
                };
                let c = Condition::from_input(col("c"), kind, op, text)
                    .unwrap_or_else(|e| panic!("{kind:?} {op:?}: {e}"));
                Query::new(&schema, &[], &[], &Filter::Condition(c))
                    .unwrap_or_else(|e| panic!("{kind:?} {op:?}: {e}"));
            }
            assert_eq!(
                Operator::from_key(Operator::for_kind(kind)[0].key()),
                Some(Operator::for_kind(kind)[0])
            );
        }
    }

    #[test]
    fn typed_text_becomes_a_typed_operand() {
        let c = Condition::from_input(col("n"), FieldKind::Number, Operator::Ge, "1,000").unwrap();
        assert_eq!(c.value, json!(1000));
        let c = Condition::from_input(col("n"), FieldKind::Number, Operator::Between, "10 .. 20.5")
            .unwrap();
        assert_eq!(c.value, json!([10, 20.5]));
        assert_eq!(c.input_text(), "10..20.5");
        let c = Condition::from_input(col("t"), FieldKind::Text, Operator::In, "上海，北京, Lyon")
            .unwrap();
        assert_eq!(c.value, json!(["上海", "北京", "Lyon"]));
        let c = Condition::from_input(col("b"), FieldKind::Bool, Operator::Equals, "是").unwrap();
        assert_eq!(c.value, json!(true));
        let c =
            Condition::from_input(col("t"), FieldKind::Text, Operator::IsEmpty, "ignored").unwrap();
        assert_eq!(c.value, Value::Null);
    }

    #[test]
    fn text_that_does_not_fit_is_reported_with_the_operand_needed() {
        let e =
            Condition::from_input(col("n"), FieldKind::Number, Operator::Gt, "lots").unwrap_err();
        assert_eq!(
            e,
            QueryError::BadOperand {
                column: "n".into(),
                op: Operator::Gt,
                expected: Operand::One(FieldKind::Number)
            }
        );
        assert!(
            Condition::from_input(col("n"), FieldKind::Number, Operator::Between, "5").is_err()
        );
        assert!(Condition::from_input(col("t"), FieldKind::Text, Operator::Equals, "  ").is_err());
        assert!(Condition::from_input(col("t"), FieldKind::Text, Operator::In, " , ").is_err());
    }
}
