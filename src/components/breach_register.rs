//! The breach register: record an incident (what happened, when it was
//! discovered, categories of data, affected records picked from the audit
//! log or a contact search), the 72-hour authority clock counting down
//! live, notification drafts in English and Chinese, and marking who was
//! notified. Incidents are synced records (`breach`).

use std::time::Duration;

use coffer_core::i18n::fill;
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::privacy::audit::AuditEntry;
use coffer_core::privacy::breach::{
    BreachCategory, BreachIncident, DraftLanguage, NotificationClock, authority_notice, format_utc,
    parse_utc_minute, people_notice, utc_minute_input,
};
use coffer_core::privacy::processing::Controller;
use coffer_core::settings::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::vault;

const CATEGORIES: [(BreachCategory, SecurityMsg, &str); 7] = [
    (
        BreachCategory::Identity,
        SecurityMsg::CatIdentity,
        "identity",
    ),
    (
        BreachCategory::ContactDetails,
        SecurityMsg::CatContact,
        "contact",
    ),
    (
        BreachCategory::Financial,
        SecurityMsg::CatFinancial,
        "financial",
    ),
    (
        BreachCategory::Sensitive,
        SecurityMsg::CatSensitive,
        "sensitive",
    ),
    (
        BreachCategory::Credentials,
        SecurityMsg::CatCredentials,
        "credentials",
    ),
    (
        BreachCategory::Location,
        SecurityMsg::CatLocation,
        "location",
    ),
    (
        BreachCategory::Communications,
        SecurityMsg::CatCommunications,
        "communications",
    ),
];

/// "h min s" parts of a duration in ms.
fn hms(ms: i64) -> (String, String, String) {
    let s = ms.max(0) / 1000;
    (
        (s / 3600).to_string(),
        (s / 60 % 60).to_string(),
        (s % 60).to_string(),
    )
}

fn clock_text(state: &AppState, incident: &BreachIncident, now: i64) -> String {
    match incident.authority_clock(now) {
        NotificationClock::Running { remaining_ms, .. } => {
            let (h, m, s) = hms(remaining_ms);
            fill(
                state.t(SecurityMsg::TimeLeft),
                &[("hours", &h), ("minutes", &m), ("seconds", &s)],
            )
        }
        NotificationClock::Overdue { late_by_ms, .. } => {
            let (h, m, _) = hms(late_by_ms);
            fill(
                state.t(SecurityMsg::OverdueBy),
                &[("hours", &h), ("minutes", &m)],
            )
        }
        NotificationClock::NotifiedInTime { notified_ms } => fill(
            state.t(SecurityMsg::NotifiedInTime),
            &[("when", &format_utc(notified_ms))],
        ),
        NotificationClock::NotifiedLate {
            notified_ms,
            late_by_ms,
        } => fill(
            state.t(SecurityMsg::NotifiedLate),
            &[
                ("when", &format_utc(notified_ms)),
                ("hours", &hms(late_by_ms).0),
            ],
        ),
    }
}

async fn save(
    state: AppState,
    original: Option<&BreachIncident>,
    incident: &BreachIncident,
) -> bool {
    let Some(sync) = state.sync() else {
        return false;
    };
    match sync.save_record(original, incident).await {
        Ok(()) => true,
        Err(e) => {
            state.warn(error_text(&e, state.locale.get_untracked()));
            false
        }
    }
}

