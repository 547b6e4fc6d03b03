//! Settings → Encrypted backup: downloads a backup file of the vault
//! (`backup.rs`). Restoring is part of signing in on a new browser.

use coffer_core::i18n::{Msg, fill};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::download::{download, today};
use crate::state::use_app;

#[component]
pub fn BackupPanel() -> impl IntoView {
    let state = use_app();
    let working = RwSignal::new(false);
    let status = RwSignal::new(None::<(String, bool)>);
    let signed_in = move || state.sync_status.with(|s| s.account.is_some());
    let on_backup = move |_| {
        let Some(sync) = state.sync() else { return };
        working.set(true);
        status.set(None);
        state
            .busy
            .set(Some((state.t(Msg::BackupWorking).to_string(), None)));
        spawn_local(async move {
            let locale = state.locale.get_untracked();
            let result = sync.backup().await;
            state.busy.set(None);
            working.set(false);
            match result {
                Ok(bytes) => {
                    let count = serde_json::from_slice::<serde_json::Value>(&bytes)
                        .ok()
                        .and_then(|v| v["records"].as_array().map(Vec::len))
                        .unwrap_or(0);
                    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
                    let name = format!("coffer-backup-{}.json", today());
                    match download(&parts, "application/json", &name) {
                        Ok(()) => status.set(Some((
                            fill(
                                Msg::BackupMade.in_locale(locale),
                                &[("count", &count.to_string())],
                            ),
                            false,
                        ))),
                        Err(_) => status.set(Some((
                            fill(
                                Msg::BackupFailed.in_locale(locale),
                                &[("reason", "download")],
                            ),
                            true,
                        ))),
                    }
                }
                Err(e) => status.set(Some((e.text(locale), true))),
            }
        });
    };
    view! {
        <section class="backup" aria-labelledby="backup-title">
            <h2 id="backup-title">{move || state.t(Msg::BackupTitle)}</h2>
            <p class="hint">{move || state.t(Msg::BackupIntro)}</p>
            <Show
                when=signed_in
                fallback=move || view! { <p class="hint">{move || state.t(Msg::BackupNeedsAccount)}</p> }
            >
                <button type="button" on:click=on_backup disabled=move || working.get()>
                    {move || state.t(Msg::BackupDownload)}
                </button>
            </Show>
            <p role="status" class=move || if status.get().is_some_and(|s| s.1) { "form-error" } else { "hint" }>
                {move || status.get().map(|s| s.0)}
            </p>
        </section>
    }
}
