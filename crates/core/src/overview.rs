//! What the work pages show, decided from records: the task list's
//! sections, the ticket queue with its filters, the activity log with its
//! kind filter, the dashboard's facts and key figures, and the search
//! documents of companies, deals, tickets and tasks.
//!
//! Like the rest of core it reads no clock: the app passes the current
//! time and the UTC offset (minutes east of UTC).

use uuid::Uuid;

use crate::activity::{Activity, ActivityKind};
use crate::company::Company;
use crate::dashboard::{self, ActivityFact, DealFact, TaskFact};
use crate::deal::{Deal, weighted_total};
use crate::money::{Money, MoneyError, sum_by_currency};
use crate::pipeline::{Pipeline, StageKind};
use crate::record::{COMPANY_NAMESPACE, DEAL_NAMESPACE, TASK_NAMESPACE, TICKET_NAMESPACE};
use crate::search::SearchDoc;
use crate::task::{Task, TaskBucket, TaskStatus};
use crate::ticket::{Priority, Ticket, TicketStatus};

/// One section of the task list.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSection<'a> {
    pub bucket: TaskBucket,
    pub tasks: Vec<&'a Task>,
}

/// The five sections of the task list in display order (overdue, today,
/// upcoming, no date, done), each present even when empty. Open tasks are
/// ordered by due time, then title, then id; done tasks most recently
/// completed first. An offset beyond ±18 h is treated as UTC.
pub fn task_sections(tasks: &[Task], now_ms: i64, offset_minutes: i32) -> Vec<TaskSection<'_>> {
    let offset = if offset_minutes.abs() > crate::date::MAX_UTC_OFFSET_MINUTES {
        0
    } else {
        offset_minutes
    };
    let order = [
        TaskBucket::Overdue,
        TaskBucket::Today,
        TaskBucket::Upcoming,
        TaskBucket::NoDate,
        TaskBucket::Done,
    ];
    let mut sections: Vec<TaskSection> = order
        .iter()
        .map(|&bucket| TaskSection {
            bucket,
            tasks: Vec::new(),
        })
        .collect();
    for t in tasks {
        // The offset was clamped above, so `bucket` cannot fail.
        let bucket = t.bucket(now_ms, offset).unwrap_or(TaskBucket::NoDate);
        let slot = order.iter().position(|b| *b == bucket).unwrap_or(3);
        sections[slot].tasks.push(t);
    }
    for s in &mut sections {
        if s.bucket == TaskBucket::Done {
            s.tasks.sort_by(|a, b| {
                completed(b)
                    .cmp(&completed(a))
                    .then_with(|| a.id.cmp(&b.id))
            });
        } else {
            s.tasks.sort_by(|a, b| {
                let key = |t: &Task| t.due_ms(offset).unwrap_or(i64::MAX);
                key(a)
                    .cmp(&key(b))
                    .then_with(|| a.title.cmp(&b.title))
                    .then_with(|| a.id.cmp(&b.id))
            });
        }
    }
    sections
}

fn completed(t: &Task) -> i64 {
    match t.status {
        TaskStatus::Done { completed_ms } => completed_ms,
        TaskStatus::Open => 0,
    }
}

/// The tasks linked to a contact, company or deal `id`.
pub fn task_links_to(t: &Task, id: Uuid) -> bool {
    t.contact_ids.contains(&id) || t.company_ids.contains(&id) || t.deal_ids.contains(&id)
}

/// The activity log: of `kind` (every kind when `None`), newest first, ties
/// by id so every device shows the same order.
pub fn activity_log(activities: &[Activity], kind: Option<ActivityKind>) -> Vec<&Activity> {
    let mut out: Vec<&Activity> = activities
        .iter()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
        .collect();
    out.sort_by(|a, b| b.start_ms.cmp(&a.start_ms).then(a.id.cmp(&b.id)));
    out
}