#[component]
pub fn BreachRegister(
    audit_shown: RwSignal<Vec<AuditEntry>>,
    /// The sender of the notices (kept in the security settings).
    controller: RwSignal<Controller>,
) -> impl IntoView {
    let state = use_app();
    let now = RwSignal::new(vault::now_ms());
    let tick =
        set_interval_with_handle(move || now.set(vault::now_ms()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });

    let description = RwSignal::new(String::new());
    let discovered = RwSignal::new(utc_minute_input(vault::now_ms()));
    let occurred = RwSignal::new(String::new());
    let categories = RwSignal::new(Vec::<BreachCategory>::new());
    let affected = RwSignal::new(Vec::<Uuid>::new());
    let search = RwSignal::new(String::new());
    let consequences = RwSignal::new(String::new());
    let measures = RwSignal::new(String::new());
    let advice = RwSignal::new(String::new());
    let delay = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let matching = Memo::new(move |_| {
        let q = search.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        state.book.with(|b| b.index.search(&q, usize::MAX).ids)
    });
    let add_ids = move |ids: Vec<Uuid>| {
        affected.update(|a| {
            for id in ids {
                if !a.contains(&id) {
                    a.push(id);
                }
            }
        })
    };

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(discovered_ms) = parse_utc_minute(&discovered.get_untracked()) else {
            error.set(Some(state.t(SecurityMsg::DiscoveredAt).to_string()));
            return;
        };
        if description.with_untracked(|d| d.trim().is_empty()) {
            error.set(Some(state.t(SecurityMsg::WhatHappened).to_string()));
            return;
        }
        error.set(None);
        let incident = BreachIncident {
            id: Uuid::new_v4(),
            discovered_ms,
            occurred_ms: parse_utc_minute(&occurred.get_untracked()),
            description: description.get_untracked(),
            affected_record_ids: affected.get_untracked(),
            categories: categories.get_untracked(),
            likely_consequences: consequences.get_untracked(),
            measures_taken: measures.get_untracked(),
            advice_to_people: advice.get_untracked(),
            delay_reason: delay.get_untracked(),
            ..BreachIncident::default()
        };
        spawn_local(async move {
            if save(state, None, &incident).await {
                for s in [
                    description,
                    occurred,
                    consequences,
                    measures,
                    advice,
                    delay,
                    search,
                ] {
                    s.set(String::new());
                }
                categories.set(Vec::new());
                affected.set(Vec::new());
                discovered.set(utc_minute_input(vault::now_ms()));
                state.say(state.t(SecurityMsg::IncidentSaved));
            }
        });
    };

    let incidents = Memo::new(move |_| {
        let mut all: Vec<BreachIncident> = state.records.with(|s| s.all());
        all.sort_by_key(|i| std::cmp::Reverse(i.discovered_ms));
        all
    });

    view! {
        <section class="security-card" aria-labelledby="breach-title">
            <h2 id="breach-title">{move || state.t(SecurityMsg::BreachRegister)}</h2>
            <p class="hint">{move || state.t(SecurityMsg::BreachIntro)}</p>
            <form class="security-form" on:submit=on_save aria-labelledby="breach-form-title">
                <h3 id="breach-form-title">{move || state.t(SecurityMsg::RecordIncident)}</h3>
                <div class="field">
                    <label for="breach-what">{move || state.t(SecurityMsg::WhatHappened)}</label>
                    <textarea id="breach-what" rows="3" bind:value=description></textarea>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="breach-discovered">{move || state.t(SecurityMsg::DiscoveredAt)}</label>
                        <input id="breach-discovered" type="datetime-local" bind:value=discovered/>
                    </div>
                    <div class="field">
                        <label for="breach-occurred">{move || state.t(SecurityMsg::OccurredAt)}</label>
                        <input id="breach-occurred" type="datetime-local" bind:value=occurred/>
                    </div>
                </div>
                <fieldset class="checks">
                    <legend>{move || state.t(SecurityMsg::BreachCategories)}</legend>
                    {CATEGORIES.into_iter().map(|(cat, msg, code)| {
                        let id = format!("breach-cat-{code}");
                        let for_id = id.clone();
                        let c1 = cat.clone();
                        let c2 = cat.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input type="checkbox" id=id
                                    prop:checked=move || categories.with(|cs| cs.contains(&c1))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        categories.update(|cs| {
                                            cs.retain(|c| *c != c2);
                                            if on { cs.push(c2.clone()); }
                                        });
                                    }/>
                                {move || state.t(msg)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{move || state.t(SecurityMsg::AffectedRecords)}</legend>
                    <p id="breach-affected-count" aria-live="polite">
                        {move || fill(state.t(SecurityMsg::AffectedCount), &[("count", &affected.with(Vec::len).to_string())])}
                    </p>
                    <div class="actions">
                        <button type="button" on:click=move |_| {
                            add_ids(audit_shown.with_untracked(|es| es.iter().filter_map(|e| e.record_id).collect()));
                        }>{move || state.t(SecurityMsg::AddFromAudit)}</button>
                    </div>
                    <div class="field">
                        <label for="breach-search">{move || state.t(SecurityMsg::ContactSearch)}</label>
                        <input id="breach-search" type="search" autocomplete="off" bind:value=search/>
                    </div>
                    <div class="actions">
                        <button type="button" disabled=move || matching.with(Vec::is_empty)
                            on:click=move |_| add_ids(matching.get_untracked())>
                            {move || fill(state.t(SecurityMsg::AddMatching), &[("count", &matching.with(Vec::len).to_string())])}
                        </button>
                        <button type="button" on:click=move |_| affected.set(Vec::new())>
                            {move || state.t(SecurityMsg::ClearAffected)}
                        </button>
                    </div>
                </fieldset>
                <div class="field">
                    <label for="breach-consequences">{move || state.t(SecurityMsg::LikelyConsequences)}</label>
                    <textarea id="breach-consequences" rows="2" bind:value=consequences></textarea>
                </div>
                <div class="field">
                    <label for="breach-measures">{move || state.t(SecurityMsg::MeasuresTaken)}</label>
                    <textarea id="breach-measures" rows="2" bind:value=measures></textarea>
                </div>
                <div class="field">
                    <label for="breach-advice">{move || state.t(SecurityMsg::AdviceToPeople)}</label>
                    <textarea id="breach-advice" rows="2" bind:value=advice></textarea>
                </div>
                <div class="field">
                    <label for="breach-delay">{move || state.t(SecurityMsg::DelayReason)}</label>
                    <textarea id="breach-delay" rows="2" bind:value=delay></textarea>
                </div>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary">{move || state.t(SecurityMsg::SaveIncident)}</button>
                </div>
            </form>
            <Show when=move || incidents.with(Vec::is_empty)>
                <p>{move || state.t(SecurityMsg::NoIncidents)}</p>
            </Show>
            <ul class="incidents">
                <For each=move || incidents.get() key=|i| (i.id, i.authority_notified_ms, i.people_notified_ms) let:incident>
                    <IncidentCard incident=incident now=now controller=controller/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn IncidentCard(
    incident: BreachIncident,
    now: RwSignal<i64>,
    controller: RwSignal<Controller>,
) -> impl IntoView {
    let state = use_app();
    let id = incident.id;
    let lang = RwSignal::new(match state.locale.get_untracked() {
        Locale::En => DraftLanguage::English,
        Locale::ZhCn => DraftLanguage::SimplifiedChinese,
    });
    // The drafts follow the interface language until one is chosen.
    Effect::new(move |_| {
        lang.set(match state.locale.get() {
            Locale::En => DraftLanguage::English,
            Locale::ZhCn => DraftLanguage::SimplifiedChinese,
        })
    });
    let inc = StoredValue::new(incident.clone());
    let mark = move |people: bool| {
        let original = inc.get_value();
        let mut updated = original.clone();
        let at = Some(vault::now_ms());
        if people {
            updated.people_notified_ms = at;
        } else {
            updated.authority_notified_ms = at;
        }
        spawn_local(async move {
            save(state, Some(&original), &updated).await;
        });
    };
    let drafts = Memo::new(move |_| {
        let i = inc.get_value();
        let c = controller.get();
        let l = lang.get();
        let at = now.get_untracked();
        (authority_notice(&i, &c, l, at), people_notice(&i, &c, l))
    });
    let title_id = format!("incident-{id}");
    let labelled_by = title_id.clone();
    let deadline = format_utc(incident.authority_deadline_ms());
    let discovered = format_utc(incident.discovered_ms);
    let authority_done = incident.authority_notified_ms.is_some();
    let people_done = incident.people_notified_ms;
    view! {
        <li class="incident" aria-labelledby=labelled_by>
            <h3 id=title_id>{move || fill(state.t(SecurityMsg::IncidentDiscovered), &[("when", &discovered)])}</h3>
            <p class="incident-what">{incident.description.clone()}</p>
            <p class="deadline">{move || fill(state.t(SecurityMsg::NotifyBy), &[("deadline", &deadline)])}</p>
            <p class="countdown" role="timer" aria-live="off">{move || inc.with_value(|i| clock_text(&state, i, now.get()))}</p>
            {people_done.map(|at| view! {
                <p>{move || fill(state.t(SecurityMsg::PeopleNotifiedAt), &[("when", &format_utc(at))])}</p>
            })}
            <p>{move || fill(state.t(SecurityMsg::AffectedCount), &[("count", &inc.with_value(|i| i.affected_people()).to_string())])}</p>
            <div class="actions">
                <Show when=move || !authority_done>
                    <button type="button" on:click=move |_| mark(false)>{move || state.t(SecurityMsg::MarkAuthorityNotified)}</button>
                </Show>
                <Show when=move || people_done.is_none()>
                    <button type="button" on:click=move |_| mark(true)>{move || state.t(SecurityMsg::MarkPeopleNotified)}</button>
                </Show>
            </div>
            <div class="field">
                <label for=format!("draft-lang-{id}")>{move || state.t(SecurityMsg::DraftLanguageLabel)}</label>
                <select id=format!("draft-lang-{id}") on:change=move |ev| {
                    lang.set(if event_target_value(&ev) == "zh" { DraftLanguage::SimplifiedChinese } else { DraftLanguage::English });
                }>
                    <option value="en" selected=move || lang.get() == DraftLanguage::English>{move || state.t(SecurityMsg::DraftEnglish)}</option>
                    <option value="zh" selected=move || lang.get() == DraftLanguage::SimplifiedChinese>{move || state.t(SecurityMsg::DraftChinese)}</option>
                </select>
            </div>
            <div class="field">
                <label for=format!("draft-authority-{id}")>{move || state.t(SecurityMsg::DraftAuthority)}</label>
                <textarea id=format!("draft-authority-{id}") class="draft" rows="10" readonly
                    prop:value=move || drafts.with(|d| d.0.clone())></textarea>
            </div>
            <div class="field">
                <label for=format!("draft-people-{id}")>{move || state.t(SecurityMsg::DraftPeople)}</label>
                <textarea id=format!("draft-people-{id}") class="draft" rows="10" readonly
                    prop:value=move || drafts.with(|d| d.1.clone())></textarea>
            </div>
        </li>
    }
}
