//! The deals page: a pipeline chooser (the default pipeline is created the
//! first time), the board of the chosen pipeline or the deals table with
//! its weighted forecast, the pipeline editor, the deal form and each
//! deal's record page.

use crate::components::custom_fields::defs_for;
use crate::components::data_table::{DataTable, table_columns};
use crate::components::deal_form::DealForm;
use crate::components::kanban::{Kanban, amounts_text};
use crate::components::pipeline_editor::{PipelineEditor, new_pipeline};
use crate::components::sync_panel::date_time;
use crate::components::timeline::{RecordRef, RecordTimeline};
use crate::pages::unlock::error_text;
use crate::state::{View, use_app};
use coffer_core::company::Company;
use coffer_core::custom_field::RecordKind;
use coffer_core::deal::table::{
    DEFAULT_COLUMNS, TABLE_COLUMNS, column_class, table_row, table_schema,
};
use coffer_core::deal::{Deal, weighted_total};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::pipeline::Pipeline;
use coffer_core::record::{DEAL_NAMESPACE, PIPELINE_NAMESPACE, Record};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Board,
    Table,
    New,
    Open(Uuid),
    EditPipeline,
}

fn column_label(path: &str) -> CrmMsg {
    match path {
        "name" => CrmMsg::DealName,
        "owner_name" => CrmMsg::OwnerName,
        "company_name" => CrmMsg::RecordCompany,
        "pipeline_name" => CrmMsg::Pipeline,
        "stage_name" => CrmMsg::Stage,
        "amount.minor" => CrmMsg::Amount,
        "win_probability" => CrmMsg::ProbabilityPct,
        "weighted.minor" => CrmMsg::Weighted,
        "close_date" => CrmMsg::CloseDate,
        "tags" => CrmMsg::TagsLabel,
        _ => CrmMsg::NotesColumn,
    }
}

