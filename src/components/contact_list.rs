//! Search results, best first, as a virtualised list: every match is
//! reachable by scrolling, but only the rows in view (plus a margin) exist in
//! the page, so 100,000 contacts scroll as smoothly as 10.

use crate::components::privacy_filter::{ListPrivacy, admitted};
use crate::components::restriction_panel::RestrictedBadge;
use crate::pages::contacts::Editing;
use crate::state::use_app;
use coffer_core::i18n::{Msg, fill};
use leptos::prelude::*;
use uuid::Uuid;

/// Height of one row in CSS pixels; `.contact-list > li` has exactly this.
const ROW_HEIGHT: f64 = 96.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 6;
/// Until the list has been measured, assume a tall phone screen.
const DEFAULT_VIEWPORT: f64 = 900.0;

/// The rows to render for a scroll position: `start..end` of `total`.
fn window(scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
    let first = (scroll_top / ROW_HEIGHT).floor().max(0.0) as usize;
    let visible = (viewport / ROW_HEIGHT).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + visible + OVERSCAN).min(total);
    (start, end)
}

#[component]
pub fn ContactList(query: RwSignal<String>, editing: RwSignal<Option<Editing>>) -> impl IntoView {
    let state = use_app();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(DEFAULT_VIEWPORT);

    // Every match, ranked, that the privacy filters admit (restricted
    // contacts only when asked for); recomputed when the query, the
    // filters or the book change.
    let privacy = use_context::<ListPrivacy>();
    let matches = Memo::new(move |_| {
        let q = query.get();
        let ids = state
            .book
            .with(|book| book.index.search(&q, usize::MAX).ids);
        match privacy {
            Some(p) => {
                let filter = p.search_filter();
                if filter.consent.is_some() {
                    state.records.track();
                }
                admitted(
                    &state,
                    ids,
                    &filter,
                    coffer_core::privacy::Operation::Search,
                )
            }
            None => ids,
        }
    });

    // A new search starts at the top.
    Effect::new(move |_| {
        query.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()).max(ROW_HEIGHT));
        }
    };

    let range =
        Memo::new(move |_| window(scroll_top.get(), viewport.get(), matches.with(Vec::len)));
    // Rows outside the window are stood in for by padding of their height.
    let pad_top = move || format!("{}px", range.get().0 as f64 * ROW_HEIGHT);
    let pad_bottom = move || {
        let (_, end) = range.get();
        format!(
            "{}px",
            matches.with(Vec::len).saturating_sub(end) as f64 * ROW_HEIGHT
        )
    };

    let rows = move || {
        let order = state.settings.with(|s| s.name_order);
        let total = matches.with(Vec::len);
        let (start, end) = range.get();
        let ids: Vec<Uuid> = matches.with(|m| m[start..end].to_vec());
        state.book.with(|book| {
            ids.iter()
                .enumerate()
                .filter_map(|(offset, id)| book.entries.get(id).map(|c| (start + offset, c.clone())))
                .map(|(position, c)| {
                    let id = c.id;
                    let name = c.display_name(order);
                    let selected = move || editing.get() == Some(Editing::Existing(id));
                    let org = [c.job_title.as_str(), c.company.as_str()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let points = [
                        c.emails.first().map(|e| e.address.clone()),
                        c.phones.first().map(|p| p.number.clone()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("  ");
                    let tags = c.tags.clone();
                    let restricted = c.restriction.is_some();
                    view! {
                        <li aria-setsize=total aria-posinset=position + 1>
                            <button type="button" class="contact-row"
                                aria-current=move || selected().then_some("true")
                                on:click=move |_| editing.set(Some(Editing::Existing(id)))>
                                <span class="name">{name} {restricted.then(|| view! { <RestrictedBadge/> })}</span>
                                <span class="org">{org}</span>
                                <span class="points">{points}</span>
                                <span class="tags">
                                    {tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}
                                </span>
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    let status = move || {
        let total = matches.with(Vec::len);
        if state.book.with(|b| b.entries.is_empty()) {
            Some(state.t(Msg::NoContacts).to_string())
        } else if total == 0 {
            Some(fill(state.t(Msg::NoMatches), &[("query", &query.get())]))
        } else if query.with(|q| !q.trim().is_empty()) {
            Some(fill(
                state.t(Msg::MatchCount),
                &[("count", &total.to_string())],
            ))
        } else {
            None
        }
    };

    view! {
        <p class="empty" role="status">{status}</p>
        <div id="contact-results" class="contact-scroll" node_ref=scroller on:scroll=on_scroll>
            <ul class="contact-list" aria-label=move || state.t(Msg::Contacts)
                style:padding-top=pad_top style:padding-bottom=pad_bottom>
                {rows}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn window_covers_the_visible_rows_and_a_margin() {
        let screen = 10.0 * ROW_HEIGHT;
        assert_eq!(window(0.0, screen, 100_000), (0, 11 + OVERSCAN));
        let (start, end) = window(1_000.0 * ROW_HEIGHT, screen, 100_000);
        assert_eq!(start, 1_000 - OVERSCAN);
        assert_eq!(end, 1_000 + 11 + OVERSCAN);
        assert_eq!(window(0.0, screen, 3), (0, 3));
        assert_eq!(window(1e9, screen, 3), (3, 3));
    }
}
