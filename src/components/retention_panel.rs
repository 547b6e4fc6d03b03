//! Retention rules for contacts, closed tickets and activities: kept as
//! synced records, previewed (which record, what happens, why) before
//! anything changes, applied on request and on every unlock. Anonymisation
//! replaces personal fields irreversibly through an ordinary save (deals
//! keep their amounts: they are not touched; activities keep their time);
//! erasure crypto-shreds a contact (`Syncer::erase_contact`) and deletes a
//! ticket or activity.

use crate::components::privacy_labels::{action_msg, date_of};
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::vault;
use std::collections::HashSet;

use coffer_core::activity::Activity;
use coffer_core::contact::Contact;
use coffer_core::i18n::fill;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::anonymise::anonymise_record;
use coffer_core::privacy::listing::{
    activity_facts, contact_facts, last_activity_by_contact, ledgers, ticket_facts,
};
use coffer_core::privacy::records::enabled_rules;
use coffer_core::privacy::retention::{RetentionCondition, RetentionReason, preview};
use coffer_core::privacy::{
    ConsentEntry, ErasureCause, RetentionAction, RetentionCandidate, RetentionPolicy,
    anonymise_contact,
};
use coffer_core::record::{ACTIVITY_NAMESPACE, CONTACT_NAMESPACE, Record, TICKET_NAMESPACE};
use coffer_core::ticket::Ticket;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::sync::Syncer;

/// The record types rules can be made for: (namespace, as a choice, in a
/// sentence).
const RETAINED: [(&str, PrivacyMsg, PrivacyMsg); 3] = [
    (
        CONTACT_NAMESPACE,
        PrivacyMsg::RetainContacts,
        PrivacyMsg::RecordsContacts,
    ),
    (
        TICKET_NAMESPACE,
        PrivacyMsg::RetainTickets,
        PrivacyMsg::RecordsTickets,
    ),
    (
        ACTIVITY_NAMESPACE,
        PrivacyMsg::RetainActivities,
        PrivacyMsg::RecordsActivities,
    ),
];

const CONDITIONS: [(&str, PrivacyMsg); 3] = [
    ("inactive", PrivacyMsg::CondInactive),
    ("withdrawn", PrivacyMsg::CondWithdrawn),
    ("older", PrivacyMsg::CondOlder),
];

fn condition_from(code: &str, n: u32) -> RetentionCondition {
    match code {
        "withdrawn" => RetentionCondition::ConsentWithdrawnForDays { days: n },
        "older" => RetentionCondition::OlderThanMonths { months: n },
        _ => RetentionCondition::InactiveForMonths { months: n },
    }
}

fn rule_text(state: &AppState, policy: &RetentionPolicy) -> String {
    let (msg, n) = match policy.condition {
        RetentionCondition::InactiveForMonths { months } => (PrivacyMsg::RuleInactive, months),
        RetentionCondition::ConsentWithdrawnForDays { days } => (PrivacyMsg::RuleWithdrawn, days),
        RetentionCondition::OlderThanMonths { months } => (PrivacyMsg::RuleOlder, months),
    };
    let records = RETAINED
        .iter()
        .find(|(ns, _, _)| *ns == policy.record_type)
        .map_or(PrivacyMsg::RecordsContacts, |(_, _, m)| *m);
    fill(
        state.t(msg),
        &[
            ("action", state.t(action_msg(policy.action))),
            ("records", state.t(records)),
            ("n", &n.to_string()),
        ],
    )
}

fn reason_text(state: &AppState, reason: RetentionReason) -> String {
    let (msg, ms) = match reason {
        RetentionReason::InactiveSince { since_ms, .. } => (PrivacyMsg::WhyInactive, since_ms),
        RetentionReason::ConsentWithdrawn { at_ms, .. } => (PrivacyMsg::WhyWithdrawn, at_ms),
        RetentionReason::CreatedLongAgo { created_ms, .. } => (PrivacyMsg::WhyOld, created_ms),
    };
    fill(state.t(msg), &[("date", &date_of(ms))])
}

