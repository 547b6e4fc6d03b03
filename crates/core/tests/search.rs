//! Search behaviour over the public API.

mod common;

use coffer_core::contact::Contact;
use coffer_core::search::{SearchIndex, SearchResult};
use common::{email, id, person, phone};
use uuid::Uuid;

fn index(contacts: &[Contact]) -> SearchIndex {
    let mut index = SearchIndex::with_capacity(contacts.len());
    for c in contacts {
        index.upsert(c);
    }
    index
}

fn ids(index: &SearchIndex, query: &str) -> Vec<Uuid> {
    index.search(query, usize::MAX).ids
}

#[test]
fn single_han_character_finds_chinese_names() {
    let zhang_wei = Contact {
        full_name: "张伟".into(),
        ..person(1, "", "")
    };
    let li_na = person(2, "娜", "李");
    let idx = index(&[zhang_wei, li_na]);
    assert_eq!(ids(&idx, "张"), [id(1)]);
    assert_eq!(ids(&idx, "伟"), [id(1)]);
    // Family and given name in two fields still read as one word,
    // surname first, as Chinese names are written.
    assert_eq!(ids(&idx, "李娜"), [id(2)]);
    assert_eq!(ids(&idx, "娜李"), Vec::<Uuid>::new());
    assert_eq!(ids(&idx, "娜"), [id(2)]);
}

#[test]
fn case_and_width_are_folded_on_both_sides() {
    let mut acme = person(1, "Ann", "");
    acme.company = "ABC Trading".into();
    let mut wide = person(2, "Bob", "");
    wide.company = "ＸＹＺ株式会社".into();
    let idx = index(&[acme, wide]);
    assert_eq!(ids(&idx, "abc"), [id(1)]);
    assert_eq!(ids(&idx, "ＡＢＣ"), [id(1)]);
    assert_eq!(ids(&idx, "xyz"), [id(2)]);
}

#[test]
fn accents_match_across_composition_and_case() {
    let zoe = person(1, "Zoe\u{308}", "Ünal"); // decomposed ë
    let idx = index(&[zoe]);
    assert_eq!(ids(&idx, "zoë"), [id(1)]);
    assert_eq!(ids(&idx, "ZOË"), [id(1)]);
    assert_eq!(ids(&idx, "ünal"), [id(1)]);
    assert!(ids(&idx, "zoe").is_empty(), "diacritics are not stripped");
}

#[test]
fn every_term_must_match_somewhere() {
    let mut ann = person(1, "Ann", "Lee");
    ann.company = "Acme".into();
    let mut bob = person(2, "Bob", "Lee");
    bob.company = "Globex".into();
    let idx = index(&[ann, bob]);
    assert_eq!(ids(&idx, "lee acme"), [id(1)]);
    assert_eq!(ids(&idx, "  lee   globex "), [id(2)]);
    assert!(ids(&idx, "ann globex").is_empty());
}

#[test]
fn terms_do_not_match_across_fields() {
    let mut ann = person(1, "Ann", "");
    ann.company = "Acme".into();
    let idx = index(&[ann]);
    assert!(ids(&idx, "annacme").is_empty());
}

#[test]
fn phone_digits_match_whatever_the_formatting() {
    let mut wei = person(1, "Wei", "");
    wei.phones = vec![phone("+8613800138000")];
    let mut spaced = person(2, "Ann", "");
    spaced.phones = vec![phone("+1 (555) 010-2030")];
    let idx = index(&[wei, spaced]);
    assert_eq!(ids(&idx, "138 0013"), [id(1)]);
    assert_eq!(ids(&idx, "138-0013-8000"), [id(1)]);
    assert_eq!(ids(&idx, "１３８００１３"), [id(1)]);
    assert_eq!(ids(&idx, "5550102030"), [id(2)]);
    assert_eq!(ids(&idx, "(555) 010"), [id(2)]);
}

#[test]
fn every_text_field_is_searchable() {
    let mut c = person(1, "Ann", "");
    c.emails = vec![email("ann@mail.example")];
    c.job_title = "Purchasing".into();
    c.address.street = "Rue Lepic".into();
    c.address.postcode = "75018".into();
    c.address.country = "France".into();
    c.tags = vec!["重要客户".into()];
    c.notes = "Met at the 展会 in Lyon".into();
    let idx = index(&[c, person(2, "Other", "")]);
    for q in [
        "mail.example",
        "purchas",
        "lepic",
        "75018",
        "france",
        "重要",
        "展会",
        "lyon",
    ] {
        assert_eq!(ids(&idx, q), [id(1)], "{q}");
    }
}

