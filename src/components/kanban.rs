//! The pipeline board: one column per stage with its deal count and total
//! value (per currency, from core's `stage_totals`), deal cards that can be
//! dragged between columns with the mouse, or moved with the keyboard
//! (arrow keys on a focused card, or its "Move to" list). Every move goes
//! through core's `Deal::moved_to_stage` (history kept) and is announced.

use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::company::Company;
use coffer_core::deal::{Deal, stage_totals};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::fill;
use coffer_core::money::Money;
use coffer_core::pipeline::{Pipeline, StageKind};
use coffer_core::settings::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Per-currency amounts as one line: "¥1,200.00 + $50.00".
pub fn amounts_text(amounts: &[Money], locale: Locale) -> String {
    if amounts.is_empty() {
        return Money::zero(coffer_core::money::Currency::CNY).format(locale);
    }
    amounts
        .iter()
        .map(|m| m.format(locale))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn focus_card(id: Uuid) {
    // After the board re-renders, put focus back on the moved card.
    gloo_timers::callback::Timeout::new(30, move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("deal-card-{id}")))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}

#[component]
pub fn Kanban(pipeline: Signal<Option<Pipeline>>, on_open: Callback<Uuid>) -> impl IntoView {
    let state = use_app();
    let dragging = RwSignal::new(None::<Uuid>);
    let over = RwSignal::new(None::<Uuid>);
    let announce = RwSignal::new(String::new());
    // Amounts are financial: masked until revealed (the reveal is audited).
    let revealed = RwSignal::new(false);
    let hidden = |text: String| {
        coffer_core::privacy::mask::mask(&text, coffer_core::privacy::mask::ValueShape::Amount)
    };
    let on_reveal = move |_| {
        let now = !revealed.get_untracked();
        revealed.set(now);
        if now {
            crate::audit::record(
                state,
                coffer_core::privacy::audit::AuditAction::Reveal,
                coffer_core::record::DEAL_NAMESPACE,
                None,
                "columns=amount",
            );
        }
    };

    let deals = Memo::new(move |_| {
        let Some(p) = pipeline.get() else {
            return Vec::new();
        };
        let mut ds: Vec<Deal> = state
            .records
            .with(|r| r.all::<Deal>())
            .into_iter()
            .filter(|d| d.stage.pipeline_id == p.id)
            .collect();
        ds.sort_by(|a, b| {
            b.stage
                .entered_ms
                .cmp(&a.stage.entered_ms)
                .then(a.id.cmp(&b.id))
        });
        ds
    });
    let company_names = Memo::new(move |_| {
        state.records.with(|r| {
            r.all::<Company>()
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });

    let move_deal = move |deal_id: Uuid, stage_id: Uuid, refocus: bool| {
        let Some(p) = pipeline.get_untracked() else {
            return;
        };
        let Some(deal) = deals.with_untracked(|ds| ds.iter().find(|d| d.id == deal_id).cloned())
        else {
            return;
        };
        if deal.stage.stage_id == stage_id {
            return;
        }
        let Ok(moved) = deal.moved_to_stage(&p, stage_id, vault::now_ms()) else {
            return;
        };
        let stage_name = p
            .stage(stage_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.save_record(Some(&deal), &moved).await {
                Ok(()) => {
                    announce.set(fill(
                        state.t(CrmMsg::MovedTo),
                        &[("name", &moved.name), ("stage", &stage_name)],
                    ));
                    if refocus {
                        focus_card(deal_id);
                    }
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    let columns = move || {
        let Some(p) = pipeline.get() else {
            return ().into_any();
        };
        let locale = state.locale.get();
        let totals = deals.with(|ds| stage_totals(ds.iter(), &p).unwrap_or_default());
        p.stages
            .iter()
            .map(|stage| {
                let sid = stage.id;
                let total = totals.iter().find(|t| t.stage_id == sid).cloned();
                let count = total.as_ref().map_or(0, |t| t.count);
                let sum = amounts_text(total.as_ref().map_or(&[][..], |t| &t.amounts), locale);
                let sum = if revealed.get() { sum } else { hidden(sum) };
                let kind_class = match stage.kind {
                    StageKind::Open => "stage open",
                    StageKind::Won => "stage won",
                    StageKind::Lost => "stage lost",
                };
                let heading_id = format!("stage-{sid}");
                let cards = deals.with(|ds| {
                    ds.iter()
                        .filter(|d| d.stage.stage_id == sid)
                        .cloned()
                        .collect::<Vec<_>>()
                });
                let p2 = p.clone();
                let stage_name = stage.name.clone();
                view! {
                    <section class=kind_class aria-labelledby=heading_id.clone()
                        class:drop-target=move || over.get() == Some(sid)
                        data-stage=stage_name.clone()
                        on:dragover=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            if let Some(dt) = ev.data_transfer() {
                                dt.set_drop_effect("move");
                            }
                            over.set(Some(sid));
                        }
                        on:dragleave=move |_| if over.get_untracked() == Some(sid) { over.set(None) }
                        on:drop=move |ev| {
                            ev.prevent_default();
                            over.set(None);
                            if let Some(id) = dragging.get_untracked() {
                                dragging.set(None);
                                move_deal(id, sid, false);
                            }
                        }>
                        <header>
                            <h3 id=heading_id.clone()>{stage.name.clone()}</h3>
                            <p class="stage-figures">
                                <span class="stage-count">{fill(state.t(CrmMsg::DealCount), &[("count", &count.to_string())])}</span>
                                " · "
                                <span class="stage-total">{sum}</span>
                                " · "
                                <span class="stage-probability">{format!("{} %", stage.probability)}</span>
                            </p>
                        </header>
                        <ul class="cards">
                            {cards.into_iter().map(|d| {
                                let id = d.id;
                                let name = d.name.clone();
                                let company = d.company_id.and_then(|c| company_names.with_untracked(|m| m.get(&c).cloned())).unwrap_or_default();
                                let amount = d.amount.map(|m| m.format(locale)).unwrap_or_default();
                                let amount = if revealed.get_untracked() { amount } else { hidden(amount) };
                                let p3 = p2.clone();
                                let p4 = p2.clone();
                                let label = name.clone();
                                let move_id = format!("deal-move-{id}");
                                view! {
                                    <li id=format!("deal-card-{id}") class="deal-card" tabindex="0" draggable="true"
                                        class:dragging=move || dragging.get() == Some(id)
                                        aria-describedby="board-help"
                                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                                            // Firefox starts a drag only with data set; the
                                            // data is the deal's id, never its content.
                                            if let Some(dt) = ev.data_transfer() {
                                                let _ = dt.set_data("text/plain", &id.to_string());
                                                dt.set_effect_allowed("move");
                                            }
                                            dragging.set(Some(id));
                                        }
                                        on:dragend=move |_| { dragging.set(None); over.set(None); }
                                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                            // Only when the card itself has focus, not its controls.
                                            let on_card = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                                                .is_some_and(|el| el.id() == format!("deal-card-{id}"));
                                            if !on_card { return; }
                                            let step = match ev.key().as_str() {
                                                "ArrowRight" => 1,
                                                "ArrowLeft" => -1,
                                                "Enter" => { ev.prevent_default(); on_open.run(id); return; }
                                                _ => return,
                                            };
                                            ev.prevent_default();
                                            if let Some(next) = p3.neighbour_stage(sid, step) {
                                                move_deal(id, next.id, true);
                                            }
                                        }>
                                        <button type="button" class="link card-name" tabindex="-1" on:click=move |_| on_open.run(id)>{label}</button>
                                        <span class="meta">{company}</span>
                                        <span class="amount">{amount}</span>
                                        <label class="visually-hidden" for=move_id.clone()>{fill(state.t(CrmMsg::MoveNamed), &[("name", &name)])}</label>
                                        <select id=move_id class="move" on:change=move |ev| {
                                            if let Ok(to) = Uuid::parse_str(&event_target_value(&ev)) { move_deal(id, to, false); }
                                        }>
                                            {p4.stages.iter().map(|s| {
                                                let here = s.id == sid;
                                                view! { <option value=s.id.to_string() selected=here>{fill(state.t(CrmMsg::MoveTo), &[("stage", &s.name)])}</option> }
                                            }).collect_view()}
                                        </select>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        <p id="board-help" class="hint">{move || state.t(CrmMsg::BoardHelp)}</p>
        <button type="button" class="reveal-columns" aria-pressed=move || revealed.get().to_string() on:click=on_reveal>
            {move || state.t(if revealed.get() { CrmMsg::HideMasked } else { CrmMsg::RevealMasked })}
        </button>
        <div class="kanban" role="region" aria-label=move || state.t(CrmMsg::Board)>{columns}</div>
        <p class="visually-hidden" role="status" aria-live="polite" id="board-announce">{move || announce.get()}</p>
    }
}
