//! The column-mapping table (one labelled select per column) and the
//! preview of the first rows of an import.

use crate::components::import_result::{column_text, issue_text};
use crate::import_job::{ImportSource, IssueColumn};
use crate::state::use_app;
use coffer_core::contact::NameOrder;
use coffer_core::i18n::{Msg, fill};
use coffer_core::import::{ColumnMapping, TargetField};
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

/// The fields any column may fill, with their select value and label.
const TARGETS: [(TargetField, &str, Msg); 28] = [
    (TargetField::Ignore, "ignore", Msg::TargetIgnore),
    (TargetField::Salutation, "salutation", Msg::Salutation),
    (TargetField::FullName, "full-name", Msg::FullName),
    (TargetField::GivenName, "given-name", Msg::GivenName),
    (
        TargetField::MiddleName,
        "middle-name",
        Msg::TargetMiddleName,
    ),
    (TargetField::FamilyName, "family-name", Msg::FamilyName),
    (TargetField::Email, "email", Msg::Email),
    (TargetField::EmailWork, "email-work", Msg::TargetEmailWork),
    (TargetField::EmailHome, "email-home", Msg::TargetEmailHome),
    (TargetField::Phone, "phone", Msg::Phone),
    (TargetField::PhoneWork, "phone-work", Msg::TargetPhoneWork),
    (TargetField::PhoneHome, "phone-home", Msg::TargetPhoneHome),
    (TargetField::Mobile, "mobile", Msg::TargetMobile),
    (TargetField::Company, "company", Msg::Company),
    (TargetField::JobTitle, "job-title", Msg::JobTitle),
    (TargetField::WeChat, "wechat", Msg::WeChatId),
    (TargetField::Country, "country", Msg::Country),
    (TargetField::Province, "province", Msg::Region),
    (TargetField::City, "city", Msg::City),
    (TargetField::District, "district", Msg::District),
    (TargetField::Street, "street", Msg::Street),
    (TargetField::Postcode, "postcode", Msg::Postcode),
    (TargetField::Source, "source", Msg::Source),
    (TargetField::Owner, "owner", Msg::Owner),
    (TargetField::Notes, "notes", Msg::Notes),
    (TargetField::Tags, "tags", Msg::Tags),
    // Placeholders for the column-specific targets (see `target_value`).
    (TargetField::KindOf(0), "kind", Msg::TargetKindOf),
    (
        TargetField::CountryCodeOf(0),
        "cc",
        Msg::TargetCountryCodeOf,
    ),
];

/// The select value of a target; column-specific ones carry their column.
fn target_value(t: &TargetField) -> String {
    match t {
        TargetField::KindOf(i) => format!("kind-{i}"),
        TargetField::CountryCodeOf(i) => format!("cc-{i}"),
        TargetField::Custom(id) => format!("custom-{id}"),
        other => TARGETS
            .iter()
            .find(|(f, _, _)| f == other)
            .map_or("ignore", |(_, v, _)| v)
            .to_string(),
    }
}

fn target_from(value: &str, proposed: &TargetField) -> TargetField {
    if target_value(proposed) == value {
        return proposed.clone();
    }
    TARGETS
        .iter()
        .find(|(_, v, _)| *v == value)
        .map_or(TargetField::Ignore, |(f, _, _)| f.clone())
}

/// The options of one column's select: every plain field, plus the
/// proposed column-specific target when there is one.
fn options_for(proposed: &TargetField, headers: &[String]) -> Vec<(String, Msg, String)> {
    let mut out: Vec<(String, Msg, String)> = TARGETS
        .iter()
        .filter(|(f, _, _)| !matches!(f, TargetField::KindOf(_) | TargetField::CountryCodeOf(_)))
        .map(|(_, v, m)| (v.to_string(), *m, String::new()))
        .collect();
    let special = match proposed {
        TargetField::KindOf(i) => Some((Msg::TargetKindOf, *i)),
        TargetField::CountryCodeOf(i) => Some((Msg::TargetCountryCodeOf, *i)),
        TargetField::Custom(_) => Some((Msg::TargetCustom, usize::MAX)),
        _ => None,
    };
    if let Some((msg, col)) = special {
        let column = headers.get(col).cloned().unwrap_or_default();
        out.push((target_value(proposed), msg, column));
    }
    out
}