#[test]
fn empty_query_returns_everyone_sorted_by_name() {
    let idx = index(&[
        person(1, "Carol", ""),
        person(2, "alice", ""),
        person(3, "Bob", ""),
    ]);
    let all = idx.search("   ", 10);
    assert_eq!(
        all,
        SearchResult {
            ids: vec![id(2), id(3), id(1)],
            total: 3
        }
    );
}

#[test]
fn name_prefix_beats_name_contains_beats_other_fields() {
    let mut in_notes = person(1, "Aaron", "");
    in_notes.notes = "introduced by Dan".into();
    let contains = person(2, "Jordan", "");
    let prefix = person(3, "Zed", "Danvers");
    let idx = index(&[in_notes, contains, prefix]);
    assert_eq!(ids(&idx, "dan"), [id(3), id(2), id(1)]);
}

#[test]
fn equal_rank_ties_break_by_display_name_then_id() {
    let idx = index(&[
        person(4, "Sam", "B"),
        person(2, "Sam", "A"),
        person(3, "Sam", "A"),
    ]);
    assert_eq!(ids(&idx, "sam"), [id(2), id(3), id(4)]);
}

#[test]
fn limit_caps_ids_but_total_counts_all_matches() {
    let people: Vec<Contact> = (1..=30)
        .map(|n| person(n, &format!("Lee{n:02}"), ""))
        .collect();
    let idx = index(&people);
    let page = idx.search("lee", 5);
    assert_eq!(page.total, 30);
    assert_eq!(page.ids, (1..=5).map(id).collect::<Vec<_>>());
    assert_eq!(
        idx.search("lee", 0),
        SearchResult {
            ids: vec![],
            total: 30
        }
    );
}

#[test]
fn upsert_replaces_what_is_indexed() {
    let mut idx = index(&[person(1, "Ann", "")]);
    idx.upsert(&person(1, "Beth", ""));
    assert_eq!(idx.len(), 1);
    assert!(ids(&idx, "ann").is_empty());
    assert_eq!(ids(&idx, "beth"), [id(1)]);
}

#[test]
fn removed_contacts_are_no_longer_found() {
    let mut idx = index(&[
        person(1, "Ann", ""),
        person(2, "Anna", ""),
        person(3, "Annie", ""),
    ]);
    idx.remove(id(1));
    assert_eq!(ids(&idx, "ann"), [id(2), id(3)]);
    // The contact moved into the freed slot can still be updated and removed.
    idx.upsert(&person(3, "Zed", ""));
    assert_eq!(ids(&idx, "ann"), [id(2)]);
    idx.remove(id(3));
    idx.remove(id(2));
    assert!(idx.is_empty());
    assert_eq!(idx.search("", 10).total, 0);
}

/// Deterministic generated contacts: names from small pools so terms match
/// many contacts, and a unique token per contact.
fn generated(n: u128) -> Contact {
    const GIVEN: [&str; 8] = ["Ann", "Bob", "Carla", "Dmitri", "伟", "娜", "Zoë", "Kenji"];
    const FAMILY: [&str; 7] = ["Lee", "Smith", "张", "王", "Müller", "García", "Tanaka"];
    let i = n as usize;
    let mut c = person(
        n,
        GIVEN[i % GIVEN.len()],
        FAMILY[i / GIVEN.len() % FAMILY.len()],
    );
    c.emails = vec![email(&format!("user{n}@example.com"))];
    c.phones = vec![phone(&format!(
        "+86 139 {:04} {:04}",
        n / 10_000,
        n % 10_000
    ))];
    c.company = format!("Company {}", n % 97);
    c.tags = vec![if n.is_multiple_of(2) { "even" } else { "odd" }.into()];
    c
}

#[test]
fn searching_100k_contacts_finds_the_right_ones() {
    const N: u128 = 100_000;
    let mut idx = SearchIndex::with_capacity(N as usize);
    for n in 1..=N {
        idx.upsert(&generated(n));
    }
    assert_eq!(idx.len(), N as usize);

    let unique = idx.search("user54321@", 10);
    assert_eq!(
        unique,
        SearchResult {
            ids: vec![id(54_321)],
            total: 1
        }
    );

    let by_phone = idx.search("139 0005-4321", 10);
    assert_eq!(
        by_phone,
        SearchResult {
            ids: vec![id(54_321)],
            total: 1
        }
    );

    // 张 is family name for n/8 % 7 == 2: exactly 1/7 of each block of 56.
    let zhang = idx.search("张", 20);
    let expected = (1..=N).filter(|n| (n / 8) % 7 == 2).count();
    assert_eq!(zhang.total, expected);
    assert_eq!(zhang.ids.len(), 20);

    let and = idx.search("张 伟 even", 5);
    let expected = (1..=N)
        .filter(|n| (n / 8) % 7 == 2 && n % 8 == 4 && n.is_multiple_of(2))
        .count();
    assert_eq!(and.total, expected);
    assert!(expected > 0);

    assert_eq!(idx.search("", 50).total, N as usize);
    assert_eq!(idx.search("nobody-has-this", 50).total, 0);
}

