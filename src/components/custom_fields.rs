//! Custom fields: the editor of definitions (per record type: label, kind,
//! options, data class, required), and the inputs that show and edit a
//! record's custom values on its form. Rules live in core's
//! `custom_field`; values are typed there (`value_from_input`), never here.

use crate::components::crm_fields::{custom_error_text, problem_text};
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::vault;
use coffer_core::class::DataClass;
use coffer_core::custom_field::{
    CustomFieldDef, CustomFieldError, CustomValues, DefField, FieldKind, RecordKind, SelectOption,
};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::money::Currency;
use coffer_core::record::Record;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

pub const KINDS: [(FieldKind, CrmMsg, &str); 10] = [
    (FieldKind::Text, CrmMsg::KindText, "text"),
    (FieldKind::Number, CrmMsg::KindNumber, "number"),
    (FieldKind::Currency, CrmMsg::KindCurrency, "currency"),
    (FieldKind::Date, CrmMsg::KindDate, "date"),
    (FieldKind::Select, CrmMsg::KindSelect, "select"),
    (
        FieldKind::MultiSelect,
        CrmMsg::KindMultiSelect,
        "multi_select",
    ),
    (FieldKind::Checkbox, CrmMsg::KindCheckbox, "checkbox"),
    (FieldKind::Url, CrmMsg::KindUrl, "url"),
    (FieldKind::Email, CrmMsg::KindEmail, "email"),
    (FieldKind::Phone, CrmMsg::KindPhone, "phone"),
];

pub const RECORDS: [(RecordKind, CrmMsg, &str); 3] = [
    (RecordKind::Company, CrmMsg::RecordCompany, "company"),
    (RecordKind::Deal, CrmMsg::RecordDeal, "deal"),
    (RecordKind::Contact, CrmMsg::RecordContact, "contact"),
];

pub const CLASSES: [(DataClass, CrmMsg, &str); 4] = [
    (DataClass::Public, CrmMsg::ClassPublic, "public"),
    (DataClass::Personal, CrmMsg::ClassPersonal, "personal"),
    (DataClass::Sensitive, CrmMsg::ClassSensitive, "sensitive"),
    (DataClass::Financial, CrmMsg::ClassFinancial, "financial"),
];

fn kind_msg(kind: FieldKind) -> CrmMsg {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(CrmMsg::KindText, |(_, m, _)| *m)
}

/// The definitions for one record type, oldest first (the order fields
/// were added in).
pub fn defs_for(state: AppState, record: RecordKind) -> Vec<CustomFieldDef> {
    let mut defs: Vec<CustomFieldDef> = state
        .records
        .with(|r| r.all::<CustomFieldDef>())
        .into_iter()
        .filter(|d| d.record == record)
        .collect();
    defs.sort_by_key(|d| (d.created_ms, d.id));
    defs
}

/// Every definition (for normalising and validating records).
pub fn all_defs(state: AppState) -> Vec<CustomFieldDef> {
    state.records.with_untracked(|r| r.all::<CustomFieldDef>())
}

