//! The tickets page: customer service cases filtered by status and
//! priority, a form for new and edited tickets, and status moves.

use crate::components::local_time;
use crate::components::ticket_form::TicketForm;
use crate::components::work_labels::{
    LinkKind, PRIORITIES, enum_from, enum_value, link_name, priority_label, status_label,
};
use crate::state::{View, use_app};
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::overview::ticket_queue;
use coffer_core::ticket::{Priority, Ticket, TicketStatus};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
enum Editing {
    New,
    Existing(Box<Ticket>),
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let state = use_app();
    let status = RwSignal::new(None::<TicketStatus>);
    let priority = RwSignal::new(None::<Priority>);
    let editing = RwSignal::new(
        state
            .take_open(coffer_core::record::TICKET_NAMESPACE)
            .and_then(|id| state.records.with_untracked(|r| r.get::<Ticket>(id)))
            .map(|r| Editing::Existing(Box::new(r))),
    );
    let close = Callback::new(move |()| editing.set(None));
    let queue = Memo::new(move |_| {
        let all = state.records.with(|r| r.all::<Ticket>());
        ticket_queue(&all, status.get(), priority.get())
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page work-page" aria-labelledby="page-title">
            <div class="list-head">
                <h1 id="page-title">{move || View::Tickets.label(state.locale.get())}</h1>
                <button type="button" class="primary" on:click=move |_| editing.set(Some(Editing::New))>
                    {move || state.t(WorkMsg::NewTicket)}
                </button>
            </div>
            {move || editing.get().map(|e| view! {
                <TicketForm existing=match e { Editing::New => None, Editing::Existing(t) => Some(*t) } on_close=close/>
            })}
            <div class="filters row">
                <div class="field">
                    <label for="ticket-filter-status">{move || state.t(WorkMsg::Status)}</label>
                    <select id="ticket-filter-status" on:change=move |ev| status.set(enum_from(&event_target_value(&ev)))>
                        <option value="">{move || state.t(WorkMsg::AnyStatus)}</option>
                        {TicketStatus::ALL.into_iter().map(|s| view! {
                            <option value=enum_value(s)>{move || state.t(status_label(s))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-filter-priority">{move || state.t(WorkMsg::Priority)}</label>
                    <select id="ticket-filter-priority" on:change=move |ev| priority.set(enum_from(&event_target_value(&ev)))>
                        <option value="">{move || state.t(WorkMsg::AnyPriority)}</option>
                        {PRIORITIES.into_iter().map(|p| view! {
                            <option value=enum_value(p)>{move || state.t(priority_label(p))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <p class="count" aria-live="polite">
                    {move || fill(state.t(WorkMsg::TicketCount), &[("count", &queue.with(Vec::len).to_string())])}
                </p>
            </div>
            <ul class="ticket-list" aria-label=move || View::Tickets.label(state.locale.get())>
                {move || {
                    let items = queue.get();
                    if items.is_empty() {
                        return view! { <li class="empty">{state.t(WorkMsg::NoTickets)}</li> }.into_any();
                    }
                    items.into_iter().map(|t| {
                        let contact = t.contact_id.map(|id| link_name(&state, LinkKind::Contact, id)).unwrap_or_default();
                        let (s, p) = (t.status.current, t.priority);
                        let subject = t.subject.clone();
                        let updated = local_time::show(t.updated_ms);
                        view! {
                            <li class="ticket-row" data-status=enum_value(s)>
                                <button type="button" class="link subject" on:click=move |_| editing.set(Some(Editing::Existing(Box::new(t.clone()))))>
                                    {subject}
                                </button>
                                <span class=format!("status status-{}", enum_value(s))>{move || state.t(status_label(s))}</span>
                                <span class=format!("priority priority-{}", enum_value(p))>{move || state.t(priority_label(p))}</span>
                                {(!contact.is_empty()).then(|| view! { <span class="links">{contact}</span> })}
                                <time class="when">{updated}</time>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}
