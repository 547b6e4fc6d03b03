//! Export the contacts in the list (all of them, or the search result) as
//! CSV or vCard 4.0, or everything as Coffer's JSON export. Files are built
//! in chunks with progress and handed to the browser as a download.

use crate::components::privacy_filter::{ConsentSelect, admitted};
use crate::download::{download, today};
use crate::state::{AppState, use_app};
use crate::vault::{self, yield_to_browser};
use coffer_core::export::{
    CsvOptions, CsvWriter, JsonExportWriter, contact_csv_cells, contact_csv_header,
};
use coffer_core::i18n::{Msg, fill};
use coffer_core::privacy::audit::count_detail;
use coffer_core::record::{CONTACT_NAMESPACE, SETTINGS_NAMESPACE};
use coffer_core::vcard::{VcardVersion, write_vcard};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Contacts written between two yields to the browser.
const CHUNK: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Vcard,
    Json,
}

const FORMATS: [(Format, &str, Msg); 3] = [
    (Format::Csv, "csv", Msg::ExportCsv),
    (Format::Vcard, "vcard", Msg::ExportVcard),
    (Format::Json, "json", Msg::ExportJson),
];

/// The contacts in the list: every match of the query, in list order (an
/// empty query matches everyone).
fn listed(state: &AppState, query: &str) -> Vec<Uuid> {
    state
        .book
        .with_untracked(|b| b.index.search(query, usize::MAX).ids)
}

/// Builds the file chunk by chunk; `progress` gets (done, total).
async fn build(
    state: AppState,
    format: Format,
    ids: Vec<Uuid>,
    bom: bool,
    progress: RwSignal<Option<(usize, usize)>>,
) -> js_sys::Array {
    let parts = js_sys::Array::new();
    let push = |bytes: Vec<u8>| {
        if !bytes.is_empty() {
            parts.push(&js_sys::Uint8Array::from(bytes.as_slice()));
        }
    };
    let total = ids.len();
    let mut csv = (format == Format::Csv).then(|| {
        CsvWriter::new(
            &contact_csv_header(),
            CsvOptions {
                bom,
                ..CsvOptions::default()
            },
        )
    });
    let mut json = (format == Format::Json).then(|| {
        let mut w = JsonExportWriter::new(vault::now_ms());
        if let Ok(settings) = serde_json::to_value(state.settings.get_untracked()) {
            let _ = w.push_value(SETTINGS_NAMESPACE, &settings);
        }
        w
    });
    let mut done = 0;
    for chunk in ids.chunks(CHUNK) {
        let mut vcards = String::new();
        state.book.with_untracked(|b| {
            for c in chunk.iter().filter_map(|id| b.entries.get(id)) {
                match format {
                    Format::Csv => {
                        if let Some(w) = csv.as_mut() {
                            w.push_row(&contact_csv_cells(c));
                        }
                    }
                    Format::Vcard => vcards.push_str(&write_vcard(c, VcardVersion::V4)),
                    Format::Json => {
                        if let (Some(w), Ok(v)) = (json.as_mut(), serde_json::to_value(c)) {
                            // Contacts are JSON objects and written together.
                            let _ = w.push_value(CONTACT_NAMESPACE, &v);
                        }
                    }
                }
            }
        });
        push(vcards.into_bytes());
        if let Some(w) = csv.as_mut() {
            push(w.take_bytes());
        }
        if let Some(w) = json.as_mut() {
            push(w.take_bytes());
        }
        done += chunk.len();
        progress.set(Some((done, total)));
        yield_to_browser().await;
    }
    if let Some(w) = csv {
        push(w.finish());
    }
    if let Some(w) = json {
        push(w.finish());
    }
    parts
}

