//! The audit log viewer: every device's entries merged by time (newest
//! first), filtered by action, device, date range and record; "Verify"
//! checks each device's chain and says where one breaks; the filtered
//! entries export as CSV or JSON.

use coffer_core::date::{CivilDate, DAY_MS};
use coffer_core::i18n::fill;
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::privacy::audit::{
    AuditAction, AuditEntry, AuditFilter, ChainBreak, count_detail, entries_csv, entries_json,
    merge_for_display,
};
use coffer_core::privacy::breach::format_utc;
use leptos::prelude::*;
use uuid::Uuid;

use crate::audit::{self, Verdict, entries_by_device, verify_all};
use crate::download::{download, today};
use crate::state::{AppState, use_app};

/// Rows drawn at most; the count says how many match.
const MAX_ROWS: usize = 300;

pub const ACTIONS: [(AuditAction, SecurityMsg); 18] = [
    (AuditAction::Create, SecurityMsg::ActCreate),
    (AuditAction::Edit, SecurityMsg::ActEdit),
    (AuditAction::Delete, SecurityMsg::ActDelete),
    (AuditAction::Export, SecurityMsg::ActExport),
    (AuditAction::Reveal, SecurityMsg::ActReveal),
    (AuditAction::Login, SecurityMsg::ActLogin),
    (AuditAction::Logout, SecurityMsg::ActLogout),
    (AuditAction::Erasure, SecurityMsg::ActErasure),
    (AuditAction::Anonymise, SecurityMsg::ActAnonymise),
    (AuditAction::Consent, SecurityMsg::ActConsent),
    (AuditAction::Restrict, SecurityMsg::ActRestrict),
    (AuditAction::Unrestrict, SecurityMsg::ActUnrestrict),
    (AuditAction::SubjectRequest, SecurityMsg::ActSubjectRequest),
    (AuditAction::Breach, SecurityMsg::ActBreach),
    (AuditAction::KeyChange, SecurityMsg::ActKeyChange),
    (AuditAction::DeviceAdded, SecurityMsg::ActDeviceAdded),
    (AuditAction::DeviceRevoked, SecurityMsg::ActDeviceRevoked),
    (AuditAction::SettingsChanged, SecurityMsg::ActSettings),
];

fn action_msg(a: AuditAction) -> SecurityMsg {
    ACTIONS
        .iter()
        .find(|(x, _)| *x == a)
        .map_or(SecurityMsg::ActSettings, |(_, m)| *m)
}

fn action_code(a: AuditAction) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A device as shown: the start of its id, and "this device".
pub fn device_name(state: &AppState, device: Uuid) -> String {
    let short: String = device.simple().to_string().chars().take(8).collect();
    if audit::this_device() == Some(device) {
        format!("{short} ({})", state.t(SecurityMsg::ThisDevice))
    } else {
        short
    }
}

/// What a verdict says, in the interface language.
pub fn verdict_text(state: &AppState, v: &Verdict) -> Option<String> {
    let device = device_name(state, v.device);
    let n = |x: usize| x.to_string();
    let (msg, args): (SecurityMsg, Vec<(&str, String)>) = match v.result.as_ref().err()? {
        ChainBreak::Missing {
            index,
            expected_seq,
            found_seq,
        } => (
            SecurityMsg::BreakMissing,
            vec![
                ("index", n(*index)),
                ("expected", expected_seq.to_string()),
                ("found", found_seq.saturating_sub(1).to_string()),
            ],
        ),
        ChainBreak::Reordered {
            index,
            expected_seq,
            found_seq,
        } => (
            SecurityMsg::BreakReordered,
            vec![
                ("index", n(*index)),
                ("expected", expected_seq.to_string()),
                ("found", found_seq.to_string()),
            ],
        ),
        ChainBreak::Edited { index, seq } => (
            SecurityMsg::BreakEdited,
            vec![("index", n(*index)), ("seq", seq.to_string())],
        ),
        ChainBreak::BadSignature { index, seq } => (
            SecurityMsg::BreakSignature,
            vec![("index", n(*index)), ("seq", seq.to_string())],
        ),
        ChainBreak::LinkBroken { index, seq } => (
            SecurityMsg::BreakLink,
            vec![("index", n(*index)), ("seq", seq.to_string())],
        ),
        ChainBreak::ForeignEntry { index, .. } => {
            (SecurityMsg::BreakForeign, vec![("index", n(*index))])
        }
        ChainBreak::UnknownDeviceKey { .. } => (SecurityMsg::BreakNoKey, vec![]),
        ChainBreak::Truncated {
            last_seq: Some(last),
            head_seq,
        } => (
            SecurityMsg::BreakTruncated,
            vec![("last", last.to_string()), ("head", head_seq.to_string())],
        ),
        ChainBreak::Truncated {
            last_seq: None,
            head_seq,
        } => (
            SecurityMsg::BreakEmptied,
            vec![("head", head_seq.to_string())],
        ),
        ChainBreak::Rewritten { seq } => {
            (SecurityMsg::BreakRewritten, vec![("seq", seq.to_string())])
        }
    };
    let mut all: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.push(("device", &device));
    Some(fill(state.t(msg), &all))
}