/// What the enabled rules select now (reads the records untracked).
pub fn candidates(state: &AppState) -> Vec<RetentionCandidate> {
    let now = vault::now_ms();
    let (rules, consent, activities) = state.records.with_untracked(|set| {
        (
            enabled_rules(&set.all::<RetentionPolicy>()),
            ledgers(set.all::<ConsentEntry>()),
            last_activity_by_contact(&set.all::<Activity>()),
        )
    });
    if rules.is_empty() {
        return Vec::new();
    }
    let (mut facts, restricted): (Vec<_>, HashSet<Uuid>) = state.book.with_untracked(|b| {
        let mut contacts: Vec<&Contact> = b.entries.values().collect();
        // A stable order for the preview.
        contacts.sort_by_key(|c| (c.created_ms, c.id));
        let facts = contacts
            .iter()
            .map(|c| contact_facts(c, consent.get(&c.id), activities.get(&c.id).copied(), now))
            .collect();
        let restricted = contacts
            .iter()
            .filter(|c| c.restriction.is_some())
            .map(|c| c.id)
            .collect();
        (facts, restricted)
    });
    let wanted = |ns: &str| rules.iter().any(|r| r.record_type == ns);
    state.records.with_untracked(|set| {
        if wanted(TICKET_NAMESPACE) {
            let mut tickets = set.all::<Ticket>();
            tickets.sort_by_key(|t| (t.created_ms, t.id));
            facts.extend(tickets.iter().map(|t| ticket_facts(t, &restricted)));
        }
        if wanted(ACTIVITY_NAMESPACE) {
            let mut all = set.all::<Activity>();
            all.sort_by_key(|a| (a.start_ms, a.id));
            facts.extend(all.iter().map(|a| activity_facts(a, &restricted)));
        }
    });
    preview(&rules, &facts, now)
}

/// What the preview calls a record: a contact's name, a ticket's or an
/// activity's subject.
fn candidate_name(state: &AppState, c: &RetentionCandidate) -> String {
    let id = c.record_id;
    match c.record_type.as_str() {
        CONTACT_NAMESPACE => {
            let order = state.settings.with_untracked(|s| s.name_order);
            state
                .book
                .with_untracked(|b| b.entries.get(&id).map(|x| x.display_name(order)))
        }
        TICKET_NAMESPACE => state
            .records
            .with_untracked(|r| r.get::<Ticket>(id).map(|t| t.subject)),
        _ => state
            .records
            .with_untracked(|r| r.get::<Activity>(id).map(|a| a.subject)),
    }
    .unwrap_or_default()
}

/// Anonymises (saves the anonymised form) or deletes one ticket or
/// activity; whether anything was there to change.
async fn apply_to_record<T: Record + Default + Clone + 'static>(
    state: AppState,
    sync: &Syncer,
    c: &RetentionCandidate,
) -> Result<bool, vault::VaultError> {
    let Some(original) = state.records.with_untracked(|r| r.get::<T>(c.record_id)) else {
        return Ok(false);
    };
    match c.action {
        RetentionAction::Anonymise => match anonymise_record(&original, vault::now_ms()) {
            Ok(anon) => sync
                .save_record(Some(&original), &anon)
                .await
                .map(|()| true),
            Err(_) => Ok(false),
        },
        RetentionAction::Erase => sync
            .delete_record(T::NAMESPACE, c.record_id)
            .await
            .map(|()| true),
    }
}

/// How many contacts were anonymised and erased.
#[derive(Clone, Copy, Debug, Default)]
pub struct Applied {
    pub anonymised: usize,
    pub erased: usize,
}

/// The anonymised form of a contact: personal fields emptied for good.
fn anonymised(contact: &Contact, now_ms: i64) -> Option<Contact> {
    let json = serde_json::to_value(contact).ok()?;
    let out = anonymise_contact(&json, now_ms).ok()?;
    let mut anon: Contact = serde_json::from_value(out.record).ok()?;
    anon.id = contact.id;
    anon.updated_ms = now_ms;
    Some(anon)
}

