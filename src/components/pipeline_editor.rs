//! The pipeline editor: rename the pipeline, add, rename, reorder and
//! remove stages, map each to an outcome (open, won or lost) and set the
//! probabilities of open ones (won is 100 %, lost 0 %: core's pipeline
//! rules, which also keep an open and a won stage). Edits apply to a copy
//! through core's checked operations and are saved together; deals in a
//! removed stage move to the first open stage.

use crate::components::crm_fields::{pipeline_error_text, problem_text};
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::vault;
use coffer_core::deal::Deal;
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::pipeline::{DefaultStage, Pipeline, PipelineError, StageKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

pub fn default_stage_name(s: DefaultStage, state: &AppState) -> String {
    state
        .t(match s {
            DefaultStage::Prospecting => CrmMsg::StageProspecting,
            DefaultStage::Qualification => CrmMsg::StageQualification,
            DefaultStage::Proposal => CrmMsg::StageProposal,
            DefaultStage::Negotiation => CrmMsg::StageNegotiation,
            DefaultStage::Won => CrmMsg::StageWon,
            DefaultStage::Lost => CrmMsg::StageLost,
        })
        .to_string()
}

/// A new pipeline with the default stages, named in the interface language.
pub fn new_pipeline(name: String, state: &AppState) -> Pipeline {
    let ids = [(); 6].map(|_| Uuid::new_v4());
    Pipeline::with_default_stages(
        Uuid::new_v4(),
        name,
        ids,
        |s| default_stage_name(s, state),
        vault::now_ms(),
    )
}

/// A stage kind as the outcome select's option value.
fn kind_value(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "open",
        StageKind::Won => "won",
        StageKind::Lost => "lost",
    }
}

/// Puts focus back on element `id` once the list has been drawn again.
fn refocus(id: String) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

/// One checked edit of the draft pipeline.
type Edit = Box<dyn FnOnce(&mut Pipeline) -> Result<(), PipelineError>>;

