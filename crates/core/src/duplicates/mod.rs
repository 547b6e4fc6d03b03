//! Likely duplicates among contacts and companies, and merging two records.
//!
//! - Match keys: [`email_key`], [`phone_key`], [`name_key`]. Contacts that
//!   share a key are probably the same person.
//! - [`find_duplicates`]: groups of contacts linked by shared keys, each
//!   with the reasons they were grouped.
//! - [`ContactMatcher`]: an index of existing contacts for finding the one
//!   an incoming record (an import row) matches.
//! - [`merge_contacts`]: merges two contacts field by field, returning the
//!   merged record and the id to delete, so the app can re-point
//!   activities from the deleted id to the kept one.
//! - [`company`]: the same for companies, on their JSON form so it does not
//!   depend on the company record type.

pub mod company;
mod merge;
mod phone;

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use crate::contact::Contact;
use crate::text::{contains_cjk, fold};

pub use merge::{MergeChoices, MergeField, Merged, Side, merge_contacts, merge_imported};
pub use phone::{PhoneRegion, phone_key};

/// Why two records were taken for the same person or company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchReason {
    Email,
    Phone,
    Name,
    /// Companies only: the same web or email domain.
    Domain,
    /// Companies only: the same registration number in the same registry
    /// (almost certainly one organisation).
    Registration,
}

/// Records that are probably one: ids in input order, and every reason
/// that linked a pair of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateGroup {
    pub ids: Vec<Uuid>,
    pub reasons: BTreeSet<MatchReason>,
}

/// The whole address folded (NFKC + lowercase), or `None` when blank.
/// Local parts are compared case-insensitively here because people type
/// them either way, although servers may distinguish case.
pub fn email_key(address: &str) -> Option<String> {
    let key = fold(address.trim());
    (!key.is_empty()).then_some(key)
}

