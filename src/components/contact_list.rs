//! Search results: the first page of matches, best first.

use crate::pages::contacts::Editing;
use crate::state::use_app;
use coffer_core::contact::Contact;
use coffer_core::i18n::{Msg, fill};
use leptos::prelude::*;

/// Rows rendered at once; the rest are reached by refining the search.
/// (A virtualised list for 100,000 rows is planned with the full CRM views.)
const PAGE: usize = 200;

#[component]
pub fn ContactList(query: RwSignal<String>, editing: RwSignal<Option<Editing>>) -> impl IntoView {
    let state = use_app();
    let results = Memo::new(move |_| {
        let q = query.get();
        let order = state.settings.with(|s| s.name_order);
        state.book.with(|book| {
            let found = book.index.search(&q, PAGE);
            let rows: Vec<(Contact, String)> = found
                .ids
                .iter()
                .filter_map(|id| book.entries.get(id))
                .map(|(c, _)| (c.clone(), c.display_name(order)))
                .collect();
            (rows, found.total)
        })
    });

    view! {
        <div id="contact-results">
            {move || {
                let (rows, total) = results.get();
                let empty = state.book.with(|b| b.entries.is_empty());
                if empty {
                    return view! { <p class="empty">{state.t(Msg::NoContacts)}</p> }.into_any();
                }
                if rows.is_empty() {
                    return view! {
                        <p class="empty" role="status">{fill(state.t(Msg::NoMatches), &[("query", &query.get())])}</p>
                    }.into_any();
                }
                let more = (total > rows.len()).then(|| view! {
                    <p class="hint" role="status">
                        {fill(state.t(Msg::ShowingOf), &[("shown", &rows.len().to_string()), ("total", &total.to_string())])}
                    </p>
                });
                view! {
                    <ul class="contact-list" aria-label=state.t(Msg::Contacts)>
                        {rows.into_iter().map(|(c, name)| {
                            let id = c.id;
                            let selected = move || editing.get() == Some(Editing::Existing(id));
                            let org = [c.job_title.as_str(), c.company.as_str()]
                                .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                            let email = c.emails.first().map(|e| e.address.clone());
                            let phone = c.phones.first().map(|p| p.number.clone());
                            view! {
                                <li>
                                    <button type="button" class="contact-row" aria-current=move || selected().then_some("true")
                                        on:click=move |_| editing.set(Some(Editing::Existing(id)))>
                                        <span class="name">{name}</span>
                                        <span class="org">{org}</span>
                                        <span class="points">{email}" "{phone}</span>
                                        <span class="tags">{c.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                }.into_any()
            }}
        </div>
    }
}