#[component]
pub fn PipelineEditor(original: Pipeline, on_done: Callback<()>) -> impl IntoView {
    let state = use_app();
    let draft = RwSignal::new(original.clone());
    let error = RwSignal::new(None::<String>);
    let new_name = RwSignal::new(String::new());
    let new_probability = RwSignal::new(String::from("30"));

    let apply = move |f: Edit| {
        let mut p = draft.get_untracked();
        match f(&mut p) {
            Ok(()) => {
                error.set(None);
                draft.set(p);
            }
            Err(e) => error.set(Some(pipeline_error_text(e, &state))),
        }
    };

    let on_add = move |_| {
        let name = new_name.get_untracked();
        let Ok(prob) = new_probability.get_untracked().trim().parse::<u8>() else {
            error.set(Some(state.t(CrmMsg::ErrPercent).to_string()));
            return;
        };
        let position = draft.with_untracked(Pipeline::new_stage_position);
        apply(Box::new(move |p| {
            p.add_stage(Uuid::new_v4(), &name, prob, position, vault::now_ms())
        }));
        if error.get_untracked().is_none() {
            new_name.set(String::new());
        }
    };

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = draft.get_untracked();
        if let Err(problems) = p.validate() {
            let text = problems
                .0
                .first()
                .map(|fp| problem_text(&fp.problem, &state))
                .unwrap_or_default();
            error.set(Some(text));
            return;
        }
        let Some(sync) = state.sync() else { return };
        let original = original.clone();
        spawn_local(async move {
            // Deals whose stage is gone move to the first open stage.
            let first = p.first_open_stage().map(|s| s.id);
            let orphans: Vec<Deal> = state.records.with_untracked(|r| {
                r.all::<Deal>()
                    .into_iter()
                    .filter(|d| d.stage.pipeline_id == p.id && p.stage(d.stage.stage_id).is_none())
                    .collect()
            });
            if let Some(first) = first {
                for d in orphans {
                    let mut moved = d.clone();
                    moved.stage.stage_id = first;
                    moved.stage.entered_ms = vault::now_ms();
                    moved.updated_ms = vault::now_ms();
                    if let Err(e) = sync.save_record(Some(&d), &moved).await {
                        error.set(Some(error_text(&e, state.locale.get_untracked())));
                        return;
                    }
                }
            }
            match sync.save_record(Some(&original), &p).await {
                Ok(()) => {
                    state.say(fill(state.t(CrmMsg::PipelineSaved), &[("name", &p.name)]));
                    on_done.run(());
                }
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    let stages = move || {
        let p = draft.get();
        let last = p.stages.len().saturating_sub(1);
        p.stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let id = s.id;
                let name_id = format!("stage-name-{i}");
                let prob_id = format!("stage-prob-{i}");
                let kind_id = format!("stage-kind-{i}");
                let is_open = s.kind == StageKind::Open;
                let current = s.kind;
                let name = s.name.clone();
                let n2 = s.name.clone();
                let n3 = s.name.clone();
                let n4 = s.name.clone();
                view! {
                    <li class="stage-row">
                        <div class="field">
                            <label for=name_id.clone()>{move || fill(state.t(CrmMsg::StageNameN), &[("n", &(i + 1).to_string())])}</label>
                            <input id=name_id type="text" autocomplete="off" prop:value=name.clone()
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    apply(Box::new(move |p| p.rename_stage(id, &v, vault::now_ms())));
                                }/>
                        </div>
                        <div class="field narrow">
                            <label for=prob_id.clone()>{move || state.t(CrmMsg::ProbabilityPct)}</label>
                            <input id=prob_id type="number" min="0" max="100" inputmode="numeric"
                                prop:value=s.probability.to_string() disabled=!is_open
                                on:change=move |ev| {
                                    match event_target_value(&ev).trim().parse::<u8>() {
                                        Ok(v) => apply(Box::new(move |p| p.set_probability(id, v, vault::now_ms()))),
                                        Err(_) => error.set(Some(state.t(CrmMsg::ErrPercent).to_string())),
                                    }
                                }/>
                        </div>
                        <div class="field stage-kind">
                            <label for=kind_id.clone()>{move || fill(state.t(CrmMsg::StageOutcomeN), &[("n", &(i + 1).to_string())])}</label>
                            <select id=kind_id.clone() aria-describedby="stage-outcome-hint" prop:value=kind_value(current)
                                on:change=move |ev| {
                                    let kind = match event_target_value(&ev).as_str() {
                                        "won" => StageKind::Won,
                                        "lost" => StageKind::Lost,
                                        _ => StageKind::Open,
                                    };
                                    apply(Box::new(move |p| p.set_kind(id, kind, vault::now_ms())));
                                    let now = draft.with_untracked(|p| p.stage(id).map(|s| s.kind)).unwrap_or(current);
                                    if now != kind {
                                        // Refused: show the outcome the stage still has.
                                        if let Some(select) = ev.target() {
                                            let _ = js_sys::Reflect::set(&select, &"value".into(), &kind_value(now).into());
                                        }
                                    }
                                    // If the list is drawn anew, focus comes back here.
                                    refocus(format!("stage-kind-{i}"));
                                }>
                                {[(StageKind::Open, CrmMsg::KindOpen), (StageKind::Won, CrmMsg::KindWon), (StageKind::Lost, CrmMsg::KindLost)]
                                    .into_iter()
                                    .map(|(k, label)| view! {
                                        <option value=kind_value(k) selected=k == current>{move || state.t(label)}</option>
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="stage-actions">
                            <button type="button" disabled=i == 0
                                aria-label={let n = n2.clone(); move || fill(state.t(CrmMsg::MoveUpNamed), &[("name", &n)])}
                                on:click=move |_| apply(Box::new(move |p| p.move_stage(id, i - 1, vault::now_ms())))>
                                "↑"
                            </button>
                            <button type="button" disabled={i >= last}
                                aria-label={let n = n3.clone(); move || fill(state.t(CrmMsg::MoveDownNamed), &[("name", &n)])}
                                on:click=move |_| apply(Box::new(move |p| p.move_stage(id, i + 1, vault::now_ms())))>
                                "↓"
                            </button>
                            <button type="button"
                                aria-label={let n = n4.clone(); move || fill(state.t(CrmMsg::DeleteNamed), &[("name", &n)])}
                                on:click=move |_| apply(Box::new(move |p| p.remove_stage(id, vault::now_ms()).map(|_| ())))>
                                {move || state.t(Msg::Remove)}
                            </button>
                        </div>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <section class="pipeline-editor" aria-labelledby="pipeline-editor-title">
            <h2 id="pipeline-editor-title">{move || state.t(CrmMsg::EditPipeline)}</h2>
            <form on:submit=on_save novalidate=true>
                <div class="field">
                    <label for="pipeline-name">{move || state.t(CrmMsg::PipelineName)}</label>
                    <input id="pipeline-name" type="text" autocomplete="off"
                        prop:value=move || draft.with(|p| p.name.clone())
                        on:change=move |ev| draft.update(|p| p.name = event_target_value(&ev))/>
                </div>
                <p id="stage-outcome-hint" class="hint">{move || state.t(CrmMsg::StageOutcomeHint)}</p>
                <ol class="stage-list">{stages}</ol>
                <fieldset>
                    <legend>{move || state.t(CrmMsg::AddStage)}</legend>
                    <div class="row">
                        <div class="field">
                            <label for="new-stage-name">{move || state.t(CrmMsg::StageName)}</label>
                            <input id="new-stage-name" type="text" autocomplete="off" bind:value=new_name/>
                        </div>
                        <div class="field narrow">
                            <label for="new-stage-prob">{move || state.t(CrmMsg::ProbabilityPct)}</label>
                            <input id="new-stage-prob" type="number" min="0" max="100" inputmode="numeric" bind:value=new_probability/>
                        </div>
                        <button type="button" on:click=on_add>{move || state.t(CrmMsg::AddStage)}</button>
                    </div>
                </fieldset>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary">{move || state.t(CrmMsg::SavePipeline)}</button>
                    <button type="button" on:click=move |_| on_done.run(())>{move || state.t(Msg::Cancel)}</button>
                </div>
            </form>
        </section>
    }
}
