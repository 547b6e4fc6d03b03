//! The access/portability package for one person: gathered from the
//! decrypted records, built by `coffer_core::privacy::access` (a zip of
//! JSON, CSVs and a README) and handed to the browser as a download.

use crate::download::{download, today};
use crate::state::AppState;
use crate::vault;
use coffer_core::activity::Activity;
use coffer_core::deal::Deal;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::pipeline::Pipeline;
use coffer_core::privacy::access::{AccessInput, access_package};
use coffer_core::privacy::audit::{AUDIT_NAMESPACE, AuditEntry};
use coffer_core::privacy::{ConsentEntry, SubjectRequest};
use coffer_core::ticket::Ticket;
use leptos::prelude::WithUntracked;

/// Builds and downloads the person's data; the error is the text to show.
pub async fn download_person_data(state: AppState, request: &SubjectRequest) -> Result<(), String> {
    let gone = || state.t(PrivacyMsg::ContactGone).to_owned();
    let contact_id = request.contact_id.ok_or_else(gone)?;
    let contact = state
        .book
        .with_untracked(|b| b.entries.get(&contact_id).cloned())
        .ok_or_else(gone)?;
    let bytes = state.records.with_untracked(|set| {
        let audit: Vec<AuditEntry> = set
            .json(AUDIT_NAMESPACE)
            .filter_map(|(_, json)| serde_json::from_value(json.clone()).ok())
            .collect();
        let activities = set.all::<Activity>();
        let deals = set.all::<Deal>();
        let pipelines = set.all::<Pipeline>();
        let tickets = set.all::<Ticket>();
        let consent = set.all::<ConsentEntry>();
        let requests = set.all::<SubjectRequest>();
        access_package(
            &AccessInput {
                contact: &contact,
                activities: &activities,
                deals: &deals,
                pipelines: &pipelines,
                tickets: &tickets,
                consent: &consent,
                requests: &requests,
                audit: &audit,
            },
            vault::now_ms(),
        )
    });
    let bytes = bytes.map_err(|e| e.to_string())?;
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes.as_slice()));
    // The file name holds no personal data: the date and the request's id.
    let name = format!(
        "coffer-access-{}-{}.zip",
        today(),
        &request.id.simple().to_string()[..8]
    );
    download(&parts, "application/zip", &name).map_err(|e| e.as_string().unwrap_or_default())
}