/// Applies `list` with progress; stops at the first failure.
pub async fn apply(state: AppState, list: Vec<RetentionCandidate>) -> Result<Applied, String> {
    let Some(sync) = state.sync() else {
        return Ok(Applied::default());
    };
    let mut done = Applied::default();
    let total = list.len();
    let label = state.t(PrivacyMsg::Applying).to_owned();
    for (i, c) in list.into_iter().enumerate() {
        state.busy.set(Some((label.clone(), Some((i, total)))));
        let other = match c.record_type.as_str() {
            CONTACT_NAMESPACE => None,
            TICKET_NAMESPACE => Some(apply_to_record::<Ticket>(state, &sync, &c).await),
            ACTIVITY_NAMESPACE => Some(apply_to_record::<Activity>(state, &sync, &c).await),
            _ => continue,
        };
        let result = match (other, c.action) {
            (Some(r), action) => {
                let changed = usize::from(matches!(r, Ok(true)));
                match action {
                    RetentionAction::Anonymise => done.anonymised += changed,
                    RetentionAction::Erase => done.erased += changed,
                }
                r.map(|_| ())
            }
            (None, action) => match action {
                RetentionAction::Anonymise => {
                    let original = state
                        .book
                        .with_untracked(|b| b.entries.get(&c.record_id).cloned());
                    match original.and_then(|o| anonymised(&o, vault::now_ms()).map(|a| (o, a))) {
                        Some((o, a)) => {
                            let r = sync.save_record(Some(&o), &a).await;
                            done.anonymised += usize::from(r.is_ok());
                            r
                        }
                        None => Ok(()),
                    }
                }
                RetentionAction::Erase => {
                    let r = sync
                        .erase_contact(c.record_id, ErasureCause::Retention)
                        .await;
                    done.erased += usize::from(r.is_ok());
                    r
                }
            },
        };
        if let Err(e) = result {
            state.busy.set(None);
            return Err(error_text(&e, state.locale.get_untracked()));
        }
        vault::yield_to_browser().await;
    }
    state.busy.set(None);
    Ok(done)
}

fn applied_text(state: &AppState, done: Applied) -> String {
    fill(
        state.t(PrivacyMsg::Applied),
        &[
            ("anonymised", &done.anonymised.to_string()),
            ("erased", &done.erased.to_string()),
        ],
    )
}

/// Runs the retention rules after the vault is unlocked and says what they
/// did (nothing is said when no rule applied to anything).
pub fn run_on_unlock(state: AppState) {
    let due = candidates(&state);
    if due.is_empty() {
        return;
    }
    spawn_local(async move {
        match apply(state, due).await {
            Ok(done) => state.say(applied_text(&state, done)),
            Err(text) => state.warn(text),
        }
    });
}

