//! Tasks: things to do ("send the quote"), with a due date or date-time, an
//! assignee, a status, an optional reminder, and links to contacts,
//! companies and deals.
//!
//! Core reads no clock: [`Task::bucket`] sorts a task into overdue / today /
//! upcoming / no date given the current time and the device's UTC offset
//! (minutes east of UTC, see [`crate::date`]); [`due_reminders`] lists the
//! reminders to show now. The app calls them from its timer.
//!
//! Due rules: a task due on a *date* is overdue from the next local day on
//! and "today" all through its day; a task due at a *time* is overdue as
//! soon as that time has passed, and "today" before that on the same local
//! day. Done tasks are in their own bucket whatever their due date.
//!
//! Status (with its completion time) and the reminder (with whether it was
//! dismissed) are each one top-level field, so they merge as units.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activity::MAX_LINKS;
use crate::contact::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::custom_field::{
    CustomFieldDef, CustomValues, RecordKind, check_custom, normalize_custom,
};
use crate::date::{CivilDate, DateError};
use crate::problem::{Problem, Problems, dedup_ids, too_long};
use crate::record::{TASK_NAMESPACE, impl_record};
use crate::text::collapse_whitespace;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Task {
    pub id: Uuid,
    pub title: String,
    pub notes: String,
    pub due: Option<Due>,
    /// The team member who should do it.
    pub assignee: Option<Uuid>,
    /// Who should do it, as the team writes it (until team members are
    /// records, when `assignee` names one).
    pub assignee_name: String,
    pub status: TaskStatus,
    pub reminder: Option<Reminder>,
    pub contact_ids: Vec<Uuid>,
    pub company_ids: Vec<Uuid>,
    pub deal_ids: Vec<Uuid>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    pub custom: CustomValues,
}

impl_record!(Task, TASK_NAMESPACE, {
    id: Public,
    title: Personal,
    notes: Sensitive,
    due: Personal,
    assignee: Public,
    assignee_name: Personal,
    status: Public,
    reminder: Personal,
    contact_ids: Personal,
    company_ids: Personal,
    deal_ids: Personal,
    created_ms: Public,
    updated_ms: Public,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
});

/// When a task is due: `{"date": "2026-11-23"}` or `{"at": <unix ms>}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Some time during this local day.
    Date(CivilDate),
    /// At this instant (unix milliseconds).
    At(i64),
}

/// `{"state": "open"}` or `{"state": "done", "completed_ms": …}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Open,
    Done {
        /// Unix milliseconds.
        completed_ms: i64,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Reminder {
    /// Unix milliseconds when to remind.
    pub at_ms: i64,
    /// Set once the user has seen and dismissed it.
    pub dismissed: bool,
}

/// Where a task shows in the task list, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskBucket {
    Overdue,
    Today,
    Upcoming,
    NoDate,
    Done,
}

/// Which input of a task form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskField {
    Title,
    Notes,
    Links,
    Custom(Uuid),
}

impl Task {
    pub fn new(id: Uuid, title: String, now_ms: i64) -> Task {
        Task {
            id,
            title,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Task::default()
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.status, TaskStatus::Done { .. })
    }

    /// The task's bucket at `now_ms` for a clock `offset_minutes` east of
    /// UTC. Fails only for an offset beyond ±18 h.
    pub fn bucket(&self, now_ms: i64, offset_minutes: i32) -> Result<TaskBucket, DateError> {
        let today = CivilDate::from_unix_ms(now_ms, offset_minutes)?;
        if self.is_done() {
            return Ok(TaskBucket::Done);
        }
        let (day, overdue) = match self.due {
            None => return Ok(TaskBucket::NoDate),
            Some(Due::Date(d)) => (d, d < today),
            Some(Due::At(at)) => (CivilDate::from_unix_ms(at, offset_minutes)?, at < now_ms),
        };
        Ok(if overdue {
            TaskBucket::Overdue
        } else if day == today {
            TaskBucket::Today
        } else {
            TaskBucket::Upcoming
        })
    }

    /// Sort key within a bucket: the due instant (a date counts from its
    /// local midnight), then the title. Tasks without a due date sort last.
    pub fn due_ms(&self, offset_minutes: i32) -> Option<i64> {
        match self.due? {
            Due::At(at) => Some(at),
            Due::Date(d) => d.start_unix_ms(offset_minutes).ok(),
        }
    }

    /// Whether the reminder should show at `now_ms`: the task is open, the
    /// reminder time has come and it has not been dismissed.
    pub fn reminder_due(&self, now_ms: i64) -> bool {
        !self.is_done()
            && self
                .reminder
                .is_some_and(|r| !r.dismissed && r.at_ms <= now_ms)
    }

