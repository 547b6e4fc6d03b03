//! The activities page: log a call, meeting, email or note, and the log of
//! every activity, newest first, filtered by kind.

use crate::components::activity_form::{ActivityDraft, ActivityForm};
use crate::components::timeline::ActivitySummary;
use crate::components::work_labels::{
    KINDS, LinkKind, kind_from, kind_icon, kind_label, kind_value, link_name, log_label,
};
use crate::state::{View, use_app};
use coffer_core::activity::Activity;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::overview::activity_log;
use leptos::prelude::*;

/// Shown at most; the filter narrows a long log.
const SHOWN: usize = 300;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let state = use_app();
    let filter = RwSignal::new(None);
    let drafting = RwSignal::new(None::<ActivityDraft>);
    let close = Callback::new(move |()| drafting.set(None));
    let log = Memo::new(move |_| {
        let all = state.records.with(|r| r.all::<Activity>());
        activity_log(&all, filter.get())
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page work-page" aria-labelledby="page-title">
            <h1 id="page-title">{move || View::Activities.label(state.locale.get())}</h1>
            <div class="actions log-buttons">
                {KINDS.into_iter().map(|k| view! {
                    <button type="button" on:click=move |_| drafting.set(Some(ActivityDraft::New { kind: k, link: None }))>
                        <span aria-hidden="true">{kind_icon(k)}" "</span>{move || state.t(log_label(k))}
                    </button>
                }).collect_view()}
            </div>
            {move || drafting.get().map(|draft| view! { <ActivityForm draft=draft on_close=close/> })}
            <div class="list-head">
                <div class="field">
                    <label for="activity-filter">{move || state.t(WorkMsg::FilterKind)}</label>
                    <select id="activity-filter" on:change=move |ev| filter.set(kind_from(&event_target_value(&ev)))>
                        <option value="">{move || state.t(WorkMsg::AllKinds)}</option>
                        {KINDS.into_iter().map(|k| view! {
                            <option value=kind_value(k)>{move || state.t(kind_label(k))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <p class="count" aria-live="polite">
                    {move || fill(state.t(WorkMsg::ActivityCount), &[("count", &log.with(Vec::len).to_string())])}
                </p>
            </div>
            <ol class="activity-list" aria-label=move || View::Activities.label(state.locale.get())>
                {move || {
                    let items = log.get();
                    if items.is_empty() {
                        return view! { <li class="empty">{state.t(WorkMsg::NoActivities)}</li> }.into_any();
                    }
                    items.into_iter().take(SHOWN).map(|a| {
                        let names: Vec<String> = a.contact_ids.iter().map(|id| (LinkKind::Contact, *id))
                            .chain(a.company_ids.iter().map(|id| (LinkKind::Company, *id)))
                            .chain(a.deal_ids.iter().map(|id| (LinkKind::Deal, *id)))
                            .map(|(k, id)| link_name(&state, k, id))
                            .filter(|n| !n.is_empty())
                            .collect();
                        let edit = a.clone();
                        let what: String = if a.subject.is_empty() { a.notes.chars().take(40).collect() } else { a.subject.clone() };
                        view! {
                            <li class="activity-item">
                                <ActivitySummary activity=a/>
                                {(!names.is_empty()).then(|| view! {
                                    <span class="links">{move || state.t(WorkMsg::LinkedTo)}": "{names.join(", ")}</span>
                                })}
                                <button type="button" class="link" on:click=move |_| drafting.set(Some(ActivityDraft::Existing(Box::new(edit.clone()))))>
                                    {move || state.t(WorkMsg::EditActivity)}
                                    <span class="visually-hidden">{format!(": {what}")}</span>
                                </button>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ol>
        </section>
    }
}
