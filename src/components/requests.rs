//! The data-subject request register: log a request about a contact, see
//! its legal deadline and how urgent it is, move it on, and for access and
//! portability requests download the person's data.

use crate::components::privacy_filter::open_contact;
use crate::components::privacy_labels::{
    CCPA_KINDS, KINDS, actor, ccpa_msg, kind_msg, status_msg, today,
};
use crate::components::subject_export::download_person_data;
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use coffer_core::date::CivilDate;
use coffer_core::i18n::fill;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::records::{PRIVACY_SETTINGS_ID, register_order};
use coffer_core::privacy::request::{
    CcpaRequest, Extension, RequestError, RequestOutcome, RequestStatus,
};
use coffer_core::privacy::{Jurisdiction, PrivacySettings, RequestKind, SubjectRequest, Urgency};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Days before a deadline from which a request shows as due soon.
const DUE_SOON_DAYS: i64 = 7;
/// People offered while searching for the request's subject.
const PERSON_MATCHES: usize = 6;

const LAWS: [(Jurisdiction, &str); 3] = [
    (Jurisdiction::Gdpr, "gdpr"),
    (Jurisdiction::Ccpa, "ccpa"),
    (Jurisdiction::Pipl, "pipl"),
];

fn settings(state: &AppState) -> PrivacySettings {
    state
        .records
        .with(|s| s.get::<PrivacySettings>(PRIVACY_SETTINGS_ID))
        .unwrap_or_default()
}

fn law_text(state: &AppState, law: Jurisdiction, pipl_days: u32) -> String {
    match law {
        Jurisdiction::Gdpr => state.t(PrivacyMsg::LawGdpr).to_owned(),
        Jurisdiction::Ccpa => state.t(PrivacyMsg::LawCcpa).to_owned(),
        Jurisdiction::Pipl => fill(
            state.t(PrivacyMsg::LawPipl),
            &[("days", &pipl_days.to_string())],
        ),
    }
}

/// A contact's name for the register (never stored in it).
pub fn person_name(state: &AppState, id: Option<Uuid>) -> String {
    let order = state.settings.with_untracked(|s| s.name_order);
    id.and_then(|id| {
        state
            .book
            .with(|b| b.entries.get(&id).map(|c| c.display_name(order)))
    })
    .map(|n| {
        if n.is_empty() {
            state.t(PrivacyMsg::NoName).to_owned()
        } else {
            n
        }
    })
    .unwrap_or_else(|| state.t(PrivacyMsg::ContactGone).to_owned())
}

/// Saves a changed request (only the changed fields are written) and says
/// `done` once it is stored.
pub fn save_request(
    state: AppState,
    original: SubjectRequest,
    updated: SubjectRequest,
    done: PrivacyMsg,
) {
    let Some(sync) = state.sync() else { return };
    spawn_local(async move {
        match sync.save_record(Some(&original), &updated).await {
            Ok(()) => state.say(state.t(done)),
            Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
        }
    });
}