    /// The task marked done at `now_ms` (unchanged if already done).
    pub fn completed(&self, now_ms: i64) -> Task {
        if self.is_done() {
            return self.clone();
        }
        Task {
            status: TaskStatus::Done {
                completed_ms: now_ms,
            },
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// The task open again.
    pub fn reopened(&self, now_ms: i64) -> Task {
        Task {
            status: TaskStatus::Open,
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// The task with its reminder dismissed.
    pub fn reminder_dismissed(&self, now_ms: i64) -> Task {
        Task {
            reminder: self.reminder.map(|r| Reminder {
                dismissed: true,
                ..r
            }),
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// The task reminding again at `until_ms` ("remind me in an hour").
    pub fn reminder_snoozed(&self, until_ms: i64, now_ms: i64) -> Task {
        Task {
            reminder: Some(Reminder {
                at_ms: until_ms,
                dismissed: false,
            }),
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// Collapses whitespace in the title, trims notes, removes nil and
    /// repeated links, tidies custom values.
    pub fn normalized(self, defs: &[CustomFieldDef]) -> Task {
        Task {
            title: collapse_whitespace(&self.title),
            assignee_name: collapse_whitespace(&self.assignee_name),
            notes: self.notes.trim().to_owned(),
            contact_ids: dedup_ids(self.contact_ids),
            company_ids: dedup_ids(self.company_ids),
            deal_ids: dedup_ids(self.deal_ids),
            custom: normalize_custom(defs, RecordKind::Task, self.custom),
            ..self
        }
    }

    pub fn validate(&self, defs: &[CustomFieldDef]) -> Result<(), Problems<TaskField>> {
        use TaskField as F;
        let mut p = Problems::default();
        if self.title.trim().is_empty() {
            p.push(F::Title, Problem::Required);
        } else if too_long(&self.title, MAX_NAME_CHARS) {
            p.push(
                F::Title,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }
        if too_long(&self.notes, MAX_NOTES_CHARS) {
            p.push(
                F::Notes,
                Problem::TooLong {
                    max: MAX_NOTES_CHARS,
                },
            );
        }
        if [&self.contact_ids, &self.company_ids, &self.deal_ids]
            .iter()
            .any(|ids| ids.len() > MAX_LINKS)
        {
            p.push(F::Links, Problem::TooMany { max: MAX_LINKS });
        }
        check_custom(defs, RecordKind::Task, &self.custom, F::Custom, &mut p);
        p.into_result()
    }
}

/// The tasks whose reminder should show at `now_ms`, earliest reminder
/// first (ties by id, the same order on every device).
pub fn due_reminders(tasks: &[Task], now_ms: i64) -> Vec<&Task> {
    let mut out: Vec<&Task> = tasks.iter().filter(|t| t.reminder_due(now_ms)).collect();
    out.sort_by_key(|t| (t.reminder.map(|r| r.at_ms), t.id));
    out
}

/// Sorts tasks for the task list: by bucket, then due time, then title.
/// Fails only for an offset beyond ±18 h.
pub fn sort_for_list(
    tasks: &mut [Task],
    now_ms: i64,
    offset_minutes: i32,
) -> Result<(), DateError> {
    let mut keyed = Vec::with_capacity(tasks.len());
    for t in tasks.iter() {
        let bucket = t.bucket(now_ms, offset_minutes)?;
        keyed.push((bucket, t.due_ms(offset_minutes).unwrap_or(i64::MAX)));
    }
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| {
        keyed[a]
            .cmp(&keyed[b])
            .then_with(|| tasks[a].title.cmp(&tasks[b].title))
            .then_with(|| tasks[a].id.cmp(&tasks[b].id))
    });
    let sorted: Vec<Task> = order.iter().map(|&i| tasks[i].clone()).collect();
    tasks.clone_from_slice(&sorted);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    const HOUR: i64 = 3_600_000;
    const SHANGHAI: i32 = 480;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn date(s: &str) -> CivilDate {
        CivilDate::parse(s).unwrap()
    }

    /// 2026-11-23 10:00 in Shanghai (02:00 UTC).
    fn now() -> i64 {
        date("2026-11-23").start_unix_ms(SHANGHAI).unwrap() + 10 * HOUR
    }

    fn due(d: Due) -> Task {
        Task {
            due: Some(d),
            ..Task::new(id(1), "Send quote".into(), 0)
        }
    }

    #[test]
    fn date_due_tasks_bucket_by_local_day() {
        let b = |s| due(Due::Date(date(s))).bucket(now(), SHANGHAI).unwrap();
        assert_eq!(b("2026-11-22"), TaskBucket::Overdue);
        assert_eq!(b("2026-11-23"), TaskBucket::Today);
        assert_eq!(b("2026-11-24"), TaskBucket::Upcoming);
        // At 02:00 UTC it is still the 22nd in New York: the 23rd is upcoming.
        let ny = due(Due::Date(date("2026-11-23")))
            .bucket(now(), -300)
            .unwrap();
        assert_eq!(ny, TaskBucket::Upcoming);
    }

    #[test]
    fn time_due_tasks_are_overdue_once_the_time_passes() {
        let b = |at| due(Due::At(at)).bucket(now(), SHANGHAI).unwrap();
        assert_eq!(b(now() - 1), TaskBucket::Overdue);
        assert_eq!(b(now() + HOUR), TaskBucket::Today);
        assert_eq!(b(now() + 14 * HOUR - 1), TaskBucket::Today);
        assert_eq!(b(now() + 14 * HOUR), TaskBucket::Upcoming);
        let t = Task::new(id(1), "x".into(), 0);
        assert_eq!(t.bucket(now(), SHANGHAI), Ok(TaskBucket::NoDate));
        assert_eq!(
            due(Due::At(0)).completed(5).bucket(now(), SHANGHAI),
            Ok(TaskBucket::Done)
        );
        assert_eq!(t.bucket(now(), 2000), Err(DateError::OffsetOutOfRange));
    }

    #[test]
    fn completing_and_reopening_keep_the_first_completion_time() {
        let t = due(Due::At(0)).completed(5);
        assert_eq!(t.status, TaskStatus::Done { completed_ms: 5 });
        assert_eq!(t.completed(9).status, TaskStatus::Done { completed_ms: 5 });
        let t = t.reopened(10);
        assert!(!t.is_done());
        assert_eq!(t.updated_ms, 10);
    }

    #[test]
    fn reminders_are_due_until_dismissed_and_return_when_snoozed() {
        let t = Task {
            reminder: Some(Reminder {
                at_ms: 100,
                dismissed: false,
            }),
            ..Task::new(id(1), "Call back".into(), 0)
        };
        assert!(!t.reminder_due(99));
        assert!(t.reminder_due(100));
        let dismissed = t.reminder_dismissed(150);
        assert!(!dismissed.reminder_due(200));
        let snoozed = dismissed.reminder_snoozed(300, 160);
        assert!(!snoozed.reminder_due(299) && snoozed.reminder_due(300));
        assert!(!t.completed(120).reminder_due(200));
        let other = Task {
            id: id(2),
            reminder: Some(Reminder {
                at_ms: 50,
                dismissed: false,
            }),
            ..t.clone()
        };
        let tasks = [t.clone(), other, dismissed];
        let ids: Vec<Uuid> = due_reminders(&tasks, 200).iter().map(|t| t.id).collect();
        assert_eq!(ids, [id(2), id(1)]);
    }

    #[test]
    fn list_sorts_by_bucket_then_due_time() {
        let mut tasks = vec![
            Task {
                id: id(1),
                ..Task::new(id(1), "no date".into(), 0)
            },
            Task {
                id: id(2),
                ..due(Due::Date(date("2026-11-30")))
            },
            Task {
                id: id(3),
                ..due(Due::At(now() - HOUR))
            },
            Task {
                id: id(4),
                ..due(Due::Date(date("2026-11-23")))
            },
            Task {
                id: id(5),
                ..due(Due::Date(date("2026-11-01"))).completed(1)
            },
        ];
        sort_for_list(&mut tasks, now(), SHANGHAI).unwrap();
        let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
        assert_eq!(ids, [id(3), id(4), id(2), id(1), id(5)]);
    }

    #[test]
    fn validation_normalisation_and_json() {
        let t = Task {
            title: "  Send   quote ".into(),
            deal_ids: vec![id(3), id(3)],
            ..due(Due::Date(date("2026-12-01")))
        }
        .normalized(&[]);
        assert_eq!(t.title, "Send quote");
        assert_eq!(t.deal_ids, [id(3)]);
        assert_eq!(t.validate(&[]), Ok(()));
        let json = String::from_utf8(t.to_json()).unwrap();
        assert!(json.contains(r#""due":{"date":"2026-12-01"}"#), "{json}");
        assert!(json.contains(r#""status":{"state":"open"}"#), "{json}");
        assert_eq!(Task::from_json(json.as_bytes()), Ok(t.clone()));
        let done = t.completed(7);
        let json = String::from_utf8(done.to_json()).unwrap();
        assert!(
            json.contains(r#""status":{"state":"done","completed_ms":7}"#),
            "{json}"
        );
        let e = Task::new(id(1), " ".into(), 0).validate(&[]).unwrap_err();
        assert!(e.contains(TaskField::Title, Problem::Required));
    }

    proptest::proptest! {
        /// As time passes an open task only moves towards overdue:
        /// upcoming, then today, then overdue, never back.
        #[test]
        fn buckets_only_move_towards_overdue(
            at in 0i64..4_000_000_000_000,
            by_date in proptest::bool::ANY,
            offset in -720i32..=840,
            mut nows in proptest::collection::vec(0i64..4_000_000_000_000, 1..20),
        ) {
            let d = if by_date {
                Due::Date(CivilDate::from_unix_ms(at, offset).unwrap())
            } else {
                Due::At(at)
            };
            nows.sort_unstable();
            let rank = |b| match b {
                TaskBucket::Upcoming => 0,
                TaskBucket::Today => 1,
                TaskBucket::Overdue => 2,
                other => panic!("{other:?}"),
            };
            let ranks: Vec<i32> = nows
                .iter()
                .map(|&now| rank(due(d).bucket(now, offset).unwrap()))
                .collect();
            proptest::prop_assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{:?}", ranks);
        }
    }
}
