//! In-memory search over decrypted contacts.
//!
//! Each contact is reduced once, on upsert, to a folded haystack (every
//! searchable field, NFKC + lowercase, one field per line) and a folded name
//! line used for ranking. A query is folded the same way, split on
//! whitespace, and a contact matches when every term is a substring of its
//! haystack. Plain substring matching is what makes Chinese work without a
//! word segmenter: "张" finds "张伟". Queries scan a flat `Vec` and allocate
//! only for the matches, which keeps 100,000 contacts interactive in wasm.

use std::cmp::Ordering;
use std::collections::HashMap;

use uuid::Uuid;

use crate::contact::{Contact, NameOrder};
use crate::text::{fold, fold_into};

/// Separates fields in a haystack. Terms never contain whitespace, so no
/// term can match across two fields.
const FIELD_SEP: char = '\n';

#[derive(Clone, Debug)]
struct Entry {
    id: Uuid,
    /// Every searchable field, folded, one per line.
    haystack: String,
    /// Given, family and full name, folded, one per line.
    names: String,
    /// Folded `display_name(GivenFirst)`: the tie-breaker between equally
    /// ranked matches.
    sort_key: String,
}

/// The search index over the unlocked vault's contacts.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    by_id: HashMap<Uuid, usize>,
}

/// The best-ranked matches and how many there were in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResult {
    /// At most `limit` ids, best first.
    pub ids: Vec<Uuid>,
    /// Every contact that matched, so the UI can say "showing 50 of 1,234".
    pub total: usize,
}

/// One query term, with the digits-only form used to match phone numbers
/// when the term looks like part of one ("138-0013").
struct Term {
    text: String,
    digits: Option<String>,
}

impl Term {
    fn new(text: &str) -> Term {
        let phone_like = text.chars().any(|c| c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '(' | ')'));
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        Term {
            text: text.to_owned(),
            digits: (phone_like && digits != text).then_some(digits),
        }
    }

    fn is_in(&self, haystack: &str) -> bool {
        haystack.contains(self.text.as_str())
            || self.digits.as_deref().is_some_and(|d| haystack.contains(d))
    }

    /// 0 when the term starts a word of a name, 1 when it is elsewhere in a
    /// name, 2 when it matched some other field.
    fn name_rank(&self, names: &str) -> u32 {
        let mut in_name = false;
        for (at, _) in names.match_indices(self.text.as_str()) {
            in_name = true;
            let starts_word = names[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if starts_word {
                return 0;
            }
        }
        if in_name { 1 } else { 2 }
    }
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        SearchIndex {
            entries: Vec::with_capacity(n),
            by_id: HashMap::with_capacity(n),
        }
    }

    /// Adds the contact, or replaces what was indexed for its id.
    pub fn upsert(&mut self, contact: &Contact) {
        let entry = Entry::from_contact(contact);
        match self.by_id.get(&contact.id) {
            Some(&i) => self.entries[i] = entry,
            None => {
                self.by_id.insert(contact.id, self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// Forgets the contact; unknown ids are ignored.
    pub fn remove(&mut self, id: Uuid) {
        let Some(i) = self.by_id.remove(&id) else {
            return;
        };
        self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.by_id.insert(moved.id, i);
        }
    }

    pub fn contains(&self, id: Uuid) -> bool {
        self.by_id.contains_key(&id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.by_id.clear();
    }

    /// Finds contacts matching every whitespace-separated term of `query`;
    /// an empty query matches every contact.
    ///
    /// Ranking: each term scores 0 when it starts a word of a name, 1 when
    /// it is inside a name, 2 otherwise; lower sums come first. Ties are
    /// broken by display name (given name first, folded) and then by id, so
    /// results never reorder between identical queries.
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let folded = fold(query);
        let terms: Vec<Term> = folded.split_whitespace().map(Term::new).collect();

        let mut hits: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| terms.iter().all(|t| t.is_in(&e.haystack)))
            .map(|(i, e)| {
                let rank = terms.iter().map(|t| t.name_rank(&e.names)).sum();
                (rank, i)
            })
            .collect();
        let total = hits.len();

        let cmp = |a: &(u32, usize), b: &(u32, usize)| -> Ordering {
            let (ea, eb) = (&self.entries[a.1], &self.entries[b.1]);
            a.0.cmp(&b.0)
                .then_with(|| ea.sort_key.cmp(&eb.sort_key))
                .then_with(|| ea.id.cmp(&eb.id))
        };
        if limit < hits.len() {
            // Only the first `limit` need ordering: partition in O(n), then
            // sort the page.
            if limit > 0 {
                hits.select_nth_unstable_by(limit - 1, cmp);
            }
            hits.truncate(limit);
        }
        hits.sort_unstable_by(cmp);

        SearchResult {
            ids: hits.iter().map(|&(_, i)| self.entries[i].id).collect(),
            total,
        }
    }
}

impl Entry {
    fn from_contact(c: &Contact) -> Entry {
        let mut names = String::new();
        for name in [&c.given_name, &c.family_name, &c.full_name] {
            push_field(&mut names, name);
        }

        let mut haystack = String::with_capacity(names.len() + c.notes.len() + 128);
        haystack.push_str(&names);
        for email in &c.emails {
            push_field(&mut haystack, &email.address);
        }
        for phone in &c.phones {
            push_field(&mut haystack, &phone.number);
            // "138 0013" and "13800138000" both find "+86 138 0013 8000".
            haystack.extend(phone.number.chars().filter(char::is_ascii_digit));
            haystack.push(FIELD_SEP);
        }
        for field in [&c.company, &c.job_title] {
            push_field(&mut haystack, field);
        }
        for part in c.address.parts() {
            push_field(&mut haystack, part);
        }
        for tag in &c.tags {
            push_field(&mut haystack, tag);
        }
        push_field(&mut haystack, &c.notes);
        haystack.shrink_to_fit();

        Entry {
            id: c.id,
            haystack,
            names,
            sort_key: fold(&c.display_name(NameOrder::GivenFirst)),
        }
    }
}

fn push_field(out: &mut String, field: &str) {
    if !field.is_empty() {
        fold_into(field, out);
        out.push(FIELD_SEP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_like_terms_also_match_by_digits() {
        let t = Term::new("138-0013");
        assert_eq!(t.digits.as_deref(), Some("1380013"));
        assert!(t.is_in("+8613800138000\n8613800138000\n"));
        assert!(Term::new("abc").digits.is_none());
        assert!(Term::new("138").digits.is_none(), "already digits only");
    }

    #[test]
    fn name_rank_distinguishes_word_start_inside_and_absent() {
        let names = "mary ann\nsmith\n";
        assert_eq!(Term::new("ann").name_rank(names), 0);
        assert_eq!(Term::new("mi").name_rank(names), 1);
        assert_eq!(Term::new("acme").name_rank(names), 2);
        // Second occurrence at a word start still counts as a prefix.
        assert_eq!(Term::new("an").name_rank("joan\nanders\n"), 0);
    }

    #[test]
    fn remove_keeps_the_id_map_consistent_after_swap() {
        let mut index = SearchIndex::new();
        for n in 1..=3u128 {
            let mut c = Contact::new(Uuid::from_u128(n), 0);
            c.given_name = format!("name{n}");
            index.upsert(&c);
        }
        index.remove(Uuid::from_u128(1));
        assert_eq!(index.len(), 2);
        for (id, &i) in &index.by_id {
            assert_eq!(index.entries[i].id, *id);
        }
        index.remove(Uuid::from_u128(99));
        assert_eq!(index.len(), 2);
    }
}
