//! A record's timeline: the activities (calls, meetings, emails, notes)
//! linked to a contact, company or deal, newest first, with a deal's stage
//! moves and the status changes of a contact's or company's tickets, and
//! buttons to log a new activity already linked to the record.

use crate::components::activity_form::{ActivityDraft, ActivityForm};
use crate::components::local_time;
use crate::components::task_form::TaskForm;
use crate::components::work_labels::{
    KINDS, LinkKind, kind_icon, kind_label, log_label, outcome_label, status_label,
};
use crate::state::{AppState, use_app};
use coffer_core::activity::{Activity, Outcome, timeline};
use coffer_core::deal::Deal;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::overview::{task_links_to, task_sections};
use coffer_core::pipeline::Pipeline;
use coffer_core::task::{Due, Task};
use coffer_core::ticket::Ticket;
use leptos::prelude::*;
use uuid::Uuid;

/// The record a timeline belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordRef {
    Contact(Uuid),
    Company(Uuid),
    Deal(Uuid),
}

impl RecordRef {
    pub fn id(self) -> Uuid {
        match self {
            RecordRef::Contact(id) | RecordRef::Company(id) | RecordRef::Deal(id) => id,
        }
    }

    pub fn link(self) -> (LinkKind, Uuid) {
        match self {
            RecordRef::Contact(id) => (LinkKind::Contact, id),
            RecordRef::Company(id) => (LinkKind::Company, id),
            RecordRef::Deal(id) => (LinkKind::Deal, id),
        }
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Activity(Activity),
    /// (when, text)
    Event(i64, String),
}

impl Entry {
    fn at(&self) -> i64 {
        match self {
            Entry::Activity(a) => a.start_ms,
            Entry::Event(at, _) => *at,
        }
    }
}

fn entries(state: &AppState, target: RecordRef) -> Vec<Entry> {
    let id = target.id();
    let mut out: Vec<Entry> = state.records.with(|r| {
        let all = r.all::<Activity>();
        timeline(&all, id)
            .into_iter()
            .map(|a| Entry::Activity(a.clone()))
            .collect()
    });
    match target {
        RecordRef::Deal(id) => {
            let (deal, pipelines) = state
                .records
                .with(|r| (r.get::<Deal>(id), r.all::<Pipeline>()));
            if let Some(deal) = deal {
                let stage_name = |pid: Uuid, sid: Uuid| {
                    pipelines
                        .iter()
                        .find(|p| p.id == pid)
                        .and_then(|p| p.stage(sid))
                        .map(|s| s.name.clone())
                        .unwrap_or_default()
                };
                let moves = deal
                    .stage
                    .history
                    .iter()
                    .map(|v| (v.entered_ms, stage_name(v.pipeline_id, v.stage_id)))
                    .chain(std::iter::once((
                        deal.stage.entered_ms,
                        stage_name(deal.stage.pipeline_id, deal.stage.stage_id),
                    )));
                for (at, name) in moves {
                    let text = fill(state.t(WorkMsg::StageChanged), &[("stage", &name)]);
                    out.push(Entry::Event(at, text));
                }
            }
        }
        RecordRef::Contact(id) | RecordRef::Company(id) => {
            let tickets = state.records.with(|r| r.all::<Ticket>());
            for t in tickets
                .iter()
                .filter(|t| t.contact_id == Some(id) || t.company_id == Some(id))
            {
                for c in &t.status.changes {
                    let change = fill(
                        state.t(WorkMsg::MoveTo),
                        &[("status", state.t(status_label(c.to)))],
                    );
                    out.push(Entry::Event(c.at_ms, format!("{} · {}", t.subject, change)));
                }
            }
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at()));
    out
}

#[component]
pub fn RecordTimeline(target: RecordRef) -> impl IntoView {
    let state = use_app();
    let drafting = RwSignal::new(None::<ActivityDraft>);
    let list = move || entries(&state, target);
    let close = Callback::new(move |()| drafting.set(None));
    let adding_task = RwSignal::new(false);
    let close_task = Callback::new(move |()| adding_task.set(false));
    // Open tasks linked to the record, in task-list order.
    let tasks = move || {
        let all: Vec<Task> = state.records.with(|r| {
            r.all::<Task>()
                .into_iter()
                .filter(|t| !t.is_done() && task_links_to(t, target.id()))
                .collect()
        });
        task_sections(&all, crate::vault::now_ms(), local_time::offset_minutes())
            .into_iter()
            .flat_map(|s| s.tasks.into_iter().cloned())
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card timeline" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{move || state.t(WorkMsg::Timeline)}</h2>
            <div class="actions log-buttons">
                {KINDS.into_iter().map(|k| view! {
                    <button type="button" on:click=move |_| drafting.set(Some(ActivityDraft::New { kind: k, link: Some(target.link()) }))>
                        <span aria-hidden="true">{kind_icon(k)}" "</span>{move || state.t(log_label(k))}
                    </button>
                }).collect_view()}
            </div>
            {move || drafting.get().map(|draft| view! {
                <ActivityForm draft=draft on_close=close id_prefix="timeline-"/>
            })}
            <h3>{move || state.t(WorkMsg::OpenTasks)}</h3>
            <ul class="task-list linked-tasks">
                {move || tasks().into_iter().map(|t| {
                    let due = t.due.map(|d| match d {
                        Due::Date(d) => d.to_string(),
                        Due::At(ms) => local_time::show(ms),
                    });
                    view! {
                        <li class="task-row">
                            <span class="title">{t.title.clone()}</span>
                            {due.map(|d| view! { <span class="due">{move || fill(state.t(WorkMsg::DueOn), &[("when", &d)])}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" on:click=move |_| adding_task.set(true)>{move || state.t(WorkMsg::AddTask)}</button>
            <Show when=move || adding_task.get()>
                <TaskForm existing=None on_close=close_task link=target.link()/>
            </Show>
            <h3>{move || state.t(WorkMsg::NavActivities)}</h3>
            <ol class="activity-list">
                {move || {
                    let items = list();
                    if items.is_empty() {
                        return view! { <li class="empty">{state.t(WorkMsg::TimelineEmpty)}</li> }.into_any();
                    }
                    items.into_iter().map(|e| match e {
                        Entry::Activity(a) => {
                            let edit = a.clone();
                            let what: String = if a.subject.is_empty() { a.notes.chars().take(40).collect() } else { a.subject.clone() };
                            view! {
                                <li class="activity-item">
                                    <ActivitySummary activity=a/>
                                    <button type="button" class="link" on:click=move |_| drafting.set(Some(ActivityDraft::Existing(Box::new(edit.clone()))))>
                                        {move || state.t(WorkMsg::EditActivity)}
                                        <span class="visually-hidden">{format!(": {what}")}</span>
                                    </button>
                                </li>
                            }.into_any()
                        }
                        Entry::Event(at, text) => view! {
                            <li class="activity-item event">
                                <span class="kind" aria-hidden="true">"↪"</span>
                                <span class="subject">{text}</span>
                                <time class="when">{local_time::show(at)}</time>
                            </li>
                        }.into_any(),
                    }).collect_view().into_any()
                }}
            </ol>
        </section>
    }
}

/// One activity: kind icon and label, subject, time, duration, outcome.
#[component]
pub fn ActivitySummary(activity: Activity) -> impl IntoView {
    let state = use_app();
    let kind = activity.kind;
    let outcome = activity.outcome;
    let duration = activity.duration_minutes;
    view! {
        <span class="kind">
            <span aria-hidden="true">{kind_icon(kind)}" "</span>
            {move || state.t(kind_label(kind))}
        </span>
        <span class="subject">{activity.subject.clone()}</span>
        <time class="when">{local_time::show(activity.start_ms)}</time>
        {duration.map(|n| view! { <span class="duration">{move || fill(state.t(WorkMsg::Minutes), &[("n", &n.to_string())])}</span> })}
        {(outcome != Outcome::NotRecorded).then(|| view! {
            <span class="outcome">{move || state.t(outcome_label(outcome))}</span>
        })}
        {(!activity.notes.is_empty()).then(|| view! { <span class="notes">{activity.notes.clone()}</span> })}
    }
}
