//! The root component: opens storage, picks the page for the current phase,
//! and runs the idle auto-lock.

use crate::components::busy::BusyIndicator;
use crate::components::topbar::TopBar;
use crate::pages::{
    activities::ActivitiesPage, companies::CompaniesPage, contacts::ContactsPage,
    dashboard::DashboardPage, deals::DealsPage, import::ImportPage,
    new_passphrase::NewPassphrasePage, privacy::PrivacyPage, recovery::RecoveryPage,
    security::SecurityPage, settings::SettingsPage, tasks::TasksPage, tickets::TicketsPage,
    unlock::UnlockPage, welcome::WelcomePage,
};
use crate::state::{AppState, LockReason, Phase, View};
use crate::store::{DEFAULT_DB_NAME, Db, MetaKey};
use crate::{idle, vault};
use coffer_core::i18n::Msg;
use coffer_core::settings::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

fn browser_locale() -> Locale {
    let langs: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    Locale::from_browser(&langs)
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(browser_locale());
    provide_context(state);

    // <html lang> follows the interface language, for screen readers.
    Effect::new(move |_| {
        let tag = state.locale.get().tag();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", tag);
        }
    });

    spawn_local(async move {
        match Db::open(DEFAULT_DB_NAME).await {
            Ok(db) => {
                if let Ok(Some(tag)) = db.meta_text(MetaKey::Locale).await {
                    state.locale.set(Locale::from_tag(&tag).unwrap_or_default());
                }
                let phase = match vault::has_vault(&db).await {
                    Ok(true) => Phase::Locked(LockReason::Start),
                    Ok(false) => Phase::Welcome,
                    Err(e) => Phase::StorageUnavailable(e.to_string()),
                };
                state.db.set_value(Some(Rc::new(db)));
                state.phase.set(phase);
            }
            Err(e) => state.phase.set(Phase::StorageUnavailable(e.to_string())),
        }
    });

    idle::start(state);
    crate::pwa::register_service_worker();

    let page = move || match state.phase.get() {
        Phase::Starting => {
            view! { <p class="loading" role="status">{move || state.t(Msg::Loading)}</p> }
                .into_any()
        }
        Phase::StorageUnavailable(detail) => view! {
            <div class="card" role="alert">
                <p>{move || state.t(Msg::StorageUnavailable)}</p>
                <p class="detail">{detail}</p>
            </div>
        }
        .into_any(),
        Phase::Welcome => view! { <WelcomePage/> }.into_any(),
        Phase::ShowRecovery => view! { <RecoveryPage/> }.into_any(),
        Phase::Locked(reason) => view! { <UnlockPage reason=reason/> }.into_any(),
        Phase::ChoosePassphrase => view! { <NewPassphrasePage/> }.into_any(),
        Phase::Unlocked(View::Dashboard) => view! { <DashboardPage/> }.into_any(),
        Phase::Unlocked(View::Contacts) => view! { <ContactsPage/> }.into_any(),
        Phase::Unlocked(View::Companies) => view! { <CompaniesPage/> }.into_any(),
        Phase::Unlocked(View::Deals) => view! { <DealsPage/> }.into_any(),
        Phase::Unlocked(View::Activities) => view! { <ActivitiesPage/> }.into_any(),
        Phase::Unlocked(View::Tasks) => view! { <TasksPage/> }.into_any(),
        Phase::Unlocked(View::Tickets) => view! { <TicketsPage/> }.into_any(),
        Phase::Unlocked(View::Privacy) => view! { <PrivacyPage/> }.into_any(),
        Phase::Unlocked(View::Security) => view! { <SecurityPage/> }.into_any(),
        Phase::Unlocked(View::Import) => view! { <ImportPage/> }.into_any(),
        Phase::Unlocked(View::Settings) => view! { <SettingsPage/> }.into_any(),
    };

    view! {
        <a class="skip-link" href="#main">{move || state.t(Msg::SkipToContent)}</a>
        <TopBar/>
        <main id="main" tabindex="-1">
            <crate::components::reminders::Reminders/>
            {page}
            <BusyIndicator/>
        </main>
        <div class="notice-region" role="status" aria-live="polite">
            {move || state.notice.get().map(|n| view! {
                <p class=if n.error { "notice error" } else { "notice" }>{n.text}</p>
            })}
        </div>
    }
}
