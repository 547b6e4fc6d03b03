//! Task reminders while the app is open: a timer checks every few seconds
//! which reminders are due (`coffer_core::task::due_reminders`) and shows
//! them in a polite live region with a count badge, each with Dismiss and
//! "remind me in an hour".

use crate::pages::unlock::error_text;
use crate::state::{Phase, View, use_app};
use crate::vault;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::task::{Task, due_reminders};
use leptos::prelude::*;
use leptos::task::spawn_local;

const CHECK_MS: u32 = 5_000;
const HOUR_MS: i64 = 3_600_000;

#[component]
pub fn Reminders() -> impl IntoView {
    let state = use_app();
    let now = RwSignal::new(vault::now_ms());
    let tick = gloo_timers::callback::Interval::new(CHECK_MS, move || now.set(vault::now_ms()));
    let tick = StoredValue::new_local(Some(tick));
    on_cleanup(move || tick.set_value(None));
    let tasks = Memo::new(move |_| {
        if matches!(state.phase.get(), Phase::Unlocked(_)) {
            state.records.with(|r| r.all::<Task>())
        } else {
            Vec::new()
        }
    });
    let due = move || {
        tasks.with(|all| {
            due_reminders(all, now.get())
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let save = move |original: Task, changed: Task| {
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            if let Err(e) = sync.save_record(Some(&original), &changed).await {
                state.warn(error_text(&e, state.locale.get_untracked()));
            }
        });
    };
    view! {
        <div class="reminders" role="region" aria-live="polite"
            aria-label=move || state.t(WorkMsg::Reminders)>
            {move || {
                let list = due();
                (!list.is_empty()).then(|| {
                    let count = list.len();
                    view! {
                        <div class="reminder-banner">
                            <p class="reminder-head">
                                <span class="badge" aria-hidden="true">{count}</span>" "
                                <button type="button" class="link" on:click=move |_| state.phase.set(Phase::Unlocked(View::Tasks))>
                                    {move || fill(state.t(WorkMsg::ReminderCount), &[("count", &count.to_string())])}
                                </button>
                            </p>
                            <ul>
                                {list.into_iter().map(|t| {
                                    let (a, b) = (t.clone(), t.clone());
                                    view! {
                                        <li>
                                            <span>{move || fill(state.t(WorkMsg::ReminderFor), &[("title", &t.title)])}</span>
                                            <button type="button" on:click=move |_| {
                                                save(a.clone(), a.reminder_dismissed(vault::now_ms()))
                                            }>{move || state.t(WorkMsg::Dismiss)}</button>
                                            <button type="button" on:click=move |_| {
                                                let now = vault::now_ms();
                                                save(b.clone(), b.reminder_snoozed(now + HOUR_MS, now))
                                            }>{move || state.t(WorkMsg::SnoozeHour)}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    }
                })
            }}
        </div>
    }
}