#[component]
pub fn ExportPanel(query: RwSignal<String>) -> impl IntoView {
    let state = use_app();
    let format = RwSignal::new(Format::Csv);
    let bom = RwSignal::new(true);
    let progress = RwSignal::new(None::<(usize, usize)>);
    // Exports never include restricted contacts; they may require a consent.
    let consent = RwSignal::new(None::<coffer_core::privacy::Purpose>);
    let count = Memo::new(move |_| {
        let q = query.get();
        state.book.with(|b| b.index.search(&q, usize::MAX).total)
    });

    let on_export = move |_| {
        if progress.get_untracked().is_some() {
            return;
        }
        let chosen = format.get_untracked();
        let ids = match chosen {
            // The JSON export is the full backup: every contact.
            Format::Json => listed(&state, ""),
            _ => admitted(
                &state,
                listed(&state, &query.get_untracked()),
                &coffer_core::privacy::ContactFilter {
                    consent: consent.get_untracked(),
                    ..Default::default()
                },
                coffer_core::privacy::Operation::Export,
            ),
        };
        let with_bom = bom.get_untracked();
        let exported = ids.len();
        progress.set(Some((0, exported)));
        spawn_local(async move {
            let parts = build(state, chosen, ids, with_bom, progress).await;
            let (mime, ext) = match chosen {
                Format::Csv => ("text/csv;charset=utf-8", "csv"),
                Format::Vcard => ("text/vcard;charset=utf-8", "vcf"),
                Format::Json => ("application/json", "json"),
            };
            let name = format!("coffer-contacts-{}.{ext}", today());
            match download(&parts, mime, &name) {
                Ok(()) => {
                    crate::audit::record(
                        state,
                        coffer_core::privacy::audit::AuditAction::Export,
                        "contact",
                        None,
                        &format!("format={ext},{}", count_detail(exported)),
                    );
                    state.say(fill(
                        state.t(Msg::Exported),
                        &[("count", &exported.to_string())],
                    ))
                }
                Err(e) => state.warn(fill(
                    state.t(Msg::SaveFailed),
                    &[("reason", &e.as_string().unwrap_or_default())],
                )),
            }
            progress.set(None);
        });
    };

    view! {
        <details class="export-panel">
            <summary>{move || state.t(Msg::Export)}</summary>
            <div class="field">
                <label for="export-format">{move || state.t(Msg::ExportFormat)}</label>
                <select id="export-format"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((f, _, _)) = FORMATS.iter().find(|(_, value, _)| *value == v) {
                            format.set(*f);
                        }
                    }>
                    {FORMATS.iter().map(|(f, value, msg)| {
                        let f = *f;
                        let msg = *msg;
                        view! { <option value=*value selected=move || format.get() == f>{move || state.t(msg)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Show when=move || format.get() == Format::Csv>
                <div class="choice">
                    <input type="checkbox" id="export-bom" bind:checked=bom/>
                    <label for="export-bom">{move || state.t(Msg::ExportBom)}</label>
                </div>
            </Show>
            <Show when=move || format.get() != Format::Json>
                <ConsentSelect id="export-consent" value=consent/>
            </Show>
            <p class="hint">
                {move || if format.get() == Format::Json {
                    fill(state.t(Msg::ExportScope), &[("count", &state.book.with(|b| b.entries.len()).to_string())])
                } else {
                    fill(state.t(Msg::ExportScope), &[("count", &count.get().to_string())])
                }}
                " "
                {move || state.t(Msg::ExportPlaintext)}
            </p>
            <div class="actions">
                <button type="button" on:click=on_export disabled=move || progress.get().is_some()>
                    {move || state.t(Msg::Export)}
                </button>
            </div>
            {move || progress.get().map(|(done, total)| {
                let text = fill(state.t(Msg::Exporting), &[("done", &done.to_string()), ("total", &total.to_string())]);
                view! {
                    <div class="import-progress">
                        <progress value=done.to_string() max=total.max(1).to_string()
                            aria-label=move || state.t(Msg::Export)></progress>
                        <p role="status">{text}</p>
                    </div>
                }
            })}
        </details>
    }
}
