//! Column paths: "family_name", "address.city", "emails.0.address".

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::QueryError;

/// A dotted path into a record's JSON form, parsed once. A segment made of
/// digits also indexes arrays ("emails.0.address"); on an object it is an
/// ordinary key, so custom-field ids like "custom.123" still work.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ColumnPath {
    raw: String,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Segment {
    key: Box<str>,
    index: Option<usize>,
}

impl ColumnPath {
    pub fn parse(path: &str) -> Result<ColumnPath, QueryError> {
        if path.is_empty() {
            return Err(QueryError::EmptyPath);
        }
        let segments = path
            .split('.')
            .map(|key| {
                if key.is_empty() {
                    return Err(QueryError::EmptySegment {
                        path: path.to_owned(),
                    });
                }
                let index = if key.bytes().all(|b| b.is_ascii_digit()) {
                    key.parse().ok()
                } else {
                    None
                };
                Ok(Segment {
                    key: key.into(),
                    index,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ColumnPath {
            raw: path.to_owned(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The value at this path, or `None` when any step is absent or the
    /// value is `null`.
    pub fn lookup<'a>(&self, record: &'a Value) -> Option<&'a Value> {
        let mut at = record;
        for seg in &self.segments {
            at = match at {
                Value::Object(map) => map.get(&*seg.key)?,
                Value::Array(items) => items.get(seg.index?)?,
                _ => return None,
            };
        }
        (!at.is_null()).then_some(at)
    }

    /// The path with every array index replaced by `*`, as schemas name
    /// repeated fields ("emails.*.address").
    pub(super) fn pattern(&self) -> String {
        let mut out = String::with_capacity(self.raw.len());
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(if seg.index.is_some() { "*" } else { &seg.key });
        }
        out
    }
}

impl fmt::Display for ColumnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl TryFrom<String> for ColumnPath {
    type Error = QueryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ColumnPath::parse(&s)
    }
}

impl TryFrom<&str> for ColumnPath {
    type Error = QueryError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        ColumnPath::parse(s)
    }
}

impl From<ColumnPath> for String {
    fn from(p: ColumnPath) -> String {
        p.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_walk_objects_and_arrays() {
        let rec = json!({
            "family_name": "Lee",
            "address": {"city": "Lyon"},
            "emails": [{"address": "a@x.example"}, {"address": "b@x.example"}],
            "custom": {"123": "gold", "f_9": null},
            "amount": {"minor": 1250}
        });
        let get = |p: &str| ColumnPath::parse(p).unwrap().lookup(&rec).cloned();
        assert_eq!(get("family_name"), Some(json!("Lee")));
        assert_eq!(get("address.city"), Some(json!("Lyon")));
        assert_eq!(get("emails.1.address"), Some(json!("b@x.example")));
        assert_eq!(get("emails.2.address"), None);
        assert_eq!(get("custom.123"), Some(json!("gold")));
        assert_eq!(get("custom.f_9"), None, "null counts as missing");
        assert_eq!(get("amount.minor"), Some(json!(1250)));
        assert_eq!(get("family_name.x"), None);
        assert_eq!(get("emails.first"), None);
    }

    #[test]
    fn malformed_paths_are_refused() {
        assert_eq!(ColumnPath::parse(""), Err(QueryError::EmptyPath));
        assert_eq!(
            ColumnPath::parse("address..city"),
            Err(QueryError::EmptySegment {
                path: "address..city".into()
            })
        );
        assert!(ColumnPath::parse(".a").is_err());
    }

    #[test]
    fn paths_serialise_as_strings_and_patterns_star_indices() {
        let p = ColumnPath::parse("emails.0.address").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"emails.0.address\"");
        let back: ColumnPath = serde_json::from_str("\"emails.0.address\"").unwrap();
        assert_eq!(back, p);
        assert_eq!(p.pattern(), "emails.*.address");
        assert!(serde_json::from_str::<ColumnPath>("\"a..b\"").is_err());
    }
}
