//! Activities: what happened with a customer — a call, a meeting, an email
//! or a note — linked by id to any number of contacts, companies and deals,
//! with a start time, a duration, an outcome and notes. Timelines on the
//! contact, company and deal pages are built from these.
//!
//! The three link lists are separate top-level fields, so linking a deal on
//! one device and a contact on another both survive a merge.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::custom_field::{
    CustomFieldDef, CustomValues, RecordKind, check_custom, normalize_custom,
};
use crate::problem::{Problem, Problems, dedup_ids, too_long};
use crate::record::{ACTIVITY_NAMESPACE, impl_record};
use crate::text::collapse_whitespace;

/// Per list of linked records.
pub const MAX_LINKS: usize = 100;
/// A week: longer "meetings" are mistakes (or conferences, kept as notes).
pub const MAX_DURATION_MINUTES: u32 = 7 * 24 * 60;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Activity {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub subject: String,
    pub contact_ids: Vec<Uuid>,
    pub company_ids: Vec<Uuid>,
    pub deal_ids: Vec<Uuid>,
    /// Unix milliseconds when it happened (or will happen).
    pub start_ms: i64,
    /// `None` when not recorded (usual for emails and notes).
    pub duration_minutes: Option<u32>,
    pub outcome: Outcome,
    pub notes: String,
    /// The team member who did it.
    pub owner: Option<Uuid>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    pub custom: CustomValues,
    /// When a retention rule anonymised it (unix ms).
    pub anonymised_ms: Option<i64>,
}

impl_record!(Activity, ACTIVITY_NAMESPACE, {
    id: Public,
    kind: Public,
    subject: Personal,
    contact_ids: Personal,
    company_ids: Personal,
    deal_ids: Personal,
    // When, how long and how it went: kept by anonymisation for reporting
    // (activities per week), once the people and the notes are gone.
    start_ms: Public,
    duration_minutes: Public,
    outcome: Public,
    notes: Sensitive,
    owner: Public,
    created_ms: Public,
    updated_ms: Public,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
    anonymised_ms: Public,
});

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Meeting,
    Email,
    /// Also any kind written by a newer version.
    #[default]
    #[serde(other)]
    Note,
}

/// How an activity went. [`Outcome::fits`] says which suit which kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not recorded.
    #[default]
    #[serde(rename = "none")]
    NotRecorded,
    /// A call or meeting that took place.
    Completed,
    Connected,
    NoAnswer,
    LeftVoicemail,
    Busy,
    WrongNumber,
    Cancelled,
    NoShow,
    Rescheduled,
    Sent,
    Replied,
    Bounced,
    /// Also any outcome written by a newer version.
    #[serde(other)]
    Other,
}

impl Outcome {
    /// The outcomes offered for `kind`, [`Outcome::NotRecorded`] first.
    pub fn choices(kind: ActivityKind) -> &'static [Outcome] {
        use Outcome::*;
        match kind {
            ActivityKind::Call => &[
                NotRecorded,
                Connected,
                NoAnswer,
                LeftVoicemail,
                Busy,
                WrongNumber,
                Completed,
                Other,
            ],
            ActivityKind::Meeting => &[
                NotRecorded,
                Completed,
                Cancelled,
                NoShow,
                Rescheduled,
                Other,
            ],
            ActivityKind::Email => &[NotRecorded, Sent, Replied, Bounced, Other],
            ActivityKind::Note => &[NotRecorded],
        }
    }

    pub fn fits(self, kind: ActivityKind) -> bool {
        Outcome::choices(kind).contains(&self)
    }
}

/// Which input of an activity form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivityField {
    /// The subject, or the notes when both are empty.
    Subject,
    Contacts,
    Companies,
    Deals,
    Duration,
    Outcome,
    Notes,
    Custom(Uuid),
}

impl Activity {
    pub fn new(id: Uuid, kind: ActivityKind, start_ms: i64, now_ms: i64) -> Activity {
        Activity {
            id,
            kind,
            start_ms,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Activity::default()
        }
    }

    /// Unix milliseconds when it ended, if a duration is recorded.
    pub fn end_ms(&self) -> Option<i64> {
        let minutes = i64::from(self.duration_minutes?);
        self.start_ms.checked_add(minutes * 60_000)
    }

    /// Whether it is linked to the contact, company or deal `id`.
    pub fn links_to(&self, id: Uuid) -> bool {
        [&self.contact_ids, &self.company_ids, &self.deal_ids]
            .iter()
            .any(|ids| ids.contains(&id))
    }

    /// Collapses whitespace in the subject, trims notes, removes nil and
    /// repeated links, tidies custom values.
    pub fn normalized(self, defs: &[CustomFieldDef]) -> Activity {
        Activity {
            subject: collapse_whitespace(&self.subject),
            contact_ids: dedup_ids(self.contact_ids),
            company_ids: dedup_ids(self.company_ids),
            deal_ids: dedup_ids(self.deal_ids),
            notes: self.notes.trim().to_owned(),
            custom: normalize_custom(defs, RecordKind::Activity, self.custom),
            ..self
        }
    }