/// Folded text with all whitespace removed: "张 伟" and "张伟", "John  Smith"
/// and "john smith" agree.
fn squash(s: &str) -> String {
    fold(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The person's name for matching: NFKC, lowercase, whitespace removed.
/// CJK names are read family name first ("张" + "伟" = "张伟", which equals
/// a `full_name` of "张伟"), others given name first ("John Smith"). Falls
/// back to `full_name`; `None` when there is no name.
pub fn name_key(c: &Contact) -> Option<String> {
    let (given, family) = (c.given_name.trim(), c.family_name.trim());
    let joined = if given.is_empty() && family.is_empty() {
        c.full_name.clone()
    } else if contains_cjk(given) || contains_cjk(family) {
        format!("{family}{given}")
    } else {
        format!("{given}{family}")
    };
    let key = squash(&joined);
    (!key.is_empty()).then_some(key)
}

/// Every key of a contact with its reason; national phone numbers are
/// read in `region`.
fn keys(c: &Contact, region: Option<PhoneRegion>) -> Vec<(MatchReason, String)> {
    let mut out = Vec::new();
    out.extend(
        c.emails
            .iter()
            .filter_map(|e| email_key(&e.address))
            .map(|k| (MatchReason::Email, k)),
    );
    out.extend(
        c.phones
            .iter()
            .filter_map(|p| phone_key(&p.number, region))
            .map(|k| (MatchReason::Phone, k)),
    );
    out.extend(name_key(c).map(|k| (MatchReason::Name, k)));
    out
}

/// Union-find over item indexes, shared by contact and company grouping.
pub(crate) struct Groups {
    parent: Vec<usize>,
    reasons: HashMap<usize, BTreeSet<MatchReason>>,
    first_seen: HashMap<(MatchReason, String), usize>,
}

impl Groups {
    pub(crate) fn new(n: usize) -> Groups {
        Groups {
            parent: (0..n).collect(),
            reasons: HashMap::new(),
            first_seen: HashMap::new(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Records that item `i` has `key`, joining it with the first item that
    /// had the same key.
    pub(crate) fn add(&mut self, i: usize, reason: MatchReason, key: String) {
        let Some(&j) = self.first_seen.get(&(reason, key.clone())) else {
            self.first_seen.insert((reason, key), i);
            return;
        };
        let (a, b) = (self.root(i), self.root(j));
        let mut merged = self.reasons.remove(&a).unwrap_or_default();
        if a != b {
            merged.extend(self.reasons.remove(&b).unwrap_or_default());
        }
        merged.insert(reason);
        let (keep, child) = if a < b { (a, b) } else { (b, a) };
        self.parent[child] = keep;
        self.reasons.insert(keep, merged);
    }

    /// Groups of two or more, ordered by their first member.
    pub(crate) fn finish(mut self, ids: &[Uuid]) -> Vec<DuplicateGroup> {
        let mut by_root: Vec<(usize, Vec<Uuid>)> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for (i, &id) in ids.iter().enumerate() {
            let r = self.root(i);
            let s = *slot.entry(r).or_insert_with(|| {
                by_root.push((r, Vec::new()));
                by_root.len() - 1
            });
            by_root[s].1.push(id);
        }
        by_root
            .into_iter()
            .filter(|(_, members)| members.len() > 1)
            .map(|(r, ids)| DuplicateGroup {
                ids,
                reasons: self.reasons.remove(&r).unwrap_or_default(),
            })
            .collect()
    }
}

/// Groups of contacts that share an email address, a phone number (see
/// [`phone_key`]; numbers without a country code are read in `region`) or a
/// name (see [`name_key`]). Linking is transitive: if A shares an email with
/// B and B a phone with C, all three are one group. Runs in time linear in
/// the number of keys.
pub fn find_duplicates(contacts: &[Contact], region: Option<PhoneRegion>) -> Vec<DuplicateGroup> {
    let mut groups = Groups::new(contacts.len());
    for (i, c) in contacts.iter().enumerate() {
        for (reason, key) in keys(c, region) {
            groups.add(i, reason, key);
        }
    }
    let ids: Vec<Uuid> = contacts.iter().map(|c| c.id).collect();
    groups.finish(&ids)
}

/// Which keys [`ContactMatcher::find`] may match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchOn {
    pub email: bool,
    pub phone: bool,
    /// Off by default: common names ("张伟", "John Smith") belong to many
    /// different people, so a name alone is a weak reason to update a
    /// record.
    pub name: bool,
    /// Where phone numbers written without a country code are taken to be
    /// (see [`PhoneRegion::for_locale`]); `None` matches them only on the
    /// same national digits.
    pub phone_region: Option<PhoneRegion>,
}

impl Default for MatchOn {
    fn default() -> Self {
        MatchOn {
            email: true,
            phone: true,
            name: false,
            phone_region: None,
        }
    }
}

/// An index of existing contacts by their keys, for finding which one an
/// incoming contact is. Contacts inserted later (say, created earlier in the
/// same import) are found too. `Default` reads national phone numbers with
/// no region.
#[derive(Clone, Debug, Default)]
pub struct ContactMatcher {
    index: HashMap<(MatchReason, String), Uuid>,
    region: Option<PhoneRegion>,
}

impl ContactMatcher {
    /// Indexes `existing`, reading national phone numbers in `region`.
    pub fn new<'a>(
        existing: impl IntoIterator<Item = &'a Contact>,
        region: Option<PhoneRegion>,
    ) -> ContactMatcher {
        let mut m = ContactMatcher {
            index: HashMap::new(),
            region,
        };
        for c in existing {
            m.insert(c);
        }
        m
    }

    /// Adds a contact's keys; a key already taken keeps its first owner.
    pub fn insert(&mut self, c: &Contact) {
        for k in keys(c, self.region) {
            self.index.entry(k).or_insert(c.id);
        }
    }

    /// The existing contact `c` matches, trying emails, then phones, then
    /// the name, as `on` allows.
    pub fn find(&self, c: &Contact, on: MatchOn) -> Option<(Uuid, MatchReason)> {
        keys(c, self.region)
            .into_iter()
            .filter(|(reason, _)| match reason {
                MatchReason::Email => on.email,
                MatchReason::Phone => on.phone,
                MatchReason::Name => on.name,
                MatchReason::Domain | MatchReason::Registration => false,
            })
            .find_map(|k| self.index.get(&k).map(|&id| (id, k.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{Email, Phone};

    fn c(n: u128) -> Contact {
        Contact::new(Uuid::from_u128(n), 0)
    }

    #[test]
    fn name_key_is_cjk_aware_and_whitespace_insensitive() {
        let mut a = c(1);
        a.given_name = "伟".into();
        a.family_name = "张".into();
        let mut b = c(2);
        b.full_name = " 张 伟 ".into();
        assert_eq!(name_key(&a), name_key(&b));
        let mut d = c(3);
        d.given_name = "John".into();
        d.family_name = "SMITH".into();
        let mut e = c(4);
        e.full_name = "john  smith".into();
        assert_eq!(name_key(&d), name_key(&e));
        let mut f = c(5);
        f.full_name = "ＪＯＨＮ ＳＭＩＴＨ".into();
        assert_eq!(name_key(&f), name_key(&e));
        assert_eq!(name_key(&c(6)), None);
    }

    #[test]
    fn groups_are_transitive_with_reasons() {
        let mut a = c(1);
        a.emails = vec![Email {
            address: "Ann@Example.com".into(),
            ..Email::default()
        }];
        let mut b = c(2);
        b.emails = vec![Email {
            address: "ann@example.com".into(),
            ..Email::default()
        }];
        b.phones = vec![Phone {
            number: "+86 138 0013 8000".into(),
            ..Phone::default()
        }];
        let mut x = c(3);
        x.full_name = "Unrelated".into();
        let mut d = c(4);
        d.phones = vec![Phone {
            number: "138-0013-8000".into(),
            ..Phone::default()
        }];
        let groups = find_duplicates(&[a, b, x, d], Some(PhoneRegion::CN));
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups[0].ids,
            [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(4)]
        );
        assert_eq!(
            groups[0].reasons,
            BTreeSet::from([MatchReason::Email, MatchReason::Phone])
        );
    }

    #[test]
    fn matcher_respects_match_on() {
        let mut existing = c(1);
        existing.full_name = "张伟".into();
        let m = ContactMatcher::new([&existing], None);
        let mut incoming = c(2);
        incoming.given_name = "伟".into();
        incoming.family_name = "张".into();
        assert_eq!(m.find(&incoming, MatchOn::default()), None);
        let on = MatchOn {
            name: true,
            ..MatchOn::default()
        };
        assert_eq!(
            m.find(&incoming, on),
            Some((Uuid::from_u128(1), MatchReason::Name))
        );
    }
}
