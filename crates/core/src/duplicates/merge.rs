//! Merging two contacts into one.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::email_key;
use super::phone::same_person_phone_key;
use crate::contact::{Address, Contact, Email, Phone};
use crate::text::fold;

/// Which of the two contacts a field's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The contact that stays (its id survives).
    Keep,
    /// The contact merged into it and then deleted.
    Other,
}

/// The single-valued fields a user can pick a side for. Lists (emails,
/// phones, tags), notes and custom fields are always combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MergeField {
    /// Given, family and full name together, so a name is never half one
    /// person's and half the other's.
    Name,
    Salutation,
    /// The company text and link together.
    Company,
    JobTitle,
    /// The whole address, for the same reason as the name.
    Address,
    WeChat,
    Source,
    /// The owner text and link together.
    Owner,
}

/// The user's picks. A field without a pick takes the kept contact's value
/// when it is non-empty, else the other's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeChoices(pub HashMap<MergeField, Side>);

/// The result of a merge: save `merged` (it has the kept id), re-point the
/// other record's activities to it, then delete `delete_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub merged: Contact,
    pub delete_id: Uuid,
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn pick<T: Clone>(
    choice: Option<Side>,
    keep: &Contact,
    other: &Contact,
    get: impl Fn(&Contact) -> T,
    empty: impl Fn(&T) -> bool,
) -> T {
    let (k, o) = (get(keep), get(other));
    match choice {
        Some(Side::Keep) => k,
        Some(Side::Other) => o,
        None if empty(&k) => o,
        None => k,
    }
}

/// Merges `other` into `keep`.
///
/// Defaults: each single-valued field keeps `keep`'s value when non-empty,
/// otherwise takes `other`'s (`choices` override per field); emails, phones
/// and tags are unions without repeats (same [`email_key`], same phone
/// number digits, same tag case-insensitively), `keep`'s first; notes of
/// both are kept, separated by a blank line, unless equal; custom fields
/// are united, `keep`'s value winning on a shared key. The merged record is
/// created at the earlier of the two times and updated at `now_ms`.
pub fn merge_contacts(
    keep: &Contact,
    other: &Contact,
    choices: &MergeChoices,
    now_ms: i64,
) -> Merged {
    let ch = |f: MergeField| choices.0.get(&f).copied();
    let (given, family, full) = pick(
        ch(MergeField::Name),
        keep,
        other,
        |c| {
            (
                c.given_name.clone(),
                c.family_name.clone(),
                c.full_name.clone(),
            )
        },
        |(g, f, n)| is_blank(g) && is_blank(f) && is_blank(n),
    );
    let (company, company_id) = pick(
        ch(MergeField::Company),
        keep,
        other,
        |c| (c.company.clone(), c.company_id),
        |(t, id)| is_blank(t) && id.is_none(),
    );
    let (owner, owner_id) = pick(
        ch(MergeField::Owner),
        keep,
        other,
        |c| (c.owner.clone(), c.owner_id),
        |(t, id)| is_blank(t) && id.is_none(),
    );
    let text = |f: MergeField, get: fn(&Contact) -> &String| {
        pick(ch(f), keep, other, |c| get(c).clone(), |s| is_blank(s))
    };
    let mut custom = other.custom.clone();
    custom.extend(keep.custom.clone());
    let merged = Contact {
        id: keep.id,
        salutation: text(MergeField::Salutation, |c| &c.salutation),
        given_name: given,
        family_name: family,
        full_name: full,
        emails: union_emails(&keep.emails, &other.emails),
        phones: union_phones(&keep.phones, &other.phones),
        wechat: text(MergeField::WeChat, |c| &c.wechat),
        company,
        company_id,
        job_title: text(MergeField::JobTitle, |c| &c.job_title),
        address: pick(
            ch(MergeField::Address),
            keep,
            other,
            |c| c.address.clone(),
            Address::is_empty,
        ),
        source: text(MergeField::Source, |c| &c.source),
        owner,
        owner_id,
        notes: join_notes(&keep.notes, &other.notes),
        tags: union_tags(&keep.tags, &other.tags),
        custom,
        created_ms: keep.created_ms.min(other.created_ms),
        updated_ms: now_ms,
        // Restricted stays restricted: a merge must not lift it.
        restriction: keep
            .restriction
            .clone()
            .or_else(|| other.restriction.clone()),
        anonymised_ms: keep.anonymised_ms.max(other.anonymised_ms),
    };
    Merged {
        merged,
        delete_id: other.id,
    }
}

