//! Likely duplicate companies and contacts (core's `duplicates`), and their
//! merge: the user picks the record to keep (its values win where both
//! have one); the others' activities, deals and contacts are re-linked to
//! it, then the others are deleted.

use crate::pages::unlock::error_text;
use crate::state::{AppState, use_app};
use crate::sync::Syncer;
use crate::vault;
use coffer_core::activity::Activity;
use coffer_core::company::Company;
use coffer_core::contact::Contact;
use coffer_core::deal::Deal;
use coffer_core::duplicates::company::{find_duplicate_companies, merge_companies};
use coffer_core::duplicates::{
    DuplicateGroup, MatchReason, MergeChoices, find_duplicates, merge_contacts,
};
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::fill;
use coffer_core::record::{COMPANY_NAMESPACE, Record};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use uuid::Uuid;

fn reason_msg(r: MatchReason) -> CrmMsg {
    match r {
        MatchReason::Email => CrmMsg::ReasonEmail,
        MatchReason::Phone => CrmMsg::ReasonPhone,
        MatchReason::Name => CrmMsg::ReasonName,
        MatchReason::Domain => CrmMsg::ReasonDomain,
        MatchReason::Registration => CrmMsg::ReasonRegistration,
    }
}

/// Points every activity and deal (and, for companies, contact) at `keep`
/// instead of `gone`.
async fn relink(
    state: AppState,
    sync: &Rc<Syncer>,
    gone: Uuid,
    keep: Uuid,
    company: bool,
) -> Result<(), crate::vault::VaultError> {
    let now = vault::now_ms();
    let (activities, deals) = state
        .records
        .with_untracked(|r| (r.all::<Activity>(), r.all::<Deal>()));
    let swap = |ids: &[Uuid]| -> Vec<Uuid> {
        let mut out: Vec<Uuid> = Vec::new();
        for &i in ids {
            let i = if i == gone { keep } else { i };
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    };
    for a in activities {
        let linked = if company {
            a.company_ids.contains(&gone)
        } else {
            a.contact_ids.contains(&gone)
        };
        if !linked {
            continue;
        }
        let mut moved = a.clone();
        if company {
            moved.company_ids = swap(&a.company_ids);
        } else {
            moved.contact_ids = swap(&a.contact_ids);
        }
        moved.updated_ms = now;
        sync.save_record(Some(&a), &moved).await?;
    }
    for d in deals {
        let mut moved = d.clone();
        if company {
            if d.company_id != Some(gone) {
                continue;
            }
            moved.company_id = Some(keep);
        } else {
            if !d.contacts.iter().any(|c| c.contact_id == gone) {
                continue;
            }
            let mut seen = Vec::new();
            moved.contacts = d
                .contacts
                .iter()
                .cloned()
                .map(|mut c| {
                    if c.contact_id == gone {
                        c.contact_id = keep;
                    }
                    c
                })
                .filter(|c| {
                    let new = !seen.contains(&c.contact_id);
                    seen.push(c.contact_id);
                    new
                })
                .collect();
        }
        moved.updated_ms = now;
        sync.save_record(Some(&d), &moved).await?;
    }
    if company {
        let contacts: Vec<Contact> = state.book.with_untracked(|b| {
            b.entries
                .values()
                .filter(|c| c.company_id == Some(gone))
                .cloned()
                .collect()
        });
        for c in contacts {
            let mut moved = c.clone();
            moved.company_id = Some(keep);
            moved.updated_ms = now;
            sync.save_contact(Some(&c), &moved).await?;
        }
    }
    Ok(())
}

/// One group: its members (id, name, detail), a choice of which to keep,
/// and the merge button.
#[component]
fn GroupView(
    index: usize,
    group: DuplicateGroup,
    members: Vec<(Uuid, String, String)>,
    on_merge: Callback<(Uuid, Vec<Uuid>)>,
) -> impl IntoView {
    let state = use_app();
    let keep = RwSignal::new(group.ids.first().copied().unwrap_or_default());
    let reasons = group
        .reasons
        .iter()
        .map(|r| reason_msg(*r))
        .collect::<Vec<_>>();
    let ids = group.ids.clone();
    let name = format!("dup-keep-{index}");
    view! {
        <li class="duplicate-group">
            <fieldset>
                <legend>
                    {move || fill(state.t(CrmMsg::DuplicateGroupN), &[("n", &(index + 1).to_string())])}
                    " — "
                    {move || reasons.iter().map(|m| state.t(*m)).collect::<Vec<_>>().join(", ")}
                </legend>
                <p class="hint">{move || state.t(CrmMsg::KeepHint)}</p>
                {members.into_iter().map(|(id, label, detail)| {
                    let name = name.clone();
                    view! {
                        <label class="inline duplicate-member">
                            <input type="radio" name=name prop:checked=move || keep.get() == id
                                on:change=move |_| keep.set(id)/>
                            <span class="name">{label}</span> " " <span class="meta">{detail}</span>
                        </label>
                    }
                }).collect_view()}
                <button type="button" on:click=move |_| {
                    let k = keep.get_untracked();
                    let others = ids.iter().copied().filter(|i| *i != k).collect();
                    on_merge.run((k, others));
                }>{move || state.t(CrmMsg::MergeGroup)}</button>
            </fieldset>
        </li>
    }
}

#[component]
pub fn CompanyDuplicates() -> impl IntoView {
    let state = use_app();
    let groups = Memo::new(move |_| {
        state.records.with(|r| {
            let all: Vec<serde_json::Value> =
                r.json(COMPANY_NAMESPACE).map(|(_, v)| v.clone()).collect();
            find_duplicate_companies(&all)
        })
    });
    let on_merge = Callback::new(move |(keep, others): (Uuid, Vec<Uuid>)| {
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            let total = others.len();
            for (done, other) in others.into_iter().enumerate() {
                state.busy.set(Some((
                    state.t(CrmMsg::Merging).to_string(),
                    Some((done, total)),
                )));
                let pair = state.records.with_untracked(|r| {
                    let k = r
                        .json(COMPANY_NAMESPACE)
                        .find(|(i, _)| **i == keep)
                        .map(|(_, v)| v.clone());
                    let o = r
                        .json(COMPANY_NAMESPACE)
                        .find(|(i, _)| **i == other)
                        .map(|(_, v)| v.clone());
                    k.zip(o)
                });
                let Some((k, o)) = pair else { continue };
                let Some((merged, gone)) = merge_companies(&k, &o, vault::now_ms()) else {
                    continue;
                };
                let (Ok(before), Ok(after)) = (
                    serde_json::from_value::<Company>(k),
                    serde_json::from_value::<Company>(merged),
                ) else {
                    continue;
                };
                let result = async {
                    sync.save_record(Some(&before), &after).await?;
                    relink(state, &sync, gone, keep, true).await?;
                    sync.delete_record(Company::NAMESPACE, gone).await
                }
                .await;
                if let Err(e) = result {
                    state.busy.set(None);
                    state.warn(error_text(&e, state.locale.get_untracked()));
                    return;
                }
            }
            state.busy.set(None);
            state.say(state.t(CrmMsg::Merged));
        });
    });
    let list = move || {
        let companies: Vec<Company> = state.records.with(|r| r.all::<Company>());
        groups
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, g)| {
                let members = g
                    .ids
                    .iter()
                    .filter_map(|id| companies.iter().find(|c| c.id == *id))
                    .map(|c| {
                        let detail = [c.domain.as_str(), c.industry.as_str()]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · ");
                        (c.id, c.name.clone(), detail)
                    })
                    .collect();
                view! { <GroupView index=i group=g members=members on_merge=on_merge/> }
            })
            .collect_view()
    };
    view! {
        <section class="duplicates-panel" aria-labelledby="company-dups-title">
            <h2 id="company-dups-title">{move || state.t(CrmMsg::DuplicateCompanies)}</h2>
            <p role="status">{move || {
                let n = groups.with(Vec::len);
                if n == 0 { state.t(CrmMsg::NoDuplicates).to_string() } else { fill(state.t(CrmMsg::DuplicateCount), &[("count", &n.to_string())]) }
            }}</p>
            <ul class="duplicate-groups">{list}</ul>
        </section>
    }
}

