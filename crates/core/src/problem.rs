//! Validation problems shared by the record types added after contacts
//! (companies, deals, pipelines, activities, tasks, tickets). Each record
//! type has its own `Field` enum saying which input is wrong; [`Problem`]
//! says what is wrong with it. Neither is a sentence: the UI maps both to
//! translated text.

use std::fmt;

use crate::company::UsccError;
use crate::custom_field::CustomFieldError;
use crate::pipeline::PipelineError;

/// What is wrong with one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// Empty but must be filled in.
    Required,
    /// Longer than `max` characters (Unicode scalar values, not bytes).
    TooLong {
        max: usize,
    },
    /// More than `max` entries; reported on the first one over the limit.
    TooMany {
        max: usize,
    },
    /// Repeats an earlier entry (a stage name, a linked id).
    Duplicate,
    InvalidEmail,
    InvalidPhone,
    /// Not an `http`/`https` address with a plausible host.
    InvalidUrl,
    /// Not a plausible domain name such as "example.com".
    InvalidDomain,
    /// A postcode that does not fit its country (six digits in China).
    InvalidPostcode,
    /// A unified social credit code that fails the GB 32100-2015 rules.
    InvalidUscc(UsccError),
    /// An amount that must not be negative is.
    Negative,
    /// A number outside `min..=max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// A time that comes before the one it must follow (an end before its
    /// start, an update before the creation).
    BeforeStart,
    /// A choice that does not suit another field (a "no answer" outcome on
    /// a meeting).
    Unsuitable,
    /// Points at a pipeline or stage that does not exist.
    UnknownReference,
    /// A pipeline's stages break a rule of [`crate::pipeline`].
    Pipeline(PipelineError),
    /// A custom field value that does not fit its definition.
    Custom(CustomFieldError),
}

/// One problem with one input of a record whose inputs are named by `F`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldProblem<F> {
    pub field: F,
    pub problem: Problem,
}

/// Every problem found in a record, in field order. Validation reports all
/// of them at once so a form can mark each offending input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems<F>(pub Vec<FieldProblem<F>>);

impl<F> Default for Problems<F> {
    fn default() -> Self {
        Problems(Vec::new())
    }
}

impl<F: Copy + PartialEq> Problems<F> {
    pub fn push(&mut self, field: F, problem: Problem) {
        self.0.push(FieldProblem { field, problem });
    }

    /// The problems reported for one field.
    pub fn for_field(&self, field: F) -> impl Iterator<Item = Problem> + '_ {
        self.0
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.problem)
    }

    pub fn contains(&self, field: F, problem: Problem) -> bool {
        self.0.contains(&FieldProblem { field, problem })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was found.
    pub fn into_result(self) -> Result<(), Problems<F>> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// For logs only; the UI maps fields and problems to translated text.
impl<F: fmt::Debug> fmt::Display for Problems<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid record:")?;
        for (i, e) in self.0.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}{:?} {:?}", e.field, e.problem)?;
        }
        Ok(())
    }
}

impl<F: fmt::Debug> std::error::Error for Problems<F> {}

/// Whether `s` has more than `max` characters. Cheap byte check first: a
/// string of at most `max` bytes has at most `max` chars.
pub(crate) fn too_long(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// Checks a list of tags: at most `MAX_TAGS`, each non-empty and at most
/// `MAX_TAG_CHARS` long. Same limits as contact tags.
pub(crate) fn check_tags<F: Copy + PartialEq>(
    tags: &[String],
    field: impl Fn(usize) -> F,
    out: &mut Problems<F>,
) {
    use crate::contact::{MAX_TAG_CHARS, MAX_TAGS};
    for (i, tag) in tags.iter().enumerate() {
        if i == MAX_TAGS {
            out.push(field(i), Problem::TooMany { max: MAX_TAGS });
        }
        if tag.trim().is_empty() {
            out.push(field(i), Problem::Required);
        } else if too_long(tag, MAX_TAG_CHARS) {
            out.push(field(i), Problem::TooLong { max: MAX_TAG_CHARS });
        }
    }
}

/// Collapses whitespace in each tag, drops empty ones and those that repeat
/// an earlier tag case-insensitively (keeping the first spelling), as for
/// contacts.
pub(crate) fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    use crate::text::{collapse_whitespace, fold};
    let mut seen = std::collections::HashSet::with_capacity(tags.len());
    tags.iter()
        .map(|t| collapse_whitespace(t))
        .filter(|t| !t.is_empty() && seen.insert(fold(t)))
        .collect()
}

/// Keeps the first occurrence of each id, in order.
pub(crate) fn dedup_ids(ids: Vec<uuid::Uuid>) -> Vec<uuid::Uuid> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.into_iter()
        .filter(|id| !id.is_nil() && seen.insert(*id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum F {
        Name,
        Tag(usize),
    }

    #[test]
    fn problems_filter_by_field_and_turn_into_results() {
        let mut p = Problems::default();
        assert_eq!(p.clone().into_result(), Ok(()));
        p.push(F::Name, Problem::Required);
        p.push(F::Tag(1), Problem::TooLong { max: 50 });
        assert!(p.contains(F::Name, Problem::Required));
        assert_eq!(
            p.for_field(F::Tag(1)).collect::<Vec<_>>(),
            [Problem::TooLong { max: 50 }]
        );
        assert_eq!(
            p.to_string(),
            "invalid record: Name Required; Tag(1) TooLong { max: 50 }"
        );
        assert!(p.into_result().is_err());
    }

    #[test]
    fn tags_are_checked_and_normalised_like_contact_tags() {
        let mut p = Problems::default();
        check_tags(&["ok".into(), " ".into(), "x".repeat(51)], F::Tag, &mut p);
        assert_eq!(
            p.0,
            [
                FieldProblem {
                    field: F::Tag(1),
                    problem: Problem::Required
                },
                FieldProblem {
                    field: F::Tag(2),
                    problem: Problem::TooLong { max: 50 }
                }
            ]
        );
        let tags = vec!["VIP".into(), " vip ".into(), "".into(), "大 客户".into()];
        assert_eq!(normalize_tags(tags), ["VIP", "大 客户"]);
    }

    #[test]
    fn dedup_ids_keeps_first_and_drops_nil() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(dedup_ids(vec![a, Uuid::nil(), b, a]), [a, b]);
    }
}