#[test]
fn pinyin_initials_and_full_pinyin_find_chinese_names() {
    let zhang_wei = Contact {
        full_name: "张伟".into(),
        ..person(1, "", "")
    };
    let wang_na = person(2, "娜", "王");
    let idx = index(&[zhang_wei, wang_na, person(3, "Zoe", "Wu")]);
    assert_eq!(ids(&idx, "zw"), [id(1)]);
    assert_eq!(ids(&idx, "zhang"), [id(1)]);
    assert_eq!(ids(&idx, "zhangwei"), [id(1)]);
    assert_eq!(ids(&idx, "ZhangW"), [id(1)]);
    assert_eq!(ids(&idx, "wang na"), [id(2)]);
    // "wu" and "wang" start a word (sorted by display name: "zoe wu" <
    // "王娜"); "zw" only contains it.
    assert_eq!(ids(&idx, "w"), [id(3), id(2), id(1)]);
}

#[test]
fn a_contacts_company_is_found_by_pinyin_below_name_matches() {
    let mut ann = person(1, "Ann", "");
    ann.company = "华为技术".into();
    let hua = person(2, "Hua", "Li");
    let idx = index(&[ann, hua]);
    assert_eq!(ids(&idx, "hwjs"), [id(1)]);
    assert_eq!(ids(&idx, "huawei"), [id(1)]);
    assert_eq!(ids(&idx, "hua"), [id(2), id(1)]);
}

#[test]
fn pinyin_is_only_built_from_titles_and_company() {
    let mut ann = person(1, "Ann", "");
    ann.notes = "见过张伟".into();
    let idx = index(&[ann]);
    assert!(ids(&idx, "zw").is_empty());
    assert_eq!(ids(&idx, "张伟"), [id(1)]);
}

#[test]
fn records_of_every_kind_are_ranked_together() {
    use coffer_core::search::{RecordHit, SearchDoc};
    let mut idx = index(&[person(1, "Acme", "Lee"), person(2, "Bo", "")]);
    idx.upsert_doc(
        SearchDoc::new("company", id(10))
            .title("Acme Ltd")
            .text("acme.example"),
    );
    idx.upsert_doc(
        SearchDoc::new("deal", id(11))
            .title("Renewal")
            .text("for Acme")
            .phone("+1 555 0100"),
    );
    let hit = |kind, n| RecordHit { kind, id: id(n) };
    let all = idx.search_records("acme", 10, &[]);
    assert_eq!(all.total, 3);
    assert_eq!(
        all.hits,
        [hit("contact", 1), hit("company", 10), hit("deal", 11)],
        "two title prefixes (by sort key 'acme lee' < 'acme ltd'), then a text match"
    );
    assert_eq!(
        idx.search_records("acme", 10, &["deal", "company"]).hits,
        [hit("company", 10), hit("deal", 11)]
    );
    assert_eq!(
        idx.search_records("5550100", 10, &[]).hits,
        [hit("deal", 11)]
    );
    assert_eq!(idx.search_records("acme", 10, &["ticket"]).total, 0);
    // The contact API sees contacts only.
    assert_eq!(ids(&idx, "acme"), [id(1)]);
    assert_eq!(idx.search("", 10).total, 2);
    assert!(!idx.contains(id(10)));
    assert!(idx.contains_record("company", id(10)));
}

#[test]
fn records_are_keyed_by_kind_and_id() {
    use coffer_core::search::SearchDoc;
    let mut idx = SearchIndex::new();
    idx.upsert_doc(SearchDoc::new("company", id(1)).title("Globex"));
    idx.upsert_doc(SearchDoc::new("deal", id(1)).title("Globex deal"));
    idx.upsert_doc(SearchDoc::new("deal", id(1)).title("Initech deal"));
    assert_eq!(idx.len(), 2);
    assert_eq!(idx.search_records("globex", 10, &[]).total, 1);
    idx.remove_record("company", id(1));
    idx.remove(id(1)); // no contact with that id: nothing happens
    assert_eq!(idx.len(), 1);
    assert_eq!(idx.search_records("initech", 10, &[]).total, 1);
}
