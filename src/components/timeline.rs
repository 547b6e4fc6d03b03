//! A record's timeline: the activities (calls, meetings, emails, notes)
//! linked to a contact, company or deal, newest first (not built yet).

use leptos::prelude::*;
use uuid::Uuid;

/// The record a timeline belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordRef {
    Contact(Uuid),
    Company(Uuid),
    Deal(Uuid),
}

#[component]
pub fn RecordTimeline(target: RecordRef) -> impl IntoView {
    let _ = target;
}
