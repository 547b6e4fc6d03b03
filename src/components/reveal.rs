//! A confidential value (sensitive or financial class) shown masked until
//! the user presses "Reveal"; each reveal is an audit entry naming the
//! record and the field, never the value. Once revealed it offers "Copy",
//! which clears the clipboard after the delay in the security settings.

use coffer_core::class::DataClass;
use coffer_core::i18n::fill;
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::privacy::audit::AuditAction;
use coffer_core::privacy::mask::{ValueShape, mask};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen_futures::JsFuture;

use crate::audit;
use crate::components::security_settings::load_settings;
use crate::state::{AppState, use_app};

/// Copies `text`, then clears the clipboard after the configured delay:
/// only if it still holds `text` when the browser lets us read it;
/// otherwise it is overwritten with empty text.
pub fn copy_then_clear(state: AppState, text: String) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        state.warn(state.t(SecurityMsg::CopyFailed));
        return;
    };
    // Started at once, inside the click, so the browser sees the gesture.
    let written = JsFuture::from(clipboard.write_text(&text));
    spawn_local(async move {
        if written.await.is_err() {
            state.warn(state.t(SecurityMsg::CopyFailed));
            return;
        }
        let seconds = load_settings(state)
            .await
            .unwrap_or_default()
            .clipboard_clear_seconds;
        state.say(fill(
            state.t(SecurityMsg::Copied),
            &[("seconds", &seconds.to_string())],
        ));
        gloo_timers::future::TimeoutFuture::new(seconds.saturating_mul(1000)).await;
        let still_ours = match JsFuture::from(clipboard.read_text()).await {
            Ok(now) => now.as_string().as_deref() == Some(text.as_str()),
            // Not readable (no permission): clear to be safe.
            Err(_) => true,
        };
        if still_ours {
            let _ = JsFuture::from(clipboard.write_text("")).await;
            state.say(state.t(SecurityMsg::ClipboardCleared));
        }
    });
}

/// A value that is masked until revealed (when its class is masked and the
/// record already holds one); `children` is what shows once revealed (the
/// input, or the plain text).
#[component]
pub fn Revealable(
    /// DOM id prefix.
    id: &'static str,
    /// The field's name as the user knows it.
    #[prop(into)]
    label: Signal<String>,
    value: RwSignal<String>,
    class: DataClass,
    #[prop(optional)] shape: Option<ValueShape>,
    /// Whether the record exists yet (a new one has nothing to hide).
    existing: bool,
    record_type: &'static str,
    record_id: Uuid,
    /// The field's code for the audit entry (`"notes"`).
    field: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let state = use_app();
    let masked_at_start = existing && class.is_masked() && !value.with_untracked(String::is_empty);
    let revealed = RwSignal::new(!masked_at_start);
    let shape = shape.unwrap_or(ValueShape::Text);
    let children = StoredValue::new(children);
    let masked_id = format!("{id}-masked");
    let on_reveal = move |_| {
        audit::record(
            state,
            AuditAction::Reveal,
            record_type,
            Some(record_id),
            &format!("field={field}"),
        );
        revealed.set(true);
    };
    let on_copy = move |_| {
        audit::record(
            state,
            AuditAction::Reveal,
            record_type,
            Some(record_id),
            &format!("field={field},copy"),
        );
        copy_then_clear(state, value.get_untracked());
    };
    let text = move |msg: SecurityMsg| fill(state.t(msg), &[("field", &label.get())]);
    view! {
        <Show when=move || revealed.get() fallback=move || view! {
            <div class="revealable">
                <span id=masked_id.clone() class="masked" role="img"
                    aria-label=move || text(SecurityMsg::MaskedValue)>
                    {move || mask(&value.get(), shape)}
                </span>
                <button type="button" class="reveal" on:click=on_reveal>
                    {move || text(SecurityMsg::RevealField)}
                </button>
            </div>
        }>
            {children.with_value(|c| c())}
            <Show when=move || masked_at_start>
                <div class="reveal-actions">
                    <button type="button" on:click=move |_| revealed.set(false)>
                        {move || text(SecurityMsg::HideField)}
                    </button>
                    <button type="button" on:click=on_copy>
                        {move || text(SecurityMsg::CopyField)}
                    </button>
                </div>
            </Show>
        </Show>
    }
}
