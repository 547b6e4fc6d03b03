//! Create or edit one company. Rules (USCC checksum, domains, postcodes,
//! custom values) live in core's `company`; this form collects text and
//! shows each problem beside its input.

use crate::components::crm_fields::{CrmInput, parse_tags, problem_text};
use crate::components::custom_fields::{CustomFieldInputs, all_defs};
use crate::pages::unlock::error_text;
use crate::state::use_app;
use crate::vault;
use coffer_core::company::{
    AddressKind, Company, CompanyAddress, CompanyField, Registration, RegistrationScheme, SizeBand,
};
use coffer_core::custom_field::{CustomFieldError, RecordKind};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::problem::{FieldProblem, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

pub const SIZES: [(SizeBand, &str); 9] = [
    (SizeBand::Unknown, "unknown"),
    (SizeBand::UpTo10, "1-10"),
    (SizeBand::UpTo50, "11-50"),
    (SizeBand::UpTo200, "51-200"),
    (SizeBand::UpTo500, "201-500"),
    (SizeBand::UpTo1000, "501-1000"),
    (SizeBand::UpTo5000, "1001-5000"),
    (SizeBand::UpTo10000, "5001-10000"),
    (SizeBand::Over10000, "10001+"),
];

const ADDRESS_KINDS: [(AddressKind, CrmMsg, &str); 5] = [
    (
        AddressKind::Registered,
        CrmMsg::AddrRegistered,
        "registered",
    ),
    (AddressKind::Office, CrmMsg::AddrOffice, "office"),
    (AddressKind::Billing, CrmMsg::AddrBilling, "billing"),
    (AddressKind::Shipping, CrmMsg::AddrShipping, "shipping"),
    (AddressKind::Other, CrmMsg::AddrOther, "other"),
];

#[derive(Clone, Copy)]
struct AddressRow {
    key: u32,
    kind: RwSignal<AddressKind>,
    country: RwSignal<String>,
    province: RwSignal<String>,
    city: RwSignal<String>,
    district: RwSignal<String>,
    street: RwSignal<String>,
    postcode: RwSignal<String>,
}

/// The company form. `original` is the company being edited (None: new);
/// `on_done` gets the saved company's id, or None on cancel.
#[component]
pub fn CompanyForm(original: Option<Company>, on_done: Callback<Option<Uuid>>) -> impl IntoView {
    let state = use_app();
    let base = original
        .clone()
        .unwrap_or_else(|| Company::new(Uuid::new_v4(), vault::now_ms()));
    let name = RwSignal::new(base.name.clone());
    let domain = RwSignal::new(base.domain.clone());
    let website = RwSignal::new(base.website.clone());
    let industry = RwSignal::new(base.industry.clone());
    let owner = RwSignal::new(base.owner_name.clone());
    let size = RwSignal::new(base.size);
    let scheme = RwSignal::new(base.registration.scheme);
    let number = RwSignal::new(base.registration.number.clone());
    let issuer = RwSignal::new(base.registration.issuer.clone());
    let tags = RwSignal::new(base.tags.join(", "));
    let notes = RwSignal::new(base.notes.clone());
    let custom = RwSignal::new(base.custom.clone());
    let next_key = StoredValue::new(0u32);
    let new_address = move |a: CompanyAddress| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        AddressRow {
            key,
            kind: RwSignal::new(a.kind),
            country: RwSignal::new(a.country),
            province: RwSignal::new(a.province),
            city: RwSignal::new(a.city),
            district: RwSignal::new(a.district),
            street: RwSignal::new(a.street),
            postcode: RwSignal::new(a.postcode),
        }
    };
    let addresses = RwSignal::new(
        base.addresses
            .iter()
            .cloned()
            .map(new_address)
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(Vec::<FieldProblem<CompanyField>>::new());
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    let error_for = move |field: CompanyField| {
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| problem_text(&e.problem, &state))
            })
        })
    };
    let custom_errors = Signal::derive(move || {
        errors.with(|es| {
            es.iter()
                .filter_map(|e| match (e.field, e.problem) {
                    (CompanyField::Custom(id), Problem::Custom(c)) => Some((id, c)),
                    (CompanyField::Custom(id), _) => Some((id, CustomFieldError::Required)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });

    let build = {
        let base = base.clone();
        move || Company {
            name: name.get_untracked(),
            domain: domain.get_untracked(),
            website: website.get_untracked(),
            industry: industry.get_untracked(),
            owner_name: owner.get_untracked(),
            size: size.get_untracked(),
            registration: Registration {
                scheme: scheme.get_untracked(),
                number: number.get_untracked(),
                issuer: issuer.get_untracked(),
            },
            addresses: addresses
                .get_untracked()
                .iter()
                .map(|r| CompanyAddress {
                    kind: r.kind.get_untracked(),
                    country: r.country.get_untracked(),
                    province: r.province.get_untracked(),
                    city: r.city.get_untracked(),
                    district: r.district.get_untracked(),
                    street: r.street.get_untracked(),
                    postcode: r.postcode.get_untracked(),
                })
                .collect(),
            tags: parse_tags(&tags.get_untracked()),
            notes: notes.get_untracked(),
            custom: custom.get_untracked(),
            updated_ms: vault::now_ms(),
            ..base.clone()
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let defs = all_defs(state);
        let company = build().normalized(&defs);
        if let Err(p) = company.validate(&defs) {
            errors.set(p.0);
            form_error.set(Some(state.t(Msg::FixErrors).to_string()));
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        let Some(sync) = state.sync() else { return };
        let original = original.clone();
        saving.set(true);
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &company).await {
                Ok(()) => {
                    state.say(fill(
                        state.t(CrmMsg::CompanySaved),
                        &[("name", &company.name)],
                    ));
                    saving.set(false);
                    on_done.run(Some(company.id));
                }
                Err(e) => {
                    form_error.set(Some(error_text(&e, state.locale.get_untracked())));
                    saving.set(false);
                }
            }
        });
    };

    let address_rows = move || {
        addresses
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, AddressRow)>>()
    };

    view! {
        <form class="record-form" on:submit=on_submit novalidate=true>
            <CrmInput id="company-name" label=CrmMsg::CompanyName value=name error=error_for(CompanyField::Name)/>
            <div class="row">
                <CrmInput id="company-domain" label=CrmMsg::Domain value=domain error=error_for(CompanyField::Domain) hint=CrmMsg::DomainHint/>
                <CrmInput id="company-website" label=CrmMsg::Website value=website input_type="url" error=error_for(CompanyField::Website)/>
            </div>
            <div class="row">
                <CrmInput id="company-industry" label=CrmMsg::Industry value=industry error=error_for(CompanyField::Industry)/>
                <CrmInput id="company-owner" label=CrmMsg::OwnerName value=owner/>
                <div class="field">
                    <label for="company-size">{move || state.t(CrmMsg::Size)}</label>
                    <select id="company-size" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((s, _)) = SIZES.iter().find(|(_, k)| *k == v) { size.set(*s); }
                    }>
                        {SIZES.iter().map(|&(s, k)| view! {
                            <option value=k selected=move || size.get() == s>
                                {move || if s == SizeBand::Unknown { state.t(CrmMsg::SizeUnknown).to_string() } else { fill(state.t(CrmMsg::SizePeople), &[("band", k)]) }}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <fieldset>
                <legend>{move || state.t(CrmMsg::Registration)}</legend>
                <div class="row">
                    <div class="field">
                        <label for="company-scheme">{move || state.t(CrmMsg::RegistrationScheme)}</label>
                        <select id="company-scheme" on:change=move |ev| scheme.set(
                            if event_target_value(&ev) == "uscc" { RegistrationScheme::Uscc } else { RegistrationScheme::Other })>
                            <option value="uscc" selected=move || scheme.get() == RegistrationScheme::Uscc>{move || state.t(CrmMsg::SchemeUscc)}</option>
                            <option value="other" selected=move || scheme.get() == RegistrationScheme::Other>{move || state.t(CrmMsg::SchemeOther)}</option>
                        </select>
                    </div>
                    <CrmInput id="company-registration" label=CrmMsg::RegistrationNumber value=number error=error_for(CompanyField::Registration)/>
                </div>
                <Show when=move || scheme.get() == RegistrationScheme::Other>
                    <CrmInput id="company-issuer" label=CrmMsg::RegistrationIssuer value=issuer/>
                </Show>
            </fieldset>
            <fieldset>
                <legend>{move || state.t(CrmMsg::Addresses)}</legend>
                <For each=address_rows key=|(i, r): &(usize, AddressRow)| (*i, r.key) children=move |(index, row): (usize, AddressRow)| {
                    let p = format!("company-address-{index}");
                    let kind_id = format!("{p}-kind");
                    let pc_error = error_for(CompanyField::Postcode(index));
                    let addr_error = error_for(CompanyField::Address(index));
                    let field = move |suffix: &str, label: Msg, value: RwSignal<String>, err: Option<Signal<Option<String>>>| {
                        let id = format!("{p}-{suffix}");
                        let eid = format!("{id}-error");
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || state.t(label)}</label>
                                <input id=id type="text" autocomplete="off" aria-describedby=eid.clone()
                                    aria-invalid=move || err.is_some_and(|e| e.get().is_some()).to_string()
                                    bind:value=value/>
                                <p id=eid class="field-error">{move || err.and_then(|e| e.get())}</p>
                            </div>
                        }
                    };
                    view! {
                        <div class="address-row" role="group"
                            aria-label=move || fill(state.t(CrmMsg::AddressN), &[("n", &(index + 1).to_string())])>
                            <div class="field">
                                <label for=kind_id.clone()>{move || state.t(Msg::Kind)}</label>
                                <select id=kind_id on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some((k, _, _)) = ADDRESS_KINDS.iter().find(|(_, _, s)| *s == v) { row.kind.set(*k); }
                                }>
                                    {ADDRESS_KINDS.iter().map(|&(k, m, s)| view! {
                                        <option value=s selected=move || row.kind.get() == k>{move || state.t(m)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="row">
                                {field("country", Msg::Country, row.country, None)}
                                {field("province", Msg::Region, row.province, None)}
                            </div>
                            <div class="row">
                                {field("city", Msg::City, row.city, None)}
                                {field("district", Msg::District, row.district, None)}
                            </div>
                            {field("street", Msg::Street, row.street, Some(addr_error))}
                            {field("postcode", Msg::Postcode, row.postcode, Some(pc_error))}
                            <button type="button" class="remove"
                                aria-label=move || fill(state.t(CrmMsg::RemoveAddressN), &[("n", &(index + 1).to_string())])
                                on:click=move |_| addresses.update(|rs| rs.retain(|r| r.key != row.key))>
                                {move || state.t(Msg::Remove)}
                            </button>
                        </div>
                    }
                }/>
                <button type="button" on:click=move |_| addresses.update(|rs| rs.push(new_address(CompanyAddress {
                    kind: AddressKind::Office,
                    ..CompanyAddress::default()
                })))>
                    {move || state.t(CrmMsg::AddAddress)}
                </button>
            </fieldset>
            <CrmInput id="company-tags" label=CrmMsg::TagsLabel value=tags hint=CrmMsg::TagsHintCrm error=Signal::derive(move || {
                errors.with(|es| es.iter().find(|e| matches!(e.field, CompanyField::Tag(_))).map(|e| problem_text(&e.problem, &state)))
            })/>
            <div class="field">
                <label for="company-notes">{move || state.t(Msg::Notes)}</label>
                <textarea id="company-notes" rows="4" aria-describedby="company-notes-error" bind:value=notes></textarea>
                <p id="company-notes-error" class="field-error">{move || error_for(CompanyField::Notes).get()}</p>
            </div>
            <CustomFieldInputs record=RecordKind::Company values=custom errors=custom_errors/>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>{move || state.t(Msg::Save)}</button>
                <button type="button" on:click=move |_| on_done.run(None)>{move || state.t(Msg::Cancel)}</button>
            </div>
        </form>
    }
}
