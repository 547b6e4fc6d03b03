//! Create or edit a support ticket: subject, description, priority and
//! contact; for a saved ticket, buttons for the status moves its rules
//! allow (`coffer_core::ticket`) and the history of status changes.

use crate::components::local_time;
use crate::components::record_picker::RecordPicker;
use crate::components::work_labels::{
    LinkKind, PRIORITIES, enum_from, enum_value, priority_label, status_label,
};
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::custom_field::CustomFieldDef;
use coffer_core::i18n::Msg;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::overview::next_statuses;
use coffer_core::ticket::{Priority, Ticket, TicketError, TicketField, TicketStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn TicketForm(existing: Option<Ticket>, on_close: Callback<()>) -> impl IntoView {
    let state = use_app();
    let is_existing = existing.is_some();
    let base = existing
        .clone()
        .unwrap_or_else(|| Ticket::new(Uuid::new_v4(), String::new(), vault::now_ms()));
    let id = base.id;
    let subject = RwSignal::new(base.subject.clone());
    let description = RwSignal::new(base.description.clone());
    let priority = RwSignal::new(base.priority);
    let contact = RwSignal::new(
        base.contact_id
            .map(|id| (LinkKind::Contact, id))
            .into_iter()
            .chain(base.company_id.map(|id| (LinkKind::Company, id)))
            .collect::<Vec<_>>(),
    );
    let subject_error = RwSignal::new(None::<&'static str>);
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    // The saved ticket as it is now (status moves save at once).
    let live = move || state.records.with(|r| r.get::<Ticket>(id));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let original = state.records.with_untracked(|r| r.get::<Ticket>(id));
        let start = original.clone().unwrap_or_else(|| base.clone());
        let links = contact.get_untracked();
        let defs = state.records.with_untracked(|r| r.all::<CustomFieldDef>());
        let ticket = Ticket {
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            priority: priority.get_untracked(),
            contact_id: links
                .iter()
                .find(|(k, _)| *k == LinkKind::Contact)
                .map(|l| l.1),
            company_id: links
                .iter()
                .find(|(k, _)| *k == LinkKind::Company)
                .map(|l| l.1),
            updated_ms: vault::now_ms(),
            ..start
        }
        .normalized(&defs);
        if let Err(problems) = ticket.validate(&defs) {
            subject_error.set(
                problems
                    .for_field(TicketField::Subject)
                    .next()
                    .map(|_| state.t(WorkMsg::ErrSubjectRequired)),
            );
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        subject_error.set(None);
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        saving.set(true);
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &ticket).await {
                Ok(()) => {
                    state.say(state.t(WorkMsg::TicketSaved));
                    on_close.run(());
                }
                Err(e) => {
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };
    let move_to = move |to: TicketStatus| {
        let Some(current) = state.records.with_untracked(|r| r.get::<Ticket>(id)) else {
            return;
        };
        let Some(sync) = state.sync() else { return };
        match current.with_status(to, None, vault::now_ms()) {
            Ok(changed) => spawn_local(async move {
                match sync.save_record(Some(&current), &changed).await {
                    Ok(()) => state.say(fill(
                        state.t(WorkMsg::TicketStatusChanged),
                        &[("status", state.t(status_label(to)))],
                    )),
                    Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
                }
            }),
            Err(TicketError::InvalidTransition { from, to }) => state.warn(fill(
                state.t(WorkMsg::ErrTransition),
                &[
                    ("from", state.t(status_label(from))),
                    ("to", state.t(status_label(to))),
                ],
            )),
        }
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
                .delete_record(coffer_core::record::TICKET_NAMESPACE, id)
                .await
            {
                Ok(()) => {
                    state.say(state.t(WorkMsg::TicketDeleted));
                    on_close.run(());
                }
                Err(e) => form_error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    view! {
        <div class="card ticket-editor">
            <form aria-labelledby="ticket-form-heading" on:submit=on_submit novalidate>
                <h2 id="ticket-form-heading">{move || state.t(if is_existing { WorkMsg::EditTicket } else { WorkMsg::NewTicket })}</h2>
                <div class="field">
                    <label for="ticket-subject">{move || state.t(WorkMsg::Subject)}</label>
                    <input id="ticket-subject" type="text" autocomplete="off" bind:value=subject
                        aria-describedby="ticket-subject-error" aria-invalid=move || subject_error.get().is_some().to_string()/>
                    <p id="ticket-subject-error" class="field-error">{move || subject_error.get()}</p>
                </div>
                <div class="field">
                    <label for="ticket-priority">{move || state.t(WorkMsg::Priority)}</label>
                    <select id="ticket-priority" on:change=move |ev| {
                        if let Some(p) = enum_from::<Priority>(&event_target_value(&ev)) { priority.set(p) }
                    }>
                        {PRIORITIES.into_iter().map(|p| view! {
                            <option value=enum_value(p) selected=move || priority.get() == p>{move || state.t(priority_label(p))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-description">{move || state.t(WorkMsg::Description)}</label>
                    <textarea id="ticket-description" rows="3" bind:value=description></textarea>
                </div>
                <RecordPicker id="ticket-contact" label=WorkMsg::LinkContact
                    kinds=&[LinkKind::Contact] links=contact single=true/>
                <p class="form-error" role="alert">{move || form_error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                    <button type="button" on:click=move |_| on_close.run(())>{move || state.t(Msg::Cancel)}</button>
                    {is_existing.then(|| view! {
                        <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
                    })}
                </div>
            </form>
            {move || live().map(|t| {
                let current = t.status.current;
                view! {
                    <section class="ticket-status" aria-labelledby="ticket-status-heading">
                        <h3 id="ticket-status-heading">
                            {move || state.t(WorkMsg::Status)}": "
                            <span class="status-now">{move || state.t(status_label(current))}</span>
                        </h3>
                        <div class="actions">
                            {next_statuses(current).into_iter().map(|to| view! {
                                <button type="button" on:click=move |_| move_to(to)>
                                    {move || fill(state.t(WorkMsg::MoveTo), &[("status", state.t(status_label(to)))])}
                                </button>
                            }).collect_view()}
                        </div>
                        <h3>{move || state.t(WorkMsg::StatusHistory)}</h3>
                        <ol class="status-history">
                            {if t.status.changes.is_empty() {
                                view! { <li class="empty">{move || state.t(WorkMsg::NoStatusChanges)}</li> }.into_any()
                            } else {
                                t.status.changes.iter().rev().map(|c| {
                                    let c = *c;
                                    view! {
                                        <li>{move || fill(state.t(WorkMsg::StatusChangeEntry), &[
                                            ("from", state.t(status_label(c.from))),
                                            ("to", state.t(status_label(c.to))),
                                            ("when", &local_time::show(c.at_ms)),
                                        ])}</li>
                                    }
                                }).collect_view().into_any()
                            }}
                        </ol>
                    </section>
                }
            })}
        </div>
    }
}
