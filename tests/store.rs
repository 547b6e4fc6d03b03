//! Browser tests of the IndexedDB adapter (`store`) and the vault on top of
//! it (`vault`), run in headless Chromium: what is written reads back and
//! survives reopening, only ciphertext reaches the disk, damaged records are
//! reported and kept (never dropped), contacts stored by the version before
//! sync still load, private values (the account session) stay sealed, and
//! unlocking is throttled and refuses weakened headers.
//!
//! Contacts are stored as the sync engine stores them: a `StoredRecord` (a
//! mergeable document of per-field values with clock stamps, plus sync
//! bookkeeping) sealed under namespace "contact". The documents here are
//! built the way the engine builds them.
//!
//! Each test opens its own database under a fresh random name and deletes it
//! at the end. Argon2id (64 MiB, t = 3) runs only in the `unlock` tests; the
//! others seal under a generated key to stay fast.

#![cfg(target_arch = "wasm32")]

use coffer_app::store::{Db, MetaKey};
use coffer_app::sync::{COLLECTION, contact_fields, contact_from_doc, legacy_contact};
use coffer_app::vault::{self, Credential, Damage, Damaged, Loaded, VaultError};
use coffer_core::record::{ACCOUNT_NAMESPACE, CONTACT_NAMESPACE, SETTINGS_NAMESPACE};
use coffer_core::{
    Address, Contact, ContactPointKind, Email, Locale, NameOrder, Phone, Settings, UnlockThrottle,
};
use coffer_crypto::{
    CryptoError, Envelope, EnvelopeMeta, KdfParams, Passphrase, RecoveryCode, VaultKey,
};
use coffer_sync::{DeviceId, Doc, Hlc, StoredRecord, Superseded};
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PASSPHRASE: &str = "correct horse battery staple 订书钉";

/// The device every document here is written by.
const DEVICE: DeviceId = DeviceId([0x42; 16]);

// ---------------------------------------------------------------- helpers

/// Opens a database under a name no other test (or earlier run) uses.
async fn fresh_db(test: &str) -> (Db, String) {
    let name = format!("coffer-test-{test}-{}", Uuid::new_v4());
    let db = Db::open(&name).await.expect("open a fresh database");
    (db, name)
}

/// Closes and deletes the database. Deleting waits for every connection to
/// close, so the test's own connection must go first.
async fn destroy(db: Db, name: &str) {
    db.close();
    Db::destroy(name).await.expect("delete the test database");
}

async fn reopen(db: Db, name: &str) -> Db {
    db.close();
    Db::open(name).await.expect("reopen the database")
}

fn passphrase(text: &str) -> Passphrase {
    Passphrase::new(text.to_string())
}

/// A contact with every field filled, in Chinese and with emoji.
fn zhang_wei() -> Contact {
    Contact {
        given_name: "伟".into(),
        family_name: "张".into(),
        full_name: "张伟".into(),
        emails: vec![
            Email {
                kind: ContactPointKind::Work,
                address: "wei.zhang@example.cn".into(),
            },
            Email {
                kind: ContactPointKind::Home,
                address: "zhangwei1988@mail.example.com".into(),
            },
            Email {
                kind: ContactPointKind::Other,
                address: "伟@例子.中国".into(),
            },
        ],
        phones: vec![Phone {
            kind: ContactPointKind::Mobile,
            number: "+86 138 0013 8000".into(),
        }],
        company: "北京星辰科技有限公司".into(),
        job_title: "产品经理".into(),
        address: Address {
            street: "朝阳区建国路88号".into(),
            city: "北京".into(),
            province: "北京市".into(),
            postcode: "100022".into(),
            country: "中国".into(),
            ..Address::default()
        },
        notes: "🚀 launch next quarter; 喜欢喝茶 🍵".into(),
        tags: vec!["客户".into(), "vip".into()],
        ..Contact::new(Uuid::new_v4(), 1_700_000_000_000)
    }
}

/// A plainer contact, different for each `n`.
fn contact(n: usize) -> Contact {
    Contact {
        given_name: format!("Ada{n}"),
        family_name: "Lovelace".into(),
        emails: vec![Email {
            kind: ContactPointKind::Work,
            address: format!("ada{n}@analytical.example.org"),
        }],
        phones: vec![Phone {
            kind: ContactPointKind::Work,
            number: format!("+44 20 7946 {n:04}"),
        }],
        company: "Analytical Engines Ltd".into(),
        notes: "x".repeat(n * 37 % 900),
        ..Contact::new(Uuid::new_v4(), 1_700_000_000_000 + n as i64)
    }
}

