//! The security page: the audit log (viewer and verification), the breach
//! register, the processing register (GDPR art. 30), this device's
//! security settings and the account's server-side protections.

use coffer_core::privacy::audit::AuditEntry;
use coffer_core::privacy::processing::Controller;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::audit_viewer::AuditViewer;
use crate::components::breach_register::BreachRegister;
use crate::components::ip_allowlist::ServerSecurity;
use crate::components::processing_register::ProcessingRegister;
use crate::components::security_settings::{SecuritySettingsPanel, load_settings};
use crate::state::{View, use_app};

#[component]
pub fn SecurityPage() -> impl IntoView {
    let state = use_app();
    // The audit entries the viewer's filter shows, offered to the breach
    // register as the affected records.
    let shown = RwSignal::new(Vec::<AuditEntry>::new());
    let controller = RwSignal::new(Controller::default());
    spawn_local(async move {
        if let Ok(s) = load_settings(state).await {
            controller.set(s.controller);
        }
    });
    view! {
        <section class="page security-page" aria-labelledby="page-title">
            <h1 id="page-title">{move || View::Security.label(state.locale.get())}</h1>
            <AuditViewer shown=shown/>
            <BreachRegister audit_shown=shown controller=controller/>
            <ProcessingRegister controller=controller/>
            <SecuritySettingsPanel/>
            <ServerSecurity/>
        </section>
    }
}
