//! A search index over companies, deals, tickets and tasks (contacts have
//! theirs in the `ContactBook`), rebuilt when those records change.

use crate::state::AppState;
use coffer_core::company::Company;
use coffer_core::deal::Deal;
use coffer_core::overview::{company_doc, deal_doc, task_doc, ticket_doc};
use coffer_core::search::SearchIndex;
use coffer_core::task::Task;
use coffer_core::ticket::Ticket;
use leptos::prelude::*;
use std::sync::Arc;

/// Shared, never equal to another: a rebuilt index always notifies.
#[derive(Clone, Default)]
pub struct RecordIndex(pub Arc<SearchIndex>);

impl PartialEq for RecordIndex {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

pub fn record_index(state: AppState) -> Memo<RecordIndex> {
    Memo::new(move |_| {
        let mut index = SearchIndex::new();
        state.records.with(|r| {
            for c in r.all::<Company>() {
                index.upsert_doc(company_doc(&c));
            }
            for d in r.all::<Deal>() {
                index.upsert_doc(deal_doc(&d));
            }
            for t in r.all::<Ticket>() {
                index.upsert_doc(ticket_doc(&t));
            }
            for t in r.all::<Task>() {
                index.upsert_doc(task_doc(&t));
            }
        });
        RecordIndex(Arc::new(index))
    })
}
