//! Create or edit a task: title, due date (and optional time), reminder,
//! notes and links. Rules live in `coffer_core::task`.

use crate::components::local_time;
use crate::components::record_picker::RecordPicker;
use crate::components::work_labels::LinkKind;
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::custom_field::CustomFieldDef;
use coffer_core::date::CivilDate;
use coffer_core::i18n::Msg;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::task::{Due, Reminder, Task, TaskField};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn TaskForm(
    /// The task to edit; `None` for a new one.
    existing: Option<Task>,
    on_close: Callback<()>,
    /// A record a new task starts linked to (from a timeline).
    #[prop(optional)]
    link: Option<(LinkKind, Uuid)>,
) -> impl IntoView {
    let state = use_app();
    let is_existing = existing.is_some();
    let base = existing.clone().unwrap_or_else(|| {
        let mut t = Task::new(Uuid::new_v4(), String::new(), vault::now_ms());
        match link {
            Some((LinkKind::Contact, id)) => t.contact_ids.push(id),
            Some((LinkKind::Company, id)) => t.company_ids.push(id),
            Some((LinkKind::Deal, id)) => t.deal_ids.push(id),
            None => {}
        }
        t
    });
    let title = RwSignal::new(base.title.clone());
    let assignee = RwSignal::new(base.assignee_name.clone());
    let (date0, time0) = match base.due {
        Some(Due::Date(d)) => (d.to_string(), String::new()),
        Some(Due::At(ms)) => (local_time::date_of(ms), local_time::time_of(ms)),
        None => (String::new(), String::new()),
    };
    let due_date = RwSignal::new(date0);
    let due_time = RwSignal::new(time0);
    let remind = RwSignal::new(
        base.reminder
            .filter(|r| !r.dismissed)
            .map(|r| local_time::to_input(r.at_ms))
            .unwrap_or_default(),
    );
    let notes = RwSignal::new(base.notes.clone());
    let links = RwSignal::new(
        base.contact_ids
            .iter()
            .map(|id| (LinkKind::Contact, *id))
            .chain(base.company_ids.iter().map(|id| (LinkKind::Company, *id)))
            .chain(base.deal_ids.iter().map(|id| (LinkKind::Deal, *id)))
            .collect::<Vec<_>>(),
    );
    let title_error = RwSignal::new(None::<&'static str>);
    let date_error = RwSignal::new(None::<&'static str>);
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let delete_id = base.id;

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        title_error.set(None);
        date_error.set(None);
        let date_text = due_date.get_untracked();
        let time_text = due_time.get_untracked();
        let due = match (date_text.trim(), time_text.trim()) {
            ("", _) => Ok(None),
            (d, "") => CivilDate::parse(d)
                .map(|d| Some(Due::Date(d)))
                .map_err(|_| ()),
            (d, t) => local_time::from_input(&format!("{d}T{t}"))
                .map(|ms| Some(Due::At(ms)))
                .ok_or(()),
        };
        let Ok(due) = due else {
            date_error.set(Some(state.t(WorkMsg::ErrDate)));
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        };
        let remind_text = remind.get_untracked();
        let reminder = if remind_text.trim().is_empty() {
            None
        } else {
            let Some(at_ms) = local_time::from_input(&remind_text) else {
                date_error.set(Some(state.t(WorkMsg::ErrDate)));
                form_error.set(Some(state.t(Msg::FixErrors).to_string()));
                return;
            };
            let unchanged = base.reminder.filter(|r| r.at_ms / 60_000 == at_ms / 60_000);
            Some(unchanged.unwrap_or(Reminder {
                at_ms,
                dismissed: false,
            }))
        };
        let lk = links.get_untracked();
        let pick = |want: LinkKind| {
            lk.iter()
                .filter(|(k, _)| *k == want)
                .map(|(_, id)| *id)
                .collect()
        };
        let defs = state.records.with_untracked(|r| r.all::<CustomFieldDef>());
        let task = Task {
            title: title.get_untracked(),
            assignee_name: assignee.get_untracked(),
            due,
            reminder,
            notes: notes.get_untracked(),
            contact_ids: pick(LinkKind::Contact),
            company_ids: pick(LinkKind::Company),
            deal_ids: pick(LinkKind::Deal),
            updated_ms: vault::now_ms(),
            ..base.clone()
        }
        .normalized(&defs);
        if let Err(problems) = task.validate(&defs) {
            if problems.for_field(TaskField::Title).next().is_some() {
                title_error.set(Some(state.t(WorkMsg::ErrTitleRequired)));
            }
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        saving.set(true);
        let original = existing.clone();
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &task).await {
                Ok(()) => {
                    state.say(state.t(WorkMsg::TaskSaved));
                    on_close.run(());
                }
                Err(e) => {
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };
    let on_delete = move |_| {
        let Some(sync) = state.sync() else { return };
        if !window()
            .confirm_with_message(state.t(Msg::ConfirmDelete))
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match sync
                .delete_record(coffer_core::record::TASK_NAMESPACE, delete_id)
                .await
            {
                Ok(()) => {
                    state.say(state.t(WorkMsg::TaskDeleted));
                    on_close.run(());
                }
                Err(e) => form_error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    view! {
        <form class="card task-form" aria-labelledby="task-form-heading" on:submit=on_submit novalidate>
            <h2 id="task-form-heading">{move || state.t(if is_existing { WorkMsg::EditTask } else { WorkMsg::NewTask })}</h2>
            <div class="field">
                <label for="task-title">{move || state.t(WorkMsg::TaskTitle)}</label>
                <input id="task-title" type="text" autocomplete="off" bind:value=title
                    aria-describedby="task-title-error" aria-invalid=move || title_error.get().is_some().to_string()/>
                <p id="task-title-error" class="field-error">{move || title_error.get()}</p>
            </div>
            <div class="field">
                <label for="task-assignee">{move || state.t(WorkMsg::Assignee)}</label>
                <input id="task-assignee" type="text" autocomplete="off" bind:value=assignee/>
            </div>
            <div class="row">
                <div class="field">
                    <label for="task-due-date">{move || state.t(WorkMsg::DueDate)}</label>
                    <input id="task-due-date" type="date" bind:value=due_date aria-describedby="task-date-error"
                        aria-invalid=move || date_error.get().is_some().to_string()/>
                </div>
                <div class="field">
                    <label for="task-due-time">{move || state.t(WorkMsg::DueTime)}</label>
                    <input id="task-due-time" type="time" bind:value=due_time/>
                </div>
                <div class="field">
                    <label for="task-remind">{move || state.t(WorkMsg::RemindAt)}</label>
                    <input id="task-remind" type="datetime-local" bind:value=remind/>
                </div>
            </div>
            <p id="task-date-error" class="field-error">{move || date_error.get()}</p>
            <div class="field">
                <label for="task-notes">{move || state.t(Msg::Notes)}</label>
                <textarea id="task-notes" rows="2" bind:value=notes></textarea>
            </div>
            <RecordPicker id="task-links" label=WorkMsg::LinkSearch
                kinds=&[LinkKind::Contact, LinkKind::Company, LinkKind::Deal] links=links/>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                <button type="button" on:click=move |_| on_close.run(())>{move || state.t(Msg::Cancel)}</button>
                {is_existing.then(|| view! {
                    <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
                })}
            </div>
        </form>
    }
}
