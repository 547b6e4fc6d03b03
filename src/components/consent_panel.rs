//! A contact's consent ledger: what they agreed to now, every decision ever
//! recorded (never overwritten), and a form to record or withdraw consent.

use crate::components::privacy_labels::{
    BASES, actor, actor_msg, basis_msg, decision_msg, instant_of, purpose_msg, today,
};
use crate::components::sync_panel::date_time;
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::date::CivilDate;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::{
    ConsentDecision, ConsentEntry, ConsentLedger, LawfulBasis, STANDARD_PURPOSES, purpose_code,
    purpose_from_code,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// One contact's ledger from the synced entries.
pub fn ledger_of(entries: Vec<ConsentEntry>, contact_id: Uuid) -> ConsentLedger {
    let mut ledger = ConsentLedger::new(contact_id);
    for e in entries.into_iter().filter(|e| e.contact_id == contact_id) {
        let _ = ledger.append(e);
    }
    ledger
}

#[component]
pub fn ConsentPanel(id: Uuid) -> impl IntoView {
    let state = use_app();
    let ledger = Memo::new(move |_| {
        state
            .records
            .with(|set| ledger_of(set.all::<ConsentEntry>(), id))
    });
    let purpose = RwSignal::new(purpose_code(&STANDARD_PURPOSES[0]));
    let basis = RwSignal::new(LawfulBasis::Consent);
    let source = RwSignal::new(String::new());
    let decided = RwSignal::new(today().to_string());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    let record = move |decision: ConsentDecision| {
        if saving.get_untracked() {
            return;
        }
        let Some(purpose) = purpose_from_code(&purpose.get_untracked()) else {
            return;
        };
        let text = source.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(Some(state.t(PrivacyMsg::SourceRequired).to_owned()));
            return;
        }
        let Ok(date) = CivilDate::parse(&decided.get_untracked()) else {
            error.set(Some(state.t(PrivacyMsg::DateInvalid).to_owned()));
            return;
        };
        error.set(None);
        let entry = ConsentEntry {
            id: Uuid::new_v4(),
            contact_id: id,
            purpose,
            basis: basis.get_untracked(),
            decision,
            source: text,
            at_ms: instant_of(date),
            recorded_by: actor(&state),
            recorded_ms: vault::now_ms(),
        };
        let Some(sync) = state.sync() else { return };
        saving.set(true);
        spawn_local(async move {
            match sync.add_records(&[entry]).await {
                Ok(()) => state.say(state.t(match decision {
                    ConsentDecision::Given => PrivacyMsg::ConsentRecorded,
                    ConsentDecision::Withdrawn => PrivacyMsg::ConsentWithdrawnDone,
                })),
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
            saving.set(false);
        });
    };

    let current = move || {
        let now = vault::now_ms();
        ledger.with(|l| {
            STANDARD_PURPOSES
                .iter()
                .map(|p| {
                    let m = purpose_msg(p);
                    let status = match l.current(p, now) {
                        Some(e) if e.decision == ConsentDecision::Given => {
                            (decision_msg(e.decision), "given")
                        }
                        Some(e) => (decision_msg(e.decision), "withdrawn"),
                        None => (PrivacyMsg::NotAsked, "none"),
                    };
                    view! {
                        <li>
                            <span>{move || state.t(m)}</span>
                            ": "
                            <span class=format!("consent-state {}", status.1)>{move || state.t(status.0)}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    let history = move || {
        let rows: Vec<ConsentEntry> =
            ledger.with(|l| l.history().into_iter().rev().cloned().collect());
        if rows.is_empty() {
            return view! { <p class="hint">{move || state.t(PrivacyMsg::ConsentHistoryEmpty)}</p> }
                .into_any();
        }
        view! {
            <div class="table-scroll">
                <table class="privacy-table" id="consent-history">
                    <caption class="visually-hidden">{move || state.t(PrivacyMsg::ConsentHistory)}</caption>
                    <thead><tr>
                        <th scope="col">{move || state.t(PrivacyMsg::DecidedOn)}</th>
                        <th scope="col">{move || state.t(PrivacyMsg::PurposeLabel)}</th>
                        <th scope="col">{move || state.t(PrivacyMsg::ColDecision)}</th>
                        <th scope="col">{move || state.t(PrivacyMsg::BasisLabel)}</th>
                        <th scope="col">{move || state.t(PrivacyMsg::SourceLabel)}</th>
                        <th scope="col">{move || state.t(PrivacyMsg::ColRecordedBy)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|e| {
                            let p = purpose_msg(&e.purpose);
                            let d = decision_msg(e.decision);
                            let b = basis_msg(e.basis);
                            let by = actor_msg(&state, &e.recorded_by);
                            let recorded = date_time(e.recorded_ms as f64);
                            view! {
                                <tr class=if e.decision == ConsentDecision::Given { "given" } else { "withdrawn" }>
                                    <td>{date_time(e.at_ms as f64)}</td>
                                    <td>{move || state.t(p)}</td>
                                    <td>{move || state.t(d)}</td>
                                    <td>{move || state.t(b)}</td>
                                    <td>{e.source.clone()}</td>
                                    <td>{move || state.t(by)} <span class="hint">" · " {recorded.clone()}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };

    view! {
        <section class="consent-panel" aria-labelledby="consent-title">
            <h3 id="consent-title">{move || state.t(PrivacyMsg::ConsentTitle)}</h3>
            <h4>{move || state.t(PrivacyMsg::ConsentNow)}</h4>
            <ul class="consent-now">{current}</ul>
            <div class="consent-form">
                <div class="row">
                    <div class="field">
                        <label for="consent-purpose">{move || state.t(PrivacyMsg::PurposeLabel)}</label>
                        <select id="consent-purpose" on:change=move |ev| purpose.set(event_target_value(&ev))>
                            {STANDARD_PURPOSES.iter().map(|p| {
                                let code = purpose_code(p);
                                let m = purpose_msg(p);
                                let c = code.clone();
                                view! { <option value=code selected=move || purpose.get() == c>{move || state.t(m)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="consent-basis">{move || state.t(PrivacyMsg::BasisLabel)}</label>
                        <select id="consent-basis" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some((b, _, _)) = BASES.iter().find(|(_, code, _)| *code == v) {
                                basis.set(*b);
                            }
                        }>
                            {BASES.iter().map(|(b, code, m)| {
                                let (b, m) = (*b, *m);
                                view! { <option value=*code selected=move || basis.get() == b>{move || state.t(m)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="row">
                    <div class="field grow">
                        <label for="consent-source">{move || state.t(PrivacyMsg::SourceLabel)}</label>
                        <input id="consent-source" type="text" autocomplete="off"
                            aria-describedby="consent-source-hint consent-error" bind:value=source/>
                        <p id="consent-source-hint" class="hint">{move || state.t(PrivacyMsg::SourceHint)}</p>
                    </div>
                    <div class="field">
                        <label for="consent-date">{move || state.t(PrivacyMsg::DecidedOn)}</label>
                        <input id="consent-date" type="date" bind:value=decided/>
                    </div>
                </div>
                <p id="consent-error" class="field-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="button" class="primary" disabled=move || saving.get()
                        on:click=move |_| record(ConsentDecision::Given)>
                        {move || state.t(PrivacyMsg::RecordConsent)}
                    </button>
                    <button type="button" disabled=move || saving.get()
                        on:click=move |_| record(ConsentDecision::Withdrawn)>
                        {move || state.t(PrivacyMsg::WithdrawConsent)}
                    </button>
                </div>
            </div>
            <h4>{move || state.t(PrivacyMsg::ConsentHistory)}</h4>
            <p class="hint">{move || state.t(PrivacyMsg::ConsentHistoryNote)}</p>
            {history}
        </section>
    }
}
