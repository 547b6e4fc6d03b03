//! Support tickets: a subject and description from a customer (a contact,
//! optionally their company), a priority, an assignee, and a status with
//! the history of every change (when, and by whom).
//!
//! # Status rules
//!
//! ```text
//! new      → open, pending, resolved, closed
//! open     → pending, resolved, closed
//! pending  → open, resolved, closed
//! resolved → open (reopened), closed
//! closed   → open (reopened)
//! ```
//!
//! Nothing goes back to `new`: it only means "nobody has looked yet".
//! Setting the status a ticket already has changes nothing.
//! [`Ticket::with_status`] applies a change as a pure function.
//!
//! The status and its history are one top-level field, so a merge never
//! pairs one device's status with another's history.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::custom_field::{
    CustomFieldDef, CustomValues, RecordKind, check_custom, normalize_custom,
};
use crate::problem::{Problem, Problems, check_tags, normalize_tags, too_long};
use crate::record::{TICKET_NAMESPACE, impl_record};
use crate::text::collapse_whitespace;

/// Older status changes are dropped beyond this many.
pub const MAX_STATUS_HISTORY: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ticket {
    pub id: Uuid,
    pub subject: String,
    pub description: String,
    pub status: StatusLog,
    pub priority: Priority,
    /// The customer who raised it.
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    /// The team member working on it.
    pub assignee: Option<Uuid>,
    pub tags: Vec<String>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    pub custom: CustomValues,
    /// When a retention rule anonymised it (unix ms).
    pub anonymised_ms: Option<i64>,
}

impl_record!(Ticket, TICKET_NAMESPACE, {
    id: Public,
    subject: Personal,
    description: Sensitive,
    status: Public,
    priority: Public,
    contact_id: Personal,
    company_id: Personal,
    assignee: Public,
    tags: Personal,
    created_ms: Public,
    updated_ms: Public,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
    anonymised_ms: Public,
});

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    #[default]
    New,
    Open,
    /// Waiting for the customer or a third party.
    Pending,
    Resolved,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ];

    /// Whether someone still has to act: new, open or pending.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TicketStatus::New | TicketStatus::Open | TicketStatus::Pending
        )
    }

    /// Whether the rules in the module docs allow going from `self` to
    /// `to` (a different status).
    pub fn can_become(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        match (self, to) {
            (_, New) => false,
            (a, b) if a == b => false,
            (New | Open | Pending, _) => true,
            (Resolved, Open | Closed) => true,
            (Closed, Open) => true,
            _ => false,
        }
    }
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

/// The current status and how it came about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusLog {
    pub current: TicketStatus,
    /// Oldest first.
    pub changes: Vec<StatusChange>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusChange {
    pub from: TicketStatus,
    pub to: TicketStatus,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// The team member who changed it; `None` for an automatic change.
    pub author: Option<Uuid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum TicketError {
    #[error("a ticket cannot go from {from:?} to {to:?}")]
    InvalidTransition {
        from: TicketStatus,
        to: TicketStatus,
    },
}

/// Which input of a ticket form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketField {
    Subject,
    Description,
    Tag(usize),
    Custom(Uuid),
}

impl Ticket {
    pub fn new(id: Uuid, subject: String, now_ms: i64) -> Ticket {
        Ticket {
            id,
            subject,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Ticket::default()
        }
    }

    /// The ticket with status `to`, the change recorded as made by `author`
    /// at `now_ms`. Unchanged when it already has that status.
    pub fn with_status(
        &self,
        to: TicketStatus,
        author: Option<Uuid>,
        now_ms: i64,
    ) -> Result<Ticket, TicketError> {
        let from = self.status.current;
        if from == to {
            return Ok(self.clone());
        }
        if !from.can_become(to) {
            return Err(TicketError::InvalidTransition { from, to });
        }
        let mut changes = self.status.changes.clone();
        changes.push(StatusChange {
            from,
            to,
            at_ms: now_ms,
            author,
        });
        if changes.len() > MAX_STATUS_HISTORY {
            changes.drain(..changes.len() - MAX_STATUS_HISTORY);
        }
        Ok(Ticket {
            status: StatusLog {
                current: to,
                changes,
            },
            updated_ms: now_ms,
            ..self.clone()
        })
    }

    /// When the ticket last became resolved, while it still is resolved or
    /// closed after that.
    pub fn resolved_ms(&self) -> Option<i64> {
        if self.status.current.is_active() {
            return None;
        }
        self.status
            .changes
            .iter()
            .rev()
            .find(|c| c.to == TicketStatus::Resolved)
            .map(|c| c.at_ms)
    }