#[component]
pub fn RequestRegister() -> impl IntoView {
    let state = use_app();
    let kind = RwSignal::new(RequestKind::Access);
    let ccpa = RwSignal::new(CcpaRequest::Know);
    let law = RwSignal::new(Jurisdiction::Gdpr);
    let received = RwSignal::new(today().to_string());
    let person_query = RwSignal::new(String::new());
    let person = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<String>);
    let pipl_days = Memo::new(move |_| settings(&state).pipl_working_days().unwrap_or(15));

    let requests = Memo::new(move |_| {
        let rules = settings(&state).deadlines;
        let mut all = state.records.with(|s| s.all::<SubjectRequest>());
        register_order(&mut all, &rules);
        all
    });

    let person_matches = move || {
        let q = person_query.get();
        if q.trim().is_empty() || person.get().is_some() {
            return Vec::new();
        }
        let order = state.settings.with_untracked(|s| s.name_order);
        state.book.with(|b| {
            b.index
                .search(&q, PERSON_MATCHES)
                .ids
                .into_iter()
                .filter_map(|id| b.entries.get(&id))
                .map(|c| {
                    let email = c
                        .emails
                        .first()
                        .map(|e| e.address.clone())
                        .unwrap_or_default();
                    (c.id, c.display_name(order), email)
                })
                .collect::<Vec<_>>()
        })
    };

    let on_pipl_days = move |ev: leptos::ev::Event| {
        let Ok(days) = event_target_value(&ev).trim().parse::<u32>() else {
            return;
        };
        let original = state
            .records
            .with_untracked(|s| s.get::<PrivacySettings>(PRIVACY_SETTINGS_ID));
        let mut updated = original.clone().unwrap_or_default();
        updated.set_pipl_working_days(days);
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            if let Err(e) = sync.save_record(original.as_ref(), &updated).await {
                state.warn(error_text(&e, state.locale.get_untracked()));
            }
        });
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(contact_id) = person.get_untracked() else {
            error.set(Some(state.t(PrivacyMsg::PersonRequired).to_owned()));
            return;
        };
        let Ok(received_on) = CivilDate::parse(&received.get_untracked()) else {
            error.set(Some(state.t(PrivacyMsg::DateInvalid).to_owned()));
            return;
        };
        error.set(None);
        let jurisdiction = law.get_untracked();
        // Under the CCPA the request is logged by its own name, which also
        // picks its clock (opt-outs run on 15 business days).
        let ccpa = (jurisdiction == Jurisdiction::Ccpa).then(|| ccpa.get_untracked());
        let request = SubjectRequest {
            id: Uuid::new_v4(),
            contact_id: Some(contact_id),
            kind: ccpa.map_or_else(|| kind.get_untracked(), CcpaRequest::kind),
            ccpa,
            jurisdiction,
            received_on,
            status: RequestStatus::Received,
            extension: None,
            outcome: None,
            closed_on: None,
            recorded_by: actor(&state),
        };
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.add_records(&[request]).await {
                Ok(()) => {
                    state.say(state.t(PrivacyMsg::RequestLogged));
                    person.set(None);
                    person_query.set(String::new());
                }
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    view! {
        <section class="privacy-section" aria-labelledby="requests-title">
            <h2 id="requests-title">{move || state.t(PrivacyMsg::RequestsTitle)}</h2>
            <details class="request-form">
                <summary>{move || state.t(PrivacyMsg::NewRequest)}</summary>
                <form on:submit=on_submit novalidate=true>
                    <div class="row">
                        <Show when=move || law.get() != Jurisdiction::Ccpa fallback=move || view! {
                            <div class="field">
                                <label for="request-ccpa">{move || state.t(PrivacyMsg::CcpaLabel)}</label>
                                <select id="request-ccpa" on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some((r, _, _)) = CCPA_KINDS.iter().find(|(_, code, _)| *code == v) {
                                        ccpa.set(*r);
                                    }
                                }>
                                    {CCPA_KINDS.iter().map(|&(r, code, m)| view! {
                                        <option value=code selected=move || ccpa.get() == r>{move || state.t(m)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        }>
                        <div class="field">
                            <label for="request-kind">{move || state.t(PrivacyMsg::KindLabel)}</label>
                            <select id="request-kind" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((k, _, _)) = KINDS.iter().find(|(_, code, _)| *code == v) {
                                    kind.set(*k);
                                }
                            }>
                                {KINDS.iter().map(|(k, code, m)| {
                                    let (k, m) = (*k, *m);
                                    view! { <option value=*code selected=move || kind.get() == k>{move || state.t(m)}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        </Show>
                        <div class="field">
                            <label for="request-law">{move || state.t(PrivacyMsg::JurisdictionLabel)}</label>
                            <select id="request-law" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((j, _)) = LAWS.iter().find(|(_, code)| *code == v) {
                                    law.set(*j);
                                }
                            }>
                                {LAWS.iter().map(|(j, code)| {
                                    let j = *j;
                                    view! { <option value=*code selected=move || law.get() == j>{move || law_text(&state, j, pipl_days.get())}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="request-received">{move || state.t(PrivacyMsg::ReceivedOn)}</label>
                            <input id="request-received" type="date" bind:value=received/>
                        </div>
                    </div>
                    <Show when=move || law.get() == Jurisdiction::Pipl>
                        <div class="field">
                            <label for="pipl-days">{move || state.t(PrivacyMsg::PiplDays)}</label>
                            <input id="pipl-days" type="number" min="1" max="90" inputmode="numeric"
                                aria-describedby="pipl-days-hint"
                                prop:value=move || pipl_days.get().to_string() on:change=on_pipl_days/>
                            <p id="pipl-days-hint" class="hint">{move || state.t(PrivacyMsg::PiplDaysHint)}</p>
                        </div>
                    </Show>
                    <div class="field">
                        <label for="request-person">{move || state.t(PrivacyMsg::PersonLabel)}</label>
                        <input id="request-person" type="search" autocomplete="off"
                            aria-describedby="request-person-picked"
                            prop:value=move || person_query.get()
                            on:input=move |ev| {
                                person.set(None);
                                person_query.set(event_target_value(&ev));
                            }/>
                        <p id="request-person-picked" class="hint" aria-live="polite">
                            {move || person.get().map(|id| fill(state.t(PrivacyMsg::PersonPicked), &[("name", &person_name(&state, Some(id)))]))}
                        </p>
                        <ul class="person-matches">
                            {move || person_matches().into_iter().map(|(id, name, email)| {
                                let shown = name.clone();
                                view! {
                                    <li>
                                        <button type="button" on:click=move |_| {
                                            person.set(Some(id));
                                            person_query.set(shown.clone());
                                        }>
                                            {name} " " <span class="hint">{email}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                    <div class="actions">
                        <button type="submit" class="primary">{move || state.t(PrivacyMsg::LogRequest)}</button>
                    </div>
                </form>
            </details>
            <p class="hint">{move || state.t(PrivacyMsg::RequestsHint)}</p>
            {move || {
                let list = requests.get();
                if list.is_empty() {
                    return view! { <p class="hint">{move || state.t(PrivacyMsg::NoRequests)}</p> }.into_any();
                }
                view! {
                    <div class="table-scroll">
                        <table class="privacy-table" id="request-register">
                            <caption class="visually-hidden">{move || state.t(PrivacyMsg::RequestsTitle)}</caption>
                            <thead><tr>
                                <th scope="col">{move || state.t(PrivacyMsg::KindLabel)}</th>
                                <th scope="col">{move || state.t(PrivacyMsg::ColPerson)}</th>
                                <th scope="col">{move || state.t(PrivacyMsg::ReceivedOn)}</th>
                                <th scope="col">{move || state.t(PrivacyMsg::ColDeadline)}</th>
                                <th scope="col">{move || state.t(PrivacyMsg::ColStatus)}</th>
                                <th scope="col">{move || state.t(PrivacyMsg::ColActions)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|r| view! { <RequestRow request=r/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RequestRow(request: SubjectRequest) -> impl IntoView {
    let state = use_app();
    let rules = settings(&state).deadlines;
    let deadline = request.deadline(&rules);
    let urgency = request.urgency(today(), DUE_SOON_DAYS, &rules);
    let (urgency_class, urgency_text) = match urgency {
        Urgency::OnTrack { days_left } => (
            "urgency on-track",
            fill(
                state.t(PrivacyMsg::DaysLeft),
                &[("days", &days_left.to_string())],
            ),
        ),
        Urgency::DueSoon { days_left: 0 } => {
            ("urgency due-soon", state.t(PrivacyMsg::DueToday).to_owned())
        }
        Urgency::DueSoon { days_left } => (
            "urgency due-soon",
            fill(
                state.t(PrivacyMsg::DaysLeft),
                &[("days", &days_left.to_string())],
            ),
        ),
        Urgency::Overdue { days_late } => (
            "urgency overdue",
            fill(
                state.t(PrivacyMsg::OverdueBy),
                &[("days", &days_late.to_string())],
            ),
        ),
        Urgency::Closed { late } => (
            "urgency closed",
            state
                .t(if late {
                    PrivacyMsg::ClosedLate
                } else {
                    PrivacyMsg::ClosedOnTime
                })
                .to_owned(),
        ),
    };
    let outcome = match (&request.outcome, request.closed_on) {
        (Some(o), Some(on)) => {
            let m = match o {
                RequestOutcome::Fulfilled => PrivacyMsg::OutcomeFulfilled,
                RequestOutcome::PartiallyFulfilled { .. } => PrivacyMsg::OutcomePartial,
                RequestOutcome::Refused { .. } => PrivacyMsg::OutcomeRefused,
            };
            Some(fill(state.t(m), &[("date", &on.to_string())]))
        }
        _ => None,
    };
    let name = person_name(&state, request.contact_id);
    let kind = request
        .ccpa
        .map_or_else(|| kind_msg(request.kind), ccpa_msg);
    let extended = request.extension.is_some();
    let extendable = !request.status.is_closed()
        && !extended
        && rules
            .rule(request.jurisdiction, request.ccpa)
            .max_extension
            .is_some();
    let latest = request.latest_possible_deadline(&rules);
    let status = status_msg(request.status);
    let open = !request.status.is_closed();
    let r = StoredValue::new(request.clone());

    let close = move |outcome: RequestOutcome| {
        let original = r.get_value();
        let mut updated = original.clone();
        if updated.close(outcome, today()).is_ok() {
            save_request(state, original, updated, PrivacyMsg::RequestUpdated);
        }
    };
    // Extends to the longest the law allows, the person told today.
    let extend = move |_| {
        let question = fill(
            state.t(PrivacyMsg::ConfirmExtend),
            &[("date", &latest.to_string())],
        );
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let rules = settings(&state).deadlines;
        let original = r.get_value();
        let Some(period) = rules
            .rule(original.jurisdiction, original.ccpa)
            .max_extension
        else {
            return;
        };
        let mut updated = original.clone();
        let extension = Extension {
            period,
            notified_on: today(),
            reason_code: "complexity".into(),
        };
        match updated.extend(extension, &rules) {
            Ok(()) => {
                let date = updated.deadline(&rules).to_string();
                let Some(sync) = state.sync() else { return };
                spawn_local(async move {
                    match sync.save_record(Some(&original), &updated).await {
                        Ok(()) => state.say(fill(
                            state.t(PrivacyMsg::DeadlineExtended),
                            &[("date", &date)],
                        )),
                        Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
                    }
                });
            }
            Err(RequestError::ExtensionNotifiedTooLate { deadline }) => state.warn(fill(
                state.t(PrivacyMsg::ExtensionTooLate),
                &[("date", &deadline.to_string())],
            )),
            Err(_) => state.warn(state.t(PrivacyMsg::ExtensionRefused)),
        }
    };
    let start = move |_| {
        let original = r.get_value();
        let mut updated = original.clone();
        updated.status = RequestStatus::InProgress;
        save_request(state, original, updated, PrivacyMsg::RequestUpdated);
    };
    let download = move |_| {
        let request = r.get_value();
        spawn_local(async move {
            match download_person_data(state, &request).await {
                Ok(()) => {
                    // The fulfilment goes on record; an already closed
                    // request (a second copy) keeps its first outcome.
                    let mut updated = request.clone();
                    if updated.close(RequestOutcome::Fulfilled, today()).is_ok() {
                        save_request(state, request, updated, PrivacyMsg::DataDownloaded);
                    } else {
                        state.say(state.t(PrivacyMsg::DataDownloaded));
                    }
                }
                Err(text) => state.warn(text),
            }
        });
    };
    let downloadable = matches!(request.kind, RequestKind::Access | RequestKind::Portability)
        && request.contact_id.is_some();
    let contact = request.contact_id;
    let label = {
        let name = name.clone();
        move |action: &str| format!("{action} — {name}")
    };
    let l1 = label.clone();
    let l2 = label.clone();
    let l3 = label.clone();
    let l4 = label.clone();
    let l5 = label;

    view! {
        <tr class=if open { "open" } else { "closed" }>
            <td>{move || state.t(kind)}</td>
            <td>{name.clone()}</td>
            <td>{request.received_on.to_string()}</td>
            <td>
                <span class="deadline">{deadline.to_string()}</span>
                {extended.then(|| view! { " " <span class="hint extended">"(" {move || state.t(PrivacyMsg::ExtendedMark)} ")"</span> })}
                " " <span class=urgency_class>{urgency_text}</span>
            </td>
            <td>{move || state.t(status)} {outcome.map(|o| view! { <br/><span class="hint outcome">{o}</span> })}</td>
            <td class="request-actions">
                {downloadable.then(|| view! {
                    <button type="button" on:click=download
                        aria-label=move || l1(state.t(PrivacyMsg::DownloadData))>
                        {move || state.t(PrivacyMsg::DownloadData)}
                    </button>
                })}
                {contact.map(|id| view! {
                    <button type="button" on:click=move |_| open_contact(&state, id)
                        aria-label=move || l2(state.t(PrivacyMsg::OpenContact))>
                        {move || state.t(PrivacyMsg::OpenContact)}
                    </button>
                })}
                {extendable.then(|| view! {
                    <button type="button" on:click=extend
                        aria-label=move || l5(state.t(PrivacyMsg::ExtendDeadline))>
                        {move || state.t(PrivacyMsg::ExtendDeadline)}
                    </button>
                })}
                {(open && request.status == RequestStatus::Received).then(|| view! {
                    <button type="button" on:click=start>{move || state.t(PrivacyMsg::MarkInProgress)}</button>
                })}
                {open.then(|| view! {
                    <button type="button" on:click=move |_| close(RequestOutcome::Fulfilled)
                        aria-label=move || l3(state.t(PrivacyMsg::MarkCompleted))>
                        {move || state.t(PrivacyMsg::MarkCompleted)}
                    </button>
                    <button type="button" class="danger"
                        on:click=move |_| close(RequestOutcome::Refused { reason_code: "refused".into() })
                        aria-label=move || l4(state.t(PrivacyMsg::MarkRefused))>
                        {move || state.t(PrivacyMsg::MarkRefused)}
                    </button>
                })}
            </td>
        </tr>
    }
}