/// A clock reading of this test's device.
fn stamp(wall_ms: i64, counter: u32) -> Hlc {
    Hlc {
        wall_ms: u64::try_from(wall_ms).expect("a time after 1970"),
        counter,
        device: DEVICE,
    }
}

/// A new contact as the engine stores it after a local edit: every field
/// written at one stamp (its last update on this device), never uploaded.
fn synced(contact: &Contact) -> StoredRecord {
    let at = stamp(contact.updated_ms, 0);
    let mut doc = Doc::new();
    for (field, value) in contact_fields(contact) {
        doc.set(&field, value, at);
    }
    StoredRecord {
        doc,
        server: None,
        chain_revision: 0,
    }
}

/// An edit as the engine makes it: the fields whose value changed, written
/// at one new stamp.
fn edit(record: &mut StoredRecord, edited: &Contact, at: Hlc) {
    for (field, value) in contact_fields(edited) {
        if record.doc.get(&field) != Some(&value) {
            record.doc.set(&field, value, at);
        }
    }
}

async fn store(db: &Db, key: &VaultKey, records: &[(Uuid, StoredRecord)]) {
    let refs: Vec<(Uuid, &StoredRecord)> = records.iter().map(|(id, r)| (*id, r)).collect();
    vault::store_synced(db, key, CONTACT_NAMESPACE, &refs)
        .await
        .expect("store the records");
}

async fn store_contacts(db: &Db, key: &VaultKey, contacts: &[Contact]) {
    let records: Vec<(Uuid, StoredRecord)> = contacts.iter().map(|c| (c.id, synced(c))).collect();
    store(db, key, &records).await;
}

/// Stores `zhang_wei()` alone and four others in one batch; returns all five.
async fn seed(db: &Db, key: &VaultKey) -> Vec<Contact> {
    let first = zhang_wei();
    store_contacts(db, key, std::slice::from_ref(&first)).await;
    let rest: Vec<Contact> = (1..=4).map(contact).collect();
    store_contacts(db, key, &rest).await;
    let mut all = vec![first];
    all.extend(rest);
    all
}

async fn load(db: &Db, key: &VaultKey) -> Loaded<(Uuid, StoredRecord)> {
    vault::load_synced(
        db,
        key,
        CONTACT_NAMESPACE,
        legacy_contact(DEVICE),
        |_, _| {},
    )
    .await
    .unwrap()
}

/// The contacts the loaded documents hold (deleted ones left out), by id.
fn contacts(records: &[(Uuid, StoredRecord)]) -> Vec<Contact> {
    let mut out: Vec<Contact> = records
        .iter()
        .filter_map(|(id, r)| contact_from_doc(*id, &r.doc))
        .collect();
    out.sort_by_key(|c| c.id);
    out
}

fn by_id(contacts: &[Contact]) -> Vec<Contact> {
    let mut out = contacts.to_vec();
    out.sort_by_key(|c| c.id);
    out
}

/// The loaded records, ordered by id for comparison.
fn records_by_id(mut records: Vec<(Uuid, StoredRecord)>) -> Vec<(Uuid, StoredRecord)> {
    records.sort_by_key(|(id, _)| *id);
    records
}

/// The records `store_contacts` writes for `contacts`, ordered by id.
fn as_stored(contacts: &[Contact]) -> Vec<(Uuid, StoredRecord)> {
    records_by_id(contacts.iter().map(|c| (c.id, synced(c))).collect())
}