/// Applies an imported row to the existing contact it matched: every
/// non-empty imported value replaces the existing one, lists are united
/// (existing entries first), imported notes are appended unless already
/// there, imported custom values win. Id and creation time stay the
/// existing contact's; `updated_ms` becomes `now_ms`.
pub fn merge_imported(existing: &Contact, imported: &Contact, now_ms: i64) -> Contact {
    let all_other: HashMap<MergeField, Side> = [
        MergeField::Name,
        MergeField::Salutation,
        MergeField::Company,
        MergeField::JobTitle,
        MergeField::WeChat,
        MergeField::Source,
        MergeField::Owner,
    ]
    .into_iter()
    .map(|f| (f, Side::Other))
    .collect();
    // Start from the imported side's picks, then fall back to existing
    // values where the import is blank.
    let mut m = merge_contacts(existing, imported, &MergeChoices(all_other), now_ms).merged;
    let keep_if_blank = |m: &mut String, old: &String| {
        if is_blank(m) {
            m.clone_from(old);
        }
    };
    // A blank imported name, or the same name written another way ("Ann
    // Lee" for given "Ann", family "Lee"), keeps the existing spelling and
    // its split into parts.
    let same_name = super::name_key(existing) == super::name_key(imported);
    if same_name
        || (is_blank(&imported.given_name)
            && is_blank(&imported.family_name)
            && is_blank(&imported.full_name))
    {
        m.given_name.clone_from(&existing.given_name);
        m.family_name.clone_from(&existing.family_name);
        m.full_name.clone_from(&existing.full_name);
    }
    keep_if_blank(&mut m.salutation, &existing.salutation);
    keep_if_blank(&mut m.job_title, &existing.job_title);
    keep_if_blank(&mut m.wechat, &existing.wechat);
    keep_if_blank(&mut m.source, &existing.source);
    if is_blank(&imported.owner) && imported.owner_id.is_none() {
        m.owner.clone_from(&existing.owner);
        m.owner_id = existing.owner_id;
    }
    if is_blank(&imported.company) && imported.company_id.is_none() {
        m.company.clone_from(&existing.company);
        m.company_id = existing.company_id;
    }
    // Address part by part: an import often has only a city.
    let a = &mut m.address;
    for (dst, new) in [
        (&mut a.country, &imported.address.country),
        (&mut a.province, &imported.address.province),
        (&mut a.city, &imported.address.city),
        (&mut a.district, &imported.address.district),
        (&mut a.street, &imported.address.street),
        (&mut a.postcode, &imported.address.postcode),
    ] {
        if !is_blank(new) {
            dst.clone_from(new);
        }
    }
    m.custom = existing.custom.clone();
    m.custom.extend(imported.custom.clone());
    m.created_ms = existing.created_ms;
    m
}

fn union_emails(a: &[Email], b: &[Email]) -> Vec<Email> {
    let mut seen = HashSet::new();
    a.iter()
        .chain(b)
        .filter(|e| !is_blank(&e.address))
        .filter(|e| seen.insert(email_key(&e.address)))
        .cloned()
        .collect()
}

fn union_phones(a: &[Phone], b: &[Phone]) -> Vec<Phone> {
    let mut seen = HashSet::new();
    a.iter()
        .chain(b)
        .filter(|p| !is_blank(&p.number))
        .filter(|p| {
            seen.insert(same_person_phone_key(&p.number).unwrap_or_else(|| fold(&p.number)))
        })
        .cloned()
        .collect()
}