    /// Collapses whitespace in the subject; trims the description; tidies
    /// tags and custom values.
    pub fn normalized(self, defs: &[CustomFieldDef]) -> Ticket {
        Ticket {
            subject: collapse_whitespace(&self.subject),
            description: self.description.trim().to_owned(),
            tags: normalize_tags(self.tags),
            custom: normalize_custom(defs, RecordKind::Ticket, self.custom),
            ..self
        }
    }

    pub fn validate(&self, defs: &[CustomFieldDef]) -> Result<(), Problems<TicketField>> {
        use TicketField as F;
        let mut p = Problems::default();
        if self.subject.trim().is_empty() {
            p.push(F::Subject, Problem::Required);
        } else if too_long(&self.subject, MAX_NAME_CHARS) {
            p.push(
                F::Subject,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }
        if too_long(&self.description, MAX_NOTES_CHARS) {
            let max = MAX_NOTES_CHARS;
            p.push(F::Description, Problem::TooLong { max });
        }
        check_tags(&self.tags, F::Tag, &mut p);
        check_custom(defs, RecordKind::Ticket, &self.custom, F::Custom, &mut p);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use TicketStatus::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn ticket() -> Ticket {
        Ticket::new(id(1), "Cannot log in".into(), 10)
    }

    #[test]
    fn transitions_follow_the_documented_table() {
        let allowed: Vec<(TicketStatus, TicketStatus)> = TicketStatus::ALL
            .iter()
            .flat_map(|&a| TicketStatus::ALL.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| a.can_become(b))
            .collect();
        assert_eq!(
            allowed,
            [
                (New, Open),
                (New, Pending),
                (New, Resolved),
                (New, Closed),
                (Open, Pending),
                (Open, Resolved),
                (Open, Closed),
                (Pending, Open),
                (Pending, Resolved),
                (Pending, Closed),
                (Resolved, Open),
                (Resolved, Closed),
                (Closed, Open),
            ]
        );
    }

    #[test]
    fn status_changes_are_recorded_with_time_and_author() {
        let agent = Some(id(9));
        let t = ticket()
            .with_status(Open, agent, 20)
            .and_then(|t| t.with_status(Resolved, agent, 30))
            .and_then(|t| t.with_status(Closed, None, 40))
            .unwrap();
        assert_eq!(t.status.current, Closed);
        assert_eq!(t.updated_ms, 40);
        let log: Vec<(TicketStatus, TicketStatus, i64, Option<Uuid>)> = t
            .status
            .changes
            .iter()
            .map(|c| (c.from, c.to, c.at_ms, c.author))
            .collect();
        assert_eq!(
            log,
            [
                (New, Open, 20, agent),
                (Open, Resolved, 30, agent),
                (Resolved, Closed, 40, None)
            ]
        );
        assert_eq!(t.resolved_ms(), Some(30));
        assert_eq!(
            t.with_status(Pending, agent, 50),
            Err(TicketError::InvalidTransition {
                from: Closed,
                to: Pending
            })
        );
        assert_eq!(t.with_status(Closed, agent, 50), Ok(t.clone()));
        let reopened = t.with_status(Open, agent, 60).unwrap();
        assert_eq!(reopened.resolved_ms(), None);
        assert_eq!(
            reopened.with_status(New, agent, 70),
            Err(TicketError::InvalidTransition {
                from: Open,
                to: New
            })
        );
    }

    #[test]
    fn history_is_capped() {
        let mut t = ticket().with_status(Open, None, 1).unwrap();
        for i in 0..MAX_STATUS_HISTORY as i64 {
            let to = if i % 2 == 0 { Pending } else { Open };
            t = t.with_status(to, None, 2 + i).unwrap();
        }
        assert_eq!(t.status.changes.len(), MAX_STATUS_HISTORY);
        assert_eq!(t.status.changes[0].at_ms, 2);
    }

    #[test]
    fn validation_normalisation_and_json() {
        let t = Ticket {
            subject: " Cannot   log in ".into(),
            tags: vec!["bug".into(), "BUG".into()],
            priority: Priority::Urgent,
            contact_id: Some(id(5)),
            ..ticket()
        }
        .normalized(&[]);
        assert_eq!(t.subject, "Cannot log in");
        assert_eq!(t.tags, ["bug"]);
        assert_eq!(t.validate(&[]), Ok(()));
        let t = t.with_status(Open, Some(id(9)), 20).unwrap();
        let json = String::from_utf8(t.to_json()).unwrap();
        assert!(json.contains(r#""priority":"urgent""#), "{json}");
        assert!(json.contains(r#""current":"open""#), "{json}");
        assert_eq!(Ticket::from_json(json.as_bytes()), Ok(t));
        let e = Ticket::new(id(2), String::new(), 0)
            .validate(&[])
            .unwrap_err();
        assert!(e.contains(TicketField::Subject, Problem::Required));
        assert!(Priority::Urgent > Priority::High && Priority::Low < Priority::Normal);
    }
}
