//! Restriction of processing on one contact: restrict with a reason, lift,
//! and the earlier restrictions (from the record's history, so lifting one
//! is on record too).

use crate::components::privacy_labels::{REASONS, actor, reason_msg};
use crate::components::sync_panel::date_time;
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::i18n::fill;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::Restriction;
use coffer_core::privacy::restriction::restriction_of;
use coffer_core::record::CONTACT_NAMESPACE;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// The "Restricted" badge, for lists and headings.
#[component]
pub fn RestrictedBadge() -> impl IntoView {
    let state = use_app();
    view! { <span class="badge restricted">{move || state.t(PrivacyMsg::RestrictedBadge)}</span> }
}

/// The banner a restricted contact's form shows above its disabled fields
/// (the fields point at it with `aria-describedby="restricted-note"`).
#[component]
pub fn RestrictedNote(id: Uuid) -> impl IntoView {
    let state = use_app();
    let restriction = move || {
        state
            .book
            .with(|b| b.entries.get(&id).and_then(|c| c.restriction.clone()))
    };
    move || {
        restriction().map(|r| {
            let since = date_time(r.since_ms as f64);
            let reason = reason_msg(&r.reason_code);
            view! {
                <p id="restricted-note" class="banner restricted-note" role="note">
                    <RestrictedBadge/>
                    " "
                    {move || fill(state.t(PrivacyMsg::RestrictedNote), &[("time", &since), ("reason", state.t(reason))])}
                </p>
            }
        })
    }
}

#[component]
pub fn RestrictionPanel(id: Uuid) -> impl IntoView {
    let state = use_app();
    let reason = RwSignal::new(REASONS[0].0.to_owned());
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let restricted = move || {
        state
            .book
            .with(|b| b.entries.get(&id).is_some_and(|c| c.restriction.is_some()))
    };

    let set = move |on: bool| {
        if saving.get_untracked() {
            return;
        }
        let Some(original) = state.book.with_untracked(|b| b.entries.get(&id).cloned()) else {
            return;
        };
        let mut contact = original.clone();
        contact.restriction = on.then(|| Restriction {
            since_ms: vault::now_ms(),
            request_id: None,
            reason_code: reason.get_untracked(),
            set_by: actor(&state),
        });
        let Some(sync) = state.sync() else { return };
        saving.set(true);
        spawn_local(async move {
            match sync.save_record(Some(&original), &contact).await {
                Ok(()) => state.say(state.t(if on {
                    PrivacyMsg::RestrictedDone
                } else {
                    PrivacyMsg::LiftedDone
                })),
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
            saving.set(false);
        });
    };

    let past = move || {
        state.history_version.track();
        state.book.track();
        let Some(sync) = state.sync() else {
            return Vec::new();
        };
        sync.record_history(CONTACT_NAMESPACE, id)
            .into_iter()
            .filter(|h| h.field == "restriction")
            .filter_map(|h| {
                let json = serde_json::json!({ "restriction": h.value });
                restriction_of(&json).map(|r| (r, h.superseded_by.wall_ms))
            })
            .collect::<Vec<_>>()
    };

    view! {
        <section class="restriction-panel" aria-labelledby="restrict-title">
            <h3 id="restrict-title">{move || state.t(PrivacyMsg::RestrictTitle)}</h3>
            <p class="hint">{move || state.t(PrivacyMsg::RestrictHint)}</p>
            {move || if restricted() {
                view! {
                    <div class="actions">
                        <button type="button" disabled=move || saving.get() on:click=move |_| set(false)>
                            {move || state.t(PrivacyMsg::LiftRestriction)}
                        </button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="restrict-reason">{move || state.t(PrivacyMsg::RestrictReason)}</label>
                        <select id="restrict-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                            {REASONS.iter().map(|(code, m)| {
                                let m = *m;
                                let c = *code;
                                view! { <option value=c selected=move || reason.get() == c>{move || state.t(m)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || saving.get() on:click=move |_| set(true)>
                            {move || state.t(PrivacyMsg::RestrictAction)}
                        </button>
                    </div>
                }.into_any()
            }}
            <p class="field-error" role="alert">{move || error.get()}</p>
            {move || {
                let list = past();
                (!list.is_empty()).then(|| view! {
                    <h4>{move || state.t(PrivacyMsg::RestrictionPast)}</h4>
                    <ul class="restriction-history">
                        {list.into_iter().map(|(r, lifted_ms)| {
                            let from = date_time(r.since_ms as f64);
                            let until = date_time(lifted_ms as f64);
                            let reason = reason_msg(&r.reason_code);
                            view! {
                                <li>
                                    {move || fill(state.t(PrivacyMsg::RestrictionLifted), &[("from", &from), ("until", &until)])}
                                    " · " {move || state.t(reason)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}