/// The ticket queue: tickets matching the status and priority filters
/// (`None` = any); active tickets first, then by priority (urgent first),
/// then most recently updated, then id.
pub fn ticket_queue(
    tickets: &[Ticket],
    status: Option<TicketStatus>,
    priority: Option<Priority>,
) -> Vec<&Ticket> {
    let mut out: Vec<&Ticket> = tickets
        .iter()
        .filter(|t| status.is_none_or(|s| t.status.current == s))
        .filter(|t| priority.is_none_or(|p| t.priority == p))
        .collect();
    out.sort_by(|a, b| {
        b.status
            .current
            .is_active()
            .cmp(&a.status.current.is_active())
            .then_with(|| b.priority.cmp(&a.priority))
            .then_with(|| b.updated_ms.cmp(&a.updated_ms))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// The statuses a ticket can be moved to from `from`, in workflow order.
pub fn next_statuses(from: TicketStatus) -> Vec<TicketStatus> {
    TicketStatus::ALL
        .into_iter()
        .filter(|&to| from.can_become(to))
        .collect()
}

fn stage_kind(kind: StageKind) -> dashboard::StageKind {
    match kind {
        StageKind::Open => dashboard::StageKind::Open,
        StageKind::Won => dashboard::StageKind::Won,
        StageKind::Lost => dashboard::StageKind::Lost,
    }
}

/// What the dashboard needs of each deal in a stage of a known pipeline.
/// A deal without an amount is kept (it counts in its stage) with no
/// currency and a value of 0. The stage's kind, not its position or name,
/// says whether the deal is open, won or lost. Stage order counts across
/// pipelines: the pipelines' stages in the order the pipelines are given.
pub fn deal_facts(deals: &[Deal], pipelines: &[Pipeline]) -> Vec<DealFact> {
    let mut out = Vec::with_capacity(deals.len());
    for d in deals {
        let mut order = 0u32;
        let mut found = None;
        for p in pipelines {
            for s in &p.stages {
                if p.id == d.stage.pipeline_id && s.id == d.stage.stage_id {
                    found = Some((s, order));
                }
                order += 1;
            }
        }
        let Some((stage, stage_order)) = found else {
            continue;
        };
        let kind = stage_kind(stage.kind);
        out.push(DealFact {
            amount_minor: d.amount.map_or(0, |a| a.minor),
            currency: d.amount.map(|a| a.currency.code().to_owned()),
            stage_id: stage.id.to_string(),
            stage_name: stage.name.clone(),
            stage_order,
            stage_kind: kind,
            closed_ms: (kind != dashboard::StageKind::Open).then_some(d.stage.entered_ms),
        });
    }
    out
}

/// What the dashboard needs of each activity.
pub fn activity_facts(activities: &[Activity]) -> Vec<ActivityFact> {
    activities
        .iter()
        .map(|a| ActivityFact {
            at_ms: a.start_ms,
            kind: kind_name(a.kind).to_owned(),
        })
        .collect()
}

/// What the dashboard needs of each task.
pub fn task_facts(tasks: &[Task], offset_minutes: i32) -> Vec<TaskFact> {
    tasks
        .iter()
        .map(|t| TaskFact {
            due_ms: t.due_ms(offset_minutes),
            done: t.is_done(),
        })
        .collect()
}

/// The stable name of an activity kind (as stored).
pub fn kind_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Call => "call",
        ActivityKind::Meeting => "meeting",
        ActivityKind::Email => "email",
        ActivityKind::Note => "note",
    }
}

/// The dashboard's key figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFigures {
    /// Total amount of open deals, per currency.
    pub open_value: Vec<Money>,
    pub open_deals: usize,
    /// Open deals' amounts times their probability, per currency.
    pub weighted: Vec<Money>,
    pub tasks: dashboard::TasksDue,
    /// Tickets new, open or pending.
    pub active_tickets: usize,
}

pub fn key_figures(
    deals: &[Deal],
    pipelines: &[Pipeline],
    tasks: &[Task],
    tickets: &[Ticket],
    now_ms: i64,
    offset_minutes: i32,
) -> Result<KeyFigures, MoneyError> {
    let open: Vec<&Deal> = deals
        .iter()
        .filter(|d| {
            pipelines
                .iter()
                .find(|p| p.id == d.stage.pipeline_id)
                .is_some_and(|p| d.is_open(p))
        })
        .collect();
    Ok(KeyFigures {
        open_value: sum_by_currency(open.iter().filter_map(|d| d.amount))?,
        open_deals: open.len(),
        weighted: weighted_total(open.iter().copied(), pipelines)?,
        tasks: dashboard::tasks_due(&task_facts(tasks, offset_minutes), now_ms, offset_minutes),
        active_tickets: tickets
            .iter()
            .filter(|t| t.status.current.is_active())
            .count(),
    })
}

/// A company's search document: its name (also by pinyin) first.
pub fn company_doc(c: &Company) -> SearchDoc {
    let mut doc = SearchDoc::new(COMPANY_NAMESPACE, c.id)
        .title(&c.name)
        .text(&c.domain)
        .text(&c.industry);
    for tag in &c.tags {
        doc = doc.text(tag);
    }
    doc.sort_key(&c.name)
}

