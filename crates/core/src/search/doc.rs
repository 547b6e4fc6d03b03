//! [`SearchDoc`]: what one record contributes to the index.

use uuid::Uuid;

use super::{FIELD_SEP, pinyin};
use crate::contact::{Contact, NameOrder};
use crate::record::CONTACT_NAMESPACE;
use crate::text::{fold, fold_into};

/// What one record contributes to the index, built field by field.
///
/// ```
/// # use coffer_core::search::{SearchDoc, SearchIndex};
/// # use uuid::Uuid;
/// let mut index = SearchIndex::new();
/// let doc = SearchDoc::new("deal", Uuid::from_u128(7))
///     .title("张伟 renewal")
///     .text("three-year contract")
///     .phone("+86 138 0013 8000");
/// index.upsert_doc(doc);
/// assert_eq!(index.search_records("zw", 10, &[]).total, 1);
/// ```
#[derive(Clone, Debug)]
pub struct SearchDoc {
    pub(super) kind: &'static str,
    pub(super) id: Uuid,
    pub(super) titles: String,
    /// Pinyin lines of the titles, kept apart so `title` can read the
    /// folded title while appending.
    pub(super) pinyin: String,
    pub(super) others: String,
    pub(super) sort_key: Option<String>,
}

impl SearchDoc {
    /// `kind` is the record's namespace (see [`crate::record`]).
    pub fn new(kind: &'static str, id: Uuid) -> SearchDoc {
        SearchDoc {
            kind,
            id,
            titles: String::new(),
            pinyin: String::new(),
            others: String::new(),
            sort_key: None,
        }
    }

    /// A name or title: matches here rank above matches in other fields,
    /// and Han text in it is also found by pinyin. Empty values are skipped.
    pub fn title(mut self, value: &str) -> SearchDoc {
        if !value.is_empty() {
            let start = self.titles.len();
            fold_into(value, &mut self.titles);
            pinyin::push_pinyin_lines(&self.titles[start..], &mut self.pinyin);
            self.titles.push(FIELD_SEP);
        }
        self
    }

    /// Any other searchable text. Empty values are skipped.
    pub fn text(mut self, value: &str) -> SearchDoc {
        push_field(&mut self.others, value);
        self
    }

    /// Other text whose Han characters are also found by pinyin (a
    /// company or place name), ranked like [`SearchDoc::text`].
    pub fn text_with_pinyin(mut self, value: &str) -> SearchDoc {
        if !value.is_empty() {
            let start = self.others.len();
            fold_into(value, &mut self.others);
            let mut lines = String::new();
            pinyin::push_pinyin_lines(&self.others[start..], &mut lines);
            self.others.push(FIELD_SEP);
            self.others.push_str(&lines);
        }
        self
    }

    /// A phone number: found as written and by its digits alone, so
    /// "138 0013" and "13800138000" both find "+86 138 0013 8000".
    pub fn phone(mut self, number: &str) -> SearchDoc {
        if !number.is_empty() {
            push_field(&mut self.others, number);
            self.others
                .extend(number.chars().filter(char::is_ascii_digit));
            self.others.push(FIELD_SEP);
        }
        self
    }

    /// What equally ranked matches are ordered by (folded here). Defaults
    /// to the first title.
    pub fn sort_key(mut self, key: &str) -> SearchDoc {
        self.sort_key = Some(fold(key));
        self
    }
}

/// A contact's names are its titles; its company is also found by pinyin;
/// everything else it holds is plain text.
pub(super) fn contact_doc(c: &Contact) -> SearchDoc {
    let mut doc = SearchDoc::new(CONTACT_NAMESPACE, c.id)
        .title(&c.given_name)
        .title(&c.family_name)
        .title(&c.full_name);
    // A Chinese name split into family "张" and given "伟" is written and
    // searched as one word, "张伟" (and "zw", "zhangwei").
    if c.full_name.is_empty() && crate::text::contains_cjk(&c.family_name) {
        doc = doc.title(&c.display_name(NameOrder::SurnameFirst));
    }
    for email in &c.emails {
        doc = doc.text(&email.address);
    }
    for phone in &c.phones {
        doc = doc.phone(&phone.number);
    }
    doc = doc.text_with_pinyin(&c.company).text(&c.job_title);
    for part in c.address.parts() {
        doc = doc.text(part);
    }
    for tag in &c.tags {
        doc = doc.text(tag);
    }
    doc.text(&c.notes)
        .sort_key(&c.display_name(NameOrder::GivenFirst))
}

fn push_field(out: &mut String, field: &str) {
    if !field.is_empty() {
        fold_into(field, out);
        out.push(FIELD_SEP);
    }
}