#[component]
pub fn DealsPage() -> impl IntoView {
    let state = use_app();
    // A deal opened from another page (search) opens its record.
    let mode = RwSignal::new(
        state
            .take_open(coffer_core::record::DEAL_NAMESPACE)
            .map_or(Mode::Board, Mode::Open),
    );
    let chosen = RwSignal::new(None::<Uuid>);
    let new_pipeline_name = RwSignal::new(String::new());

    let pipelines = Memo::new(move |_| {
        let mut ps = state.records.with(|r| r.all::<Pipeline>());
        ps.sort_by_key(|p| (p.created_ms, p.id));
        ps
    });
    let current = Memo::new(move |_| {
        let ps = pipelines.get();
        let want = chosen.get();
        ps.iter()
            .find(|p| Some(p.id) == want)
            .or(ps.first())
            .cloned()
    });

    // The first visit creates the default pipeline. Wait a moment so a
    // pipeline still loading from this device's store is not duplicated.
    let created = StoredValue::new(false);
    gloo_timers::callback::Timeout::new(400, move || {
        if created.try_get_value() != Some(false)
            || state
                .records
                .with_untracked(|r| r.count(PIPELINE_NAMESPACE))
                > 0
        {
            return;
        }
        created.set_value(true);
        let Some(sync) = state.sync() else { return };
        let p = new_pipeline(state.t(CrmMsg::DefaultPipelineName).to_string(), &state);
        spawn_local(async move {
            if let Err(e) = sync.save_record(None, &p).await {
                state.warn(error_text(&e, state.locale.get_untracked()));
            }
        });
    })
    .forget();

    let on_new_pipeline = move |_| {
        let name = new_pipeline_name.get_untracked().trim().to_string();
        if name.is_empty() {
            state.warn(state.t(CrmMsg::PipelineNameRequired));
            return;
        }
        let Some(sync) = state.sync() else { return };
        let p = new_pipeline(name, &state);
        spawn_local(async move {
            match sync.save_record(None, &p).await {
                Ok(()) => {
                    chosen.set(Some(p.id));
                    new_pipeline_name.set(String::new());
                    state.say(fill(state.t(CrmMsg::PipelineSaved), &[("name", &p.name)]));
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    // Deals and their table rows, in one order.
    let defs = Memo::new(move |_| defs_for(state, RecordKind::Deal));
    let deals = Memo::new(move |_| state.records.with(|r| r.all::<Deal>()));
    let rows = Memo::new(move |_| {
        let ps = pipelines.get();
        let defs = defs.get();
        let names: HashMap<Uuid, String> = state.records.with(|r| {
            r.all::<Company>()
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect()
        });
        deals.with(|ds| {
            ds.iter()
                .map(|d| {
                    let company = d.company_id.and_then(|c| names.get(&c)).map(String::as_str);
                    table_row(d, &ps, company, &defs)
                })
                .collect::<Vec<Value>>()
        })
    });
    let schema = Signal::derive(move || table_schema(&defs.get()));
    let columns = Signal::derive(move || {
        table_columns(
            &TABLE_COLUMNS,
            |path| state.t(column_label(path)).to_string(),
            &defs.get(),
            column_class,
        )
    });
    let matched = RwSignal::new(Vec::<usize>::new());
    let forecast = move || {
        let ps = pipelines.get();
        let shown: Vec<usize> = matched.get();
        let total = deals.with(|ds| {
            weighted_total(shown.iter().filter_map(|&i| ds.get(i)), &ps).unwrap_or_default()
        });
        amounts_text(&total, state.locale.get())
    };

    let on_open = Callback::new(move |id: Uuid| mode.set(Mode::Open(id)));

    let chooser = move || {
        view! {
            <div class="pipeline-bar">
                <div class="field">
                    <label for="pipeline-choice">{move || state.t(CrmMsg::Pipeline)}</label>
                    <select id="pipeline-choice" on:change=move |ev| chosen.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                        {move || pipelines.get().into_iter().map(|p| {
                            let id = p.id;
                            view! { <option value=id.to_string() selected=move || current.with(|c| c.as_ref().map(|c| c.id)) == Some(id)>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="button" on:click=move |_| mode.set(Mode::EditPipeline) disabled=move || current.with(Option::is_none)>
                    {move || state.t(CrmMsg::EditPipeline)}
                </button>
                <div class="field">
                    <label for="new-pipeline-name">{move || state.t(CrmMsg::NewPipelineName)}</label>
                    <input id="new-pipeline-name" type="text" autocomplete="off" bind:value=new_pipeline_name/>
                </div>
                <button type="button" on:click=on_new_pipeline>{move || state.t(CrmMsg::AddPipeline)}</button>
            </div>
        }
    };

    let tabs = move || {
        view! {
            <div class="view-switch" role="group" aria-label=move || state.t(CrmMsg::ViewAs)>
                <button type="button" aria-pressed=move || (mode.get() == Mode::Board).to_string()
                    on:click=move |_| mode.set(Mode::Board)>{move || state.t(CrmMsg::Board)}</button>
                <button type="button" aria-pressed=move || (mode.get() == Mode::Table).to_string()
                    on:click=move |_| mode.set(Mode::Table)>{move || state.t(CrmMsg::Table)}</button>
            </div>
        }
    };

    view! {
        <section class="page crm-page" aria-labelledby="page-title">
            {move || match mode.get() {
                Mode::Board | Mode::Table => view! {
                    <div class="list-head">
                        <h1 id="page-title">{move || View::Deals.label(state.locale.get())}</h1>
                        <span class="count">{move || fill(state.t(CrmMsg::DealCount), &[("count", &state.records.with(|r| r.count(DEAL_NAMESPACE)).to_string())])}</span>
                        <button type="button" class="primary" disabled=move || current.with(Option::is_none)
                            on:click=move |_| mode.set(Mode::New)>{move || state.t(CrmMsg::NewDeal)}</button>
                    </div>
                    {chooser}
                    {tabs}
                    {move || if mode.get() == Mode::Board {
                        view! { <Kanban pipeline=Signal::derive(move || current.get()) on_open=on_open/> }.into_any()
                    } else {
                        view! {
                            <p class="forecast" role="status">
                                {move || state.t(CrmMsg::WeightedForecast)} ": " <strong class="forecast-total">{forecast}</strong>
                            </p>
                            <DataTable record_type=DEAL_NAMESPACE id_prefix="deals" schema=schema columns=columns
                                default_columns=DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect()
                                rows=Signal::from(rows) on_open=on_open matched=matched/>
                        }.into_any()
                    }}
                }.into_any(),
                Mode::New => view! {
                    <div class="list-head"><h1 id="page-title">{move || state.t(CrmMsg::NewDeal)}</h1></div>
                    <DealForm original=None pipeline_id=current.get_untracked().map(|p| p.id).unwrap_or_default()
                        on_done=Callback::new(move |saved: Option<Uuid>| mode.set(saved.map_or(Mode::Board, Mode::Open)))/>
                }.into_any(),
                Mode::EditPipeline => match current.get_untracked() {
                    Some(p) => view! {
                        <div class="list-head"><h1 id="page-title">{p.name.clone()}</h1></div>
                        <PipelineEditor original=p on_done=Callback::new(move |()| mode.set(Mode::Board))/>
                    }.into_any(),
                    None => ().into_any(),
                },
                Mode::Open(id) => view! { <DealRecord id=id on_back=Callback::new(move |()| mode.set(Mode::Board))/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DealRecord(id: Uuid, on_back: Callback<()>) -> impl IntoView {
    let state = use_app();
    let Some(deal) = state.records.with_untracked(|r| r.get::<Deal>(id)) else {
        return view! {
            <p class="empty">{move || state.t(CrmMsg::NotFound)}</p>
            <button type="button" on:click=move |_| on_back.run(())>{move || state.t(Msg::Back)}</button>
        }
        .into_any();
    };
    let title = deal.name.clone();
    let name = deal.name.clone();
    let pipeline_id = deal.stage.pipeline_id;
    let history = move || {
        let Some(d) = state.records.with(|r| r.get::<Deal>(id)) else {
            return Vec::new();
        };
        let ps = state.records.with(|r| r.all::<Pipeline>());
        let stage_name = |pid: Uuid, sid: Uuid| {
            ps.iter()
                .find(|p| p.id == pid)
                .and_then(|p| p.stage(sid))
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        let mut out: Vec<(String, i64)> = d
            .stage
            .history
            .iter()
            .map(|v| (stage_name(v.pipeline_id, v.stage_id), v.entered_ms))
            .collect();
        out.push((
            stage_name(d.stage.pipeline_id, d.stage.stage_id),
            d.stage.entered_ms,
        ));
        out.reverse();
        out
    };
    let on_delete = move |_| {
        let question = fill(state.t(Msg::ConfirmDelete), &[("name", &name)]);
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !ok {
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_record(Deal::NAMESPACE, id).await {
                Ok(()) => {
                    state.say(state.t(Msg::Deleted));
                    on_back.run(());
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };
    view! {
        <div class="list-head">
            <button type="button" on:click=move |_| on_back.run(())>{move || state.t(CrmMsg::BackToDeals)}</button>
            <h1 id="page-title">{title}</h1>
            <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
        </div>
        <div class="record-page">
            <section class="record-main" aria-labelledby="deal-details">
                <h2 id="deal-details">{move || state.t(CrmMsg::Details)}</h2>
                <DealForm original=Some(deal) pipeline_id=pipeline_id on_done=Callback::new(move |saved: Option<Uuid>| {
                    if saved.is_none() { on_back.run(()); }
                })/>
            </section>
            <aside class="record-side">
                <section aria-labelledby="deal-history">
                    <h2 id="deal-history">{move || state.t(CrmMsg::StageHistory)}</h2>
                    <ol class="related">
                        {move || history().into_iter().map(|(s, ms)| view! {
                            <li><span class="name">{s}</span> " " <span class="meta">{date_time(ms as f64)}</span></li>
                        }).collect_view()}
                    </ol>
                </section>
                <RecordTimeline target=RecordRef::Deal(id)/>
            </aside>
        </div>
    }
    .into_any()
}
