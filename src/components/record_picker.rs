//! Links to contacts, companies and deals: the linked records as chips
//! with a remove button, and a search box whose matches can be linked.

use crate::components::record_index::record_index;
use crate::components::work_labels::{LinkKind, link_name};
use crate::state::use_app;
use coffer_core::i18n::fill;
use coffer_core::i18n::work::WorkMsg;
use coffer_core::record::{COMPANY_NAMESPACE, DEAL_NAMESPACE};
use leptos::prelude::*;
use uuid::Uuid;

const MATCHES: usize = 5;

fn kind_word(kind: LinkKind) -> WorkMsg {
    match kind {
        LinkKind::Contact => WorkMsg::GroupContacts,
        LinkKind::Company => WorkMsg::GroupCompanies,
        LinkKind::Deal => WorkMsg::GroupDeals,
    }
}

#[component]
pub fn RecordPicker(
    /// The search input's id.
    id: &'static str,
    label: WorkMsg,
    kinds: &'static [LinkKind],
    links: RwSignal<Vec<(LinkKind, Uuid)>>,
    /// At most one link (a ticket's contact).
    #[prop(optional)]
    single: bool,
) -> impl IntoView {
    let state = use_app();
    let query = RwSignal::new(String::new());
    let index = record_index(state);
    let matches = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let mut out: Vec<(LinkKind, Uuid)> = Vec::new();
        for &kind in kinds {
            match kind {
                LinkKind::Contact => state.book.with(|b| {
                    out.extend(
                        b.index
                            .search(&q, MATCHES)
                            .ids
                            .into_iter()
                            .map(|id| (kind, id)),
                    )
                }),
                LinkKind::Company | LinkKind::Deal => {
                    let ns = if kind == LinkKind::Company {
                        COMPANY_NAMESPACE
                    } else {
                        DEAL_NAMESPACE
                    };
                    index.with(|i| {
                        out.extend(
                            i.0.search_records(&q, MATCHES, &[ns])
                                .hits
                                .into_iter()
                                .map(|h| (kind, h.id)),
                        )
                    })
                }
            }
        }
        let linked = links.get();
        out.retain(|l| !linked.contains(l));
        out
    };
    let add = move |link: (LinkKind, Uuid)| {
        links.update(|ls| {
            if single {
                ls.clear();
            }
            if !ls.contains(&link) {
                ls.push(link);
            }
        });
        query.set(String::new());
    };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field record-picker">
            <label for=id>{move || state.t(label)}</label>
            <ul class="chips" aria-label=move || state.t(WorkMsg::LinkedTo)>
                {move || links.get().into_iter().map(|(kind, rid)| {
                    let name = link_name(&state, kind, rid);
                    let remove_label = fill(state.t(WorkMsg::RemoveLink), &[("name", &name)]);
                    view! {
                        <li class="chip">
                            <span>{format!("{} · {name}", state.t(kind_word(kind)))}</span>
                            <button type="button" class="link" aria-label=remove_label
                                on:click=move |_| links.update(|ls| ls.retain(|l| *l != (kind, rid)))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input id=id type="search" autocomplete="off" aria-describedby=hint_id.clone()
                bind:value=query/>
            <p id=hint_id.clone() class="hint">{move || state.t(WorkMsg::PickerHint)}</p>
            <ul class="picker-matches">
                {move || matches().into_iter().map(|(kind, rid)| {
                    let name = link_name(&state, kind, rid);
                    let add_label = fill(state.t(WorkMsg::AddLink), &[("name", &name)]);
                    view! {
                        <li>
                            <button type="button" aria-label=add_label on:click=move |_| add((kind, rid))>
                                {format!("{} · {name}", state.t(kind_word(kind)))}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