    /// A subject or notes; at most [`MAX_LINKS`] of each link; a duration
    /// of at most a week; an outcome that fits the kind.
    pub fn validate(&self, defs: &[CustomFieldDef]) -> Result<(), Problems<ActivityField>> {
        use ActivityField as F;
        let mut p = Problems::default();
        if self.subject.trim().is_empty() && self.notes.trim().is_empty() {
            p.push(F::Subject, Problem::Required);
        } else if too_long(&self.subject, MAX_NAME_CHARS) {
            p.push(
                F::Subject,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }
        for (field, ids) in [
            (F::Contacts, &self.contact_ids),
            (F::Companies, &self.company_ids),
            (F::Deals, &self.deal_ids),
        ] {
            if ids.len() > MAX_LINKS {
                p.push(field, Problem::TooMany { max: MAX_LINKS });
            }
        }
        if self
            .duration_minutes
            .is_some_and(|m| m > MAX_DURATION_MINUTES)
        {
            let max = i64::from(MAX_DURATION_MINUTES);
            p.push(F::Duration, Problem::OutOfRange { min: 0, max });
        }
        if !self.outcome.fits(self.kind) {
            p.push(F::Outcome, Problem::Unsuitable);
        }
        if too_long(&self.notes, MAX_NOTES_CHARS) {
            p.push(
                F::Notes,
                Problem::TooLong {
                    max: MAX_NOTES_CHARS,
                },
            );
        }
        check_custom(defs, RecordKind::Activity, &self.custom, F::Custom, &mut p);
        p.into_result()
    }
}

/// The activities linked to `id`, newest first (ties by id, so the order
/// is the same on every device).
pub fn timeline(activities: &[Activity], id: Uuid) -> Vec<&Activity> {
    let mut out: Vec<&Activity> = activities.iter().filter(|a| a.links_to(id)).collect();
    out.sort_by(|a, b| b.start_ms.cmp(&a.start_ms).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn call() -> Activity {
        Activity {
            subject: "Intro call".into(),
            contact_ids: vec![id(7)],
            ..Activity::new(id(1), ActivityKind::Call, 1_000, 500)
        }
    }

    #[test]
    fn outcomes_fit_their_kinds() {
        assert!(Outcome::NoAnswer.fits(ActivityKind::Call));
        assert!(!Outcome::NoAnswer.fits(ActivityKind::Meeting));
        assert!(Outcome::NoShow.fits(ActivityKind::Meeting));
        assert!(Outcome::Bounced.fits(ActivityKind::Email));
        assert!(Outcome::NotRecorded.fits(ActivityKind::Note));
        assert_eq!(
            serde_json::to_string(&Outcome::NotRecorded).unwrap(),
            r#""none""#
        );
        assert!(!Outcome::Completed.fits(ActivityKind::Note));
        let e = Activity {
            outcome: Outcome::Bounced,
            ..call()
        }
        .validate(&[])
        .unwrap_err();
        assert!(e.contains(ActivityField::Outcome, Problem::Unsuitable));
    }

    #[test]
    fn validation_and_normalisation() {
        let a = Activity {
            subject: "  Intro   call ".into(),
            contact_ids: vec![id(7), id(7), Uuid::nil(), id(8)],
            duration_minutes: Some(30),
            outcome: Outcome::Connected,
            ..call()
        }
        .normalized(&[]);
        assert_eq!(a.subject, "Intro call");
        assert_eq!(a.contact_ids, [id(7), id(8)]);
        assert_eq!(a.end_ms(), Some(1_000 + 30 * 60_000));
        assert_eq!(a.validate(&[]), Ok(()));
        let bad = Activity {
            subject: String::new(),
            duration_minutes: Some(MAX_DURATION_MINUTES + 1),
            deal_ids: vec![id(9); MAX_LINKS + 1],
            ..call()
        };
        let e = bad.validate(&[]).unwrap_err();
        assert!(e.contains(ActivityField::Subject, Problem::Required));
        assert!(e.contains(ActivityField::Deals, Problem::TooMany { max: MAX_LINKS }));
        assert!(e.contains(
            ActivityField::Duration,
            Problem::OutOfRange {
                min: 0,
                max: i64::from(MAX_DURATION_MINUTES)
            }
        ));
        // A note with text but no subject is fine.
        let note = Activity {
            notes: "Prefers WeChat".into(),
            ..Activity::new(id(2), ActivityKind::Note, 0, 0)
        };
        assert_eq!(note.validate(&[]), Ok(()));
    }

    #[test]
    fn timeline_is_newest_first_and_only_linked() {
        let a = call();
        let b = Activity {
            id: id(2),
            start_ms: 5_000,
            deal_ids: vec![id(7)],
            contact_ids: vec![],
            ..call()
        };
        let c = Activity {
            id: id(3),
            contact_ids: vec![id(8)],
            ..call()
        };
        let all = [a, b, c];
        let ids: Vec<Uuid> = timeline(&all, id(7)).iter().map(|a| a.id).collect();
        assert_eq!(ids, [id(2), id(1)]);
    }

    #[test]
    fn json_round_trips_and_tolerates_new_kinds() {
        let a = Activity {
            duration_minutes: Some(15),
            outcome: Outcome::LeftVoicemail,
            ..call()
        };
        assert_eq!(Activity::from_json(&a.to_json()), Ok(a));
        let future = br#"{"id":"00000000-0000-0000-0000-000000000001","kind":"video_call","outcome":"transcribed"}"#;
        let a = Activity::from_json(future).unwrap();
        assert_eq!((a.kind, a.outcome), (ActivityKind::Note, Outcome::Other));
    }
}
