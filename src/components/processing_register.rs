//! The register of processing activities (GDPR art. 30): add, edit and
//! delete activities (each a synced record), the controller's details
//! (kept in this device's security settings, also used in breach
//! notices), and the whole register exported as CSV or JSON.

use coffer_core::i18n::fill;
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::privacy::audit::{AuditAction, count_detail};
use coffer_core::privacy::processing::{
    Controller, PROCESSING_NAMESPACE, ProcessingActivity, ProcessingRegister as Register, Transfer,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::audit;
use crate::components::security_settings::{load_settings, save_settings};
use crate::download::{download, today};
use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn transfers(text: &str) -> Vec<Transfer> {
    lines(text)
        .into_iter()
        .map(|l| match l.split_once(':') {
            Some((d, s)) => Transfer {
                destination: d.trim().to_owned(),
                safeguard: s.trim().to_owned(),
            },
            None => Transfer {
                destination: l,
                safeguard: String::new(),
            },
        })
        .collect()
}

fn transfers_text(ts: &[Transfer]) -> String {
    ts.iter()
        .map(|t| {
            if t.safeguard.is_empty() {
                t.destination.clone()
            } else {
                format!("{}: {}", t.destination, t.safeguard)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The form's fields, one text per field (lists one item per line).
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    purposes: RwSignal<String>,
    categories: RwSignal<String>,
    subjects: RwSignal<String>,
    recipients: RwSignal<String>,
    retention: RwSignal<String>,
    transfers: RwSignal<String>,
    measures: RwSignal<String>,
}

impl Form {
    fn new() -> Form {
        let s = || RwSignal::new(String::new());
        Form {
            name: s(),
            purposes: s(),
            categories: s(),
            subjects: s(),
            recipients: s(),
            retention: s(),
            transfers: s(),
            measures: s(),
        }
    }

    fn fill_from(&self, a: &ProcessingActivity) {
        self.name.set(a.name.clone());
        self.purposes.set(a.purposes.join("\n"));
        self.categories.set(a.data_categories.join("\n"));
        self.subjects.set(a.data_subjects.join("\n"));
        self.recipients.set(a.recipients.join("\n"));
        self.retention.set(a.retention.clone());
        self.transfers.set(transfers_text(&a.transfers));
        self.measures.set(a.security_measures.join("\n"));
    }

    fn apply(&self, a: &mut ProcessingActivity) {
        a.name = self.name.get_untracked().trim().to_owned();
        a.purposes = lines(&self.purposes.get_untracked());
        a.data_categories = lines(&self.categories.get_untracked());
        a.data_subjects = lines(&self.subjects.get_untracked());
        a.recipients = lines(&self.recipients.get_untracked());
        a.retention = self.retention.get_untracked().trim().to_owned();
        a.transfers = transfers(&self.transfers.get_untracked());
        a.security_measures = lines(&self.measures.get_untracked());
    }
}

#[component]
fn ListField(
    id: &'static str,
    label: SecurityMsg,
    value: RwSignal<String>,
    #[prop(optional)] single: bool,
) -> impl IntoView {
    let state = use_app();
    let hint = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{move || state.t(label)}</label>
            {if single {
                view! { <input id=id type="text" bind:value=value/> }.into_any()
            } else {
                view! {
                    <textarea id=id rows="2" aria-describedby=hint.clone() bind:value=value></textarea>
                    <p id=hint class="hint">{move || state.t(SecurityMsg::OnePerLine)}</p>
                }.into_any()
            }}
        </div>
    }
}

fn export(state: AppState, json: bool, controller: Controller) {
    let mut activities: Vec<ProcessingActivity> = state.records.with_untracked(|s| s.all());
    activities.sort_by(|a, b| a.name.cmp(&b.name));
    let count = activities.len();
    let register = Register {
        controller,
        activities,
    };
    let (text, mime, ext) = if json {
        (register.to_json(), "application/json", "json")
    } else {
        (register.to_csv(), "text/csv;charset=utf-8", "csv")
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
    if download(
        &parts,
        mime,
        &format!("coffer-processing-{}.{ext}", today()),
    )
    .is_ok()
    {
        audit::record(
            state,
            AuditAction::Export,
            PROCESSING_NAMESPACE,
            None,
            &format!("format={ext},{}", count_detail(count)),
        );
    }
}

#[component]
pub fn ProcessingRegister(
    /// The controller's details (kept in the security settings), shared
    /// with the breach register's notices.
    controller: RwSignal<Controller>,
) -> impl IntoView {
    let state = use_app();
    let form = Form::new();
    // The activity being edited (`None`: adding a new one).
    let editing = RwSignal::new(None::<ProcessingActivity>);
    let error = RwSignal::new(None::<String>);

    let activities = Memo::new(move |_| {
        let mut all: Vec<ProcessingActivity> = state.records.with(|s| s.all());
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    });

    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let original = editing.get_untracked();
        let mut activity = original.clone().unwrap_or(ProcessingActivity {
            id: Uuid::new_v4(),
            ..ProcessingActivity::default()
        });
        form.apply(&mut activity);
        if activity.name.is_empty() {
            error.set(Some(state.t(SecurityMsg::ActivityNameRequired).to_string()));
            return;
        }
        error.set(None);
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.save_record(original.as_ref(), &activity).await {
                Ok(()) => {
                    editing.set(None);
                    form.fill_from(&ProcessingActivity::default());
                    state.say(state.t(SecurityMsg::ActivitySaved));
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };
    let on_delete = move |id: Uuid| {
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            match sync.delete_record(PROCESSING_NAMESPACE, id).await {
                Ok(()) => state.say(state.t(SecurityMsg::ActivityDeleted)),
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    let c_name = RwSignal::new(String::new());
    let c_address = RwSignal::new(String::new());
    let c_person = RwSignal::new(String::new());
    let c_email = RwSignal::new(String::new());
    let c_phone = RwSignal::new(String::new());
    Effect::new(move |_| {
        let c = controller.get();
        c_name.set(c.name);
        c_address.set(c.address);
        c_person.set(c.contact_person);
        c_email.set(c.email);
        c_phone.set(c.phone);
    });
    let on_save_controller = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = Controller {
            name: c_name.get_untracked(),
            address: c_address.get_untracked(),
            contact_person: c_person.get_untracked(),
            email: c_email.get_untracked(),
            phone: c_phone.get_untracked(),
        };
        spawn_local(async move {
            let mut s = load_settings(state).await.unwrap_or_default();
            s.controller = c.clone();
            match save_settings(state, &s).await {
                Ok(()) => {
                    controller.set(c);
                    state.say(state.t(SecurityMsg::ControllerSaved));
                }
                Err(e) => state.warn(error_text(&e, state.locale.get_untracked())),
            }
        });
    };

    view! {
        <section class="security-card" aria-labelledby="processing-title">
            <h2 id="processing-title">{move || state.t(SecurityMsg::ProcessingRegister)}</h2>
            <p class="hint">{move || state.t(SecurityMsg::ProcessingIntro)}</p>
            <Show when=move || activities.with(Vec::is_empty)>
                <p>{move || state.t(SecurityMsg::NoActivities)}</p>
            </Show>
            <ul class="activities">
                <For each=move || activities.get() key=|a| (a.id, a.name.clone(), a.retention.clone(), a.purposes.clone()) let:a>
                    {
                        let id = a.id;
                        let name = a.name.clone();
                        let (n1, n2) = (name.clone(), name.clone());
                        let edit = a.clone();
                        view! {
                            <li class="activity">
                                <h3>{name.clone()}</h3>
                                <dl>
                                    <dt>{move || state.t(SecurityMsg::Purposes)}</dt><dd>{a.purposes.join("; ")}</dd>
                                    <dt>{move || state.t(SecurityMsg::DataCategories)}</dt><dd>{a.data_categories.join("; ")}</dd>
                                    <dt>{move || state.t(SecurityMsg::DataSubjects)}</dt><dd>{a.data_subjects.join("; ")}</dd>
                                    <dt>{move || state.t(SecurityMsg::Recipients)}</dt><dd>{a.recipients.join("; ")}</dd>
                                    <dt>{move || state.t(SecurityMsg::Retention)}</dt><dd>{a.retention.clone()}</dd>
                                    <dt>{move || state.t(SecurityMsg::Transfers)}</dt><dd>{transfers_text(&a.transfers).replace('\n', "; ")}</dd>
                                </dl>
                                <div class="actions">
                                    <button type="button" on:click=move |_| {
                                        form.fill_from(&edit);
                                        editing.set(Some(edit.clone()));
                                    }>{move || fill(state.t(SecurityMsg::EditActivity), &[("name", &n1)])}</button>
                                    <button type="button" class="danger" on:click=move |_| on_delete(id)>
                                        {move || fill(state.t(SecurityMsg::DeleteActivity), &[("name", &n2)])}
                                    </button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="actions">
                <button type="button" on:click=move |_| export(state, false, controller.get_untracked())>{move || state.t(SecurityMsg::ExportCsv)}</button>
                <button type="button" on:click=move |_| export(state, true, controller.get_untracked())>{move || state.t(SecurityMsg::ExportJson)}</button>
            </div>
            <form class="security-form" on:submit=on_save aria-labelledby="activity-form-title">
                <h3 id="activity-form-title">{move || match editing.get() {
                    Some(a) => fill(state.t(SecurityMsg::EditActivity), &[("name", &a.name)]),
                    None => state.t(SecurityMsg::AddActivity).to_string(),
                }}</h3>
                <ListField id="activity-name" label=SecurityMsg::ActivityName value=form.name single=true/>
                <ListField id="activity-purposes" label=SecurityMsg::Purposes value=form.purposes/>
                <ListField id="activity-categories" label=SecurityMsg::DataCategories value=form.categories/>
                <ListField id="activity-subjects" label=SecurityMsg::DataSubjects value=form.subjects/>
                <ListField id="activity-recipients" label=SecurityMsg::Recipients value=form.recipients/>
                <ListField id="activity-retention" label=SecurityMsg::Retention value=form.retention single=true/>
                <ListField id="activity-transfers" label=SecurityMsg::Transfers value=form.transfers/>
                <ListField id="activity-measures" label=SecurityMsg::SecurityMeasures value=form.measures/>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary">{move || state.t(SecurityMsg::SaveActivity)}</button>
                </div>
            </form>
            <form class="security-form" on:submit=on_save_controller aria-labelledby="controller-title">
                <h3 id="controller-title">{move || state.t(SecurityMsg::ControllerHeading)}</h3>
                <ListField id="controller-name" label=SecurityMsg::ControllerName value=c_name single=true/>
                <ListField id="controller-address" label=SecurityMsg::ControllerAddress value=c_address single=true/>
                <ListField id="controller-person" label=SecurityMsg::ControllerContact value=c_person single=true/>
                <ListField id="controller-email" label=SecurityMsg::ControllerEmail value=c_email single=true/>
                <ListField id="controller-phone" label=SecurityMsg::ControllerPhone value=c_phone single=true/>
                <div class="actions">
                    <button type="submit">{move || state.t(SecurityMsg::SaveController)}</button>
                </div>
            </form>
        </section>
    }
}
