//! A table over any record type's JSON rows, driven by core's `query`:
//! sortable headers (buttons, `aria-sort`), a filter builder (column,
//! operator, value; match all or any; each condition can be negated),
//! column choice, and saved views stored as records (`SavedView`). Rows
//! are virtualised: only those in view exist in the page, and the column
//! cache of `query::Table` keeps re-sorting and refining 100,000 rows to
//! comparisons.

use crate::state::{AppState, use_app};
use coffer_core::class::DataClass;
use coffer_core::custom_field::{CustomFieldDef, query_column};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::money::Money;
use coffer_core::query::{
    ColumnPath, Condition, Direction, FieldKind, Filter, Operator, Query, QueryError, SavedView,
    Schema, SortBy, Table,
};
use coffer_core::record::Record;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

/// Height of one body row in CSS pixels; `.data-table tbody tr` has it.
const ROW_HEIGHT: f64 = 44.0;
const OVERSCAN: usize = 8;
const DEFAULT_VIEWPORT: f64 = 600.0;

/// One column the table can show.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub path: String,
    pub label: String,
    pub kind: FieldKind,
    /// Holds sensitive or financial values: masked until the user reveals
    /// them, and each reveal goes to the audit log.
    pub masked: bool,
}

/// A table's columns: the built-in ones, then one per custom field, each
/// masked by its data class (`class_of`, from the record type's table
/// module in core).
pub fn table_columns(
    builtin: &[(&str, FieldKind)],
    label: impl Fn(&str) -> String,
    defs: &[CustomFieldDef],
    class_of: fn(&str, &[CustomFieldDef]) -> DataClass,
) -> Vec<ColumnDef> {
    let custom = defs.iter().map(|def| {
        let (path, kind) = query_column(def);
        (path, def.label.clone(), kind)
    });
    builtin
        .iter()
        .map(|&(path, kind)| (path.to_string(), label(path), kind))
        .chain(custom)
        .map(|(path, label, kind)| ColumnDef {
            masked: class_of(&path, defs).is_masked(),
            path,
            label,
            kind,
        })
        .collect()
}

/// A compiled query in a memo: never equal to another, so every
/// recompile reruns the table.
#[derive(Clone)]
struct Compiled(Query);

impl PartialEq for Compiled {
    fn eq(&self, _: &Compiled) -> bool {
        false
    }
}

/// One row of the filter builder.
#[derive(Clone, Copy)]
struct CondRow {
    key: u32,
    column: RwSignal<String>,
    op: RwSignal<Operator>,
    text: RwSignal<String>,
    negate: RwSignal<bool>,
}

fn window(scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_HEIGHT).floor().max(0.0) as usize;
    let visible = (viewport / ROW_HEIGHT).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + visible + OVERSCAN).min(total);
    (start, end)
}

/// A cell as text: money as money in the interface language, lists joined,
/// booleans as yes/no.
pub fn cell_text(row: &Value, path: &str, state: &AppState) -> String {
    let locale = state.locale.get_untracked();
    let lookup = |p: &str| {
        ColumnPath::parse(p)
            .ok()
            .and_then(|c| c.lookup(row).cloned())
    };
    if let Some(parent) = path.strip_suffix(".minor")
        && let Some(v) = lookup(parent)
        && let Ok(m) = serde_json::from_value::<Money>(v)
    {
        return m.format(locale);
    }
    match lookup(path) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s,
        Some(Value::Bool(b)) => state
            .t(if b { CrmMsg::Yes } else { CrmMsg::No })
            .to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(v @ Value::Object(_)) => serde_json::from_value::<Money>(v)
            .map(|m| m.format(locale))
            .unwrap_or_default(),
        Some(v) => v.to_string(),
    }
}

pub fn operator_label(op: Operator) -> CrmMsg {
    use Operator as O;
    match op {
        O::Equals => CrmMsg::OpEquals,
        O::NotEquals => CrmMsg::OpNotEquals,
        O::Contains => CrmMsg::OpContains,
        O::StartsWith => CrmMsg::OpStartsWith,
        O::IsEmpty => CrmMsg::OpIsEmpty,
        O::IsNotEmpty => CrmMsg::OpIsNotEmpty,
        O::Gt => CrmMsg::OpGt,
        O::Ge => CrmMsg::OpGe,
        O::Lt => CrmMsg::OpLt,
        O::Le => CrmMsg::OpLe,
        O::Between => CrmMsg::OpBetween,
        O::In => CrmMsg::OpIn,
        O::HasTag => CrmMsg::OpHasTag,
    }
}