fn union_tags(a: &[String], b: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    a.iter()
        .chain(b)
        .filter(|t| !is_blank(t) && seen.insert(fold(t.trim())))
        .cloned()
        .collect()
}

fn join_notes(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if b.is_empty() || a.contains(b) {
        a.to_owned()
    } else if a.is_empty() || b.contains(a) {
        b.to_owned()
    } else {
        format!("{a}\n\n{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactPointKind;

    const TIER: Uuid = Uuid::from_u128(0x71);
    const SCORE: Uuid = Uuid::from_u128(0x72);

    fn c(n: u128, full: &str) -> Contact {
        Contact {
            full_name: full.into(),
            ..Contact::new(Uuid::from_u128(n), n as i64 * 10)
        }
    }

    fn email(a: &str) -> Email {
        Email {
            kind: ContactPointKind::Work,
            address: a.into(),
        }
    }

    #[test]
    fn merge_keeps_non_empty_and_unites_lists() {
        let mut keep = c(1, "张伟");
        keep.emails = vec![email("wei@example.cn")];
        keep.tags = vec!["VIP".into()];
        keep.notes = "likes tea".into();
        keep.custom.insert(TIER, serde_json::json!("gold"));
        let mut other = c(2, "Zhang Wei");
        other.emails = vec![email("WEI@example.cn"), email("zw@example.com")];
        other.job_title = "CTO".into();
        other.tags = vec!["vip".into(), "lead".into()];
        other.notes = "met at expo".into();
        other.custom.insert(TIER, serde_json::json!("silver"));
        other.custom.insert(SCORE, serde_json::json!(5));
        let m = merge_contacts(&keep, &other, &MergeChoices::default(), 99);
        assert_eq!(m.delete_id, Uuid::from_u128(2));
        let r = m.merged;
        assert_eq!(r.id, Uuid::from_u128(1));
        assert_eq!(r.full_name, "张伟");
        assert_eq!(r.job_title, "CTO");
        assert_eq!(r.emails, [email("wei@example.cn"), email("zw@example.com")]);
        assert_eq!(r.tags, ["VIP", "lead"]);
        assert_eq!(r.notes, "likes tea\n\nmet at expo");
        assert_eq!(r.custom[&TIER], "gold");
        assert_eq!(r.custom[&SCORE], 5);
        assert_eq!((r.created_ms, r.updated_ms), (10, 99));
    }

    #[test]
    fn choices_override_defaults() {
        let keep = c(1, "张伟");
        let other = c(2, "Zhang Wei");
        let choices = MergeChoices(HashMap::from([(MergeField::Name, Side::Other)]));
        let r = merge_contacts(&keep, &other, &choices, 0).merged;
        assert_eq!(r.full_name, "Zhang Wei");
    }

    #[test]
    fn imported_non_empty_values_win_and_blank_ones_keep_existing() {
        let mut existing = c(1, "张伟");
        existing.job_title = "经理".into();
        existing.address.city = "上海".into();
        existing.address.street = "南京路1号".into();
        existing.owner = "李娜".into();
        existing.owner_id = Some(Uuid::from_u128(0x0e));
        let mut imported = c(2, "");
        imported.job_title = "总监".into();
        imported.address.city = "北京".into();
        imported.emails = vec![email("wei@example.cn")];
        let m = merge_imported(&existing, &imported, 500);
        assert_eq!(m.id, Uuid::from_u128(1));
        assert_eq!(m.full_name, "张伟");
        assert_eq!(m.job_title, "总监");
        assert_eq!(
            (m.owner.as_str(), m.owner_id),
            ("李娜", Some(Uuid::from_u128(0x0e)))
        );
        assert_eq!(m.address.city, "北京");
        assert_eq!(m.address.street, "南京路1号");
        assert_eq!(m.emails, [email("wei@example.cn")]);
        assert_eq!((m.created_ms, m.updated_ms), (10, 500));
    }
}
