//! The contact book: search, list, and the editor beside it.

use crate::components::contact_form::ContactForm;
use crate::components::contact_list::ContactList;
use crate::components::duplicates_panel::ContactDuplicates;
use crate::components::export_panel::ExportPanel;
use crate::components::privacy_filter::{ListPrivacy, ListPrivacyFilters};
use crate::components::sync_panel::SyncBanners;
use crate::state::use_app;
use coffer_core::i18n::{Msg, fill};
use leptos::prelude::*;
use uuid::Uuid;

/// What the editor panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editing {
    New,
    Existing(Uuid),
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let state = use_app();
    let query = RwSignal::new(String::new());
    // A contact opened from another page (search, a request) opens in the
    // editor.
    let editing = RwSignal::new(
        state
            .take_open(coffer_core::record::CONTACT_NAMESPACE)
            .map(Editing::Existing),
    );
    let show_duplicates = RwSignal::new(false);
    let search_ref = NodeRef::<leptos::html::Input>::new();
    ListPrivacy::provide();

    // "/" jumps to the search box, as in most web apps.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if ev.key() == "/"
            && !typing
            && let Some(input) = search_ref.get_untracked()
        {
            ev.prevent_default();
            let _ = input.focus();
        }
    });
    on_cleanup(move || handle.remove());

    let damaged = move || {
        let count = state.damaged.with(Vec::len);
        (count > 0).then(|| {
            view! {
                <p class="banner warning" role="alert">
                    {move || fill(state.t(Msg::DamagedRecords), &[("count", &count.to_string())])}
                </p>
            }
        })
    };

    view! {
        <div class="contacts-page" class:editing=move || editing.get().is_some()>
            <section class="list-pane" aria-labelledby="contacts-title">
                <div class="list-head">
                    <h1 id="contacts-title">{move || state.t(Msg::Contacts)}</h1>
                    <span class="count">
                        {move || fill(state.t(Msg::ContactCount), &[("count", &state.book.with(|b| b.entries.len()).to_string())])}
                    </span>
                    <button type="button" class="primary" on:click=move |_| editing.set(Some(Editing::New))>
                        {move || state.t(Msg::NewContact)}
                    </button>
                    <button type="button" aria-expanded=move || show_duplicates.get().to_string()
                        on:click=move |_| show_duplicates.update(|s| *s = !*s)>
                        {move || state.t(coffer_core::i18n::crm::CrmMsg::FindDuplicates)}
                    </button>
                </div>
                <Show when=move || show_duplicates.get()><ContactDuplicates/></Show>
                {damaged}
                <SyncBanners/>
                <div class="field search">
                    <label for="search">{move || state.t(Msg::Search)}</label>
                    <input id="search" type="search" node_ref=search_ref autocomplete="off"
                        placeholder=move || state.t(Msg::SearchPlaceholder)
                        aria-controls="contact-results"
                        bind:value=query/>
                </div>
                <ListPrivacyFilters/>
                <ContactList query=query editing=editing/>
                <ExportPanel query=query/>
            </section>
            {move || editing.get().map(|mode| view! { <ContactForm mode=mode editing=editing/> })}
        </div>
    }
}
