//! Progress of long work (unlocking, decrypting), announced to screen readers.

use crate::state::use_app;
use leptos::prelude::*;

#[component]
pub fn BusyIndicator() -> impl IntoView {
    let state = use_app();
    move || {
        state.busy.get().map(|(text, progress)| {
            let (value, max) = progress.map_or((None, None), |(d, t)| {
                (Some(d.to_string()), Some(t.max(1).to_string()))
            });
            view! {
                <div class="busy" role="status" aria-live="polite">
                    <progress value=value max=max aria-label=text.clone()></progress>
                    <span>{text}</span>
                </div>
            }
        })
    }
}
