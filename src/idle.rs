//! Auto-lock after the idle time the user set.

use crate::state::{AppState, LockReason, Phase};
use leptos::ev;
use leptos::prelude::*;

const CHECK_EVERY_MS: u32 = 5_000;

pub fn start(state: AppState) {
    let touch = move || state.last_activity_ms.set_value(js_sys::Date::now());
    // Handles are dropped on purpose: the listeners live as long as the page.
    let _ = window_event_listener(ev::keydown, move |_| touch());
    let _ = window_event_listener(ev::pointerdown, move |_| touch());
    let _ = window_event_listener(ev::wheel, move |_| touch());
    let _ = window_event_listener(ev::touchstart, move |_| touch());

    let interval = gloo_timers::callback::Interval::new(CHECK_EVERY_MS, move || {
        let unlocked = state
            .phase
            .with_untracked(|p| matches!(p, Phase::Unlocked(_) | Phase::ChoosePassphrase));
        if !unlocked {
            return;
        }
        let settings = state.settings.get_untracked();
        let idle_ms = js_sys::Date::now() - state.last_activity_ms.get_value();
        if idle_ms >= settings.idle_limit_ms() as f64 {
            state.lock(LockReason::Idle(settings.auto_lock_minutes));
        }
    });
    interval.forget();
}