fn day_start(text: &str) -> Option<i64> {
    text.trim()
        .parse::<CivilDate>()
        .ok()
        .and_then(|d| d.start_unix_ms(0).ok())
}

#[component]
pub fn AuditViewer(
    /// The entries the filter shows, for the breach register to pick from.
    shown: RwSignal<Vec<AuditEntry>>,
) -> impl IntoView {
    let state = use_app();
    let action = RwSignal::new(None::<AuditAction>);
    let device = RwSignal::new(None::<Uuid>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let record = RwSignal::new(String::new());
    let verdicts = RwSignal::new(None::<Vec<Verdict>>);

    let by_device = Memo::new(move |_| entries_by_device(&state));
    let filter = Memo::new(move |_| AuditFilter {
        action: action.get(),
        device: device.get(),
        from_ms: day_start(&from.get()),
        to_ms: day_start(&to.get()).map(|t| t + DAY_MS - 1),
        record: record.get(),
    });
    let total = Memo::new(move |_| by_device.with(|m| m.values().map(Vec::len).sum::<usize>()));
    let filtered = Memo::new(move |_| {
        let f = filter.get();
        by_device.with(|m| {
            let chains: Vec<&[AuditEntry]> = m.values().map(Vec::as_slice).collect();
            let mut all: Vec<AuditEntry> = merge_for_display(&chains)
                .into_iter()
                .filter(|e| f.matches(e))
                .cloned()
                .collect();
            all.reverse();
            all
        })
    });
    Effect::new(move |_| shown.set(filtered.get()));

    let on_verify = move |_| {
        let records = state.records.with_untracked(|s| s.all());
        verdicts.set(Some(verify_all(state, records)));
    };
    let export = move |json: bool| {
        let entries = filtered.get_untracked();
        let refs: Vec<&AuditEntry> = entries.iter().collect();
        let (text, mime, ext) = if json {
            (entries_json(&refs), "application/json", "json")
        } else {
            (entries_csv(&refs), "text/csv;charset=utf-8", "csv")
        };
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
        match download(&parts, mime, &format!("coffer-audit-{}.{ext}", today())) {
            Ok(()) => audit::record(
                state,
                AuditAction::Export,
                "audit",
                None,
                &format!("format={ext},{}", count_detail(entries.len())),
            ),
            Err(_) => state.warn(state.t(SecurityMsg::CopyFailed)),
        }
    };
    let devices = Memo::new(move |_| by_device.with(|m| m.keys().copied().collect::<Vec<_>>()));
    let damaged = move || state.damaged.with(Vec::len);

    view! {
        <section class="security-card" aria-labelledby="audit-title">
            <h2 id="audit-title">{move || state.t(SecurityMsg::AuditLog)}</h2>
            <p class="hint">{move || state.t(SecurityMsg::AuditIntro)}</p>
            <div class="audit-filters" role="group" aria-labelledby="audit-title">
                <div class="field">
                    <label for="audit-action">{move || state.t(SecurityMsg::FilterAction)}</label>
                    <select id="audit-action" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        action.set(ACTIONS.iter().map(|(a, _)| *a).find(|a| action_code(*a) == v));
                    }>
                        <option value="">{move || state.t(SecurityMsg::AnyAction)}</option>
                        {ACTIONS.iter().map(|(a, m)| {
                            let (a, m) = (*a, *m);
                            view! { <option value=action_code(a) selected=move || action.get() == Some(a)>{move || state.t(m)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-device">{move || state.t(SecurityMsg::FilterDevice)}</label>
                    <select id="audit-device" on:change=move |ev| {
                        device.set(Uuid::parse_str(&event_target_value(&ev)).ok());
                    }>
                        <option value="">{move || state.t(SecurityMsg::AnyDevice)}</option>
                        <For each=move || devices.get() key=|d| *d let:d>
                            <option value=d.to_string() selected=move || device.get() == Some(d)>{move || device_name(&state, d)}</option>
                        </For>
                    </select>
                </div>
                <div class="field">
                    <label for="audit-from">{move || state.t(SecurityMsg::FromDate)}</label>
                    <input id="audit-from" type="date" bind:value=from/>
                </div>
                <div class="field">
                    <label for="audit-to">{move || state.t(SecurityMsg::ToDate)}</label>
                    <input id="audit-to" type="date" bind:value=to/>
                </div>
                <div class="field">
                    <label for="audit-record">{move || state.t(SecurityMsg::FilterRecord)}</label>
                    <input id="audit-record" type="search" autocomplete="off" spellcheck="false" bind:value=record/>
                </div>
            </div>
            <div class="actions">
                <button type="button" class="primary" on:click=on_verify>{move || state.t(SecurityMsg::Verify)}</button>
                <button type="button" on:click=move |_| export(false)>{move || state.t(SecurityMsg::ExportCsv)}</button>
                <button type="button" on:click=move |_| export(true)>{move || state.t(SecurityMsg::ExportJson)}</button>
            </div>
            <div class="verify-result" role="status" aria-live="polite">
                {move || verdicts.get().map(|vs| {
                    let broken: Vec<String> = vs.iter().filter_map(|v| verdict_text(&state, v)).collect();
                    if broken.is_empty() {
                        let n: usize = vs.iter().map(|v| v.entries).sum();
                        view! { <p class="intact">{fill(state.t(SecurityMsg::ChainIntact), &[("count", &n.to_string())])}</p> }.into_any()
                    } else {
                        view! { <ul class="broken">{broken.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }.into_any()
                    }
                })}
            </div>
            <Show when=move || { damaged() > 0 }>
                <p class="hint">{move || fill(state.t(SecurityMsg::DamagedRecords), &[("count", &damaged().to_string())])}</p>
            </Show>
            <p class="hint" aria-live="polite">{move || fill(state.t(SecurityMsg::ShowingEntries), &[
                ("shown", &filtered.with(Vec::len).to_string()),
                ("total", &total.get().to_string()),
            ])}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="audit-title">
                <table class="audit-table">
                    <thead><tr>
                        <th scope="col">{move || state.t(SecurityMsg::ColWhen)}</th>
                        <th scope="col">{move || state.t(SecurityMsg::ColDevice)}</th>
                        <th scope="col">{move || state.t(SecurityMsg::ColSeq)}</th>
                        <th scope="col">{move || state.t(SecurityMsg::ColAction)}</th>
                        <th scope="col">{move || state.t(SecurityMsg::ColRecord)}</th>
                        <th scope="col">{move || state.t(SecurityMsg::ColDetail)}</th>
                    </tr></thead>
                    <tbody>
                        {move || filtered.with(|all| all.iter().take(MAX_ROWS).map(|e| {
                            let record = match e.record_id {
                                Some(id) => format!("{} {id}", e.record_type),
                                None => e.record_type.clone(),
                            };
                            let msg = action_msg(e.action);
                            view! {
                                <tr>
                                    <td>{format_utc(e.at_ms)}</td>
                                    <td>{device_name(&state, e.device_id)}</td>
                                    <td>{e.seq}</td>
                                    <td>{move || state.t(msg)}</td>
                                    <td class="record-id">{record}</td>
                                    <td><code>{e.detail.clone()}</code></td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
            <Show when=move || filtered.with(Vec::is_empty)>
                <p>{move || state.t(SecurityMsg::NoEntries)}</p>
            </Show>
        </section>
    }
}
