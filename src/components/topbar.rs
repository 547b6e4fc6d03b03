//! The bar at the top: name, language, and (when unlocked) navigation,
//! Lock and the search across every record type.

use crate::components::global_search::GlobalSearch;
use crate::components::sync_panel::SyncIndicator;
use crate::state::{LockReason, Phase, View, use_app};
use crate::store::MetaKey;
use coffer_core::i18n::Msg;
use coffer_core::settings::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TopBar() -> impl IntoView {
    let state = use_app();
    let unlocked = move || matches!(state.phase.get(), Phase::Unlocked(_));
    let on_language = move |ev| {
        let locale = Locale::from_tag(&event_target_value(&ev)).unwrap_or_default();
        state.locale.set(locale);
        // The language is not customer data; it is kept in plain form so the
        // lock screen can speak it before the vault is open.
        if let Some(db) = state.db() {
            spawn_local(async move {
                let _ = db.put_meta_text(MetaKey::Locale, locale.tag()).await;
            });
        }
    };
    view! {
        <header class="topbar">
            <span class="brand">{move || state.t(Msg::AppName)}</span>
            <nav aria-label=move || state.t(Msg::AppName)>
                <Show when=unlocked>
                    {View::NAV.into_iter().map(|v| view! {
                        <button type="button"
                            aria-current=move || (state.phase.get() == Phase::Unlocked(v)).then_some("page")
                            on:click=move |_| state.phase.set(Phase::Unlocked(v))>
                            {move || v.label(state.locale.get())}
                        </button>
                    }).collect_view()}
                    <button type="button" class="lock" on:click=move |_| state.lock(LockReason::Manual)>
                        {move || state.t(Msg::Lock)}
                    </button>
                </Show>
            </nav>
            <Show when=unlocked>
                <SyncIndicator/>
            </Show>
            <label class="language">
                <span class="visually-hidden">{move || state.t(Msg::Language)}</span>
                <select on:change=on_language prop:value=move || state.locale.get().tag()>
                    <option value="en" selected=move || state.locale.get() == Locale::En>"English"</option>
                    <option value="zh-CN" lang="zh-CN" selected=move || state.locale.get() == Locale::ZhCn>"中文"</option>
                </select>
            </label>
            <Show when=unlocked>
                <GlobalSearch/>
            </Show>
        </header>
    }
}
