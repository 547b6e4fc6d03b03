//! In-memory search over decrypted records of every type.
//!
//! Each record is reduced once, on upsert, to a folded haystack (every
//! searchable field, NFKC + lowercase, one field per line) whose first
//! lines are its titles (a contact's names, a company's or a deal's name)
//! followed by their pinyin, and a folded sort key. A query is folded the
//! same way, split on whitespace, and a record matches when every term is a
//! substring of its haystack. Plain substring matching is what makes Chinese
//! work without a word segmenter: "张" finds "张伟"; the pinyin lines make
//! "zw" (initials) and "zhang" (full pinyin) find it too. Queries scan a
//! flat `Vec` and allocate only for the matches, which keeps 100,000
//! records interactive in wasm.
//!
//! Any record type is indexed through [`SearchDoc`]: the app passes its
//! namespace (`"contact"`, `"deal"`, …), id, titles, other texts and phone
//! numbers, and [`SearchIndex::search_records`] ranks matches of all types
//! together. The contact methods ([`SearchIndex::upsert`],
//! [`SearchIndex::remove`], [`SearchIndex::search`]) are shorthands for the
//! `"contact"` namespace.

mod doc;
pub(crate) mod pinyin;

use std::cmp::Ordering;
use std::collections::HashMap;

use uuid::Uuid;

use crate::contact::Contact;
use crate::record::CONTACT_NAMESPACE;
use crate::text::fold;

pub use doc::SearchDoc;
use doc::contact_doc;

/// Separates fields in a haystack. Terms never contain whitespace, so no
/// term can match across two fields.
const FIELD_SEP: char = '\n';

#[derive(Clone, Debug)]
struct Entry {
    id: Uuid,
    /// Index into `SearchIndex::kinds`.
    kind: u16,
    /// Length of the titles part at the start of `haystack`.
    titles_len: u32,
    /// Titles and their pinyin, then every other searchable field, folded,
    /// one per line.
    haystack: Box<str>,
    /// Folded display name: the tie-breaker between equally ranked matches.
    sort_key: Box<str>,
}

impl Entry {
    fn titles(&self) -> &str {
        // `titles_len` is the length of a prefix built from whole lines, so
        // it lies on a char boundary.
        &self.haystack[..self.titles_len as usize]
    }
}

/// The search index over the unlocked vault's records.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    by_key: HashMap<(u16, Uuid), usize>,
    /// Namespaces seen so far; entries refer to them by position.
    kinds: Vec<&'static str>,
}

/// The best-ranked contacts and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResult {
    /// At most `limit` ids, best first.
    pub ids: Vec<Uuid>,
    /// Every contact that matched, so the UI can say "showing 50 of 1,234".
    pub total: usize,
}

/// One matching record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordHit {
    /// The record's namespace, as given to [`SearchDoc::new`].
    pub kind: &'static str,
    pub id: Uuid,
}