/// A deal's search document: its name (also by pinyin) first.
pub fn deal_doc(d: &Deal) -> SearchDoc {
    let mut doc = SearchDoc::new(DEAL_NAMESPACE, d.id).title(&d.name);
    for tag in &d.tags {
        doc = doc.text(tag);
    }
    doc.sort_key(&d.name)
}

/// A ticket's search document: its subject first.
pub fn ticket_doc(t: &Ticket) -> SearchDoc {
    let mut doc = SearchDoc::new(TICKET_NAMESPACE, t.id).title(&t.subject);
    for tag in &t.tags {
        doc = doc.text(tag);
    }
    doc.sort_key(&t.subject)
}

/// A task's search document: its title first.
pub fn task_doc(t: &Task) -> SearchDoc {
    SearchDoc::new(TASK_NAMESPACE, t.id)
        .title(&t.title)
        .sort_key(&t.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::CivilDate;
    use crate::money::Currency;
    use crate::search::SearchIndex;
    use crate::task::Due;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    // 2026-11-23 12:00 UTC, a Monday.
    const NOW: i64 = 1_795_435_200_000;

    fn task(n: u128, title: &str, due: Option<Due>) -> Task {
        Task {
            due,
            ..Task::new(id(n), title.into(), 0)
        }
    }

    fn date(s: &str) -> Option<Due> {
        Some(Due::Date(CivilDate::parse(s).unwrap()))
    }

    #[test]
    fn task_sections_are_all_present_and_ordered() {
        assert_eq!(
            CivilDate::from_unix_ms(NOW, 0).unwrap(),
            CivilDate::parse("2026-11-23").unwrap()
        );
        let tasks = [
            task(1, "later", date("2026-11-30")),
            task(2, "yesterday", date("2026-11-22")),
            task(3, "today b", date("2026-11-23")),
            task(4, "today a", date("2026-11-23")),
            task(5, "whenever", None),
            task(6, "done early", None).completed(10),
            task(7, "done late", None).completed(20),
            task(8, "an hour ago", Some(Due::At(NOW - 3_600_000))),
        ];
        let sections = task_sections(&tasks, NOW, 0);
        let titles: Vec<(TaskBucket, Vec<&str>)> = sections
            .iter()
            .map(|s| (s.bucket, s.tasks.iter().map(|t| t.title.as_str()).collect()))
            .collect();
        assert_eq!(
            titles,
            [
                (TaskBucket::Overdue, vec!["yesterday", "an hour ago"]),
                (TaskBucket::Today, vec!["today a", "today b"]),
                (TaskBucket::Upcoming, vec!["later"]),
                (TaskBucket::NoDate, vec!["whenever"]),
                (TaskBucket::Done, vec!["done late", "done early"]),
            ]
        );
        // Empty lists still give five sections; a bad offset counts as UTC.
        assert_eq!(task_sections(&[], NOW, 99_999).len(), 5);
        assert!(task_links_to(
            &Task {
                deal_ids: vec![id(9)],
                ..task(1, "x", None)
            },
            id(9)
        ));
    }

    #[test]
    fn activity_log_filters_by_kind_newest_first() {
        let a = |n, kind, at| Activity::new(id(n), kind, at, 0);
        let all = [
            a(1, ActivityKind::Call, 10),
            a(2, ActivityKind::Note, 30),
            a(3, ActivityKind::Call, 20),
        ];
        let ids = |v: Vec<&Activity>| v.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(activity_log(&all, None)), [id(2), id(3), id(1)]);
        assert_eq!(
            ids(activity_log(&all, Some(ActivityKind::Call))),
            [id(3), id(1)]
        );
        assert_eq!(activity_facts(&all)[0].kind, "call");
    }

    #[test]
    fn ticket_queue_filters_and_puts_urgent_active_first() {
        let t = |n, priority, status: TicketStatus, updated| {
            let mut t = Ticket::new(id(n), format!("t{n}"), 0);
            t.priority = priority;
            if status != TicketStatus::New {
                t = t.with_status(status, None, 1).unwrap();
            }
            t.updated_ms = updated;
            t
        };
        let all = [
            t(1, Priority::Low, TicketStatus::Open, 5),
            t(2, Priority::Urgent, TicketStatus::Closed, 9),
            t(3, Priority::Urgent, TicketStatus::New, 1),
            t(4, Priority::Low, TicketStatus::Open, 7),
        ];
        let ids = |v: Vec<&Ticket>| v.iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(
            ids(ticket_queue(&all, None, None)),
            [id(3), id(4), id(1), id(2)]
        );
        assert_eq!(
            ids(ticket_queue(&all, Some(TicketStatus::Open), None)),
            [id(4), id(1)]
        );
        assert_eq!(
            ids(ticket_queue(&all, None, Some(Priority::Urgent))),
            [id(3), id(2)]
        );
        assert_eq!(
            next_statuses(TicketStatus::Resolved),
            [TicketStatus::Open, TicketStatus::Closed]
        );
        assert!(!next_statuses(TicketStatus::New).contains(&TicketStatus::New));
    }

    fn pipeline() -> Pipeline {
        let ids = [id(101), id(102), id(103), id(104), id(105), id(106)];
        Pipeline::with_default_stages(id(100), "Sales".into(), ids, |s| format!("{s:?}"), 0)
    }

    #[test]
    fn deal_facts_and_key_figures() {
        let p = pipeline();
        let cny = Currency::from_code("CNY").unwrap();
        let first = p.first_open_stage().unwrap().id;
        let won = p.won_stage().unwrap().id;
        let deal = |n, minor: Option<i64>, stage| {
            let mut d = Deal::new(id(n), format!("d{n}"), &p, 0);
            d.amount = minor.map(|m| Money::new(m, cny));
            if stage != first {
                d = d.moved_to_stage(&p, stage, 50).unwrap();
            }
            d
        };
        let deals = [
            deal(1, Some(10_000), first),
            deal(2, Some(25_000), first),
            deal(3, Some(99_900), won),
            deal(4, None, first),
            // A stage of no known pipeline.
            Deal {
                stage: crate::deal::DealStage {
                    pipeline_id: id(5),
                    ..Default::default()
                },
                ..deal(5, Some(1), first)
            },
        ];
        let facts = deal_facts(&deals, std::slice::from_ref(&p));
        assert_eq!(facts.len(), 4, "deal 4 has no amount but is kept");
        let rows = dashboard::pipeline_by_stage(&facts);
        // Deal 4 is counted in the first stage and adds nothing.
        assert_eq!(
            (
                rows[0].count,
                rows[0].without_amount,
                rows[0].amount_in("CNY")
            ),
            (3, 1, 35_000)
        );
        assert_eq!(facts[3].currency, None);
        assert_eq!(facts[2].closed_ms, Some(50));
        assert_eq!(facts[2].stage_kind, dashboard::StageKind::Won);

        let tasks = [
            task(1, "late", date("2026-11-20")),
            task(2, "late but done", date("2026-11-20")).completed(1),
        ];
        let mut ticket = Ticket::new(id(1), "x".into(), 0);
        let closed = ticket.with_status(TicketStatus::Closed, None, 1).unwrap();
        ticket.id = id(2);
        let k = key_figures(
            &deals,
            std::slice::from_ref(&p),
            &tasks,
            &[ticket, closed],
            NOW,
            0,
        )
        .unwrap();
        assert_eq!(k.open_deals, 3, "deal 4 has no amount but is open");
        assert_eq!(k.open_value, [Money::new(35_000, cny)]);
        let first_p = p.first_open_stage().unwrap().probability;
        let expected = Money::new(10_000, cny)
            .weighted(first_p)
            .unwrap()
            .checked_add(Money::new(25_000, cny).weighted(first_p).unwrap())
            .unwrap();
        assert_eq!(k.weighted, [expected]);
        assert_eq!(k.tasks.overdue, 1);
        assert_eq!(k.active_tickets, 1);
    }

    #[test]
    fn companies_and_deals_are_found_by_pinyin_initials_and_name() {
        let mut index = SearchIndex::new();
        let company = Company {
            id: id(1),
            name: "北京星辰科技".into(),
            ..Company::default()
        };
        index.upsert_doc(company_doc(&company));
        let deal = Deal {
            id: id(2),
            name: "Annual renewal".into(),
            ..Deal::default()
        };
        index.upsert_doc(deal_doc(&deal));
        index.upsert_doc(ticket_doc(&Ticket::new(id(3), "Login fails".into(), 0)));
        index.upsert_doc(task_doc(&Task::new(id(4), "Send quote".into(), 0)));
        let hits = index.search_records("bjxc", 10, &[]).hits;
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].kind, hits[0].id), (COMPANY_NAMESPACE, id(1)));
        let hits = index.search_records("renew", 10, &[]).hits;
        assert_eq!((hits[0].kind, hits[0].id), (DEAL_NAMESPACE, id(2)));
        assert_eq!(
            index.search_records("login", 10, &[]).hits[0].kind,
            TICKET_NAMESPACE
        );
        assert_eq!(
            index.search_records("quote", 10, &[]).hits[0].kind,
            TASK_NAMESPACE
        );
    }
}
