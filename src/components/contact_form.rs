//! Create or edit one contact. Validation rules live in `coffer-core`; this
//! form only collects text and shows the problems next to their fields.

use crate::components::contact_privacy::ContactPrivacy;
use crate::components::custom_fields::{self, CustomFieldInputs};
use crate::components::restriction_panel::RestrictedNote;
use crate::components::reveal::Revealable;
use crate::components::sync_panel::date_time;
use crate::components::timeline::{RecordRef, RecordTimeline};
use crate::pages::contacts::Editing;
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::vault;
use coffer_core::contact::{
    Address, Contact, ContactPointKind, Email, Field, FieldError, Phone, Problem,
    with_default_country_code,
};
use coffer_core::custom_field::{RecordKind, normalize_custom, validate_custom};
use coffer_core::i18n::{Msg, fill};
use coffer_core::record::Record as _;
use coffer_core::settings::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

const KINDS: [(ContactPointKind, Msg, &str); 4] = [
    (ContactPointKind::Work, Msg::KindWork, "work"),
    (ContactPointKind::Home, Msg::KindHome, "home"),
    (ContactPointKind::Mobile, Msg::KindMobile, "mobile"),
    (ContactPointKind::Other, Msg::KindOther, "other"),
];

fn kind_value(kind: ContactPointKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("other", |(_, _, v)| v)
}

fn kind_from(value: &str) -> ContactPointKind {
    KINDS
        .iter()
        .find(|(_, _, v)| *v == value)
        .map_or(ContactPointKind::Other, |(k, _, _)| *k)
}

/// One email or phone row; signals are `Copy`, so rows keep their own state
/// while others are added or removed.
#[derive(Clone, Copy)]
struct PointRow {
    key: u32,
    kind: RwSignal<ContactPointKind>,
    value: RwSignal<String>,
}

