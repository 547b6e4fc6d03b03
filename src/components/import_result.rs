//! After an import: the summary, the rows that failed (row, column,
//! reason, translated) and "Undo this import".

use crate::import_job::{ImportOutcome, IssueColumn, IssueProblem, Progress, undo_import};
use crate::state::{AppState, use_app};
use coffer_core::contact::Field;
use coffer_core::i18n::{Msg, fill};
use coffer_core::import::RowProblem;
use coffer_core::vcard::CardProblem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// Problems listed on the page; the rest are counted.
const SHOWN_ISSUES: usize = 200;

pub fn issue_text(problem: &IssueProblem, state: &AppState) -> String {
    let t = |m| state.t(m).to_string();
    match problem {
        IssueProblem::Row(p) => match p {
            RowProblem::NameMissing => t(Msg::RowNameMissing),
            RowProblem::InvalidEmail => t(Msg::RowInvalidEmail),
            RowProblem::InvalidPhone => t(Msg::RowInvalidPhone),
            RowProblem::InvalidWeChat => t(Msg::RowInvalidWeChat),
            RowProblem::TooLong { max } => {
                fill(state.t(Msg::RowTooLong), &[("max", &max.to_string())])
            }
            RowProblem::TooMany { max } => {
                fill(state.t(Msg::RowTooMany), &[("max", &max.to_string())])
            }
            RowProblem::ExtraCells { expected, found } => fill(
                state.t(Msg::RowExtraCells),
                &[
                    ("expected", &expected.to_string()),
                    ("found", &found.to_string()),
                ],
            ),
            RowProblem::Malformed(detail) => {
                fill(state.t(Msg::RowMalformed), &[("detail", detail)])
            }
        },
        IssueProblem::Card(p) => match p {
            CardProblem::MissingEnd => t(Msg::CardMissingEnd),
            CardProblem::UnsupportedVersion(v) => {
                fill(state.t(Msg::CardVersion), &[("version", v)])
            }
            CardProblem::BadQuotedPrintable { .. } => t(Msg::CardQuotedPrintable),
            CardProblem::UnknownCharset { charset, .. } => {
                fill(state.t(Msg::CardCharset), &[("charset", charset)])
            }
            // Expanded into field problems when read.
            CardProblem::Invalid(_) => t(Msg::FixErrors),
        },
    }
}

fn field_label(field: &Field) -> Msg {
    match field {
        Field::Salutation => Msg::Salutation,
        Field::Name => Msg::ImportName,
        Field::Email(_) => Msg::Email,
        Field::Phone(_) => Msg::Phone,
        Field::Company => Msg::Company,
        Field::JobTitle => Msg::JobTitle,
        Field::Address => Msg::AddressLabel,
        Field::Notes => Msg::Notes,
        Field::Tag(_) => Msg::Tags,
        Field::WeChat => Msg::WeChatId,
        Field::Source => Msg::Source,
        Field::Owner => Msg::Owner,
        Field::Custom(_) => Msg::TargetCustom,
    }
}

/// The column a problem is in: its header, or the contact field.
pub fn column_text(column: &IssueColumn, headers: &[String], state: &AppState) -> String {
    match column {
        IssueColumn::None => "—".to_string(),
        IssueColumn::Index(i) => headers
            .get(*i)
            .cloned()
            .unwrap_or_else(|| (i + 1).to_string()),
        IssueColumn::Field(f) => state.t(field_label(f)).to_string(),
    }
}

/// "Undo this import", shown while the last import of this session can
/// still be undone.
#[component]
pub fn UndoImport(progress: RwSignal<Option<Progress>>, running: RwSignal<bool>) -> impl IntoView {
    let state = use_app();
    let can_undo = RwSignal::new(state.last_import.with_value(Option::is_some));
    let undo_message = RwSignal::new(None::<String>);
    let on_undo = move |_| {
        let question = state.last_import.with_value(|u| {
            u.as_ref().map(|u| {
                fill(
                    state.t(Msg::ImportUndoConfirm),
                    &[
                        ("created", &u.created.len().to_string()),
                        ("updated", &u.previous.len().to_string()),
                    ],
                )
            })
        });
        let Some(question) = question else { return };
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed || running.get_untracked() {
            return;
        }
        running.set(true);
        spawn_local(async move {
            match undo_import(state, progress).await {
                Ok((deleted, restored, kept)) => {
                    let mut text = fill(
                        state.t(Msg::ImportUndone),
                        &[
                            ("deleted", &deleted.to_string()),
                            ("restored", &restored.to_string()),
                        ],
                    );
                    if kept > 0 {
                        text.push(' ');
                        text.push_str(&fill(
                            state.t(Msg::ImportUndoKept),
                            &[("count", &kept.to_string())],
                        ));
                    }
                    undo_message.set(Some(text));
                    can_undo.set(false);
                }
                Err(e) => undo_message.set(Some(e)),
            }
            progress.set(None);
            running.set(false);
        });
    };

    view! {
        <Show when=move || can_undo.get()>
            <div class="actions">
                <button type="button" on:click=on_undo disabled=move || running.get()>
                    {move || state.t(Msg::ImportUndo)}
                </button>
            </div>
            <p class="hint">{move || state.t(Msg::ImportUndoHint)}</p>
        </Show>
        <p role="status">{move || undo_message.get()}</p>
    }
}

#[component]
pub fn ImportSummary(outcome: ImportOutcome, headers: Vec<String>) -> impl IntoView {
    let state = use_app();
    let headers = Arc::new(headers);
    let count = |n: usize| n.to_string();
    let (created, updated, skipped, error_rows) = (
        count(outcome.created),
        count(outcome.updated),
        count(outcome.skipped),
        count(outcome.error_rows),
    );
    let more = outcome.issues.len().saturating_sub(SHOWN_ISSUES);
    let issues = outcome
        .issues
        .into_iter()
        .take(SHOWN_ISSUES)
        .collect::<Vec<_>>();
    let has_issues = !issues.is_empty();
    let issue_rows = issues
        .into_iter()
        .map(|issue| {
            let headers = headers.clone();
            view! {
                <tr>
                    <td>{issue.row}</td>
                    <td>{move || column_text(&issue.column, &headers, &state)}</td>
                    <td>{move || issue_text(&issue.problem, &state)}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <section class="import-summary" aria-labelledby="summary-title">
            <h2 id="summary-title">{move || state.t(Msg::ImportSummary)}</h2>
            <ul class="summary-counts">
                <li>{move || fill(state.t(Msg::ImportCreated), &[("count", &created)])}</li>
                <li>{move || fill(state.t(Msg::ImportUpdated), &[("count", &updated)])}</li>
                <li>{move || fill(state.t(Msg::ImportSkipped), &[("count", &skipped)])}</li>
                <li>{move || fill(state.t(Msg::ImportErrorCount), &[("count", &error_rows)])}</li>
            </ul>
            {has_issues.then(|| view! {
                <h3 id="errors-title">{move || state.t(Msg::ImportErrorList)}</h3>
                <div class="table-scroll">
                    <table class="import-errors" aria-labelledby="errors-title">
                        <thead>
                            <tr>
                                <th scope="col">{move || state.t(Msg::ImportRow)}</th>
                                <th scope="col">{move || state.t(Msg::ImportColumn)}</th>
                                <th scope="col">{move || state.t(Msg::ImportReason)}</th>
                            </tr>
                        </thead>
                        <tbody>{issue_rows}</tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! {
                    <p>{move || fill(state.t(Msg::ImportMoreErrors), &[("count", &more.to_string())])}</p>
                })}
            })}
        </section>
    }
}