fn record_of(records: &[(Uuid, StoredRecord)], id: Uuid) -> &StoredRecord {
    &records
        .iter()
        .find(|(i, _)| *i == id)
        .expect("the record loads")
        .1
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn raw_bytes(db: &Db, id: Uuid) -> Option<Vec<u8>> {
    let key = format!("{CONTACT_NAMESPACE}:{id}");
    let stored = db.load(CONTACT_NAMESPACE).await.unwrap();
    let record = stored
        .into_iter()
        .find(|r| r.key == key)
        .expect("the record is still stored");
    record.bytes
}

/// The revision in the clear header of a stored envelope.
async fn envelope_revision(db: &Db, id: Uuid) -> u64 {
    let bytes = raw_bytes(db, id).await.expect("stored as bytes");
    Envelope::from_bytes(bytes)
        .expect("an envelope")
        .meta()
        .revision
}

async fn stored_throttle(db: &Db) -> Option<UnlockThrottle> {
    db.meta_text(MetaKey::UnlockThrottle)
        .await
        .unwrap()
        .map(|text| serde_json::from_str(&text).expect("throttle is JSON"))
}

/// Asserts that loading reports exactly `expected` as damaged, loads every
/// contact of `healthy` exactly as stored, and leaves the damaged record
/// stored.
async fn assert_only_damage(db: &Db, key: &VaultKey, healthy: &[Contact], expected: Damaged) {
    let loaded = load(db, key).await;
    assert_eq!(loaded.damaged, vec![expected.clone()]);
    assert_eq!(records_by_id(loaded.records), as_stored(healthy));
    let still_there = db.load(CONTACT_NAMESPACE).await.unwrap();
    assert!(
        still_there.iter().any(|r| r.key == expected.key),
        "the damaged record must not be deleted"
    );
    assert_eq!(still_there.len(), healthy.len() + 1);
}

// ------------------------------------------------------------ round trips

#[wasm_bindgen_test]
async fn saved_contacts_load_back_identical() {
    let (db, name) = fresh_db("round-trip").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    let mut progress = Vec::new();
    let loaded = vault::load_synced(
        &db,
        &key,
        CONTACT_NAMESPACE,
        legacy_contact(DEVICE),
        |done, total| progress.push((done, total)),
    )
    .await
    .unwrap();
    assert!(loaded.damaged.is_empty(), "{:?}", loaded.damaged);
    assert_eq!(progress.first(), Some(&(0, 5)));
    assert_eq!(progress.last(), Some(&(5, 5)));
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only moves forward: {progress:?}"
    );
    // The whole stored record comes back: document, stamps, bookkeeping.
    assert_eq!(records_by_id(loaded.records.clone()), as_stored(&saved));
    assert_eq!(contacts(&loaded.records), by_id(&saved));
    assert!(
        loaded.records.iter().all(|(_, r)| r.is_pending()),
        "never uploaded, so every record waits in the outbox"
    );

    let wei = zhang_wei();
    let back = contacts(&load(&db, &key).await.records);
    let back = back.iter().find(|c| c.id == saved[0].id).unwrap();
    assert_eq!(back.full_name, "张伟");
    assert_eq!(back.notes, wei.notes);
    assert_eq!(back.emails, wei.emails);
    assert_eq!(back.address, wei.address);
    assert_eq!(back.tags, wei.tags);
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn contacts_survive_reopening_and_an_edit_keeps_the_old_value_in_history() {
    let (db, name) = fresh_db("reopen").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    let db = reopen(db, &name).await;
    let loaded = load(&db, &key).await;
    assert!(loaded.damaged.is_empty());
    assert_eq!(records_by_id(loaded.records.clone()), as_stored(&saved));
    let first_revision = envelope_revision(&db, saved[0].id).await;

    let mut edited = saved[0].clone();
    edited.notes.push_str(" — 已签约 ✅");
    edited.updated_ms += 1;
    let old_stamp = stamp(saved[0].updated_ms, 0);
    let new_stamp = stamp(edited.updated_ms, 0);
    let mut record = record_of(&loaded.records, saved[0].id).clone();
    edit(&mut record, &edited, new_stamp);
    store(&db, &key, &[(edited.id, record.clone())]).await;

    let db = reopen(db, &name).await;
    let loaded = load(&db, &key).await;
    assert!(loaded.damaged.is_empty());
    let mut expected = saved[1..].to_vec();
    expected.push(edited.clone());
    assert_eq!(contacts(&loaded.records), by_id(&expected));

    // The edited document shows the new value and keeps the old one, for
    // exactly the fields that changed; the others are untouched.
    let back = record_of(&loaded.records, edited.id);
    assert_eq!(back, &record);
    assert_eq!(contact_from_doc(edited.id, &back.doc), Some(edited.clone()));
    assert_eq!(back.doc.get("notes"), Some(&json!(edited.notes)));
    assert_eq!(back.doc.field("notes").unwrap().stamp, new_stamp);
    assert_eq!(back.doc.field("company").unwrap().stamp, old_stamp);
    let mut history: Vec<Superseded> = back.doc.history().to_vec();
    history.sort_by(|a, b| a.field.cmp(&b.field));
    assert_eq!(
        history,
        vec![
            Superseded {
                field: "notes".into(),
                value: json!(saved[0].notes),
                stamp: old_stamp,
                superseded_by: new_stamp,
            },
            Superseded {
                field: "updated_ms".into(),
                value: json!(saved[0].updated_ms),
                stamp: old_stamp,
                superseded_by: new_stamp,
            },
        ]
    );
    assert!(back.is_pending());
    // The local envelope's revision follows the document's newest stamp.
    assert!(envelope_revision(&db, edited.id).await > first_revision);
    for c in &saved[1..] {
        assert!(record_of(&loaded.records, c.id).doc.history().is_empty());
    }
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn only_ciphertext_is_stored_under_opaque_keys() {
    let (db, name) = fresh_db("ciphertext").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    let stored = db.load(CONTACT_NAMESPACE).await.unwrap();
    let mut keys: Vec<&str> = stored.iter().map(|r| r.key.as_str()).collect();
    keys.sort_unstable();
    let mut expected: Vec<String> = saved
        .iter()
        .map(|c| format!("{CONTACT_NAMESPACE}:{}", c.id))
        .collect();
    expected.sort_unstable();
    assert_eq!(keys, expected, "keys are `contact:<uuid>` and nothing else");

    for record in &stored {
        let id = record.id.expect("the key holds a record id");
        let contact = saved.iter().find(|c| c.id == id).unwrap();
        let bytes = record.bytes.as_deref().expect("stored as bytes");
        let mut plaintext: Vec<String> = vec![
            contact.id.to_string(),
            contact.given_name.clone(),
            contact.family_name.clone(),
            contact.full_name.clone(),
            contact.company.clone(),
            contact.job_title.clone(),
            contact.notes.clone(),
            "given_name".into(),
            "wall_ms".into(),
            DEVICE.to_hex(),
        ];
        plaintext.extend(contact.emails.iter().map(|e| e.address.clone()));
        plaintext.extend(contact.phones.iter().map(|p| p.number.clone()));
        plaintext.extend(contact.address.parts().iter().map(|p| p.to_string()));
        plaintext.extend(contact.tags.iter().cloned());
        // Short values (one CJK character, "vip") could turn up in random
        // ciphertext by chance; five bytes or more cannot, in practice.
        let json = serde_json::to_vec(&synced(contact)).unwrap();
        for value in plaintext.iter().filter(|v| v.len() >= 5) {
            // Positive control: the value is in the plaintext as these bytes
            // (except the id, which the key holds and the document does not).
            if *value != contact.id.to_string() {
                assert!(contains(&json, value.as_bytes()), "{value:?} not in JSON");
            }
            assert!(
                !contains(bytes, value.as_bytes()),
                "{value:?} is stored in clear under {}",
                record.key
            );
        }
    }
    // The single-character Chinese values are checked as a whole record.
    let wei = stored
        .iter()
        .find(|r| r.id == Some(saved[0].id))
        .and_then(|r| r.bytes.as_deref())
        .unwrap();
    for value in ["张伟", "北京星辰", "🚀 launch", "wei.zhang@", "+86 138"] {
        assert!(!contains(wei, value.as_bytes()), "{value:?} is in clear");
    }
    destroy(db, &name).await;
}

// ----------------------------------------------------------------- damage

#[wasm_bindgen_test]
async fn flipped_byte_is_reported_as_tampered_and_kept() {
    let (db, name) = fresh_db("flipped-byte").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let victim = saved[2].id;

    let mut bytes = raw_bytes(&db, victim).await.unwrap();
    // A byte inside the ciphertext, past every header field.
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    db.put_raw(
        CONTACT_NAMESPACE,
        victim,
        &Uint8Array::from(&bytes[..]).into(),
    )
    .await
    .unwrap();

    let healthy: Vec<Contact> = saved.iter().filter(|c| c.id != victim).cloned().collect();
    let expected = Damaged {
        key: format!("{CONTACT_NAMESPACE}:{victim}"),
        problem: Damage::Crypto(CryptoError::Tampered),
    };
    assert_only_damage(&db, &key, &healthy, expected).await;
    assert_eq!(raw_bytes(&db, victim).await, Some(bytes), "left untouched");
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn value_that_is_not_bytes_is_reported_as_not_an_envelope() {
    let (db, name) = fresh_db("not-bytes").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let victim = saved[0].id;

    db.put_raw(
        CONTACT_NAMESPACE,
        victim,
        &JsValue::from_str("张伟 in clear"),
    )
    .await
    .unwrap();

    let healthy = saved[1..].to_vec();
    let expected = Damaged {
        key: format!("{CONTACT_NAMESPACE}:{victim}"),
        problem: Damage::NotAnEnvelope("not a byte array".into()),
    };
    assert_only_damage(&db, &key, &healthy, expected).await;
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn truncated_envelope_is_reported_as_not_an_envelope() {
    let (db, name) = fresh_db("truncated").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let victim = saved[1].id;

    let bytes = raw_bytes(&db, victim).await.unwrap();
    db.put_raw(
        CONTACT_NAMESPACE,
        victim,
        &Uint8Array::from(&bytes[..100]).into(),
    )
    .await
    .unwrap();

    let loaded = load(&db, &key).await;
    assert_eq!(loaded.records.len(), 4);
    assert_eq!(loaded.damaged.len(), 1);
    assert_eq!(
        loaded.damaged[0].key,
        format!("{CONTACT_NAMESPACE}:{victim}")
    );
    assert!(
        matches!(&loaded.damaged[0].problem, Damage::NotAnEnvelope(why) if why.contains("truncated")),
        "{:?}",
        loaded.damaged[0].problem
    );
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn envelope_moved_to_another_id_is_reported_as_mismatch() {
    let (db, name) = fresh_db("moved").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let (source, target) = (saved[0].id, saved[3].id);

    // Someone with access to the disk copies one valid envelope over
    // another record's: it must not open as that record.
    let bytes = raw_bytes(&db, source).await.unwrap();
    db.put_raw(
        CONTACT_NAMESPACE,
        target,
        &Uint8Array::from(&bytes[..]).into(),
    )
    .await
    .unwrap();

    let healthy: Vec<Contact> = saved.iter().filter(|c| c.id != target).cloned().collect();
    let expected = Damaged {
        key: format!("{CONTACT_NAMESPACE}:{target}"),
        problem: Damage::Crypto(CryptoError::RecordMismatch),
    };
    assert_only_damage(&db, &key, &healthy, expected).await;
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn record_sealed_under_another_key_is_reported_as_wrong_key() {
    let (db, name) = fresh_db("wrong-key").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let stranger = contact(99);
    store_contacts(&db, &VaultKey::generate(), std::slice::from_ref(&stranger)).await;

    let expected = Damaged {
        key: format!("{CONTACT_NAMESPACE}:{}", stranger.id),
        problem: Damage::Crypto(CryptoError::WrongKey),
    };
    assert_only_damage(&db, &key, &saved, expected).await;
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn key_that_holds_no_record_id_is_reported_as_bad_key() {
    let (db, name) = fresh_db("bad-key").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    // A valid envelope under `contact:junk:<uuid>`: inside the contact
    // range, but what follows `contact:` is not an id.
    let bytes = raw_bytes(&db, saved[0].id).await.unwrap();
    let odd = Uuid::new_v4();
    let odd_namespace = format!("{CONTACT_NAMESPACE}:junk");
    db.put_raw(&odd_namespace, odd, &Uint8Array::from(&bytes[..]).into())
        .await
        .unwrap();

    let expected = Damaged {
        key: format!("{odd_namespace}:{odd}"),
        problem: Damage::BadKey,
    };
    assert_only_damage(&db, &key, &saved, expected).await;
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn sealed_content_that_is_no_record_is_reported_as_content() {
    let (db, name) = fresh_db("bad-content").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    // Authentic, but neither a stored document nor a bare contact.
    let odd = Uuid::new_v4();
    let meta = EnvelopeMeta {
        namespace: CONTACT_NAMESPACE.into(),
        record_id: odd,
        revision: 1,
    };
    let envelope = coffer_crypto::seal(&key, &meta, b"[1, 2, 3]").unwrap();
    db.put_record(CONTACT_NAMESPACE, odd, envelope.as_bytes())
        .await
        .unwrap();

    let loaded = load(&db, &key).await;
    assert_eq!(records_by_id(loaded.records), as_stored(&saved));
    assert_eq!(loaded.damaged.len(), 1);
    assert_eq!(loaded.damaged[0].key, format!("{CONTACT_NAMESPACE}:{odd}"));
    assert!(
        matches!(loaded.damaged[0].problem, Damage::Content(_)),
        "{:?}",
        loaded.damaged[0].problem
    );
    assert!(raw_bytes(&db, odd).await.is_some(), "kept");
    destroy(db, &name).await;
}

// ------------------------------------------------ the version before sync

#[wasm_bindgen_test]
async fn legacy_bare_contact_loads_as_the_same_contact_pending_upload() {
    let (db, name) = fresh_db("legacy").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;

    // What the version before sync stored: the bare contact JSON, sealed
    // under namespace "contact" at revision 1.
    let mut old = zhang_wei();
    old.id = Uuid::new_v4();
    old.updated_ms += 60_000;
    let meta = EnvelopeMeta {
        namespace: CONTACT_NAMESPACE.into(),
        record_id: old.id,
        revision: 1,
    };
    let envelope = coffer_crypto::seal(&key, &meta, &old.to_json()).unwrap();
    db.put_record(CONTACT_NAMESPACE, old.id, envelope.as_bytes())
        .await
        .unwrap();
    assert_eq!(COLLECTION, CONTACT_NAMESPACE);

    let db = reopen(db, &name).await;
    let loaded = load(&db, &key).await;
    assert!(loaded.damaged.is_empty(), "{:?}", loaded.damaged);
    let mut all = saved.clone();
    all.push(old.clone());
    assert_eq!(contacts(&loaded.records), by_id(&all));

    // The same contact, as a document this device wrote at its last update,
    // never uploaded: it waits in the outbox.
    let record = record_of(&loaded.records, old.id);
    assert_eq!(contact_from_doc(old.id, &record.doc), Some(old.clone()));
    assert_eq!(record, &synced(&old));
    assert_eq!(record.server, None);
    assert!(record.is_pending());
    assert!(record.doc.history().is_empty() && !record.doc.is_deleted());

    // Without the legacy reader the bare contact is not a stored document.
    let strict = vault::load_synced(&db, &key, CONTACT_NAMESPACE, |_, _| None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(strict.records.len(), saved.len());
    assert_eq!(strict.damaged.len(), 1);
    assert_eq!(
        strict.damaged[0].key,
        format!("{CONTACT_NAMESPACE}:{}", old.id)
    );
    assert!(matches!(strict.damaged[0].problem, Damage::Content(_)));

    // Stored back once (as the engine does on its next write), it is a
    // document like the others.
    store(&db, &key, &[(old.id, record.clone())]).await;
    let migrated = vault::load_synced(&db, &key, CONTACT_NAMESPACE, |_, _| None, |_, _| {})
        .await
        .unwrap();
    assert!(migrated.damaged.is_empty());
    assert_eq!(contacts(&migrated.records), by_id(&all));
    destroy(db, &name).await;
}

// ------------------------------------------------ delete, private, settings

#[wasm_bindgen_test]
async fn deleted_contact_is_gone_and_the_others_stay() {
    let (db, name) = fresh_db("delete").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let victim = saved[1].id;

    let loaded = load(&db, &key).await;
    let mut tombstone = record_of(&loaded.records, victim).clone();
    let deleted_at = stamp(saved[1].updated_ms + 1_000, 0);
    assert!(tombstone.doc.delete(deleted_at).changed);
    // Deleting what is not there leaves only a tombstone, which no one sees.
    let never = Uuid::new_v4();
    let mut nothing = StoredRecord::default();
    nothing.doc.delete(deleted_at);
    store(&db, &key, &[(victim, tombstone.clone()), (never, nothing)]).await;

    let db = reopen(db, &name).await;
    let loaded = load(&db, &key).await;
    assert!(loaded.damaged.is_empty());
    let mut rest = saved.clone();
    rest.remove(1);
    assert_eq!(contacts(&loaded.records), by_id(&rest));

    // The tombstone stays (the deletion must still reach the server) and
    // keeps the fields a concurrent edit elsewhere would merge with.
    let back = record_of(&loaded.records, victim);
    assert_eq!(back, &tombstone);
    assert!(back.doc.is_deleted());
    assert_eq!(back.doc.deleted(), Some(deleted_at));
    assert_eq!(contact_from_doc(victim, &back.doc), None);
    assert!(back.is_pending());
    assert_eq!(
        contact_from_doc(never, &record_of(&loaded.records, never).doc),
        None
    );
    for c in &rest {
        assert_eq!(record_of(&loaded.records, c.id), &synced(c));
    }
    destroy(db, &name).await;
}

/// A private value like the account session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Secret {
    account: String,
    token: String,
    seed: Vec<u8>,
}

#[wasm_bindgen_test]
async fn private_value_round_trips_and_another_keys_value_reads_as_none() {
    let (db, name) = fresh_db("private").await;
    let key = VaultKey::generate();
    let saved = seed(&db, &key).await;
    let ns = ACCOUNT_NAMESPACE;

    let nothing: Option<Secret> = vault::load_private(&db, &key, ns).await.unwrap();
    assert_eq!(nothing, None);

    let secret = Secret {
        account: "张伟-账户 🦀".into(),
        token: "session-token-0123456789abcdef".into(),
        seed: vec![7; 32],
    };
    vault::save_private(&db, &key, ns, &secret).await.unwrap();
    let db = reopen(db, &name).await;
    assert_eq!(
        vault::load_private::<Secret>(&db, &key, ns).await.unwrap(),
        Some(secret.clone())
    );

    // One sealed singleton, nothing in clear, and not among the contacts.
    let stored = db.load(ns).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].key, format!("{ns}:{}", Uuid::nil()));
    let bytes = stored[0].bytes.as_deref().unwrap();
    assert!(!contains(bytes, secret.token.as_bytes()));
    assert!(!contains(bytes, "张伟-账户".as_bytes()));
    let loaded = load(&db, &key).await;
    assert!(loaded.damaged.is_empty());
    assert_eq!(contacts(&loaded.records), by_id(&saved));

    // Saving again replaces the value.
    let newer = Secret {
        token: "session-token-fedcba9876543210".into(),
        ..secret.clone()
    };
    vault::save_private(&db, &key, ns, &newer).await.unwrap();
    assert_eq!(
        vault::load_private::<Secret>(&db, &key, ns).await.unwrap(),
        Some(newer.clone())
    );
    assert_eq!(db.load(ns).await.unwrap().len(), 1);

    // A value sealed under another key reads as absent, not as an error;
    // that key still opens it.
    let other = VaultKey::generate();
    vault::save_private(&db, &other, ns, &secret).await.unwrap();
    assert_eq!(
        vault::load_private::<Secret>(&db, &key, ns).await.unwrap(),
        None
    );
    assert_eq!(
        vault::load_private::<Secret>(&db, &other, ns)
            .await
            .unwrap(),
        Some(secret)
    );

    vault::delete_private(&db, ns).await.unwrap();
    assert_eq!(
        vault::load_private::<Secret>(&db, &other, ns)
            .await
            .unwrap(),
        None
    );
    assert!(db.load(ns).await.unwrap().is_empty());
    // Deleting what is not there is not an error.
    vault::delete_private(&db, ns).await.unwrap();
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn settings_round_trip_and_stay_out_of_the_contacts() {
    let (db, name) = fresh_db("settings").await;
    let key = VaultKey::generate();

    assert_eq!(
        vault::load_settings(&db, &key).await.unwrap(),
        (Settings::default(), None)
    );
    let mut settings = Settings::for_locale(Locale::ZhCn);
    settings.auto_lock_minutes = 30;
    assert_eq!(
        vault::save_settings(&db, &key, &settings, None)
            .await
            .unwrap(),
        1
    );
    let db = reopen(db, &name).await;
    assert_eq!(
        vault::load_settings(&db, &key).await.unwrap(),
        (settings.clone(), Some(1))
    );

    settings.name_order = NameOrder::GivenFirst;
    assert_eq!(
        vault::save_settings(&db, &key, &settings, Some(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        vault::load_settings(&db, &key).await.unwrap(),
        (settings, Some(2))
    );

    // The settings record is sealed too, and never listed as a contact.
    let stored = db.load(SETTINGS_NAMESPACE).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].key,
        format!("{SETTINGS_NAMESPACE}:{}", Uuid::nil())
    );
    assert!(!contains(stored[0].bytes.as_deref().unwrap(), b"zh-CN"));
    let contacts = load(&db, &key).await;
    assert!(contacts.records.is_empty() && contacts.damaged.is_empty());

    // The interface language lives in the meta store, in clear by design.
    assert_eq!(db.meta_text(MetaKey::Locale).await.unwrap(), None);
    db.put_meta_text(MetaKey::Locale, "zh-CN").await.unwrap();
    assert_eq!(
        db.meta_text(MetaKey::Locale).await.unwrap().as_deref(),
        Some("zh-CN")
    );
    destroy(db, &name).await;
}

// ----------------------------------------------------------------- unlock

#[wasm_bindgen_test]
async fn unlock_without_a_vault_is_no_vault() {
    let (db, name) = fresh_db("no-vault").await;
    let result = vault::unlock(&db, Credential::Passphrase(&passphrase(PASSPHRASE))).await;
    assert_eq!(result.unwrap_err(), VaultError::NoVault);
    assert!(!vault::has_vault(&db).await.unwrap());
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn passphrase_and_recovery_code_unlock_the_key_that_sealed_records() {
    let (db, name) = fresh_db("unlock").await;
    let (key, code) = vault::create(&db, &passphrase(PASSPHRASE)).await.unwrap();
    assert!(vault::has_vault(&db).await.unwrap());
    assert_eq!(
        vault::create(&db, &passphrase("another one"))
            .await
            .unwrap_err(),
        VaultError::VaultExists
    );
    let saved = seed(&db, &key).await;

    // The header holds neither secret in clear.
    let header = db.header().await.unwrap().expect("a header is stored");
    assert!(!contains(&header, PASSPHRASE.as_bytes()));
    assert!(!contains(&header, code.to_display().as_bytes()));

    let db = reopen(db, &name).await;
    let unlocked = vault::unlock(&db, Credential::Passphrase(&passphrase(PASSPHRASE)))
        .await
        .unwrap();
    assert_eq!(unlocked.key_id(), key.key_id());
    assert_eq!(contacts(&load(&db, &unlocked).await.records), by_id(&saved));

    // A code of another vault fails; this vault's code, as typed back, works.
    let other = RecoveryCode::generate();
    assert_eq!(
        vault::unlock(&db, Credential::Recovery(&other))
            .await
            .unwrap_err(),
        VaultError::Crypto(CryptoError::WrongRecoveryCode)
    );
    let typed = RecoveryCode::parse(&code.to_display().to_lowercase()).unwrap();
    let recovered = vault::unlock(&db, Credential::Recovery(&typed))
        .await
        .unwrap();
    assert_eq!(recovered.key_id(), key.key_id());
    assert_eq!(
        contacts(&load(&db, &recovered).await.records),
        by_id(&saved)
    );
    // Success clears the failure the wrong code left behind.
    assert_eq!(stored_throttle(&db).await, Some(UnlockThrottle::default()));
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn wrong_passphrase_is_reported_and_throttled_after_three_failures() {
    let (db, name) = fresh_db("throttle").await;
    let right = passphrase(PASSPHRASE);
    let (key, _code) = vault::create(&db, &right).await.unwrap();

    let wrong = passphrase("correct horse battery stapler");
    for attempt in 1..=UnlockThrottle::FREE_ATTEMPTS {
        let result = vault::unlock(&db, Credential::Passphrase(&wrong)).await;
        assert_eq!(
            result.unwrap_err(),
            VaultError::Crypto(CryptoError::WrongPassphrase),
            "attempt {attempt}"
        );
    }

    // Even the right passphrase must wait now, without Argon2 running.
    let wait = match vault::unlock(&db, Credential::Passphrase(&right)).await {
        Err(VaultError::Throttled(ms)) => ms,
        other => panic!("expected Throttled, got {other:?}"),
    };
    assert!(wait > 0 && wait <= 1_000, "wait {wait} ms");

    // The count is on disk: a reload does not reset it.
    let db = reopen(db, &name).await;
    let throttle = stored_throttle(&db).await.expect("throttle is stored");
    assert_eq!(throttle.failures, UnlockThrottle::FREE_ATTEMPTS);
    let wait = match vault::unlock(&db, Credential::Passphrase(&right)).await {
        Err(VaultError::Throttled(ms)) => ms,
        other => panic!("expected Throttled after reopening, got {other:?}"),
    };
    assert!(wait > 0 && wait <= 1_000, "wait {wait} ms");

    // Once the wait is over the right passphrase works and clears the count.
    gloo_timers::future::TimeoutFuture::new(wait as u32 + 50).await;
    let unlocked = vault::unlock(&db, Credential::Passphrase(&right))
        .await
        .unwrap();
    assert_eq!(unlocked.key_id(), key.key_id());
    assert_eq!(stored_throttle(&db).await, Some(UnlockThrottle::default()));
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn changed_passphrase_replaces_the_old_one_and_opens_the_same_records() {
    let (db, name) = fresh_db("change-passphrase").await;
    let old = passphrase(PASSPHRASE);
    let new = passphrase("新的密码 with a 🦀 in it");
    let (key, code) = vault::create(&db, &old).await.unwrap();
    let saved = seed(&db, &key).await;

    vault::change_passphrase(&db, &key, &new).await.unwrap();
    let db = reopen(db, &name).await;

    assert_eq!(
        vault::unlock(&db, Credential::Passphrase(&old))
            .await
            .unwrap_err(),
        VaultError::Crypto(CryptoError::WrongPassphrase)
    );
    let unlocked = vault::unlock(&db, Credential::Passphrase(&new))
        .await
        .unwrap();
    assert_eq!(unlocked.key_id(), key.key_id());
    assert_eq!(contacts(&load(&db, &unlocked).await.records), by_id(&saved));

    // The recovery code survives a passphrase change.
    let recovered = vault::unlock(&db, Credential::Recovery(&code))
        .await
        .unwrap();
    assert_eq!(recovered.key_id(), key.key_id());
    destroy(db, &name).await;
}

#[wasm_bindgen_test]
async fn header_edited_to_weaker_kdf_params_is_refused() {
    let (db, name) = fresh_db("weak-kdf").await;
    let right = passphrase(PASSPHRASE);
    let (_key, code) = vault::create(&db, &right).await.unwrap();

    // FORMAT.md: m_kib at bytes 6..10, t at 10..14, both big-endian u32.
    let mut header = db.header().await.unwrap().unwrap();
    assert_eq!(header.len(), 170);
    header[6..10].copy_from_slice(&19_456u32.to_be_bytes());
    header[10..14].copy_from_slice(&2u32.to_be_bytes());
    db.put_header(&header).await.unwrap();

    let refused = VaultError::Crypto(CryptoError::WeakKdfParams {
        found: KdfParams {
            m_kib: 19_456,
            t: 2,
            p: 1,
        },
        floor: KdfParams::FLOOR,
    });
    assert_eq!(
        vault::unlock(&db, Credential::Passphrase(&right))
            .await
            .unwrap_err(),
        refused
    );
    // The recovery path reads the same header and refuses it too.
    assert_eq!(
        vault::unlock(&db, Credential::Recovery(&code))
            .await
            .unwrap_err(),
        refused
    );
    // A refused header is not a failed guess.
    assert_eq!(stored_throttle(&db).await, None);
    destroy(db, &name).await;
}