fn query_error_text(e: &QueryError, state: &AppState) -> String {
    match e {
        QueryError::BadOperand { expected, .. } => {
            use coffer_core::query::Operand;
            match expected {
                Operand::Pair(_) => state.t(CrmMsg::FilterNeedsRange).to_string(),
                Operand::List(_) => state.t(CrmMsg::FilterNeedsList).to_string(),
                Operand::One(FieldKind::Number) => state.t(CrmMsg::FilterNeedsNumber).to_string(),
                Operand::One(FieldKind::Date) => state.t(CrmMsg::FilterNeedsDate).to_string(),
                _ => state.t(CrmMsg::FilterNeedsValue).to_string(),
            }
        }
        QueryError::InvertedRange { .. } => state.t(CrmMsg::FilterInvertedRange).to_string(),
        _ => state.t(CrmMsg::FilterInvalid).to_string(),
    }
}

#[component]
pub fn DataTable(
    /// Namespace of the records listed (saved views are per type).
    record_type: &'static str,
    /// Prefix for element ids, unique on the page.
    id_prefix: &'static str,
    schema: Signal<Schema>,
    /// Every column the user may show, in picker order.
    columns: Signal<Vec<ColumnDef>>,
    default_columns: Vec<String>,
    rows: Signal<Vec<Value>>,
    /// Opens the record of a row (by its `id`).
    on_open: Callback<Uuid>,
    /// Receives the positions in `rows` that pass the filter, in order.
    #[prop(optional)]
    matched: Option<RwSignal<Vec<usize>>>,
) -> impl IntoView {
    let state = use_app();
    let revealed = RwSignal::new(false);
    let masked = Memo::new(move |_| {
        columns.with(|cs| {
            cs.iter()
                .filter(|c| c.masked)
                .map(|c| c.path.clone())
                .collect::<Vec<String>>()
        })
    });
    let on_reveal = move |_| {
        let now = !revealed.get_untracked();
        revealed.set(now);
        if now {
            let columns = masked.with_untracked(|m| m.join(","));
            crate::audit::record(
                state,
                coffer_core::privacy::audit::AuditAction::Reveal,
                record_type,
                None,
                &format!("columns={columns}"),
            );
        }
    };
    let visible = RwSignal::new(default_columns.clone());
    let sort = RwSignal::new(Vec::<SortBy>::new());
    let conds = RwSignal::new(Vec::<CondRow>::new());
    let match_any = RwSignal::new(false);
    let next_key = StoredValue::new(0u32);
    let current_view = RwSignal::new(None::<Uuid>);
    let view_name = RwSignal::new(String::new());

    let kind_of =
        move |path: &str| columns.with(|cs| cs.iter().find(|c| c.path == path).map(|c| c.kind));

    let new_cond = move |column: String, op: Operator, text: String, negate: bool| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        CondRow {
            key,
            column: RwSignal::new(column),
            op: RwSignal::new(op),
            text: RwSignal::new(text),
            negate: RwSignal::new(negate),
        }
    };

    // The filter tree, or the first problem with a condition.
    let filter = Memo::new(move |_| -> Result<Filter, (u32, String)> {
        let mut leaves = Vec::new();
        for row in conds.get() {
            let column = row.column.get();
            let Some(kind) = kind_of(&column) else {
                continue;
            };
            let path =
                ColumnPath::parse(&column).map_err(|e| (row.key, query_error_text(&e, &state)))?;
            let c = Condition::from_input(path, kind, row.op.get(), &row.text.get())
                .map_err(|e| (row.key, query_error_text(&e, &state)))?;
            let leaf = Filter::Condition(c);
            leaves.push(if row.negate.get() {
                Filter::Not(Box::new(leaf))
            } else {
                leaf
            });
        }
        Ok(if match_any.get() && !leaves.is_empty() {
            Filter::Or(leaves)
        } else {
            Filter::And(leaves)
        })
    });

    let visible_paths = move || -> Vec<ColumnPath> {
        visible
            .get()
            .iter()
            .filter_map(|p| ColumnPath::parse(p).ok())
            .collect()
    };

    let query = Memo::new(move |_| -> Result<Compiled, String> {
        let f = filter.get().map_err(|(_, e)| e)?;
        let sort = sort.get();
        schema.with(|s| {
            let cols: Vec<ColumnPath> = visible_paths()
                .into_iter()
                .filter(|c| s.kind_of(c).is_ok())
                .collect();
            Query::new(s, &cols, &sort, &f)
                .map(Compiled)
                .map_err(|e| query_error_text(&e, &state))
        })
    });

    // The rows with their column cache, rebuilt when the rows change.
    let table = StoredValue::new(Table::default());
    let generation = RwSignal::new(0u64);
    Effect::new(move |_| {
        let all = rows.get();
        table.set_value(Table::new(all));
        generation.update(|g| *g += 1);
    });
    let result = Memo::new(move |_| {
        generation.track();
        match query.get() {
            Ok(Compiled(q)) => {
                let mut out = Vec::new();
                table.update_value(|t| out = t.run(&q));
                out
            }
            Err(_) => Vec::new(),
        }
    });
    if let Some(m) = matched {
        Effect::new(move |_| m.set(result.get()));
    }

    // Virtual scrolling.
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(DEFAULT_VIEWPORT);
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()).max(ROW_HEIGHT));
        }
    };
    let range = Memo::new(move |_| window(scroll_top.get(), viewport.get(), result.with(Vec::len)));

    let label_of = move |path: &str| {
        columns.with(|cs| {
            cs.iter()
                .find(|c| c.path == path)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| path.to_string())
        })
    };

    // The view as a CSV file: the shown columns of the rows that pass the
    // filter, in the shown order; cells a spreadsheet would run as
    // formulas are protected. Audited like every export.
    let on_export = move |_| {
        let cols = visible.get_untracked();
        let header: Vec<String> = cols.iter().map(|p| label_of(p)).collect();
        let body: Vec<Vec<String>> = rows.with_untracked(|all| {
            result
                .get_untracked()
                .iter()
                .filter_map(|&i| all.get(i))
                .map(|row| cols.iter().map(|p| cell_text(row, p, &state)).collect())
                .collect()
        });
        let bytes = coffer_core::export::write_csv(
            &header,
            &body,
            coffer_core::export::CsvOptions::default(),
        );
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
        let name = format!("coffer-{record_type}-{}.csv", crate::download::today());
        if crate::download::download(&parts, "text/csv;charset=utf-8", &name).is_ok() {
            crate::audit::record(
                state,
                coffer_core::privacy::audit::AuditAction::Export,
                record_type,
                None,
                "format=csv",
            );
            state.say(fill(
                state.t(CrmMsg::TableExported),
                &[("count", &body.len().to_string())],
            ));
        }
    };

    let toggle_sort = move |path: String| {
        let Ok(column) = ColumnPath::parse(&path) else {
            return;
        };
        sort.update(|s| {
            let next = match s.first() {
                Some(first) if first.column == column => match first.direction {
                    Direction::Ascending => Some(Direction::Descending),
                    Direction::Descending => None,
                },
                _ => Some(Direction::Ascending),
            };
            *s = next
                .map(|direction| vec![SortBy { column, direction }])
                .unwrap_or_default();
        });
    };

    let headers = move || {
        visible
            .get()
            .into_iter()
            .map(|path| {
                let p2 = path.clone();
                let p3 = path.clone();
                let direction = Memo::new(move |_| {
                    sort.with(|s| {
                        s.first()
                            .filter(|f| f.column.as_str() == p2)
                            .map(|f| f.direction)
                    })
                });
                let aria = move || match direction.get() {
                    Some(Direction::Ascending) => "ascending",
                    Some(Direction::Descending) => "descending",
                    None => "none",
                };
                let arrow = move || match direction.get() {
                    Some(Direction::Ascending) => "▲",
                    Some(Direction::Descending) => "▼",
                    None => "↕",
                };
                let label = label_of(&path);
                view! {
                    <th scope="col" aria-sort=aria>
                        <button type="button" class="sort" on:click=move |_| toggle_sort(p3.clone())>
                            {label}
                            <span class="arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    </th>
                }
            })
            .collect_view()
    };

    let body = move || {
        let (start, end) = range.get();
        let cols = visible.get();
        let order: Vec<usize> = result.with(|r| r[start..end].to_vec());
        rows.with(|all| {
            order
                .iter()
                .enumerate()
                .filter_map(|(offset, &i)| all.get(i).map(|row| (start + offset, row)))
                .map(|(position, row)| {
                    let id = row
                        .get("id")
                        .and_then(Value::as_str)
                        .and_then(|s| Uuid::parse_str(s).ok())
                        .unwrap_or_default();
                    let cells = cols
                        .iter()
                        .enumerate()
                        .map(|(ci, path)| {
                            let mut text = cell_text(row, path, &state);
                            if !revealed.get() && masked.with(|m| m.contains(path)) {
                                text = coffer_core::privacy::mask::mask(
                                    &text,
                                    coffer_core::privacy::mask::ValueShape::Text,
                                );
                            }
                            if ci == 0 {
                                let shown = if text.is_empty() {
                                    state.t(CrmMsg::Untitled).to_string()
                                } else {
                                    text
                                };
                                view! {
                                    <th scope="row">
                                        <button type="button" class="link" on:click=move |_| on_open.run(id)>{shown}</button>
                                    </th>
                                }
                                .into_any()
                            } else {
                                view! { <td>{text}</td> }.into_any()
                            }
                        })
                        .collect_view();
                    view! { <tr aria-rowindex=position + 2>{cells}</tr> }
                })
                .collect_view()
        })
    };

    let pad = move |top: bool| {
        let (start, end) = range.get();
        let n = if top {
            start
        } else {
            result.with(Vec::len).saturating_sub(end)
        };
        format!("{}px", n as f64 * ROW_HEIGHT)
    };

    // Saved views of this record type, by name.
    let views = Memo::new(move |_| {
        let mut vs: Vec<SavedView> = state
            .records
            .with(|r| r.all::<SavedView>())
            .into_iter()
            .filter(|v| v.record_type == record_type)
            .collect();
        vs.sort_by(|a, b| a.name.cmp(&b.name));
        vs
    });

    let apply_view = move |v: SavedView| {
        visible.set(v.columns.iter().map(|c| c.as_str().to_string()).collect());
        sort.set(v.sort.clone());
        let (leaves, any) = match v.filter {
            Filter::Or(fs) => (fs, true),
            Filter::And(fs) => (fs, false),
            other => (vec![other], false),
        };
        let rows: Vec<CondRow> = leaves
            .into_iter()
            .filter_map(|f| match f {
                Filter::Condition(c) => Some((c, false)),
                Filter::Not(inner) => match *inner {
                    Filter::Condition(c) => Some((c, true)),
                    _ => None,
                },
                _ => None,
            })
            .map(|(c, negate)| {
                new_cond(c.column.as_str().to_string(), c.op, c.input_text(), negate)
            })
            .collect();
        conds.set(rows);
        match_any.set(any);
        view_name.set(v.name.clone());
        current_view.set(Some(v.id));
    };

    let on_pick_view = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value.is_empty() {
            current_view.set(None);
            visible.set(default_columns.clone());
            sort.set(Vec::new());
            conds.set(Vec::new());
            match_any.set(false);
            view_name.set(String::new());
            return;
        }
        let Ok(id) = Uuid::parse_str(&value) else {
            return;
        };
        if let Some(v) = views.with_untracked(|vs| vs.iter().find(|v| v.id == id).cloned()) {
            apply_view(v);
        }
    };

    let view_error = RwSignal::new(None::<String>);
    let on_save_view = move |_| {
        let name = view_name.get_untracked().trim().to_string();
        if name.is_empty() {
            view_error.set(Some(state.t(CrmMsg::ViewNameRequired).to_string()));
            return;
        }
        let Ok(filter) = filter.get_untracked() else {
            view_error.set(Some(state.t(CrmMsg::FilterInvalid).to_string()));
            return;
        };
        view_error.set(None);
        // Saving under the name of an existing view replaces it.
        let original = views.with_untracked(|vs| vs.iter().find(|v| v.name == name).cloned());
        let view = SavedView {
            id: original.as_ref().map_or_else(Uuid::new_v4, |v| v.id),
            name: name.clone(),
            record_type: record_type.to_string(),
            columns: visible_paths(),
            sort: sort.get_untracked(),
            filter,
        };
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &view).await {
                Ok(()) => {
                    current_view.set(Some(view.id));
                    state.say(fill(state.t(CrmMsg::ViewSaved), &[("name", &name)]));
                }
                Err(e) => state.warn(crate::pages::unlock::error_text(
                    &e,
                    state.locale.get_untracked(),
                )),
            }
        });
    };

    let on_delete_view = move |_| {
        let Some(id) = current_view.get_untracked() else {
            return;
        };
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_record(SavedView::NAMESPACE, id).await {
                Ok(()) => {
                    current_view.set(None);
                    view_name.set(String::new());
                    state.say(state.t(Msg::Deleted));
                }
                Err(e) => state.warn(crate::pages::unlock::error_text(
                    &e,
                    state.locale.get_untracked(),
                )),
            }
        });
    };

    let add_condition = move |_| {
        let first = columns.with_untracked(|cs| cs.first().map(|c| (c.path.clone(), c.kind)));
        if let Some((path, kind)) = first {
            let op = Operator::for_kind(kind)[0];
            conds.update(|cs| cs.push(new_cond(path, op, String::new(), false)));
        }
    };

    let cond_rows = move || {
        conds
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, CondRow)>>()
    };

    let filter_error = move |key: u32| {
        move || match filter.get() {
            Err((k, e)) if k == key => Some(e),
            _ => None,
        }
    };

    let count_text = move || {
        fill(
            state.t(CrmMsg::RowsShown),
            &[
                ("shown", &result.with(Vec::len).to_string()),
                ("total", &rows.with(Vec::len).to_string()),
            ],
        )
    };

    let views_id = format!("{id_prefix}-views");
    let view_name_id = format!("{id_prefix}-view-name");
    let match_id = format!("{id_prefix}-match");
    let scroll_id = format!("{id_prefix}-rows");

    view! {
        <div class="data-table-tools">
            <button type="button" class="export-view" on:click=on_export>{move || state.t(CrmMsg::ExportView)}</button>
            {move || masked.with(|m| !m.is_empty()).then(|| view! {
                <button type="button" class="reveal-columns" aria-pressed=move || revealed.get().to_string()
                    on:click=on_reveal>
                    {move || state.t(if revealed.get() { CrmMsg::HideMasked } else { CrmMsg::RevealMasked })}
                </button>
            })}
            <div class="field views">
                <label for=views_id.clone()>{move || state.t(CrmMsg::SavedViews)}</label>
                <select id=views_id on:change=on_pick_view
                    prop:value=move || current_view.get().map(|v| v.to_string()).unwrap_or_default()>
                    <option value="">{move || state.t(CrmMsg::AllRecordsView)}</option>
                    {move || views.get().into_iter().map(|v| {
                        let id = v.id;
                        view! { <option value=id.to_string() selected=move || current_view.get() == Some(id)>{v.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <details class="columns-picker">
                <summary>{move || state.t(CrmMsg::Columns)}</summary>
                <fieldset>
                    <legend class="visually-hidden">{move || state.t(CrmMsg::Columns)}</legend>
                    {move || columns.get().into_iter().map(|c| {
                        let path = c.path.clone();
                        let p2 = c.path.clone();
                        view! {
                            <label class="inline">
                                <input type="checkbox"
                                    prop:checked=move || visible.with(|v| v.contains(&path))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        visible.update(|v| {
                                            v.retain(|x| *x != p2);
                                            if on { v.push(p2.clone()); }
                                        });
                                    }/>
                                {c.label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </details>
            <details class="filter-builder">
                <summary>
                    {move || state.t(CrmMsg::Filter)}
                    {move || { let n = conds.with(Vec::len); (n > 0).then(|| format!(" ({n})")) }}
                </summary>
                <div class="field inline-field">
                    <label for=match_id.clone()>{move || state.t(CrmMsg::MatchLabel)}</label>
                    <select id=match_id on:change=move |ev| match_any.set(event_target_value(&ev) == "any")>
                        <option value="all" selected=move || !match_any.get()>{move || state.t(CrmMsg::MatchAll)}</option>
                        <option value="any" selected=move || match_any.get()>{move || state.t(CrmMsg::MatchAny)}</option>
                    </select>
                </div>
                <For each=cond_rows key=|(i, r): &(usize, CondRow)| (*i, r.key) children=move |(index, row): (usize, CondRow)| {
                    let col_id = format!("{id_prefix}-cond-{index}-col");
                    let op_id = format!("{id_prefix}-cond-{index}-op");
                    let val_id = format!("{id_prefix}-cond-{index}-value");
                    let err_id = format!("{id_prefix}-cond-{index}-error");
                    let not_id = format!("{id_prefix}-cond-{index}-not");
                    let not_for = not_id.clone();
                    let err_for = err_id.clone();
                    let kind = move || kind_of(&row.column.get()).unwrap_or(FieldKind::Text);
                    let error = filter_error(row.key);
                    view! {
                        <div class="condition" role="group"
                            aria-label=move || fill(state.t(CrmMsg::ConditionN), &[("n", &(index + 1).to_string())])>
                            <div class="field">
                                <label for=col_id.clone()>{move || state.t(CrmMsg::FilterColumn)}</label>
                                <select id=col_id on:change=move |ev| {
                                    let path = event_target_value(&ev);
                                    let k = kind_of(&path).unwrap_or(FieldKind::Text);
                                    if !Operator::for_kind(k).contains(&row.op.get_untracked()) {
                                        row.op.set(Operator::for_kind(k)[0]);
                                    }
                                    row.column.set(path);
                                }>
                                    {move || columns.get().into_iter().map(|c| {
                                        let p = c.path.clone();
                                        view! { <option value=c.path.clone() selected=move || row.column.get() == p>{c.label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for=op_id.clone()>{move || state.t(CrmMsg::FilterOperator)}</label>
                                <select id=op_id on:change=move |ev| {
                                    if let Some(op) = Operator::from_key(&event_target_value(&ev)) { row.op.set(op); }
                                }>
                                    {move || Operator::for_kind(kind()).iter().map(|&op| view! {
                                        <option value=op.key() selected=move || row.op.get() == op>{move || state.t(operator_label(op))}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <Show when=move || row.op.get().takes_value()>
                                <div class="field grow">
                                    <label for=val_id.clone()>{move || state.t(CrmMsg::FilterValue)}</label>
                                    <input id=val_id.clone() type="text" autocomplete="off"
                                        aria-describedby=err_for.clone()
                                        aria-invalid=move || error().is_some().to_string()
                                        bind:value=row.text/>
                                </div>
                            </Show>
                            <label class="inline" for=not_for>
                                <input id=not_id type="checkbox" bind:checked=row.negate/>
                                {move || state.t(CrmMsg::FilterNot)}
                            </label>
                            <button type="button" class="remove"
                                aria-label=move || fill(state.t(CrmMsg::RemoveConditionN), &[("n", &(index + 1).to_string())])
                                on:click=move |_| conds.update(|cs| cs.retain(|c| c.key != row.key))>
                                {move || state.t(Msg::Remove)}
                            </button>
                            <p id=err_id class="field-error">{error}</p>
                        </div>
                    }
                }/>
                <button type="button" on:click=add_condition>{move || state.t(CrmMsg::AddCondition)}</button>
            </details>
            <div class="save-view">
                <div class="field">
                    <label for=view_name_id.clone()>{move || state.t(CrmMsg::ViewName)}</label>
                    <input id=view_name_id type="text" autocomplete="off" bind:value=view_name/>
                </div>
                <button type="button" on:click=on_save_view>{move || state.t(CrmMsg::SaveView)}</button>
                <Show when=move || current_view.get().is_some()>
                    <button type="button" on:click=on_delete_view>{move || state.t(CrmMsg::DeleteView)}</button>
                </Show>
                <p class="field-error" role="alert">{move || view_error.get()}</p>
            </div>
        </div>
        <p class="table-count" role="status">{count_text}</p>
        <div id=scroll_id class="table-scroll data-table-scroll" node_ref=scroller on:scroll=on_scroll tabindex="0"
            role="region" aria-label=move || state.t(CrmMsg::TableRegion)>
            <table class="data-table" aria-rowcount=move || result.with(Vec::len) + 1>
                <thead><tr aria-rowindex="1">{headers}</tr></thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" style:height=move || pad(true)></tr>
                    {body}
                    <tr class="spacer" aria-hidden="true" style:height=move || pad(false)></tr>
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn window_covers_the_visible_rows_and_a_margin() {
        let screen = 10.0 * ROW_HEIGHT;
        assert_eq!(window(0.0, screen, 100_000), (0, 11 + OVERSCAN));
        assert_eq!(window(1e9, screen, 3), (3, 3));
    }
}
