//! Import contacts from a CSV or vCard file: pick the file, check the
//! detected format and the column mapping, preview, choose what to do with
//! existing contacts, import with progress, then read the summary (and
//! undo, if need be). The rules are core's `import` and `vcard` modules.

use crate::components::import_mapping::{ImportPreview, MappingTable};
use crate::components::import_result::{ImportSummary, UndoImport};
use crate::import_job::{ImportOutcome, ImportSource, OpenError, Progress, run_import};
use crate::state::use_app;
use coffer_core::duplicates::{MatchOn, PhoneRegion};
use coffer_core::i18n::{Msg, fill};
use coffer_core::import::{ColumnMapping, DetectedFormat, ImportMode, SourceEncoding};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// What the page knows about the opened file.
#[derive(Clone)]
struct Opened {
    /// `None` for vCard files.
    format: Option<DetectedFormat>,
    encoding: SourceEncoding,
    had_replacements: bool,
    headers: Vec<String>,
    first_row: Vec<String>,
    proposed: Option<ColumnMapping>,
}

fn format_msg(format: Option<DetectedFormat>) -> Msg {
    match format {
        None => Msg::FormatVcard,
        Some(DetectedFormat::ZohoCrm) => Msg::FormatZoho,
        Some(DetectedFormat::HubSpot) => Msg::FormatHubSpot,
        Some(DetectedFormat::Salesforce) => Msg::FormatSalesforce,
        Some(DetectedFormat::GoogleContacts) => Msg::FormatGoogle,
        Some(DetectedFormat::Twenty) => Msg::FormatTwenty,
        Some(DetectedFormat::EspoCrm) => Msg::FormatEspo,
        Some(DetectedFormat::Chinese) => Msg::FormatChinese,
        Some(DetectedFormat::Generic) => Msg::FormatGeneric,
        Some(DetectedFormat::Unknown) => Msg::FormatUnknown,
    }
}

fn encoding_name(e: SourceEncoding) -> &'static str {
    match e {
        SourceEncoding::Utf8 => "UTF-8",
        SourceEncoding::Utf8Bom => "UTF-8 (BOM)",
        SourceEncoding::Utf16Le => "UTF-16 LE",
        SourceEncoding::Utf16Be => "UTF-16 BE",
        SourceEncoding::Gb18030 => "GB18030",
    }
}

const MODES: [(ImportMode, &str, Msg); 3] = [
    (ImportMode::CreateOrUpdate, "both", Msg::ImportModeBoth),
    (ImportMode::CreateOnly, "create", Msg::ImportModeCreate),
    (ImportMode::UpdateOnly, "update", Msg::ImportModeUpdate),
];

