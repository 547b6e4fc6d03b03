//! The contact list's privacy filters: restricted contacts are left out of
//! search unless asked for, and a list or an export can require a consent.
//! Decided by `coffer_core::privacy::ContactFilter`.

use crate::components::privacy_labels::purpose_msg;
use crate::state::{AppState, use_app};
use crate::vault;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::listing::ledgers;
use coffer_core::privacy::{
    ConsentEntry, ContactFilter, Inclusion, Operation, Purpose, STANDARD_PURPOSES, purpose_code,
    purpose_from_code,
};
use leptos::prelude::*;
use uuid::Uuid;

/// The contacts page's filter state, provided to the list and the export.
#[derive(Clone, Copy)]
pub struct ListPrivacy {
    pub include_restricted: RwSignal<bool>,
    pub consent: RwSignal<Option<Purpose>>,
}

impl ListPrivacy {
    /// Creates the filter state and provides it to the components below.
    pub fn provide() -> ListPrivacy {
        let filters = ListPrivacy {
            include_restricted: RwSignal::new(false),
            consent: RwSignal::new(None),
        };
        provide_context(filters);
        filters
    }

    /// The filter for searching the list (tracked).
    pub fn search_filter(&self) -> ContactFilter {
        ContactFilter {
            inclusion: if self.include_restricted.get() {
                Inclusion::IncludeRestricted
            } else {
                Inclusion::Default
            },
            consent: self.consent.get(),
        }
    }
}

/// The ids (in order) that `filter` admits for `op`. Reads the book and the
/// consent entries without tracking them: callers track what they need.
pub fn admitted(
    state: &AppState,
    ids: Vec<Uuid>,
    filter: &ContactFilter,
    op: Operation,
) -> Vec<Uuid> {
    let ledgers = filter
        .consent
        .as_ref()
        .map(|_| ledgers(state.records.with_untracked(|s| s.all::<ConsentEntry>())));
    let now = vault::now_ms();
    state.book.with_untracked(|b| {
        ids.into_iter()
            .filter(|id| {
                b.entries.get(id).is_some_and(|c| {
                    filter.admits(op, c, ledgers.as_ref().and_then(|l| l.get(id)), now)
                })
            })
            .collect()
    })
}

/// A "Has consent for …" select bound to `value` (empty = no consent needed).
#[component]
pub fn ConsentSelect(id: &'static str, value: RwSignal<Option<Purpose>>) -> impl IntoView {
    let state = use_app();
    let current = move || value.get().map(|p| purpose_code(&p)).unwrap_or_default();
    view! {
        <div class="field consent-select">
            <label for=id>{move || state.t(PrivacyMsg::HasConsentFor)}</label>
            <select id=id on:change=move |ev| value.set(purpose_from_code(&event_target_value(&ev)))>
                <option value="" selected=move || current().is_empty()>{move || state.t(PrivacyMsg::AnyConsent)}</option>
                {STANDARD_PURPOSES.iter().map(|p| {
                    let code = purpose_code(p);
                    let m = purpose_msg(p);
                    let c = code.clone();
                    view! { <option value=code selected=move || current() == c>{move || state.t(m)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The list's filters: the "include restricted" switch and the consent select.
#[component]
pub fn ListPrivacyFilters() -> impl IntoView {
    let state = use_app();
    let filters = expect_context::<ListPrivacy>();
    view! {
        <div class="list-privacy-filters">
            <div class="choice">
                <input type="checkbox" id="include-restricted" bind:checked=filters.include_restricted/>
                <label for="include-restricted">{move || state.t(PrivacyMsg::IncludeRestricted)}</label>
            </div>
            <ConsentSelect id="list-consent" value=filters.consent/>
        </div>
    }
}

/// Goes to the contacts page with contact `id` open in the editor.
pub fn open_contact(state: &AppState, id: Uuid) {
    state.open(
        crate::state::View::Contacts,
        coffer_core::record::CONTACT_NAMESPACE,
        id,
    );
}
