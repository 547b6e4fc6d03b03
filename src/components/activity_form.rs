//! Log (or edit) a call, meeting, email or note: kind, subject, time,
//! duration, outcome, notes and links. Rules live in `coffer_core::activity`.

use crate::components::local_time;
use crate::components::record_picker::RecordPicker;
use crate::components::work_labels::{
    KINDS, LinkKind, kind_from, kind_label, kind_value, outcome_from, outcome_label, outcome_value,
};
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::activity::{Activity, ActivityField, ActivityKind, Outcome};
use coffer_core::custom_field::CustomFieldDef;
use coffer_core::i18n::Msg;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::problem::{FieldProblem, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// What the form starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum ActivityDraft {
    New {
        kind: ActivityKind,
        link: Option<(LinkKind, Uuid)>,
    },
    Existing(Box<Activity>),
}

fn problem_text(field: ActivityField, problem: &Problem) -> WorkMsg {
    match (field, problem) {
        (ActivityField::Duration, _) => WorkMsg::ErrDuration,
        (ActivityField::Outcome, _) => WorkMsg::ErrOutcome,
        _ => WorkMsg::ErrSubjectRequired,
    }
}

#[component]
pub fn ActivityForm(
    draft: ActivityDraft,
    /// Called after saving, deleting or cancelling.
    on_close: Callback<()>,
    /// Prefix of element ids, so two forms never share one.
    #[prop(optional)]
    id_prefix: &'static str,
) -> impl IntoView {
    let state = use_app();
    let now = vault::now_ms();
    let (original, base) = match draft {
        ActivityDraft::Existing(a) => (Some((*a).clone()), *a),
        ActivityDraft::New { kind, link } => {
            let mut a = Activity::new(Uuid::new_v4(), kind, now, now);
            match link {
                Some((LinkKind::Contact, id)) => a.contact_ids.push(id),
                Some((LinkKind::Company, id)) => a.company_ids.push(id),
                Some((LinkKind::Deal, id)) => a.deal_ids.push(id),
                None => {}
            }
            (None, a)
        }
    };
    let existing_id = original.as_ref().map(|a| a.id);
    let is_existing = existing_id.is_some();
    let kind = RwSignal::new(base.kind);
    let subject = RwSignal::new(base.subject.clone());
    let when_at_start = local_time::to_input(base.start_ms);
    let when = RwSignal::new(when_at_start.clone());
    let duration = RwSignal::new(
        base.duration_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let outcome = RwSignal::new(outcome_value(base.outcome));
    let notes = RwSignal::new(base.notes.clone());
    let links = RwSignal::new(
        base.contact_ids
            .iter()
            .map(|id| (LinkKind::Contact, *id))
            .chain(base.company_ids.iter().map(|id| (LinkKind::Company, *id)))
            .chain(base.deal_ids.iter().map(|id| (LinkKind::Deal, *id)))
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(Vec::<FieldProblem<ActivityField>>::new());
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let ids = move |suffix: &str| format!("{id_prefix}activity-{suffix}");

    let error_for = move |field: ActivityField| {
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| state.t(problem_text(field, &e.problem)).to_string())
            })
        })
    };
    // Changing the kind keeps the outcome only if it still fits.
    Effect::new(move |_| {
        let k = kind.get();
        if !outcome_from(&outcome.get_untracked()).fits(k) {
            outcome.set(outcome_value(Outcome::NotRecorded));
        }
    });

    let base_for_build = base.clone();
    let build = move || -> Option<Activity> {
        // The input shows whole minutes: an untouched time keeps its exact
        // value, so the log's order does not depend on which minute it is.
        let when_text = when.get_untracked();
        let start_ms = if when_text == when_at_start {
            base_for_build.start_ms
        } else {
            local_time::from_input(&when_text)?
        };
        let lk = links.get_untracked();
        let pick = |want: LinkKind| {
            lk.iter()
                .filter(|(k, _)| *k == want)
                .map(|(_, id)| *id)
                .collect()
        };
        let duration_text = duration.get_untracked();
        let duration_minutes = match duration_text.trim() {
            "" => None,
            // Unreadable text fails validation as out of range.
            t => Some(t.parse::<u32>().unwrap_or(u32::MAX)),
        };
        Some(Activity {
            kind: kind.get_untracked(),
            subject: subject.get_untracked(),
            start_ms,
            duration_minutes,
            outcome: outcome_from(&outcome.get_untracked()),
            notes: notes.get_untracked(),
            contact_ids: pick(LinkKind::Contact),
            company_ids: pick(LinkKind::Company),
            deal_ids: pick(LinkKind::Deal),
            updated_ms: vault::now_ms(),
            ..base_for_build.clone()
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let Some(activity) = build() else {
            form_error.set(Some(state.t(WorkMsg::ErrWhen).to_string()));
            return;
        };
        let defs = state.records.with_untracked(|r| r.all::<CustomFieldDef>());
        let activity = activity.normalized(&defs);
        if let Err(problems) = activity.validate(&defs) {
            errors.set(problems.0);
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        saving.set(true);
        let original = original.clone();
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &activity).await {
                Ok(()) => {
                    state.say(state.t(WorkMsg::ActivitySaved));
                    on_close.run(());
                }
                Err(e) => {
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };
    let on_delete = move |_| {
        let Some(sync) = state.sync() else { return };
        let Some(id) = existing_id else { return };
        if !window()
            .confirm_with_message(state.t(Msg::ConfirmDelete))
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match sync
                .delete_record(coffer_core::record::ACTIVITY_NAMESPACE, id)
                .await
            {
                Ok(()) => {
                    state.say(state.t(WorkMsg::ActivityDeleted));
                    on_close.run(());
                }
                Err(e) => form_error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    let heading_id = ids("heading");
    view! {
        <form class="card activity-form" aria-labelledby=heading_id.clone() on:submit=on_submit novalidate>
            <h2 id=heading_id.clone()>{move || state.t(if is_existing { WorkMsg::EditActivity } else { WorkMsg::LogActivity })}</h2>
            <div class="row">
                <div class="field">
                    <label for=ids("kind")>{move || state.t(WorkMsg::ActivityKind)}</label>
                    <select id=ids("kind") on:change=move |ev| {
                        if let Some(k) = kind_from(&event_target_value(&ev)) { kind.set(k) }
                    }>
                        {KINDS.into_iter().map(|k| view! {
                            <option value=kind_value(k) selected=move || kind.get() == k>{move || state.t(kind_label(k))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field grow">
                    <label for=ids("when")>{move || state.t(WorkMsg::When)}</label>
                    <input id=ids("when") type="datetime-local" bind:value=when/>
                </div>
            </div>
            <div class="field">
                <label for=ids("subject")>{move || state.t(WorkMsg::Subject)}</label>
                <input id=ids("subject") type="text" autocomplete="off" bind:value=subject
                    aria-describedby=ids("subject-error")
                    aria-invalid=move || error_for(ActivityField::Subject).get().is_some().to_string()/>
                <p id=ids("subject-error") class="field-error">{move || error_for(ActivityField::Subject).get()}</p>
            </div>
            <div class="row">
                <Show when=move || kind.get() != ActivityKind::Note>
                    <div class="field">
                        <label for=ids("duration")>{move || state.t(WorkMsg::DurationMinutes)}</label>
                        <input id=ids("duration") type="number" min="0" max="10080" inputmode="numeric" bind:value=duration
                            aria-describedby=ids("duration-error")
                            aria-invalid=move || error_for(ActivityField::Duration).get().is_some().to_string()/>
                        <p id=ids("duration-error") class="field-error">{move || error_for(ActivityField::Duration).get()}</p>
                    </div>
                    <div class="field">
                        <label for=ids("outcome")>{move || state.t(WorkMsg::Outcome)}</label>
                        <select id=ids("outcome") on:change=move |ev| outcome.set(event_target_value(&ev))
                            aria-describedby=ids("outcome-error")>
                            {move || Outcome::choices(kind.get()).iter().map(|&o| {
                                let v = outcome_value(o);
                                let selected = outcome.get_untracked() == v;
                                view! { <option value=v selected=selected>{move || state.t(outcome_label(o))}</option> }
                            }).collect_view()}
                        </select>
                        <p id=ids("outcome-error") class="field-error">{move || error_for(ActivityField::Outcome).get()}</p>
                    </div>
                </Show>
            </div>
            <div class="field">
                <label for=ids("notes")>{move || state.t(Msg::Notes)}</label>
                <textarea id=ids("notes") rows="3" bind:value=notes></textarea>
            </div>
            <RecordPicker id=if id_prefix.is_empty() { "activity-links" } else { "timeline-activity-links" }
                label=WorkMsg::LinkSearch
                kinds=&[LinkKind::Contact, LinkKind::Company, LinkKind::Deal] links=links/>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                <button type="button" on:click=move |_| on_close.run(())>{move || state.t(Msg::Cancel)}</button>
                {is_existing.then(|| view! {
                    <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
                })}
            </div>
        </form>
    }
}