#[component]
pub fn MappingTable(
    headers: Vec<String>,
    first_row: Vec<String>,
    proposed: ColumnMapping,
    mapping: RwSignal<Option<ColumnMapping>>,
) -> impl IntoView {
    let state = use_app();
    let headers = Arc::new(headers);
    let rows = headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let proposed_target = proposed.columns.get(i).cloned().unwrap_or(TargetField::Ignore);
            let options = options_for(&proposed_target, &headers);
            let select_id = format!("map-{i}");
            let header_text = header.clone();
            let label_header = header.clone();
            let first = first_row.get(i).cloned().unwrap_or_default();
            let current = move || {
                mapping.with(|m| {
                    m.as_ref()
                        .and_then(|m| m.columns.get(i))
                        .map(target_value)
                        .unwrap_or_default()
                })
            };
            let on_change = {
                let proposed_target = proposed_target.clone();
                move |ev| {
                    let target = target_from(&event_target_value(&ev), &proposed_target);
                    mapping.update(|m| {
                        if let Some(slot) = m.as_mut().and_then(|m| m.columns.get_mut(i)) {
                            *slot = target;
                        }
                    });
                }
            };
            view! {
                <tr>
                    <th scope="row">{header_text}</th>
                    <td class="sample">{first}</td>
                    <td>
                        <label for=select_id.clone() class="visually-hidden">
                            {move || fill(state.t(Msg::ImportFieldFor), &[("column", &label_header)])}
                        </label>
                        <select id=select_id prop:value=current on:change=on_change>
                            {options.into_iter().map(|(value, msg, column)| {
                                let selected_value = value.clone();
                                view! {
                                    <option value=value selected=move || current() == selected_value>
                                        {move || fill(state.t(msg), &[("column", &column)])}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="import-mapping" aria-labelledby="mapping-title">
            <h2 id="mapping-title">{move || state.t(Msg::ImportMapping)}</h2>
            <p class="hint">{move || state.t(Msg::ImportMappingHint)}</p>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{move || state.t(Msg::ImportColumn)}</th>
                            <th scope="col">{move || state.t(Msg::ImportFirstValue)}</th>
                            <th scope="col">{move || state.t(Msg::ImportField)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The first rows as they would be imported with the current mapping.
#[component]
pub fn ImportPreview(
    source: StoredValue<Option<Rc<ImportSource>>, LocalStorage>,
    mapping: RwSignal<Option<ColumnMapping>>,
    headers: Vec<String>,
) -> impl IntoView {
    let state = use_app();
    let headers = Arc::new(headers);
    let lines = move || {
        let preview = mapping.with(|m| {
            source.with_value(|s| {
                s.as_ref()
                    .map(|s| s.preview(m.as_ref(), 5))
                    .unwrap_or_default()
            })
        });
        let headers = headers.clone();
        preview
            .into_iter()
            .map(|(row, issues, contact)| {
                let (name, email, phone, company) = contact
                    .map(|c| {
                        (
                            c.display_name(NameOrder::GivenFirst),
                            c.emails
                                .first()
                                .map(|e| e.address.clone())
                                .unwrap_or_default(),
                            c.phones
                                .first()
                                .map(|p| p.number.clone())
                                .unwrap_or_default(),
                            c.company.clone(),
                        )
                    })
                    .unwrap_or_default();
                let headers = headers.clone();
                let status = move || {
                    if issues.is_empty() {
                        state.t(Msg::ImportRowReady).to_string()
                    } else {
                        issues
                            .iter()
                            .map(|i| {
                                let col = column_text(&i.column, &headers, &state);
                                let text = issue_text(&i.problem, &state);
                                if matches!(i.column, IssueColumn::None) {
                                    text
                                } else {
                                    format!("{col}: {text}")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                };
                view! {
                    <tr>
                        <td>{row}</td>
                        <td>{name}</td>
                        <td>{email}</td>
                        <td>{phone}</td>
                        <td>{company}</td>
                        <td>{status}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="import-preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{move || state.t(Msg::ImportPreview)}</h2>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{move || state.t(Msg::ImportRow)}</th>
                            <th scope="col">{move || state.t(Msg::ImportName)}</th>
                            <th scope="col">{move || state.t(Msg::Email)}</th>
                            <th scope="col">{move || state.t(Msg::Phone)}</th>
                            <th scope="col">{move || state.t(Msg::Company)}</th>
                            <th scope="col">{move || state.t(Msg::ImportStatus)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        </section>
    }
}
