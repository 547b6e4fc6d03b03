//! The tasks page: sections Overdue / Today / Upcoming / No date / Done
//! with counts, a checkbox per task to complete or reopen it, and a form
//! for new and edited tasks.

use crate::components::local_time;
use crate::components::task_form::TaskForm;
use crate::components::work_labels::{LinkKind, link_name, section_label};
use crate::pages::unlock::error_text;
use crate::state::{View, use_app};
use crate::vault;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::overview::task_sections;
use coffer_core::task::{Due, Task};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The task list's clock: re-sorted every minute so tasks move between
/// sections while the page is open.
const TICK_MS: u32 = 60_000;

#[derive(Clone, Debug, PartialEq)]
enum Editing {
    New,
    Existing(Box<Task>),
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let state = use_app();
    let editing = RwSignal::new(
        state
            .take_open(coffer_core::record::TASK_NAMESPACE)
            .and_then(|id| state.records.with_untracked(|r| r.get::<Task>(id)))
            .map(|r| Editing::Existing(Box::new(r))),
    );
    let close = Callback::new(move |()| editing.set(None));
    let now = RwSignal::new(vault::now_ms());
    let tick = gloo_timers::callback::Interval::new(TICK_MS, move || now.set(vault::now_ms()));
    let tick = StoredValue::new_local(Some(tick));
    on_cleanup(move || tick.set_value(None));

    let tasks = Memo::new(move |_| state.records.with(|r| r.all::<Task>()));
    let sections = move || {
        let all = tasks.get();
        task_sections(&all, now.get(), local_time::offset_minutes())
            .into_iter()
            .map(|s| (s.bucket, s.tasks.into_iter().cloned().collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    let toggle = Callback::new(move |task: Task| {
        let Some(sync) = state.sync() else { return };
        let now = vault::now_ms();
        let changed = if task.is_done() {
            task.reopened(now)
        } else {
            task.completed(now)
        };
        let msg = if task.is_done() {
            WorkMsg::TaskReopened
        } else {
            WorkMsg::TaskCompleted
        };
        spawn_local(async move {
            match sync.save_record(Some(&task), &changed).await {
                Ok(()) => state.say(fill(state.t(msg), &[("title", &task.title)])),
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    });

    view! {
        <section class="page work-page" aria-labelledby="page-title">
            <div class="list-head">
                <h1 id="page-title">{move || View::Tasks.label(state.locale.get())}</h1>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(Editing::New))>
                    {move || state.t(WorkMsg::NewTask)}
                </button>
            </div>
            {move || editing.get().map(|e| view! {
                <TaskForm existing=match e { Editing::New => None, Editing::Existing(t) => Some(*t) } on_close=close/>
            })}
            {move || sections().into_iter().map(|(bucket, list)| {
                let heading_id = format!("tasks-{bucket:?}").to_lowercase();
                let count = list.len();
                view! {
                    <section class="task-section" aria-labelledby=heading_id.clone() data-section=format!("{bucket:?}").to_lowercase()>
                        <h2 id=heading_id.clone()>
                            {move || fill(state.t(WorkMsg::SectionCount), &[("section", state.t(section_label(bucket))), ("count", &count.to_string())])}
                        </h2>
                        {if list.is_empty() {
                            view! { <p class="empty">{move || state.t(WorkMsg::NoTasks)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="task-list">
                                    {list.into_iter().map(|t| view! { <TaskRow task=t toggle=toggle editing=editing/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn TaskRow(
    task: Task,
    toggle: Callback<Task>,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let state = use_app();
    let box_id = format!("task-done-{}", task.id);
    let done = task.is_done();
    let due = task.due.map(|d| match d {
        Due::Date(d) => d.to_string(),
        Due::At(ms) => local_time::show(ms),
    });
    let names: Vec<String> = task
        .contact_ids
        .iter()
        .map(|id| (LinkKind::Contact, *id))
        .chain(task.company_ids.iter().map(|id| (LinkKind::Company, *id)))
        .chain(task.deal_ids.iter().map(|id| (LinkKind::Deal, *id)))
        .map(|(k, id)| link_name(&state, k, id))
        .filter(|n| !n.is_empty())
        .collect();
    let title = task.title.clone();
    let for_toggle = task.clone();
    let for_edit = task.clone();
    view! {
        <li class="task-row" class:done=done>
            <input type="checkbox" id=box_id.clone() checked=done
                aria-label=move || fill(state.t(WorkMsg::MarkDone), &[("title", &title)])
                on:change=move |_| toggle.run(for_toggle.clone())/>
            <label for=box_id class="title">{task.title.clone()}</label>
            {due.map(|d| view! { <span class="due">{move || fill(state.t(WorkMsg::DueOn), &[("when", &d)])}</span> })}
            {(!names.is_empty()).then(|| view! { <span class="links">{names.join(", ")}</span> })}
            {(!task.assignee_name.is_empty()).then(|| {
                let who = task.assignee_name.clone();
                view! { <span class="assignee">{move || fill(state.t(WorkMsg::AssignedTo), &[("name", &who)])}</span> }
            })}
            <button type="button" class="link" on:click=move |_| editing.set(Some(Editing::Existing(Box::new(for_edit.clone()))))>
                {move || state.t(WorkMsg::EditTask)}
                <span class="visually-hidden">{format!(": {}", task.title)}</span>
            </button>
        </li>
    }
}
