//! Create or edit one deal: name, amount (minor units, parsed by core's
//! money, never through floats), close date, pipeline and stage (moves go
//! through core's stage-move rules, so history is kept), probability
//! override, contacts with roles, company, tags, notes, custom values.

use crate::components::crm_fields::{CrmInput, parse_tags, problem_text};
use crate::components::custom_fields::{CustomFieldInputs, all_defs};
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::company::Company;
use coffer_core::custom_field::{CustomFieldError, RecordKind};
use coffer_core::date::CivilDate;
use coffer_core::deal::{Deal, DealContact, DealField, DealRole};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::money::{Currency, Money, MoneyError};
use coffer_core::pipeline::Pipeline;
use coffer_core::problem::{FieldProblem, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

const ROLES: [(DealRole, CrmMsg, &str); 7] = [
    (
        DealRole::DecisionMaker,
        CrmMsg::RoleDecisionMaker,
        "decision_maker",
    ),
    (
        DealRole::EconomicBuyer,
        CrmMsg::RoleEconomicBuyer,
        "economic_buyer",
    ),
    (DealRole::Champion, CrmMsg::RoleChampion, "champion"),
    (DealRole::Influencer, CrmMsg::RoleInfluencer, "influencer"),
    (
        DealRole::TechnicalEvaluator,
        CrmMsg::RoleTechnical,
        "technical_evaluator",
    ),
    (DealRole::EndUser, CrmMsg::RoleEndUser, "end_user"),
    (DealRole::Other, CrmMsg::RoleOther, "other"),
];

fn money_error(e: MoneyError) -> CrmMsg {
    match e {
        MoneyError::Empty => CrmMsg::ErrRequired,
        _ => CrmMsg::ErrAmount,
    }
}

#[derive(Clone, Copy)]
struct ContactRow {
    key: u32,
    id: Uuid,
    role: RwSignal<DealRole>,
}

#[component]
pub fn DealForm(
    original: Option<Deal>,
    /// The pipeline a new deal starts in.
    pipeline_id: Uuid,
    on_done: Callback<Option<Uuid>>,
) -> impl IntoView {
    let state = use_app();
    let pipelines = Memo::new(move |_| {
        let mut ps = state.records.with(|r| r.all::<Pipeline>());
        ps.sort_by_key(|p| (p.created_ms, p.id));
        ps
    });
    let start_pipeline = original
        .as_ref()
        .map_or(pipeline_id, |d| d.stage.pipeline_id);
    let base = original.clone().unwrap_or_else(|| {
        let p = pipelines
            .get_untracked()
            .into_iter()
            .find(|p| p.id == start_pipeline)
            .unwrap_or_default();
        Deal::new(Uuid::new_v4(), String::new(), &p, vault::now_ms())
    });
    let name = RwSignal::new(base.name.clone());
    let owner = RwSignal::new(base.owner_name.clone());
    let currency = RwSignal::new(base.amount.map_or(Currency::CNY, |m| m.currency));
    let amount = RwSignal::new(base.amount.map(Money::to_plain_string).unwrap_or_default());
    let close = RwSignal::new(base.close_date.map(|d| d.to_string()).unwrap_or_default());
    let pipeline = RwSignal::new(start_pipeline);
    let stage = RwSignal::new(base.stage.stage_id);
    let probability = RwSignal::new(base.probability.map(|p| p.to_string()).unwrap_or_default());
    let company = RwSignal::new(base.company_id);
    let tags = RwSignal::new(base.tags.join(", "));
    let notes = RwSignal::new(base.notes.clone());
    let custom = RwSignal::new(base.custom.clone());
    let next_key = StoredValue::new(0u32);
    // Rows are added from the suggestion buttons, whose handlers run under
    // the suggestion list's owner; that list is rebuilt (and its signals
    // disposed) as soon as the search is cleared. The row's signal belongs
    // to the form instead.
    let form = StoredValue::new_local(Owner::current());
    let new_contact = move |c: &DealContact| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let role = form.with_value(|owner| match owner {
            Some(owner) => owner.with(|| RwSignal::new(c.role)),
            None => RwSignal::new(c.role),
        });
        ContactRow {
            key,
            id: c.contact_id,
            role,
        }
    };
    let contacts = RwSignal::new(base.contacts.iter().map(new_contact).collect::<Vec<_>>());
    let contact_query = RwSignal::new(String::new());

    let errors = RwSignal::new(Vec::<FieldProblem<DealField>>::new());
    let amount_error = RwSignal::new(None::<String>);
    let close_error = RwSignal::new(None::<String>);
    let probability_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    let error_for = move |field: DealField| {
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| problem_text(&e.problem, &state))
            })
        })
    };
    let custom_errors = Signal::derive(move || {
        errors.with(|es| {
            es.iter()
                .filter_map(|e| match (e.field, e.problem) {
                    (DealField::Custom(id), Problem::Custom(c)) => Some((id, c)),
                    (DealField::Custom(id), _) => Some((id, CustomFieldError::Required)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });

    // When the pipeline changes, land in its first open stage.
    let on_pipeline = move |ev: leptos::ev::Event| {
        let Ok(id) = Uuid::parse_str(&event_target_value(&ev)) else {
            return;
        };
        pipeline.set(id);
        let first = pipelines.with_untracked(|ps| {
            ps.iter()
                .find(|p| p.id == id)
                .and_then(|p| p.first_open_stage().map(|s| s.id))
        });
        stage.set(first.unwrap_or_default());
    };

    let companies = Memo::new(move |_| {
        let mut cs: Vec<(Uuid, String)> = state
            .records
            .with(|r| r.all::<Company>())
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        cs.sort_by(|a, b| a.1.cmp(&b.1));
        cs
    });

    let contact_name = move |id: Uuid| {
        let order = state.settings.with_untracked(|s| s.name_order);
        state
            .book
            .with(|b| b.entries.get(&id).map(|c| c.display_name(order)))
            .unwrap_or_else(|| state.t(CrmMsg::UnknownContact).to_string())
    };

    let suggestions = move || {
        let q = contact_query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let chosen: Vec<Uuid> = contacts.with(|cs| cs.iter().map(|c| c.id).collect());
        state
            .book
            .with(|b| b.index.search(&q, 6).ids)
            .into_iter()
            .filter(|id| !chosen.contains(id))
            .collect::<Vec<_>>()
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let mut bad = false;
        let money = match amount.get_untracked().trim() {
            "" => None,
            text => match Money::parse(text, currency.get_untracked()) {
                Ok(m) => Some(m),
                Err(e) => {
                    amount_error.set(Some(state.t(money_error(e)).to_string()));
                    bad = true;
                    None
                }
            },
        };
        if !bad {
            amount_error.set(None);
        }
        let close_date = match close.get_untracked().trim() {
            "" => None,
            text => match CivilDate::parse(text) {
                Ok(d) => Some(d),
                Err(_) => {
                    close_error.set(Some(state.t(CrmMsg::FilterNeedsDate).to_string()));
                    bad = true;
                    None
                }
            },
        };
        if close_date.is_some() || close.get_untracked().trim().is_empty() {
            close_error.set(None);
        }
        let prob = match probability.get_untracked().trim() {
            "" => None,
            text => match text.trim_end_matches('%').trim().parse::<u8>() {
                Ok(p) if p <= 100 => Some(p),
                _ => {
                    probability_error.set(Some(state.t(CrmMsg::ErrPercent).to_string()));
                    bad = true;
                    None
                }
            },
        };
        if prob.is_some() || probability.get_untracked().trim().is_empty() {
            probability_error.set(None);
        }
        let all_pipelines = pipelines.get_untracked();
        let now = vault::now_ms();
        // The place in the pipeline changes only through core's moves.
        let moved = {
            let from = all_pipelines
                .iter()
                .find(|p| p.id == base.stage.pipeline_id);
            let to = all_pipelines
                .iter()
                .find(|p| p.id == pipeline.get_untracked());
            match (original.is_some(), from, to) {
                (true, Some(from), Some(to)) => base
                    .moved_to_pipeline(from, to, Some(stage.get_untracked()), now)
                    .unwrap_or_else(|_| base.clone()),
                _ => {
                    let mut d = base.clone();
                    d.stage.pipeline_id = pipeline.get_untracked();
                    d.stage.stage_id = stage.get_untracked();
                    d
                }
            }
        };
        let defs = all_defs(state);
        let deal = Deal {
            name: name.get_untracked(),
            owner_name: owner.get_untracked(),
            amount: money,
            close_date,
            probability: prob,
            contacts: contacts
                .get_untracked()
                .iter()
                .map(|c| DealContact {
                    contact_id: c.id,
                    role: c.role.get_untracked(),
                })
                .collect(),
            company_id: company.get_untracked(),
            tags: parse_tags(&tags.get_untracked()),
            notes: notes.get_untracked(),
            custom: custom.get_untracked(),
            updated_ms: now,
            ..moved
        }
        .normalized(&defs);
        match deal.validate(&all_pipelines, &defs) {
            Err(p) => {
                errors.set(p.0);
                bad = true;
            }
            Ok(()) => errors.set(Vec::new()),
        }
        if bad {
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        let original = original.clone();
        saving.set(true);
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &deal).await {
                Ok(()) => {
                    state.say(fill(state.t(CrmMsg::DealSaved), &[("name", &deal.name)]));
                    saving.set(false);
                    on_done.run(Some(deal.id));
                }
                Err(e) => {
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };

    let contact_rows = move || {
        contacts
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, ContactRow)>>()
    };

    view! {
        <form class="record-form" on:submit=on_submit novalidate=true>
            <CrmInput id="deal-name" label=CrmMsg::DealName value=name error=error_for(DealField::Name)/>
            <div class="row">
                <div class="field">
                    <label for="deal-amount">{move || state.t(CrmMsg::Amount)}</label>
                    <div class="money-input">
                        <input id="deal-amount" type="text" inputmode="decimal" autocomplete="off"
                            aria-describedby="deal-amount-error"
                            aria-invalid=move || (amount_error.get().is_some() || error_for(DealField::Amount).get().is_some()).to_string()
                            bind:value=amount/>
                        <label for="deal-currency" class="visually-hidden">{move || state.t(CrmMsg::Currency)}</label>
                        <select id="deal-currency" on:change=move |ev| {
                            if let Ok(c) = Currency::from_code(&event_target_value(&ev)) { currency.set(c); }
                        }>
                            {Currency::all().map(|c| view! {
                                <option value=c.code() selected=move || currency.get() == c>{c.code()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <p id="deal-amount-error" class="field-error">
                        {move || amount_error.get().or_else(|| error_for(DealField::Amount).get())}
                    </p>
                </div>
                <CrmInput id="deal-close" label=CrmMsg::CloseDate value=close input_type="date" error=Signal::derive(move || close_error.get())/>
            </div>
            <div class="row">
                <div class="field">
                    <label for="deal-pipeline">{move || state.t(CrmMsg::Pipeline)}</label>
                    <select id="deal-pipeline" on:change=on_pipeline>
                        {move || pipelines.get().into_iter().map(|p| {
                            let id = p.id;
                            view! { <option value=id.to_string() selected=move || pipeline.get() == id>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="deal-stage">{move || state.t(CrmMsg::Stage)}</label>
                    <select id="deal-stage" aria-describedby="deal-stage-error"
                        on:change=move |ev| if let Ok(id) = Uuid::parse_str(&event_target_value(&ev)) { stage.set(id) }>
                        {move || {
                            let pid = pipeline.get();
                            pipelines.with(|ps| ps.iter().find(|p| p.id == pid).map(|p| p.stages.clone()).unwrap_or_default())
                                .into_iter()
                                .map(|s| {
                                    let id = s.id;
                                    view! { <option value=id.to_string() selected=move || stage.get() == id>{s.name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <p id="deal-stage-error" class="field-error">{move || error_for(DealField::Stage).get()}</p>
                </div>
                <CrmInput id="deal-probability" label=CrmMsg::ProbabilityOverride value=probability inputmode="numeric"
                    hint=CrmMsg::ProbabilityHint
                    error=Signal::derive(move || probability_error.get().or_else(|| error_for(DealField::Probability).get()))/>
            </div>
            <div class="field">
                <label for="deal-company">{move || state.t(CrmMsg::RecordCompany)}</label>
                <select id="deal-company" on:change=move |ev| company.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                    <option value="">{move || state.t(CrmMsg::NoChoice)}</option>
                    {move || companies.get().into_iter().map(|(id, n)| view! {
                        <option value=id.to_string() selected=move || company.get() == Some(id)>{n}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset>
                <legend>{move || state.t(CrmMsg::DealContacts)}</legend>
                <For each=contact_rows key=|(i, r): &(usize, ContactRow)| (*i, r.key) children=move |(index, row): (usize, ContactRow)| {
                    let role_id = format!("deal-contact-{index}-role");
                    let who = contact_name(row.id);
                    let who2 = who.clone();
                    view! {
                        <div class="point-row">
                            <span class="name">{who}</span>
                            <div class="field kind">
                                <label for=role_id.clone()>{move || state.t(CrmMsg::Role)}</label>
                                <select id=role_id on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some((r, _, _)) = ROLES.iter().find(|(_, _, k)| *k == v) { row.role.set(*r); }
                                }>
                                    {ROLES.iter().map(|&(r, m, k)| view! {
                                        <option value=k selected=move || row.role.get() == r>{move || state.t(m)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="button" class="remove"
                                aria-label=move || fill(state.t(CrmMsg::RemoveNamed), &[("name", &who2)])
                                on:click=move |_| contacts.update(|cs| cs.retain(|c| c.key != row.key))>
                                {move || state.t(Msg::Remove)}
                            </button>
                        </div>
                    }
                }/>
                <div class="field">
                    <label for="deal-contact-search">{move || state.t(CrmMsg::AddContact)}</label>
                    <input id="deal-contact-search" type="search" autocomplete="off" bind:value=contact_query/>
                </div>
                <ul class="suggestions">
                    {move || suggestions().into_iter().map(|id| {
                        let n = contact_name(id);
                        view! {
                            <li><button type="button" on:click=move |_| {
                                contacts.update(|cs| cs.push(new_contact(&DealContact { contact_id: id, role: DealRole::Other })));
                                contact_query.set(String::new());
                            }>{fill(state.t(CrmMsg::AddNamed), &[("name", &n)])}</button></li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>
            <CrmInput id="deal-owner" label=CrmMsg::OwnerName value=owner/>
            <CrmInput id="deal-tags" label=CrmMsg::TagsLabel value=tags hint=CrmMsg::TagsHintCrm/>
            <div class="field">
                <label for="deal-notes">{move || state.t(Msg::Notes)}</label>
                <textarea id="deal-notes" rows="4" aria-describedby="deal-notes-error" bind:value=notes></textarea>
                <p id="deal-notes-error" class="field-error">{move || error_for(DealField::Notes).get()}</p>
            </div>
            <CustomFieldInputs record=RecordKind::Deal values=custom errors=custom_errors/>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                <button type="button" on:click=move |_| on_done.run(None)>{move || state.t(Msg::Cancel)}</button>
            </div>
        </form>
    }
}