/// The inputs for a record's custom values. Writes each value into
/// `values` as it is typed: typed JSON when it reads, else the raw text,
/// which core's validation then reports as the wrong type.
#[component]
pub fn CustomFieldInputs(
    record: RecordKind,
    values: RwSignal<CustomValues>,
    #[prop(into)] errors: Signal<Vec<(Uuid, CustomFieldError)>>,
) -> impl IntoView {
    let state = use_app();
    let defs = Memo::new(move |_| defs_for(state, record));
    let field = move |def: CustomFieldDef| {
        let id = def.id;
        let input_id = format!("cf-{id}");
        let error_id = format!("cf-{id}-error");
        let error = move || {
            errors.with(|es| {
                es.iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, e)| custom_error_text(*e, &state))
            })
        };
        let current = values.with_untracked(|v| v.get(&id).cloned().unwrap_or(Value::Null));
        let label = def.label.clone();
        let set = move |v: Value| {
            values.update(|m| {
                m.insert(id, v);
            })
        };
        let control = match def.kind {
            FieldKind::Checkbox => {
                let checked = current.as_bool().unwrap_or(false);
                view! {
                    <label class="inline" for=input_id.clone()>
                        <input id=input_id.clone() type="checkbox" prop:checked=checked
                            aria-describedby=error_id.clone()
                            on:change=move |ev| set(Value::Bool(event_target_checked(&ev)))/>
                        {label.clone()}
                    </label>
                }
                .into_any()
            }
            FieldKind::Select => {
                let chosen = current.as_str().unwrap_or_default().to_string();
                let options = def.options.clone();
                view! {
                    <label for=input_id.clone()>{label.clone()}</label>
                    <select id=input_id.clone() aria-describedby=error_id.clone()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(if v.is_empty() { Value::Null } else { Value::String(v) });
                        }>
                        <option value="">{move || state.t(CrmMsg::NoChoice)}</option>
                        {options.into_iter().map(|o| {
                            let v = o.id.to_string();
                            let selected = v == chosen;
                            view! { <option value=v selected=selected>{o.label}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
            }
            FieldKind::MultiSelect => {
                let options = def.options.clone();
                view! {
                    <fieldset aria-describedby=error_id.clone()>
                        <legend>{label.clone()}</legend>
                        {options.into_iter().map(|o| {
                            let v = o.id.to_string();
                            let on = current.as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(&v)));
                            let v2 = v.clone();
                            view! {
                                <label class="inline">
                                    <input type="checkbox" prop:checked=on on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        values.update(|m| {
                                            let mut list: Vec<Value> = m.get(&id).and_then(|x| x.as_array().cloned()).unwrap_or_default();
                                            list.retain(|x| x.as_str() != Some(&v2));
                                            if checked { list.push(Value::String(v2.clone())); }
                                            m.insert(id, Value::Array(list));
                                        });
                                    }/>
                                    {o.label}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }
                .into_any()
            }
            FieldKind::Currency => {
                let fixed = def.currency;
                let start =
                    serde_json::from_value::<coffer_core::money::Money>(current.clone()).ok();
                let currency =
                    RwSignal::new(start.map(|m| m.currency).or(fixed).unwrap_or(Currency::CNY));
                let text = RwSignal::new(def.input_text(&current));
                let d2 = def.clone();
                let update = move || {
                    let t = text.get_untracked();
                    let v = d2
                        .value_from_input(&t, currency.get_untracked())
                        .unwrap_or(Value::String(t));
                    set(v);
                };
                let u2 = update.clone();
                let cur_id = format!("cf-{id}-currency");
                view! {
                    <label for=input_id.clone()>{label.clone()}</label>
                    <div class="money-input">
                        <input id=input_id.clone() type="text" inputmode="decimal" autocomplete="off"
                            aria-describedby=error_id.clone()
                            aria-invalid=move || error().is_some().to_string()
                            prop:value=move || text.get()
                            on:input=move |ev| { text.set(event_target_value(&ev)); update(); }/>
                        <label for=cur_id.clone() class="visually-hidden">{move || state.t(CrmMsg::Currency)}</label>
                        <select id=cur_id disabled=fixed.is_some() on:change=move |ev| {
                            if let Ok(c) = Currency::from_code(&event_target_value(&ev)) { currency.set(c); u2(); }
                        }>
                            {Currency::all().map(|c| view! {
                                <option value=c.code() selected=move || currency.get() == c>{c.code()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }
                .into_any()
            }
            kind => {
                let input_type = match kind {
                    FieldKind::Date => "date",
                    FieldKind::Url => "url",
                    FieldKind::Email => "email",
                    FieldKind::Phone => "tel",
                    _ => "text",
                };
                let text = def.input_text(&current);
                let d2 = def.clone();
                view! {
                    <label for=input_id.clone()>{label.clone()}</label>
                    <input id=input_id.clone() type=input_type autocomplete="off"
                        inputmode=(kind == FieldKind::Number).then_some("decimal")
                        aria-describedby=error_id.clone()
                        aria-invalid=move || error().is_some().to_string()
                        prop:value=text
                        on:input=move |ev| {
                            let t = event_target_value(&ev);
                            let v = d2.value_from_input(&t, Currency::CNY).unwrap_or(Value::String(t));
                            set(v);
                        }/>
                }
                .into_any()
            }
        };
        view! {
            <div class="field custom-field">
                {control}
                <p id=error_id class="field-error">{error}</p>
            </div>
        }
    };
    view! {
        <Show when=move || defs.with(|d| !d.is_empty())>
            <fieldset class="custom-fields">
                <legend>{move || state.t(CrmMsg::CustomFields)}</legend>
                {move || defs.get().into_iter().map(field).collect_view()}
            </fieldset>
        </Show>
    }
}

/// Settings panel: define, edit and delete custom fields.
#[component]
pub fn CustomFieldEditor() -> impl IntoView {
    let state = use_app();
    let editing = RwSignal::new(None::<CustomFieldDef>);
    let record = RwSignal::new(RecordKind::Company);
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new(FieldKind::Text);
    let class = RwSignal::new(DataClass::Personal);
    let required = RwSignal::new(false);
    let options = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let all = Memo::new(move |_| {
        let mut defs = state.records.with(|r| r.all::<CustomFieldDef>());
        defs.sort_by_key(|d| (d.record, d.created_ms, d.id));
        defs
    });

    let reset = move || {
        editing.set(None);
        label.set(String::new());
        kind.set(FieldKind::Text);
        class.set(DataClass::Personal);
        required.set(false);
        options.set(String::new());
        currency.set(String::new());
        error.set(None);
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let original = editing.get_untracked();
        let now = vault::now_ms();
        let base = original.clone().unwrap_or_else(|| {
            CustomFieldDef::new(
                Uuid::new_v4(),
                record.get_untracked(),
                String::new(),
                kind.get_untracked(),
                now,
            )
        });
        // Options keep their ids when their label is unchanged, so records
        // that chose them still do.
        let opts: Vec<SelectOption> = options
            .get_untracked()
            .split(['\n', ',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|l| SelectOption {
                id: base
                    .options
                    .iter()
                    .find(|o| o.label == l)
                    .map_or_else(Uuid::new_v4, |o| o.id),
                label: l.to_string(),
            })
            .collect();
        let def = CustomFieldDef {
            label: label.get_untracked(),
            kind: kind.get_untracked(),
            record: record.get_untracked(),
            class: class.get_untracked(),
            required: required.get_untracked(),
            options: opts,
            currency: Currency::from_code(currency.get_untracked().trim()).ok(),
            updated_ms: now,
            ..base
        }
        .normalized();
        if let Err(p) = def.validate() {
            let text =
                p.0.first()
                    .map(|fp| {
                        let what = match fp.field {
                            DefField::Label => state.t(CrmMsg::FieldLabel),
                            _ => state.t(CrmMsg::FieldOptions),
                        };
                        format!("{what}: {}", problem_text(&fp.problem, &state))
                    })
                    .unwrap_or_default();
            error.set(Some(text));
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &def).await {
                Ok(()) => {
                    state.say(fill(state.t(CrmMsg::FieldSaved), &[("name", &def.label)]));
                    reset();
                }
                Err(e) => error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    let edit = move |d: CustomFieldDef| {
        record.set(d.record);
        label.set(d.label.clone());
        kind.set(d.kind);
        class.set(d.class);
        required.set(d.required);
        options.set(
            d.options
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
                .join(", "),
        );
        currency.set(d.currency.map(|c| c.code().to_string()).unwrap_or_default());
        editing.set(Some(d));
    };

    let remove = move |d: CustomFieldDef| {
        let question = fill(state.t(Msg::ConfirmDelete), &[("name", &d.label)]);
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !ok {
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_record(CustomFieldDef::NAMESPACE, d.id).await {
                Ok(()) => state.say(state.t(Msg::Deleted)),
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    let list = move || {
        all.get()
            .into_iter()
            .map(|d| {
                let rec = RECORDS
                    .iter()
                    .find(|(r, _, _)| *r == d.record)
                    .map_or(CrmMsg::RecordContact, |(_, m, _)| *m);
                let cls = CLASSES
                    .iter()
                    .find(|(c, _, _)| *c == d.class)
                    .map_or(CrmMsg::ClassPersonal, |(_, m, _)| *m);
                let (d1, d2) = (d.clone(), d.clone());
                let name = d.label.clone();
                let name2 = d.label.clone();
                view! {
                    <li>
                        <span class="field-name">{d.label.clone()}</span>
                        <span class="meta">
                            {move || state.t(rec)} " · " {move || state.t(kind_msg(d.kind))} " · " {move || state.t(cls)}
                            {d.required.then(|| view! { " · " {move || state.t(CrmMsg::Required)} })}
                        </span>
                        <button type="button" aria-label=move || fill(state.t(CrmMsg::EditNamed), &[("name", &name)])
                            on:click=move |_| edit(d1.clone())>{move || state.t(CrmMsg::Edit)}</button>
                        <button type="button" aria-label=move || fill(state.t(CrmMsg::DeleteNamed), &[("name", &name2)])
                            on:click=move |_| remove(d2.clone())>{move || state.t(Msg::Delete)}</button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <section class="custom-field-editor" aria-labelledby="cf-title">
            <h2 id="cf-title">{move || state.t(CrmMsg::CustomFields)}</h2>
            <p class="hint">{move || state.t(CrmMsg::CustomFieldsIntro)}</p>
            <ul class="field-defs">{list}</ul>
            <form on:submit=on_submit novalidate=true>
                <h3>{move || if editing.get().is_some() { state.t(CrmMsg::EditField) } else { state.t(CrmMsg::AddField) }}</h3>
                <div class="row">
                    <div class="field">
                        <label for="cf-record">{move || state.t(CrmMsg::FieldRecord)}</label>
                        <select id="cf-record" disabled=move || editing.get().is_some()
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((r, _, _)) = RECORDS.iter().find(|(_, _, k)| *k == v) { record.set(*r); }
                            }>
                            {RECORDS.iter().map(|&(r, m, k)| view! {
                                <option value=k selected=move || record.get() == r>{move || state.t(m)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="cf-kind">{move || state.t(CrmMsg::FieldKindLabel)}</label>
                        <select id="cf-kind" disabled=move || editing.get().is_some()
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((k, _, _)) = KINDS.iter().find(|(_, _, s)| *s == v) {
                                    kind.set(*k);
                                    if *k == FieldKind::Currency { class.set(DataClass::Financial); }
                                }
                            }>
                            {KINDS.iter().map(|&(k, m, s)| view! {
                                <option value=s selected=move || kind.get() == k>{move || state.t(m)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="cf-label">{move || state.t(CrmMsg::FieldLabel)}</label>
                    <input id="cf-label" type="text" autocomplete="off" bind:value=label/>
                </div>
                <Show when=move || kind.get().has_options()>
                    <div class="field">
                        <label for="cf-options">{move || state.t(CrmMsg::FieldOptions)}</label>
                        <input id="cf-options" type="text" autocomplete="off" aria-describedby="cf-options-hint" bind:value=options/>
                        <p id="cf-options-hint" class="hint">{move || state.t(CrmMsg::FieldOptionsHint)}</p>
                    </div>
                </Show>
                <Show when=move || kind.get() == FieldKind::Currency>
                    <div class="field">
                        <label for="cf-currency">{move || state.t(CrmMsg::FieldCurrency)}</label>
                        <select id="cf-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                            <option value="">{move || state.t(CrmMsg::AnyCurrency)}</option>
                            {Currency::all().map(|c| view! {
                                <option value=c.code() selected=move || currency.get() == c.code()>{c.code()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <div class="field">
                    <label for="cf-class">{move || state.t(CrmMsg::FieldClass)}</label>
                    <select id="cf-class" aria-describedby="cf-class-hint" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((c, _, _)) = CLASSES.iter().find(|(_, _, s)| *s == v) { class.set(*c); }
                    }>
                        {CLASSES.iter().map(|&(c, m, s)| view! {
                            <option value=s selected=move || class.get() == c>{move || state.t(m)}</option>
                        }).collect_view()}
                    </select>
                    <p id="cf-class-hint" class="hint">{move || state.t(CrmMsg::FieldClassHint)}</p>
                </div>
                <label class="inline">
                    <input type="checkbox" bind:checked=required/>
                    {move || state.t(CrmMsg::Required)}
                </label>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary">{move || state.t(CrmMsg::SaveField)}</button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" on:click=move |_| reset()>{move || state.t(Msg::Cancel)}</button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