#[component]
pub fn RetentionPanel() -> impl IntoView {
    let state = use_app();
    let record_type = RwSignal::new(CONTACT_NAMESPACE.to_owned());
    let condition = RwSignal::new(CONDITIONS[0].0.to_owned());
    let count = RwSignal::new("24".to_owned());
    let action = RwSignal::new(RetentionAction::Anonymise);
    let error = RwSignal::new(None::<String>);
    let previewed = RwSignal::new(None::<Vec<RetentionCandidate>>);
    let applying = RwSignal::new(false);

    let policies = Memo::new(move |_| {
        let mut all = state.records.with(|s| s.all::<RetentionPolicy>());
        all.sort_by_key(|p| (p.created_ms, p.id));
        all
    });
    // Any change to the rules or the records they cover makes an old
    // preview stale (audit entries, written all the time, do not).
    let covered = Memo::new(move |_| {
        state.records.with(|r| {
            (
                r.json(TICKET_NAMESPACE).count(),
                r.all::<Ticket>().iter().map(|t| t.updated_ms).max(),
                r.json(ACTIVITY_NAMESPACE).count(),
                r.all::<Activity>().iter().map(|a| a.updated_ms).max(),
            )
        })
    });
    Effect::new(move |_| {
        policies.track();
        covered.track();
        state.book.track();
        previewed.set(None);
    });

    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(n) = count.get_untracked().trim().parse::<u32>() else {
            error.set(Some(state.t(PrivacyMsg::CountLabel).to_owned()));
            return;
        };
        let record_type = record_type.get_untracked();
        let condition = condition_from(&condition.get_untracked(), n);
        if !condition.applies_to(&record_type) {
            error.set(Some(state.t(PrivacyMsg::WithdrawnContactsOnly).to_owned()));
            return;
        }
        error.set(None);
        let policy = RetentionPolicy {
            id: Uuid::new_v4(),
            record_type,
            condition,
            action: action.get_untracked(),
            enabled: true,
            created_ms: vault::now_ms(),
        };
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.add_records(&[policy]).await {
                Ok(()) => state.say(state.t(PrivacyMsg::RuleAdded)),
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    let remove = move |id: Uuid| {
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_record(RetentionPolicy::NAMESPACE, id).await {
                Ok(()) => state.say(state.t(PrivacyMsg::RuleRemoved)),
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    let on_apply = move |_| {
        let Some(list) = previewed.get_untracked() else {
            return;
        };
        if list.is_empty() || applying.get_untracked() {
            return;
        }
        let question = fill(
            state.t(PrivacyMsg::ConfirmApply),
            &[("count", &list.len().to_string())],
        );
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        applying.set(true);
        spawn_local(async move {
            match apply(state, list).await {
                Ok(done) => state.say(applied_text(&state, done)),
                Err(text) => state.warn(text),
            }
            applying.set(false);
            previewed.set(None);
        });
    };

    let preview_view = move || {
        previewed.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="hint" role="status">{move || state.t(PrivacyMsg::PreviewEmpty)}</p> }.into_any();
            }
            let count = list.len();
            view! {
                <div class="retention-preview">
                    <p role="status">{move || fill(state.t(PrivacyMsg::PreviewCount), &[("count", &count.to_string())])}</p>
                    <ul id="retention-preview">
                        {list.into_iter().map(|c| {
                            let name = candidate_name(&state, &c);
                            let act = action_msg(c.action);
                            let why = reason_text(&state, c.reason);
                            view! {
                                <li>
                                    <strong>{move || state.t(act)}</strong> ": "
                                    {if name.is_empty() { state.t(PrivacyMsg::NoName).to_owned() } else { name }}
                                    " — " <span class="hint">{why}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || applying.get() on:click=on_apply>
                            {move || state.t(PrivacyMsg::Apply)}
                        </button>
                    </div>
                </div>
            }.into_any()
        })
    };

    view! {
        <section class="privacy-section" aria-labelledby="retention-title">
            <h2 id="retention-title">{move || state.t(PrivacyMsg::RetentionTitle)}</h2>
            <p class="hint">{move || state.t(PrivacyMsg::RetentionHint)}</p>
            {move || {
                let list = policies.get();
                if list.is_empty() {
                    return view! { <p class="hint">{move || state.t(PrivacyMsg::NoRules)}</p> }.into_any();
                }
                view! {
                    <ul class="retention-rules" id="retention-rules">
                        {list.into_iter().map(|p| {
                            let id = p.id;
                            let text = rule_text(&state, &p);
                            let label = text.clone();
                            view! {
                                <li>
                                    <span>{text}</span>
                                    " "
                                    <button type="button" class="remove"
                                        aria-label=move || format!("{} — {}", state.t(PrivacyMsg::RemoveRule), label)
                                        on:click=move |_| remove(id)>
                                        {move || state.t(PrivacyMsg::RemoveRule)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="retention-form" on:submit=on_add novalidate=true>
                <div class="row">
                    <div class="field">
                        <label for="retention-type">{move || state.t(PrivacyMsg::RetainWhat)}</label>
                        <select id="retention-type" on:change=move |ev| record_type.set(event_target_value(&ev))>
                            {RETAINED.iter().map(|&(ns, m, _)| {
                                view! { <option value=ns selected=move || record_type.get() == ns>{move || state.t(m)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="retention-condition">{move || state.t(PrivacyMsg::ConditionLabel)}</label>
                        <select id="retention-condition" on:change=move |ev| condition.set(event_target_value(&ev))>
                            {CONDITIONS.iter().map(|(code, m)| {
                                let (code, m) = (*code, *m);
                                view! { <option value=code selected=move || condition.get() == code>{move || state.t(m)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="retention-count">{move || state.t(PrivacyMsg::CountLabel)}</label>
                        <input id="retention-count" type="number" min="0" inputmode="numeric" bind:value=count/>
                    </div>
                    <div class="field">
                        <label for="retention-action">{move || state.t(PrivacyMsg::ActionLabel)}</label>
                        <select id="retention-action" on:change=move |ev| {
                            action.set(if event_target_value(&ev) == "erase" { RetentionAction::Erase } else { RetentionAction::Anonymise });
                        }>
                            <option value="anonymise" selected=move || action.get() == RetentionAction::Anonymise>{move || state.t(PrivacyMsg::ActionAnonymise)}</option>
                            <option value="erase" selected=move || action.get() == RetentionAction::Erase>{move || state.t(PrivacyMsg::ActionErase)}</option>
                        </select>
                    </div>
                </div>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit">{move || state.t(PrivacyMsg::AddRule)}</button>
                    <button type="button" class="primary" on:click=move |_| previewed.set(Some(candidates(&state)))>
                        {move || state.t(PrivacyMsg::Preview)}
                    </button>
                </div>
            </form>
            {preview_view}
        </section>
    }
}