/// Splits tags on ASCII and Chinese commas.
fn parse_tags(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn problem_text(problem: &Problem, state: &AppState) -> String {
    match problem {
        Problem::Required => state.t(Msg::ErrNameRequired).to_string(),
        Problem::InvalidEmail => state.t(Msg::ErrInvalidEmail).to_string(),
        Problem::InvalidPhone => state.t(Msg::ErrInvalidPhone).to_string(),
        Problem::TooLong { max } => fill(state.t(Msg::ErrTooLong), &[("max", &max.to_string())]),
        Problem::TooMany { max } => fill(state.t(Msg::ErrTooMany), &[("max", &max.to_string())]),
        Problem::InvalidWeChat => state.t(Msg::ErrInvalidWeChat).to_string(),
    }
}

#[component]
fn TextField(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] input_type: &'static str,
    /// The validation problem for this field, if any.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<Msg>,
) -> impl IntoView {
    let state = use_app();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>{move || state.t(label)}</label>
            <input id=id type=if input_type.is_empty() { "text" } else { input_type }
                autocomplete=if autocomplete.is_empty() { "off" } else { autocomplete }
                aria-describedby=described
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=value/>
            {hint.map(|h| view! { <p id=hint_id class="hint">{move || state.t(h)}</p> })}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

#[component]
pub fn ContactForm(mode: Editing, editing: RwSignal<Option<Editing>>) -> impl IntoView {
    let state = use_app();
    let original = match mode {
        Editing::Existing(id) => state.book.with_untracked(|b| b.entries.get(&id).cloned()),
        Editing::New => None,
    };
    let base = original
        .clone()
        .unwrap_or_else(|| Contact::new(Uuid::new_v4(), vault::now_ms()));

    let salutation = RwSignal::new(base.salutation.clone());
    let given = RwSignal::new(base.given_name.clone());
    let family = RwSignal::new(base.family_name.clone());
    let full = RwSignal::new(base.full_name.clone());
    let company = RwSignal::new(base.company.clone());
    let job_title = RwSignal::new(base.job_title.clone());
    let wechat = RwSignal::new(base.wechat.clone());
    let source = RwSignal::new(base.source.clone());
    let owner = RwSignal::new(base.owner.clone());
    let district = RwSignal::new(base.address.district.clone());
    let street = RwSignal::new(base.address.street.clone());
    let city = RwSignal::new(base.address.city.clone());
    let region = RwSignal::new(base.address.province.clone());
    let postcode = RwSignal::new(base.address.postcode.clone());
    let country = RwSignal::new(base.address.country.clone());
    let notes = RwSignal::new(base.notes.clone());
    let original_exists = original.is_some();
    let base_id = base.id;
    let tags = RwSignal::new(base.tags.join(", "));
    let next_key = StoredValue::new(0u32);
    let new_row = move |kind: ContactPointKind, value: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        PointRow {
            key,
            kind: RwSignal::new(kind),
            value: RwSignal::new(value),
        }
    };
    let emails = RwSignal::new(
        base.emails
            .iter()
            .map(|e| new_row(e.kind, e.address.clone()))
            .collect::<Vec<_>>(),
    );
    let phones = RwSignal::new(
        base.phones
            .iter()
            .map(|p| new_row(p.kind, p.number.clone()))
            .collect::<Vec<_>>(),
    );
    if emails.with_untracked(Vec::is_empty) {
        emails.set(vec![new_row(ContactPointKind::Work, String::new())]);
    }
    if phones.with_untracked(Vec::is_empty) {
        phones.set(vec![new_row(ContactPointKind::Mobile, String::new())]);
    }
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let custom = RwSignal::new(base.custom.clone());
    let custom_errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    // A restricted contact is read-only (GDPR art. 18): core decides.
    let read_only = move || match mode {
        Editing::Existing(id) => state.book.with(|b| {
            b.entries.get(&id).is_some_and(|c| {
                coffer_core::privacy::restriction::is_read_only(c.restriction.as_ref())
            })
        }),
        Editing::New => false,
    };

    let error_for = move |field: Field| {
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| problem_text(&e.problem, &state))
            })
        })
    };

    let build = {
        let base = base.clone();
        move || {
            let mut c = base.clone();
            let locale = state.locale.get_untracked();
            c.salutation = salutation.get_untracked();
            c.wechat = wechat.get_untracked();
            c.source = source.get_untracked();
            c.owner = owner.get_untracked();
            c.given_name = given.get_untracked();
            c.family_name = family.get_untracked();
            c.full_name = full.get_untracked();
            c.company = company.get_untracked();
            c.job_title = job_title.get_untracked();
            c.address = Address {
                country: country.get_untracked(),
                province: region.get_untracked(),
                city: city.get_untracked(),
                district: district.get_untracked(),
                street: street.get_untracked(),
                postcode: postcode.get_untracked(),
            };
            c.notes = notes.get_untracked();
            c.tags = parse_tags(&tags.get_untracked());
            c.custom = custom.get_untracked();
            c.emails = emails
                .get_untracked()
                .iter()
                .map(|r| Email {
                    kind: r.kind.get_untracked(),
                    address: r.value.get_untracked(),
                })
                .collect();
            c.phones = phones
                .get_untracked()
                .iter()
                .map(|r| {
                    let number = r.value.get_untracked();
                    Phone {
                        kind: r.kind.get_untracked(),
                        number: with_default_country_code(&number, locale).unwrap_or(number),
                    }
                })
                .collect();
            c.updated_ms = vault::now_ms();
            c
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() || read_only() {
            return;
        }
        let contact = build().normalized();
        if let Err(problems) = contact.validate() {
            errors.set(problems.0);
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        errors.set(Vec::new());
        let defs = custom_fields::all_defs(state);
        custom_errors.set(validate_custom(&defs, RecordKind::Contact, &contact.custom));
        if !custom_errors.with_untracked(Vec::is_empty) {
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        let contact = Contact {
            custom: normalize_custom(&defs, RecordKind::Contact, contact.custom),
            ..contact
        };
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        let original = original.clone();
        saving.set(true);
        spawn_local(async move {
            match sync.save_contact(original.as_ref(), &contact).await {
                Ok(()) => {
                    state.say(state.t(Msg::Saved));
                    editing.set(None);
                }
                Err(e) => {
                    // The form keeps everything typed; nothing is lost.
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };

    let on_erase = move |_| {
        let Editing::Existing(id) = mode else {
            return;
        };
        if !confirm_about(state, id, Msg::ConfirmErase) {
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync
                .erase_contact(id, coffer_core::privacy::ErasureCause::UserDeleted)
                .await
            {
                Ok(()) => {
                    state.say(state.t(Msg::Erased));
                    editing.set(None);
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };
    let on_delete = move |_| {
        let Editing::Existing(id) = mode else {
            return;
        };
        if !confirm_about(state, id, Msg::ConfirmDelete) {
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_contact(id).await {
                Ok(()) => {
                    state.say(state.t(Msg::Deleted));
                    editing.set(None);
                }
                Err(e) => form_error.set(Some(error_text(&e, state.locale.get_untracked()))),
            }
        });
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            editing.set(None);
        }
    };

    let title = move || match mode {
        Editing::New => state.t(Msg::NewContact),
        Editing::Existing(_) => state.t(Msg::EditContact),
    };

    let point_rows = move |rows: RwSignal<Vec<PointRow>>,
                           field: fn(usize) -> Field,
                           label: Msg,
                           prefix: &'static str| {
        let each = move || {
            rows.get()
                .into_iter()
                .enumerate()
                .collect::<Vec<(usize, PointRow)>>()
        };
        view! {
            <For each=each key=|item: &(usize, PointRow)| (item.0, item.1.key) children=move |(index, row): (usize, PointRow)| {
                    let value_id = format!("{prefix}-{index}");
                    let kind_id = format!("{prefix}-{index}-kind");
                    let error_id = format!("{prefix}-{index}-error");
                    let error = error_for(field(index));
                    view! {
                        <div class="point-row">
                            <div class="field kind">
                                <label for=kind_id.clone()>{move || state.t(Msg::Kind)}</label>
                                <select id=kind_id prop:value=move || kind_value(row.kind.get())
                                    on:change=move |ev| row.kind.set(kind_from(&event_target_value(&ev)))>
                                    {KINDS.iter().map(|(k, m, v)| {
                                        let k = *k;
                                        let m = *m;
                                        view! { <option value=*v selected=move || row.kind.get() == k>{move || state.t(m)}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field grow">
                                <label for=value_id.clone()>{move || state.t(label)} " " {index + 1}</label>
                                <input id=value_id type=if prefix == "email" { "email" } else { "tel" }
                                    autocomplete="off"
                                    aria-describedby=error_id.clone()
                                    aria-invalid=move || error.get().is_some().to_string()
                                    on:blur=move |_| {
                                        // Chinese users type local numbers; propose +86.
                                        if prefix == "phone"
                                            && let Some(full) = with_default_country_code(
                                                &row.value.get_untracked(),
                                                state.locale.get_untracked(),
                                            )
                                        {
                                            row.value.set(full);
                                        }
                                    }
                                    bind:value=row.value/>
                                <p id=error_id class="field-error">{move || error.get()}</p>
                            </div>
                            <button type="button" class="remove"
                                aria-label=move || format!("{} {} {}", state.t(Msg::Remove), state.t(label), index + 1)
                                on:click=move |_| rows.update(|rs| rs.retain(|r| r.key != row.key))>
                                {move || state.t(Msg::Remove)}
                            </button>
                        </div>
                    }
                }/>
        }
    };

    view! {
        <section class="editor-pane" aria-labelledby="editor-title" on:keydown=on_keydown>
            <h2 id="editor-title">{title}</h2>
            {match mode { Editing::Existing(id) => Some(view! { <RestrictedNote id=id/> }), Editing::New => None }}
            <form on:submit=on_submit novalidate=true>
                <fieldset class="form-fields" disabled=read_only aria-describedby=move || read_only().then_some("restricted-note")>
                <fieldset>
                    <legend class="visually-hidden">{move || state.t(Msg::FullName)}</legend>
                    <TextField id="salutation" label=Msg::Salutation value=salutation error=error_for(Field::Salutation)/>
                    <div class="row">
                        <TextField id="given-name" label=Msg::GivenName value=given autocomplete="off" error=error_for(Field::Name)/>
                        <TextField id="family-name" label=Msg::FamilyName value=family autocomplete="off"/>
                    </div>
                    <TextField id="full-name" label=Msg::FullName value=full hint=Msg::FullNameHint/>
                </fieldset>
                <fieldset>
                    <legend>{move || state.t(Msg::Emails)}</legend>
                    {point_rows(emails, Field::Email, Msg::Email, "email")}
                    <button type="button" on:click=move |_| emails.update(|rs| rs.push(new_row(ContactPointKind::Work, String::new())))>
                        {move || state.t(Msg::AddEmail)}
                    </button>
                </fieldset>
                <fieldset>
                    <legend>{move || state.t(Msg::Phones)}</legend>
                    {move || (state.locale.get() == Locale::ZhCn).then(|| view! {
                        <p class="hint">{move || state.t(Msg::PhoneCountryHint)}</p>
                    })}
                    {point_rows(phones, Field::Phone, Msg::Phone, "phone")}
                    <button type="button" on:click=move |_| phones.update(|rs| rs.push(new_row(ContactPointKind::Mobile, String::new())))>
                        {move || state.t(Msg::AddPhone)}
                    </button>
                </fieldset>
                <div class="row">
                    <TextField id="company" label=Msg::Company value=company error=error_for(Field::Company)/>
                    <TextField id="job-title" label=Msg::JobTitle value=job_title error=error_for(Field::JobTitle)/>
                </div>
                <TextField id="wechat" label=Msg::WeChatId value=wechat error=error_for(Field::WeChat)/>
                <fieldset>
                    <legend>{move || state.t(Msg::AddressLabel)}</legend>
                    <div class="row">
                        <TextField id="country" label=Msg::Country value=country/>
                        <TextField id="region" label=Msg::Region value=region/>
                    </div>
                    <div class="row">
                        <TextField id="city" label=Msg::City value=city/>
                        <TextField id="district" label=Msg::District value=district/>
                    </div>
                    <TextField id="street" label=Msg::Street value=street error=error_for(Field::Address)/>
                    <TextField id="postcode" label=Msg::Postcode value=postcode/>
                </fieldset>
                <div class="row">
                    <TextField id="source" label=Msg::Source value=source error=error_for(Field::Source)/>
                    <TextField id="owner" label=Msg::Owner value=owner error=error_for(Field::Owner)/>
                </div>
                <TextField id="tags" label=Msg::Tags value=tags error=Signal::derive(move || {
                    errors.with(|es| es.iter().find(|e| matches!(e.field, Field::Tag(_))).map(|e| problem_text(&e.problem, &state)))
                }) hint=Msg::TagsHint/>
                </fieldset>
                // Outside the disabled fieldset: a restricted contact's
                // notes can still be revealed (and that is audited), but
                // not edited.
                <div class="field">
                    <label for="notes">{move || state.t(Msg::Notes)}</label>
                    <Revealable id="notes" label=Signal::derive(move || state.t(Msg::Notes).to_string())
                        value=notes class=Contact::field_class("notes") existing=original_exists
                        record_type="contact" record_id=base_id field="notes">
                        <textarea id="notes" rows="4" aria-describedby="notes-error"
                            aria-invalid=move || error_for(Field::Notes).get().is_some().to_string()
                            readonly=read_only bind:value=notes></textarea>
                    </Revealable>
                    <p id="notes-error" class="field-error">{move || error_for(Field::Notes).get()}</p>
                </div>
                <fieldset class="form-fields" disabled=read_only aria-describedby=move || read_only().then_some("restricted-note")>
                <CustomFieldInputs record=RecordKind::Contact values=custom errors=custom_errors/>
                </fieldset>
                <p class="form-error" role="alert">{move || form_error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || saving.get() || read_only()>{move || state.t(Msg::Save)}</button>
                    <button type="button" on:click=move |_| editing.set(None)>{move || state.t(Msg::Cancel)}</button>
                    {matches!(mode, Editing::Existing(_)).then(|| view! {
                        <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
                        <button type="button" class="danger" on:click=on_erase>{move || state.t(Msg::Erase)}</button>
                    })}
                </div>
            </form>
            {match mode {
                Editing::Existing(id) => Some(view! {
                    <ContactPrivacy id=id/>
                    <RecordTimeline target=RecordRef::Contact(id)/>
                    <RecordHistory id=id/>
                }),
                Editing::New => None,
            }}
        </section>
    }
}

/// Asks the user to confirm `question` (which names the contact as `{name}`).
fn confirm_about(state: AppState, id: Uuid, question: Msg) -> bool {
    let name = state
        .book
        .with_untracked(|b| {
            b.entries
                .get(&id)
                .map(|c| c.display_name(state.settings.get_untracked().name_order))
        })
        .unwrap_or_default();
    let question = fill(state.t(question), &[("name", &name)]);
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(false)
}

/// The label a stored field name is shown with.
fn field_label(field: &str) -> Msg {
    match field {
        "salutation" => Msg::Salutation,
        "wechat" => Msg::WeChatId,
        "source" => Msg::Source,
        "owner" => Msg::Owner,
        "given_name" => Msg::GivenName,
        "family_name" => Msg::FamilyName,
        "full_name" => Msg::FullName,
        "emails" => Msg::Emails,
        "phones" => Msg::Phones,
        "company" => Msg::Company,
        "job_title" => Msg::JobTitle,
        "address" => Msg::AddressLabel,
        "tags" => Msg::Tags,
        _ => Msg::Notes,
    }
}

/// A value as the history shows it: text as typed, lists joined.
fn value_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(o) => o
                    .get("address")
                    .or_else(|| o.get("number"))
                    .map(value_text)
                    .unwrap_or_default(),
                other => value_text(other),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => o
            .values()
            .map(value_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Earlier values of this record's fields, including values that lost a
/// conflict with another device: nothing merged away is lost from view.
#[component]
fn RecordHistory(id: Uuid) -> impl IntoView {
    let state = use_app();
    let entries = move || {
        state.history_version.track();
        state.book.track();
        state
            .sync()
            .map(|s| {
                // Restriction changes are listed by the privacy panel.
                let mut list = s.history(id);
                list.retain(|h| !matches!(h.field.as_str(), "restriction" | "anonymised_ms"));
                (list, Some(s.device()))
            })
            .unwrap_or_default()
    };
    view! {
        <details class="history" id="record-history">
            <summary>{move || state.t(Msg::History)}</summary>
            {move || {
                let (list, device) = entries();
                if list.is_empty() {
                    return view! { <p class="hint">{move || state.t(Msg::HistoryEmpty)}</p> }.into_any();
                }
                view! {
                    <ul>
                        {list.into_iter().map(|h| {
                            let label = field_label(&h.field);
                            let value = value_text(&h.value);
                            let when = date_time(h.superseded_by.wall_ms as f64);
                            let mine = Some(h.stamp.device) == device;
                            view! {
                                <li>
                                    <span>{move || fill(state.t(Msg::HistoryEntry), &[("field", state.t(label)), ("value", &value)])}</span>
                                    " "
                                    <span class="hint">
                                        {move || fill(state.t(Msg::HistoryReplaced), &[("time", &when)])}
                                        " · "
                                        {move || if mine { state.t(Msg::HistoryThisDevice) } else { state.t(Msg::HistoryOtherDevice) }}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </details>
    }
}