#[component]
pub fn ContactDuplicates() -> impl IntoView {
    let state = use_app();
    let groups = Memo::new(move |_| {
        state.book.with(|b| {
            let all: Vec<Contact> = b.entries.values().cloned().collect();
            find_duplicates(
                &all,
                coffer_core::duplicates::PhoneRegion::for_locale(state.locale.get()),
            )
        })
    });
    let on_merge = Callback::new(move |(keep, others): (Uuid, Vec<Uuid>)| {
        let Some(sync) = state.sync() else { return };
        spawn_local(async move {
            let total = others.len();
            for (done, other) in others.into_iter().enumerate() {
                state.busy.set(Some((
                    state.t(CrmMsg::Merging).to_string(),
                    Some((done, total)),
                )));
                let pair = state.book.with_untracked(|b| {
                    b.entries
                        .get(&keep)
                        .cloned()
                        .zip(b.entries.get(&other).cloned())
                });
                let Some((k, o)) = pair else { continue };
                let merged = merge_contacts(&k, &o, &MergeChoices::default(), vault::now_ms());
                let result = async {
                    sync.save_contact(Some(&k), &merged.merged).await?;
                    relink(state, &sync, merged.delete_id, keep, false).await?;
                    sync.delete_contact(merged.delete_id).await
                }
                .await;
                if let Err(e) = result {
                    state.busy.set(None);
                    state.warn(error_text(&e, state.locale.get_untracked()));
                    return;
                }
            }
            state.busy.set(None);
            state.say(state.t(CrmMsg::Merged));
        });
    });
    let list = move || {
        let order = state.settings.with(|s| s.name_order);
        groups
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, g)| {
                let members = state.book.with(|b| {
                    g.ids
                        .iter()
                        .filter_map(|id| b.entries.get(id))
                        .map(|c| {
                            let detail = [
                                c.emails.first().map(|e| e.address.clone()),
                                c.phones.first().map(|p| p.number.clone()),
                            ]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                            (c.id, c.display_name(order), detail)
                        })
                        .collect()
                });
                view! { <GroupView index=i group=g members=members on_merge=on_merge/> }
            })
            .collect_view()
    };
    view! {
        <section class="duplicates-panel" aria-labelledby="contact-dups-title">
            <h2 id="contact-dups-title">{move || state.t(CrmMsg::DuplicateContacts)}</h2>
            <p role="status">{move || {
                let n = groups.with(Vec::len);
                if n == 0 { state.t(CrmMsg::NoDuplicates).to_string() } else { fill(state.t(CrmMsg::DuplicateCount), &[("count", &n.to_string())]) }
            }}</p>
            <ul class="duplicate-groups">{list}</ul>
        </section>
    }
}
