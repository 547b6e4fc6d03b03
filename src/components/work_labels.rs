//! How the work pages name things: activity kinds and outcomes, ticket
//! statuses and priorities, task sections, and linked records' names.

use crate::state::AppState;
use coffer_core::activity::{ActivityKind, Outcome};
use coffer_core::company::Company;
use coffer_core::deal::Deal;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::task::TaskBucket;
use coffer_core::ticket::{Priority, TicketStatus};
use leptos::prelude::*;
use uuid::Uuid;

pub const KINDS: [ActivityKind; 4] = [
    ActivityKind::Call,
    ActivityKind::Meeting,
    ActivityKind::Email,
    ActivityKind::Note,
];

pub fn kind_label(kind: ActivityKind) -> WorkMsg {
    match kind {
        ActivityKind::Call => WorkMsg::KindCall,
        ActivityKind::Meeting => WorkMsg::KindMeeting,
        ActivityKind::Email => WorkMsg::KindEmail,
        ActivityKind::Note => WorkMsg::KindNote,
    }
}

/// The button that starts logging an activity of this kind.
pub fn log_label(kind: ActivityKind) -> WorkMsg {
    match kind {
        ActivityKind::Call => WorkMsg::LogCall,
        ActivityKind::Meeting => WorkMsg::LogMeeting,
        ActivityKind::Email => WorkMsg::LogEmail,
        ActivityKind::Note => WorkMsg::LogNote,
    }
}

/// A decorative icon (the label next to it says the same in words); plain
/// symbols that common fonts have, unlike emoji.
pub fn kind_icon(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Call => "☎",
        ActivityKind::Meeting => "◎",
        ActivityKind::Email => "✉",
        ActivityKind::Note => "✎",
    }
}

pub fn kind_value(kind: ActivityKind) -> &'static str {
    coffer_core::overview::kind_name(kind)
}

pub fn kind_from(value: &str) -> Option<ActivityKind> {
    KINDS.into_iter().find(|k| kind_value(*k) == value)
}

pub fn outcome_label(outcome: Outcome) -> WorkMsg {
    use Outcome::*;
    match outcome {
        NotRecorded => WorkMsg::OutcomeNone,
        Completed => WorkMsg::OutcomeCompleted,
        Connected => WorkMsg::OutcomeConnected,
        NoAnswer => WorkMsg::OutcomeNoAnswer,
        LeftVoicemail => WorkMsg::OutcomeVoicemail,
        Busy => WorkMsg::OutcomeBusy,
        WrongNumber => WorkMsg::OutcomeWrongNumber,
        Cancelled => WorkMsg::OutcomeCancelled,
        NoShow => WorkMsg::OutcomeNoShow,
        Rescheduled => WorkMsg::OutcomeRescheduled,
        Sent => WorkMsg::OutcomeSent,
        Replied => WorkMsg::OutcomeReplied,
        Bounced => WorkMsg::OutcomeBounced,
        Other => WorkMsg::OutcomeOther,
    }
}

/// The outcome's stored name, used as an `<option>` value.
pub fn outcome_value(outcome: Outcome) -> String {
    serde_json::to_value(outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn outcome_from(value: &str) -> Outcome {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).unwrap_or_default()
}

pub fn status_label(status: TicketStatus) -> WorkMsg {
    match status {
        TicketStatus::New => WorkMsg::StatusNew,
        TicketStatus::Open => WorkMsg::StatusOpen,
        TicketStatus::Pending => WorkMsg::StatusPending,
        TicketStatus::Resolved => WorkMsg::StatusResolved,
        TicketStatus::Closed => WorkMsg::StatusClosed,
    }
}

pub const PRIORITIES: [Priority; 4] = [
    Priority::Urgent,
    Priority::High,
    Priority::Normal,
    Priority::Low,
];

pub fn priority_label(priority: Priority) -> WorkMsg {
    match priority {
        Priority::Low => WorkMsg::PriorityLow,
        Priority::Normal => WorkMsg::PriorityNormal,
        Priority::High => WorkMsg::PriorityHigh,
        Priority::Urgent => WorkMsg::PriorityUrgent,
    }
}

/// The stored name of a status or priority, used as an `<option>` value.
pub fn enum_value<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn enum_from<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

pub fn section_label(bucket: TaskBucket) -> WorkMsg {
    match bucket {
        TaskBucket::Overdue => WorkMsg::SectionOverdue,
        TaskBucket::Today => WorkMsg::SectionToday,
        TaskBucket::Upcoming => WorkMsg::SectionUpcoming,
        TaskBucket::NoDate => WorkMsg::SectionNoDate,
        TaskBucket::Done => WorkMsg::SectionDone,
    }
}

/// A record an activity, task or ticket can link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    Contact,
    Company,
    Deal,
}

/// The name a linked record is shown with (empty if it is gone).
pub fn link_name(state: &AppState, kind: LinkKind, id: Uuid) -> String {
    match kind {
        LinkKind::Contact => state.book.with(|b| {
            b.entries.get(&id).map_or_else(String::new, |c| {
                c.display_name(state.settings.with(|s| s.name_order))
            })
        }),
        LinkKind::Company => state
            .records
            .with(|r| r.get::<Company>(id).map(|c| c.name).unwrap_or_default()),
        LinkKind::Deal => state
            .records
            .with(|r| r.get::<Deal>(id).map(|d| d.name).unwrap_or_default()),
    }
}