/// The best-ranked records of any type and how many matched in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordResults {
    /// At most `limit` hits, best first.
    pub hits: Vec<RecordHit>,
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

    /// 0 when the term starts a word of a title (or of its pinyin), 1 when
    /// it is elsewhere in a title, 2 when it matched some other field.
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
            by_key: HashMap::with_capacity(n),
            kinds: Vec::new(),
        }
    }

    /// Adds the contact, or replaces what was indexed for its id.
    pub fn upsert(&mut self, contact: &Contact) {
        self.upsert_doc(contact_doc(contact));
    }

    /// Forgets the contact; unknown ids are ignored.
    pub fn remove(&mut self, id: Uuid) {
        self.remove_record(CONTACT_NAMESPACE, id);
    }

    /// Whether a contact with this id is indexed.
    pub fn contains(&self, id: Uuid) -> bool {
        self.contains_record(CONTACT_NAMESPACE, id)
    }

    /// Adds the record, or replaces what was indexed for its kind and id.
    pub fn upsert_doc(&mut self, doc: SearchDoc) {
        let kind = self.intern(doc.kind);
        let sort_key = match doc.sort_key {
            Some(key) => key,
            None => doc.titles.lines().next().unwrap_or("").to_owned(),
        };
        let mut haystack =
            String::with_capacity(doc.titles.len() + doc.pinyin.len() + doc.others.len());
        haystack.push_str(&doc.titles);
        haystack.push_str(&doc.pinyin);
        let titles_len = u32::try_from(haystack.len()).unwrap_or(u32::MAX);
        haystack.push_str(&doc.others);
        let entry = Entry {
            id: doc.id,
            kind,
            titles_len,
            haystack: haystack.into_boxed_str(),
            sort_key: sort_key.into_boxed_str(),
        };
        match self.by_key.get(&(kind, doc.id)) {
            Some(&i) => self.entries[i] = entry,
            None => {
                self.by_key.insert((kind, doc.id), self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// Forgets the record; unknown ones are ignored.
    pub fn remove_record(&mut self, kind: &str, id: Uuid) {
        let Some(kind) = self.kind_index(kind) else {
            return;
        };
        let Some(i) = self.by_key.remove(&(kind, id)) else {
            return;
        };
        self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.by_key.insert((moved.kind, moved.id), i);
        }
    }

    pub fn contains_record(&self, kind: &str, id: Uuid) -> bool {
        self.kind_index(kind)
            .is_some_and(|k| self.by_key.contains_key(&(k, id)))
    }

    /// How many records of all kinds are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.by_key.clear();
    }

    /// Finds contacts matching every whitespace-separated term of `query`;
    /// an empty query matches every contact. Records of other kinds are
    /// never returned.
    ///
    /// Ranking: each term scores 0 when it starts a word of a name, 1 when
    /// it is inside a name, 2 otherwise; lower sums come first. Ties are
    /// broken by display name (given name first, folded) and then by id, so
    /// results never reorder between identical queries.
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let (hits, total) = match self.kind_index(CONTACT_NAMESPACE) {
            Some(k) => self.ranked(query, limit, |kind| kind == k),
            None => (Vec::new(), 0),
        };
        SearchResult {
            ids: hits.iter().map(|&i| self.entries[i].id).collect(),
            total,
        }
    }

    /// Finds records of the given kinds (every kind when `kinds` is empty)
    /// matching every term of `query`, ranked together as in
    /// [`SearchIndex::search`]; equal ranks are ordered by sort key, then
    /// kind, then id.
    pub fn search_records(&self, query: &str, limit: usize, kinds: &[&str]) -> RecordResults {
        let wanted: Vec<u16> = kinds.iter().filter_map(|k| self.kind_index(k)).collect();
        if !kinds.is_empty() && wanted.is_empty() {
            return RecordResults::default();
        }
        let (hits, total) = self.ranked(query, limit, |k| wanted.is_empty() || wanted.contains(&k));
        RecordResults {
            hits: hits
                .iter()
                .map(|&i| {
                    let e = &self.entries[i];
                    RecordHit {
                        kind: self.kinds[usize::from(e.kind)],
                        id: e.id,
                    }
                })
                .collect(),
            total,
        }
    }

    /// Indices of the best `limit` matching entries, best first, and the
    /// number of matches.
    fn ranked(
        &self,
        query: &str,
        limit: usize,
        kind_ok: impl Fn(u16) -> bool,
    ) -> (Vec<usize>, usize) {
        let folded = fold(query);
        let terms: Vec<Term> = folded.split_whitespace().map(Term::new).collect();

        let mut hits: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| kind_ok(e.kind) && terms.iter().all(|t| t.is_in(&e.haystack)))
            .map(|(i, e)| {
                let titles = e.titles();
                let rank = terms.iter().map(|t| t.name_rank(titles)).sum();
                (rank, i)
            })
            .collect();
        let total = hits.len();

        let cmp = |a: &(u32, usize), b: &(u32, usize)| -> Ordering {
            let (ea, eb) = (&self.entries[a.1], &self.entries[b.1]);
            a.0.cmp(&b.0)
                .then_with(|| ea.sort_key.cmp(&eb.sort_key))
                .then_with(|| {
                    self.kinds[usize::from(ea.kind)].cmp(self.kinds[usize::from(eb.kind)])
                })
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
        (hits.into_iter().map(|(_, i)| i).collect(), total)
    }

    fn kind_index(&self, kind: &str) -> Option<u16> {
        self.kinds
            .iter()
            .position(|k| *k == kind)
            .and_then(|i| u16::try_from(i).ok())
    }

    fn intern(&mut self, kind: &'static str) -> u16 {
        if let Some(i) = self.kind_index(kind) {
            return i;
        }
        self.kinds.push(kind);
        // Record types are a handful of compile-time namespaces, far fewer
        // than 65,536.
        u16::try_from(self.kinds.len() - 1).unwrap_or(u16::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_name_in_two_fields_is_found_as_one_word() {
        let mut index = SearchIndex::new();
        let mut c = Contact::new(Uuid::from_u128(1), 0);
        c.family_name = "张".into();
        c.given_name = "伟".into();
        index.upsert(&c);
        for query in ["张伟", "zw", "zhangwei", "伟"] {
            assert_eq!(index.search(query, 10).total, 1, "{query}");
        }
        assert_eq!(index.search("伟张", 10).total, 0);
    }

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
        for (&(kind, id), &i) in &index.by_key {
            assert_eq!((index.entries[i].kind, index.entries[i].id), (kind, id));
        }
        index.remove(Uuid::from_u128(99));
        assert_eq!(index.len(), 2);
    }
}