async fn read_file(input: &web_sys::HtmlInputElement) -> Option<(String, Vec<u8>)> {
    let file = input.files()?.item(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let state = use_app();
    let source = StoredValue::new_local(None::<Rc<ImportSource>>);
    let opened = RwSignal::new(None::<Opened>);
    let open_error = RwSignal::new(None::<OpenError>);
    let unreadable = RwSignal::new(false);
    let mapping = RwSignal::new(None::<ColumnMapping>);
    let mode = RwSignal::new(ImportMode::CreateOrUpdate);
    let match_email = RwSignal::new(true);
    let match_phone = RwSignal::new(true);
    let match_name = RwSignal::new(false);
    let progress = RwSignal::new(None::<Progress>);
    let outcome = RwSignal::new(None::<ImportOutcome>);
    let failure = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);

    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move {
            opened.set(None);
            outcome.set(None);
            failure.set(None);
            open_error.set(None);
            unreadable.set(false);
            mapping.set(None);
            source.set_value(None);
            let Some((name, bytes)) = read_file(&input).await else {
                unreadable.set(true);
                return;
            };
            match ImportSource::open(&name, &bytes) {
                Ok(src) => {
                    let (format, headers, first_row, proposed) = match &src {
                        ImportSource::Csv(csv) => {
                            let proposed = csv.proposed_mapping();
                            let first_row = csv
                                .preview(&proposed, 1)
                                .into_iter()
                                .next()
                                .map(|p| p.cells)
                                .unwrap_or_default();
                            (
                                Some(proposed.format),
                                csv.headers().to_vec(),
                                first_row,
                                Some(proposed),
                            )
                        }
                        ImportSource::Vcard { .. } => (None, Vec::new(), Vec::new(), None),
                    };
                    let info = Opened {
                        format,
                        encoding: src.encoding(),
                        had_replacements: src.had_replacements(),
                        headers,
                        first_row,
                        proposed: proposed.clone(),
                    };
                    source.set_value(Some(Rc::new(src)));
                    mapping.set(proposed);
                    opened.set(Some(info));
                }
                Err(e) => open_error.set(Some(e)),
            }
        });
    };

    let on_start = move |_| {
        if running.get_untracked() {
            return;
        }
        let Some(src) = source.get_value() else {
            return;
        };
        let match_on = MatchOn {
            email: match_email.get_untracked(),
            phone: match_phone.get_untracked(),
            name: match_name.get_untracked(),
            phone_region: PhoneRegion::for_locale(state.locale.get_untracked()),
        };
        let chosen_mode = mode.get_untracked();
        let chosen_mapping = mapping.get_untracked();
        running.set(true);
        outcome.set(None);
        failure.set(None);
        spawn_local(async move {
            match run_import(state, &src, chosen_mapping, chosen_mode, match_on, progress).await {
                Ok(o) => outcome.set(Some(o)),
                Err(e) => failure.set(Some(fill(state.t(Msg::ImportFailed), &[("reason", &e)]))),
            }
            progress.set(None);
            running.set(false);
        });
    };

    let progress_view = move || {
        progress.get().map(|p| {
            let (value, max, text) = match p {
                Progress::Reading(percent) => (
                    percent as usize,
                    100,
                    fill(
                        state.t(Msg::ImportReading),
                        &[("percent", &percent.to_string())],
                    ),
                ),
                Progress::Saving(done, total) => (
                    done,
                    total.max(1),
                    fill(
                        state.t(Msg::ImportSaving),
                        &[("done", &done.to_string()), ("total", &total.to_string())],
                    ),
                ),
                Progress::Undoing(done, total) => (
                    done,
                    total.max(1),
                    fill(
                        state.t(Msg::ImportUndoing),
                        &[("done", &done.to_string()), ("total", &total.to_string())],
                    ),
                ),
            };
            view! {
                <div class="import-progress">
                    <progress id="import-progress" value=value.to_string() max=max.to_string()
                        aria-label=move || state.t(Msg::ImportProgress)
                        aria-valuetext=text.clone()></progress>
                    <p role="status">{text}</p>
                </div>
            }
        })
    };

    let details = move || {
        opened.get().map(|info| {
            let detected = format_msg(info.format);
            let headers = info.headers.clone();
            view! {
                <dl class="import-facts">
                    <dt>{move || state.t(Msg::ImportDetected)}</dt>
                    <dd id="import-format">{move || state.t(detected)}</dd>
                    <dt>{move || state.t(Msg::ImportEncoding)}</dt>
                    <dd>{encoding_name(info.encoding)}</dd>
                </dl>
                {info.had_replacements.then(|| view! {
                    <p class="banner warning">{move || state.t(Msg::ImportReplacedChars)}</p>
                })}
                {info.proposed.clone().map(|proposed| view! {
                    <MappingTable headers=info.headers.clone() first_row=info.first_row.clone()
                        proposed=proposed mapping=mapping/>
                })}
                <ImportPreview source=source mapping=mapping headers=headers/>
                <fieldset class="import-mode">
                    <legend>{move || state.t(Msg::ImportModeLabel)}</legend>
                    {MODES.iter().map(|(m, value, msg)| {
                        let m = *m;
                        let msg = *msg;
                        let id = format!("import-mode-{value}");
                        view! {
                            <div class="choice">
                                <input type="radio" name="import-mode" id=id.clone() value=*value
                                    prop:checked=move || mode.get() == m
                                    on:change=move |_| mode.set(m)/>
                                <label for=id>{move || state.t(msg)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class="import-match">
                    <legend>{move || state.t(Msg::ImportMatchLabel)}</legend>
                    <div class="choice">
                        <input type="checkbox" id="match-email" bind:checked=match_email/>
                        <label for="match-email">{move || state.t(Msg::ImportMatchEmail)}</label>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="match-phone" bind:checked=match_phone/>
                        <label for="match-phone">{move || state.t(Msg::ImportMatchPhone)}</label>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="match-name" bind:checked=match_name/>
                        <label for="match-name">{move || state.t(Msg::ImportMatchName)}</label>
                    </div>
                </fieldset>
                <div class="actions">
                    <button type="button" class="primary" on:click=on_start disabled=move || running.get()>
                        {move || state.t(Msg::ImportStart)}
                    </button>
                </div>
            }
        })
    };

    let summary = move || {
        outcome.get().map(|o| {
            let headers = opened
                .with_untracked(|i| i.as_ref().map(|i| i.headers.clone()).unwrap_or_default());
            view! { <ImportSummary outcome=o headers=headers/> }
        })
    };

    view! {
        <div class="import-page card">
            <h1>{move || state.t(Msg::ImportTitle)}</h1>
            <p>{move || state.t(Msg::ImportIntro)}</p>
            <div class="field">
                <label for="import-file">{move || state.t(Msg::ImportFile)}</label>
                <input id="import-file" type="file"
                    accept=".csv,.txt,.vcf,.vcard,text/csv,text/vcard"
                    aria-describedby="import-file-error"
                    // Choosing the same file again (after fixing it) must
                    // read it again, so each pick starts empty.
                    on:click=|ev| {
                        if let Some(input) = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        {
                            input.set_value("");
                        }
                    }
                    on:change=on_file/>
                <p id="import-file-error" class="field-error" role="alert">
                    {move || open_error.get().map(|e| e.text(&state))}
                    {move || unreadable.get().then(|| state.t(Msg::ImportFileUnreadable))}
                </p>
            </div>
            {details}
            {progress_view}
            <p class="form-error" role="alert">{move || failure.get()}</p>
            {summary}
            // Re-created after each import, so it offers the newest one.
            {move || {
                outcome.track();
                failure.track();
                view! { <UndoImport progress=progress running=running/> }
            }}
        </div>
    }
}
