//! The companies page: the companies table (sort, filter, columns, saved
//! views), duplicate finder, a new-company form, and each company's record
//! page (its form, contacts, deals and timeline).

use crate::components::company_form::CompanyForm;
use crate::components::custom_fields::defs_for;
use crate::components::data_table::{DataTable, table_columns};
use crate::components::duplicates_panel::CompanyDuplicates;
use crate::components::timeline::{RecordRef, RecordTimeline};
use crate::pages::unlock::error_text;
use crate::state::{View, use_app};
use crate::vault;
use coffer_core::company::Company;
use coffer_core::company::table::{DEFAULT_COLUMNS, TABLE_COLUMNS, column_class, table_schema};
use coffer_core::custom_field::{RecordKind, readable_custom};
use coffer_core::deal::Deal;
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::pipeline::Pipeline;
use coffer_core::record::{COMPANY_NAMESPACE, Record};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    List,
    New,
    Open(Uuid),
}

fn column_label(path: &str) -> CrmMsg {
    match path {
        "name" => CrmMsg::CompanyName,
        "owner_name" => CrmMsg::OwnerName,
        "domain" => CrmMsg::Domain,
        "industry" => CrmMsg::Industry,
        "size" => CrmMsg::Size,
        "addresses.0.city" => CrmMsg::CityColumn,
        "registration.number" => CrmMsg::RegistrationNumber,
        "tags" => CrmMsg::TagsLabel,
        "website" => CrmMsg::Website,
        _ => CrmMsg::NotesColumn,
    }
}

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let state = use_app();
    // A company opened from another page (search) opens its record.
    let mode = RwSignal::new(
        state
            .take_open(coffer_core::record::COMPANY_NAMESPACE)
            .map_or(Mode::List, Mode::Open),
    );
    let show_duplicates = RwSignal::new(false);

    let defs = Memo::new(move |_| defs_for(state, RecordKind::Company));
    let schema = Signal::derive(move || table_schema(&defs.get()));
    let columns = Signal::derive(move || {
        table_columns(
            &TABLE_COLUMNS,
            |path| state.t(column_label(path)).to_string(),
            &defs.get(),
            column_class,
        )
    });
    let rows = Memo::new(move |_| {
        let defs = defs.get();
        state.records.with(|r| {
            r.json(COMPANY_NAMESPACE)
                .map(|(_, v)| {
                    let mut row = readable_custom(&defs, v.clone());
                    // "unknown" is no size: shown blank, matched by "is empty".
                    if row.get("size").and_then(Value::as_str) == Some("unknown")
                        && let Some(m) = row.as_object_mut()
                    {
                        m.remove("size");
                    }
                    row
                })
                .collect::<Vec<Value>>()
        })
    });

    let on_open = Callback::new(move |id: Uuid| mode.set(Mode::Open(id)));
    let count = move || state.records.with(|r| r.count(COMPANY_NAMESPACE));

    view! {
        <section class="page crm-page" aria-labelledby="page-title">
            {move || match mode.get() {
                Mode::List => view! {
                    <div class="list-head">
                        <h1 id="page-title">{move || View::Companies.label(state.locale.get())}</h1>
                        <span class="count">{move || fill(state.t(CrmMsg::CompanyCount), &[("count", &count().to_string())])}</span>
                        <button type="button" class="primary" on:click=move |_| mode.set(Mode::New)>
                            {move || state.t(CrmMsg::NewCompany)}
                        </button>
                        <button type="button" aria-expanded=move || show_duplicates.get().to_string()
                            on:click=move |_| show_duplicates.update(|s| *s = !*s)>
                            {move || state.t(CrmMsg::FindDuplicates)}
                        </button>
                    </div>
                    <Show when=move || show_duplicates.get()>
                        <CompanyDuplicates/>
                    </Show>
                    <Show when=move || count() == 0>
                        <p class="empty">{move || state.t(CrmMsg::NoCompanies)}</p>
                    </Show>
                    <DataTable record_type=COMPANY_NAMESPACE id_prefix="companies" schema=schema
                        columns=columns default_columns=DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect()
                        rows=Signal::from(rows) on_open=on_open/>
                }.into_any(),
                Mode::New => view! {
                    <div class="list-head">
                        <h1 id="page-title">{move || state.t(CrmMsg::NewCompany)}</h1>
                    </div>
                    <CompanyForm original=None on_done=Callback::new(move |saved: Option<Uuid>| {
                        mode.set(saved.map_or(Mode::List, Mode::Open));
                    })/>
                }.into_any(),
                Mode::Open(id) => view! { <CompanyRecord id=id mode=mode/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CompanyRecord(id: Uuid, mode: RwSignal<Mode>) -> impl IntoView {
    let state = use_app();
    let company = state.records.with_untracked(|r| r.get::<Company>(id));
    let Some(company) = company else {
        return view! {
            <p class="empty">{move || state.t(CrmMsg::NotFound)}</p>
            <button type="button" on:click=move |_| mode.set(Mode::List)>{move || state.t(Msg::Back)}</button>
        }
        .into_any();
    };
    let name = company.name.clone();
    let title = name.clone();

    let contacts = Memo::new(move |_| {
        let order = state.settings.with(|s| s.name_order);
        let mut list: Vec<(Uuid, String, String)> = state.book.with(|b| {
            b.entries
                .values()
                .filter(|c| c.company_id == Some(id))
                .map(|c| {
                    (
                        c.id,
                        c.display_name(order),
                        c.emails
                            .first()
                            .map(|e| e.address.clone())
                            .unwrap_or_default(),
                    )
                })
                .collect()
        });
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    });
    let deals = Memo::new(move |_| {
        let (deals, pipelines) = state
            .records
            .with(|r| (r.all::<Deal>(), r.all::<Pipeline>()));
        deals
            .into_iter()
            .filter(|d| d.company_id == Some(id))
            .map(|d| {
                let stage = pipelines
                    .iter()
                    .find(|p| p.id == d.stage.pipeline_id)
                    .and_then(|p| p.stage(d.stage.stage_id))
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                let amount = d
                    .amount
                    .map(|m| m.format(state.locale.get_untracked()))
                    .unwrap_or_default();
                (d.id, d.name.clone(), stage, amount)
            })
            .collect::<Vec<_>>()
    });

    let on_delete = move |_| {
        let question = fill(state.t(Msg::ConfirmDelete), &[("name", &name)]);
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !ok {
            return;
        }
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            // Deals and contacts that named this company no longer do.
            let deals: Vec<Deal> = state.records.with_untracked(|r| {
                r.all::<Deal>()
                    .into_iter()
                    .filter(|d| d.company_id == Some(id))
                    .collect()
            });
            for d in deals {
                let unlinked = Deal {
                    company_id: None,
                    updated_ms: vault::now_ms(),
                    ..d.clone()
                };
                if let Err(e) = sync.save_record(Some(&d), &unlinked).await {
                    state.warn(error_text(&e, state.locale.get_untracked()));
                    return;
                }
            }
            let contacts: Vec<_> = state.book.with_untracked(|b| {
                b.entries
                    .values()
                    .filter(|c| c.company_id == Some(id))
                    .cloned()
                    .collect()
            });
            for c in contacts {
                let mut unlinked = c.clone();
                unlinked.company_id = None;
                unlinked.updated_ms = vault::now_ms();
                if let Err(e) = sync.save_contact(Some(&c), &unlinked).await {
                    state.warn(error_text(&e, state.locale.get_untracked()));
                    return;
                }
            }
            match sync.delete_record(Company::NAMESPACE, id).await {
                Ok(()) => {
                    state.say(state.t(Msg::Deleted));
                    mode.set(Mode::List);
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    view! {
        <div class="list-head">
            <button type="button" on:click=move |_| mode.set(Mode::List)>{move || state.t(CrmMsg::BackToCompanies)}</button>
            <h1 id="page-title">{title}</h1>
            <button type="button" class="danger" on:click=on_delete>{move || state.t(Msg::Delete)}</button>
        </div>
        <div class="record-page">
            <section class="record-main" aria-labelledby="company-details">
                <h2 id="company-details">{move || state.t(CrmMsg::Details)}</h2>
                <CompanyForm original=Some(company) on_done=Callback::new(move |saved: Option<Uuid>| {
                    if saved.is_none() { mode.set(Mode::List); }
                })/>
            </section>
            <aside class="record-side">
                <section aria-labelledby="company-contacts">
                    <h2 id="company-contacts">{move || state.t(Msg::Contacts)}</h2>
                    <Show when=move || contacts.with(Vec::is_empty)>
                        <p class="empty">{move || state.t(CrmMsg::NoLinkedContacts)}</p>
                    </Show>
                    <ul class="related">
                        {move || contacts.get().into_iter().map(|(_, n, e)| view! {
                            <li><span class="name">{n}</span> " " <span class="meta">{e}</span></li>
                        }).collect_view()}
                    </ul>
                </section>
                <section aria-labelledby="company-deals">
                    <h2 id="company-deals">{move || state.t(CrmMsg::NavDeals)}</h2>
                    <Show when=move || deals.with(Vec::is_empty)>
                        <p class="empty">{move || state.t(CrmMsg::NoLinkedDeals)}</p>
                    </Show>
                    <ul class="related">
                        {move || deals.get().into_iter().map(|(_, n, s, a)| view! {
                            <li><span class="name">{n}</span> " " <span class="meta">{s} " · " {a}</span></li>
                        }).collect_view()}
                    </ul>
                </section>
                <RecordTimeline target=RecordRef::Company(id)/>
            </aside>
        </div>
    }
    .into_any()
}
