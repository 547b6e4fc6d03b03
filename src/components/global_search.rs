//! Search across every record type as you type, as a combobox in the top
//! bar of every unlocked page: the input (role "combobox") drives a
//! listbox of results grouped by type; arrow keys move through them, Enter
//! opens the chosen one, Escape closes the list, and "/" pressed outside a
//! text field jumps to it. Contacts come from the `ContactBook` index,
//! other records from a `coffer_core::search::SearchIndex` built over them
//! (pinyin included).

use crate::components::record_index::record_index;
use crate::state::{View, use_app};
use coffer_core::company::Company;
use coffer_core::deal::Deal;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::record::{
    COMPANY_NAMESPACE, CONTACT_NAMESPACE, DEAL_NAMESPACE, TASK_NAMESPACE, TICKET_NAMESPACE,
};
use coffer_core::task::Task;
use coffer_core::ticket::Ticket;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Results per type.
const PER_GROUP: usize = 5;

const GROUPS: [(&str, WorkMsg, View); 5] = [
    (CONTACT_NAMESPACE, WorkMsg::GroupContacts, View::Contacts),
    (COMPANY_NAMESPACE, WorkMsg::GroupCompanies, View::Companies),
    (DEAL_NAMESPACE, WorkMsg::GroupDeals, View::Deals),
    (TICKET_NAMESPACE, WorkMsg::GroupTickets, View::Tickets),
    (TASK_NAMESPACE, WorkMsg::GroupTasks, View::Tasks),
];

#[derive(Clone, Debug, PartialEq)]
struct Hit {
    namespace: &'static str,
    id: Uuid,
    name: String,
}

/// Whether `el` takes typed text (so "/" is a character, not a shortcut).
fn is_text_field(el: Option<web_sys::Element>) -> bool {
    el.is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

#[component]
pub fn GlobalSearch() -> impl IntoView {
    let state = use_app();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let index = record_index(state);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    // "/" outside a text field jumps here, on every page. A page with its
    // own search box (Contacts) takes "/" for that box instead: whichever
    // handler runs first, focus is checked once both have run.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let modified = ev.ctrl_key() || ev.meta_key() || ev.alt_key();
        let target = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        if ev.key() != "/" || modified || ev.default_prevented() || is_text_field(target) {
            return;
        }
        ev.prevent_default();
        spawn_local(async move {
            if is_text_field(document().active_element()) {
                return;
            }
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        });
    });
    on_cleanup(move || handle.remove());

    let name_of = move |ns: &str, id: Uuid| -> String {
        match ns {
            CONTACT_NAMESPACE => state.book.with(|b| {
                b.entries
                    .get(&id)
                    .map(|c| c.display_name(state.settings.with(|s| s.name_order)))
                    .unwrap_or_default()
            }),
            _ => state
                .records
                .with(|r| match ns {
                    COMPANY_NAMESPACE => r.get::<Company>(id).map(|c| c.name),
                    DEAL_NAMESPACE => r.get::<Deal>(id).map(|d| d.name),
                    TICKET_NAMESPACE => r.get::<Ticket>(id).map(|t| t.subject),
                    TASK_NAMESPACE => r.get::<Task>(id).map(|t| t.title),
                    _ => None,
                })
                .unwrap_or_default(),
        }
    };
    // Groups of hits, in GROUPS order, empty groups left out.
    let groups = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        GROUPS
            .iter()
            .filter_map(|&(ns, label, _)| {
                let ids: Vec<Uuid> = if ns == CONTACT_NAMESPACE {
                    state.book.with(|b| b.index.search(&q, PER_GROUP).ids)
                } else {
                    index.with(|i| {
                        i.0.search_records(&q, PER_GROUP, &[ns])
                            .hits
                            .iter()
                            .map(|h| h.id)
                            .collect()
                    })
                };
                let hits: Vec<Hit> = ids
                    .into_iter()
                    .map(|id| Hit {
                        namespace: ns,
                        id,
                        name: name_of(ns, id),
                    })
                    .collect();
                (!hits.is_empty()).then_some((ns, label, hits))
            })
            .collect::<Vec<_>>()
    });
    let flat = move || {
        groups.with(|g| {
            g.iter()
                .flat_map(|(_, _, hits)| hits.iter().cloned())
                .collect::<Vec<_>>()
        })
    };
    let total = move || groups.with(|g| g.iter().map(|(_, _, h)| h.len()).sum::<usize>());
    let go = move |hit: &Hit| {
        let view = GROUPS
            .iter()
            .find(|(ns, _, _)| *ns == hit.namespace)
            .map_or(View::Dashboard, |g| g.2);
        query.set(String::new());
        open.set(false);
        state.open(view, hit.namespace, hit.id);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = flat().len();
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Enter" => {
                let list = flat();
                let pick = active.get_untracked().or((list.len() == 1).then_some(0));
                if let Some(hit) = pick.and_then(|i| list.get(i)) {
                    ev.prevent_default();
                    go(hit);
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    ev.prevent_default();
                    open.set(false);
                    active.set(None);
                } else {
                    query.set(String::new());
                }
            }
            _ => {}
        }
    };
    let expanded = move || open.get() && !query.with(|q| q.trim().is_empty());
    let option_id = |i: usize| format!("global-search-option-{i}");

    view! {
        <div class="global-search" role="search">
            <label for="global-search">{move || state.t(WorkMsg::GlobalSearch)}</label>
            <input id="global-search" node_ref=input_ref type="text" role="combobox" autocomplete="off"
                aria-keyshortcuts="/"
                aria-autocomplete="list" aria-controls="global-search-list"
                aria-describedby="global-search-hint"
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || active.get().filter(|_| expanded()).map(option_id)
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(None);
                    open.set(true);
                }
                on:keydown=on_keydown
                on:focus=move |_| open.set(true)/>
            <p id="global-search-hint" class="visually-hidden">{move || state.t(WorkMsg::GlobalSearchHint)}</p>
            <p class="visually-hidden" aria-live="polite">
                {move || (!query.with(|q| q.trim().is_empty())).then(|| {
                    let n = total();
                    if n == 0 { state.t(WorkMsg::NoResults).to_string() }
                    else { fill(state.t(WorkMsg::ResultCount), &[("count", &n.to_string())]) }
                })}
            </p>
            <div id="global-search-list" role="listbox" class="search-results"
                aria-label=move || state.t(WorkMsg::SearchResults) hidden=move || !expanded()>
                {move || {
                    let mut i = 0usize;
                    groups.get().into_iter().map(|(ns, label, hits)| {
                        let group_id = format!("global-search-group-{ns}");
                        view! {
                            <div role="group" aria-labelledby=group_id.clone()>
                                <div role="presentation" class="group-label" id=group_id.clone()>{move || state.t(label)}</div>
                                {hits.into_iter().map(|hit| {
                                    let me = i;
                                    i += 1;
                                    let name = hit.name.clone();
                                    view! {
                                        <div role="option" id=option_id(me) class="search-option"
                                            aria-selected=move || (active.get() == Some(me)).to_string()
                                            on:mousedown=move |ev| ev.prevent_default()
                                            on:click=move |_| go(&hit)>
                                            {name}
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        }
                    }).collect_view()
                }}
            </div>
        </div>
    }
}
