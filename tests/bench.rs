//! Browser benchmark: how long a vault of N contacts takes to write, unlock,
//! open (IndexedDB read + decrypt + JSON parse), index and search, and how
//! much memory it holds, in headless Chromium. It prints figures and asserts
//! none of them.
//!
//! Contacts are stored as the app stores them since sync: each one a
//! `StoredRecord` (a mergeable document of per-field values with clock
//! stamps) sealed under namespace "contact", built as the sync engine builds
//! a new contact, and read back into contacts with `contact_from_doc`.
//!
//! Built only with `--features bench`; `cargo xtask bench` runs it in release
//! with `-- --nocapture`. The sizes come from `COFFER_BENCH_SIZES` at compile
//! time (comma-separated, default "1000,10000").

#![cfg(target_arch = "wasm32")]

use coffer_app::store::Db;
use coffer_app::sync::{contact_fields, contact_from_doc, legacy_contact};
use coffer_app::vault::{self, Credential};
use coffer_core::record::CONTACT_NAMESPACE;
use coffer_core::{Address, Contact, ContactPointKind, Email, Phone, SearchIndex};
use coffer_crypto::Passphrase;
use coffer_sync::{DeviceId, Doc, Hlc, StoredRecord};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SIZES: &str = match option_env!("COFFER_BENCH_SIZES") {
    Some(sizes) => sizes,
    None => "1000,10000",
};
/// Contacts sealed and written per IndexedDB transaction.
const WRITE_BATCH: usize = 2_000;
const SEARCH_LIMIT: usize = 200;
const PASSPHRASE: &str = "bench passphrase 基准测试 horse";
/// The device the seeded contacts were written on.
const DEVICE: DeviceId = DeviceId([0xbe; 16]);

// ------------------------------------------------------------- generator

/// A 64-bit LCG (Knuth's MMIX constants): deterministic, dependency-free and
/// random enough to vary names and lengths.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 16
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// A v4-shaped UUID from generator bits.
    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        for chunk in bytes.chunks_mut(6) {
            let bits = self.next().to_le_bytes();
            chunk.copy_from_slice(&bits[..chunk.len()]);
        }
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

// Word lists, separated by spaces or, where values hold spaces, by `|`.
// Chinese names come with their pinyin (`张=zhang`) for email addresses.
const GIVEN: &str = "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth \
    William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy \
    Matthew Lisa Anthony Betty Mark Margaret Sophie Lukas Amélie Jörg Zoë Ana Mateo Olivia \
    Noah Emma Liam Chloé";
const FAMILY: &str = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez \
    Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee \
    Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Müller Schmidt Dubois \
    Rossi Novak";
const CN_FAMILY: &str = "张=zhang 王=wang 李=li 赵=zhao 刘=liu 陈=chen 杨=yang 黄=huang \
    周=zhou 吴=wu 徐=xu 孙=sun 马=ma 朱=zhu 胡=hu 郭=guo 何=he 林=lin 高=gao 欧阳=ouyang";
const CN_GIVEN: &str = "伟=wei 芳=fang 娜=na 敏=min 静=jing 丽=li 强=qiang 磊=lei 军=jun \
    洋=yang 勇=yong 艳=yan 杰=jie 娟=juan 涛=tao 明=ming 超=chao 秀英=xiuying 建国=jianguo \
    晓明=xiaoming 子涵=zihan 雨桐=yutong";
const COMPANIES: &str = "Acme Corp|Globex|Initech|Umbrella Trading|Stark Industries|\
    Wayne Enterprises|Hooli|Vandelay Industries|北京星辰科技有限公司|上海浦江贸易|深圳华南电子|\
    杭州云栖网络|广州南方物流|";
const TITLES: &str =
    "CEO|CTO|Sales Manager|Account Executive|Engineer|Buyer|产品经理|销售总监|采购|总经理|";
const TAGS: &str =
    "vip lead customer partner supplier prospect 客户 重要 2024 conference newsletter";
const DOMAINS: &str = "example.com mail.example.org corp.example.net example.cn qq.example.com \
    163.example.com";
const CITIES: &str = "London=UK|Berlin=Germany|Paris=France|New York=USA|北京=中国|上海=中国|\
    深圳=中国|杭州=中国";
const WORDS: &str = "met at the trade fair follow up about pricing renewal contract in Q3 \
    prefers email call after lunch budget approved demo scheduled 🚀 launch 会议 下周 报价 \
    已发送 合同 续签 喜欢喝茶 需要 跟进 样品";

/// The word lists, split once.
struct Vocabulary {
    given: Vec<&'static str>,
    family: Vec<&'static str>,
    cn_family: Vec<(&'static str, &'static str)>,
    cn_given: Vec<(&'static str, &'static str)>,
    companies: Vec<&'static str>,
    titles: Vec<&'static str>,
    tags: Vec<&'static str>,
    domains: Vec<&'static str>,
    cities: Vec<(&'static str, &'static str)>,
    words: Vec<&'static str>,
}

fn pairs(list: &'static str, sep: char) -> Vec<(&'static str, &'static str)> {
    list.split(sep)
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| pair.trim().split_once('=').expect("a `a=b` pair"))
        .collect()
}

impl Vocabulary {
    fn new() -> Self {
        let words = |list: &'static str| list.split_whitespace().collect();
        let items = |list: &'static str| list.split('|').collect();
        Vocabulary {
            given: words(GIVEN),
            family: words(FAMILY),
            cn_family: pairs(CN_FAMILY, ' '),
            cn_given: pairs(CN_GIVEN, ' '),
            companies: items(COMPANIES),
            titles: items(TITLES),
            tags: words(TAGS),
            domains: words(DOMAINS),
            cities: pairs(CITIES, '|'),
            words: words(WORDS),
        }
    }
}

fn notes(rng: &mut Lcg, v: &Vocabulary) -> String {
    let words = match rng.below(100) {
        0..40 => 0,
        40..80 => 3 + rng.below(20),
        80..95 => 30 + rng.below(70),
        _ => 150 + rng.below(350),
    };
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(&v.words));
    }
    out
}

/// Contact number `n`: about 60% Latin and 40% Chinese names, 1-2 emails,
/// 1-2 phones, most with a company, some with an address, tags and notes
/// from empty to a few kilobytes.
fn contact(rng: &mut Lcg, v: &Vocabulary, n: usize) -> Contact {
    let mut c = Contact::new(rng.uuid(), 1_600_000_000_000 + n as i64 * 1_000);
    let domain = rng.pick(&v.domains);
    let local;
    if rng.below(10) < 6 {
        c.given_name = rng.pick(&v.given).into();
        c.family_name = rng.pick(&v.family).into();
        local = format!(
            "{}.{}{}",
            c.given_name.to_lowercase(),
            c.family_name.to_lowercase(),
            n
        );
        c.phones.push(Phone {
            kind: ContactPointKind::Work,
            number: format!("+1 555 {} {}", rng.digits(3), rng.digits(4)),
        });
    } else {
        let (family, family_py) = rng.pick(&v.cn_family);
        let (given, given_py) = rng.pick(&v.cn_given);
        if rng.below(2) == 0 {
            c.full_name = format!("{family}{given}");
        } else {
            c.family_name = family.into();
            c.given_name = given.into();
        }
        local = format!("{family_py}.{given_py}{n}");
        let number = format!(
            "+86 13{} {} {}",
            rng.below(10),
            rng.digits(4),
            rng.digits(4)
        );
        c.phones.push(Phone {
            kind: ContactPointKind::Mobile,
            number,
        });
    }
    c.emails.push(Email {
        kind: ContactPointKind::Work,
        address: format!("{local}@{domain}"),
    });
    if rng.below(4) == 0 {
        c.emails.push(Email {
            kind: ContactPointKind::Home,
            address: format!("{local}@gmail.example.com"),
        });
        c.phones.push(Phone {
            kind: ContactPointKind::Home,
            number: format!("0{} {}", rng.digits(3), rng.digits(7)),
        });
    }
    c.company = rng.pick(&v.companies).into();
    c.job_title = rng.pick(&v.titles).into();
    if rng.below(3) == 0 {
        let (city, country) = rng.pick(&v.cities);
        c.address = Address {
            street: format!("{} Market Street", 1 + rng.below(300)),
            city: city.into(),
            postcode: rng.digits(5),
            country: country.into(),
            ..Address::default()
        };
    }
    for _ in 0..rng.below(4) {
        let tag = rng.pick(&v.tags).to_string();
        if !c.tags.contains(&tag) {
            c.tags.push(tag);
        }
    }
    c.notes = notes(rng, v);
    c
}

/// Hand-picked queries: name prefixes, single Chinese characters, email and
/// phone fragments, two terms, and misses (the last five).
const QUERIES: &str = "j|ma|mar|jenn|rob|smi|garc|mül|amélie|zoe|lee|张|王|李|陈|欧阳|伟|秀英|\
    张伟|王芳|zhang|wang.f|li.na|@example.cn|gmail|corp.example|.smith|555|138|0013|555 12|\
    +86 139|acme|星辰|北京|vip|客户|engineer|销售|launch|合同 续签|smith acme|张 北京|li vip|\
    mary london|zzzqq|不存在的名字|xylophone|qwerty123|@nowhere.invalid";

/// 200 queries: the hand-picked ones, then generated ones of the same kinds.
fn queries(v: &Vocabulary) -> Vec<String> {
    let mut out: Vec<String> = QUERIES.split('|').map(str::to_string).collect();
    let mut rng = Lcg(0x5eed_cafe);
    while out.len() < 200 {
        let q = match rng.below(6) {
            0 => rng.pick(&v.given).chars().take(2).collect::<String>(),
            1 => rng.pick(&v.family).to_string(),
            2 => rng.pick(&v.cn_family).0.to_string(),
            3 => format!("{}{}", rng.below(10), rng.digits(3)),
            4 => format!("{} {}", rng.pick(&v.given), rng.pick(&v.companies)),
            _ => format!("{}.{}", rng.pick(&v.cn_family).1, rng.pick(&v.cn_given).1),
        };
        out.push(q.to_lowercase());
    }
    out
}

/// A new contact as the sync engine stores it: every field written at one
/// stamp (its last update), not yet uploaded.
fn synced(contact: &Contact) -> StoredRecord {
    let stamp = Hlc {
        wall_ms: u64::try_from(contact.updated_ms).unwrap_or(0),
        counter: 0,
        device: DEVICE,
    };
    let mut doc = Doc::new();
    for (field, value) in contact_fields(contact) {
        doc.set(&field, value, stamp);
    }
    StoredRecord {
        doc,
        server: None,
        chain_revision: 0,
    }
}

// -------------------------------------------------------------- measuring

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// `performance.memory.usedJSHeapSize` (Chromium only), in MiB.
fn js_heap_mib() -> Option<f64> {
    let performance = web_sys::window()?.performance()?;
    let memory = js_sys::Reflect::get(&performance, &"memory".into()).ok()?;
    let used = js_sys::Reflect::get(&memory, &"usedJSHeapSize".into()).ok()?;
    Some(used.as_f64()? / 1_048_576.0)
}

/// The wasm linear memory, in MiB (it only grows).
fn wasm_memory_mib() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length()) / 1_048_576.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn per_second(count: usize, ms: f64) -> f64 {
    count as f64 / (ms / 1000.0)
}

fn sizes() -> Vec<usize> {
    SIZES
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect()
}

async fn bench_one(n: usize) {
    let name = format!("coffer-bench-{n}-{}", Uuid::new_v4());
    let passphrase = Passphrase::new(PASSPHRASE.into());

    // Write: create the vault, then seal and store in batches.
    let db = Db::open(&name).await.expect("open the bench database");
    let (key, _code) = vault::create(&db, &passphrase).await.expect("create");
    let vocabulary = Vocabulary::new();
    let mut rng = Lcg(0xc0ff_ee00 ^ n as u64);
    let (mut generate_ms, mut doc_ms, mut write_ms) = (0.0, 0.0, 0.0);
    let mut written = 0;
    while written < n {
        let started = now();
        let batch: Vec<Contact> = (written..(written + WRITE_BATCH).min(n))
            .map(|i| contact(&mut rng, &vocabulary, i))
            .collect();
        generate_ms += now() - started;
        let started = now();
        let records: Vec<(Uuid, StoredRecord)> = batch.iter().map(|c| (c.id, synced(c))).collect();
        doc_ms += now() - started;
        let started = now();
        let refs: Vec<(Uuid, &StoredRecord)> = records.iter().map(|(id, r)| (*id, r)).collect();
        vault::store_synced(&db, &key, CONTACT_NAMESPACE, &refs)
            .await
            .expect("write a batch");
        write_ms += now() - started;
        written += batch.len();
    }
    drop(key);
    db.close();
    console_log!(
        "bench: contacts={n} write (seal + IndexedDB, batches of {WRITE_BATCH})={write_ms:.0} ms ({:.0} records/s); generating them {generate_ms:.0} ms, building their documents {doc_ms:.0} ms",
        per_second(n, write_ms)
    );

    // Open: the database, the vault (Argon2id), the records, the index.
    let started = now();
    let db = Db::open(&name).await.expect("reopen");
    let open_db_ms = now() - started;

    let started = now();
    let key = vault::unlock(&db, Credential::Passphrase(&passphrase))
        .await
        .expect("unlock");
    let unlock_ms = now() - started;

    let started = now();
    let loaded = vault::load_synced(
        &db,
        &key,
        CONTACT_NAMESPACE,
        legacy_contact(DEVICE),
        |_, _| {},
    )
    .await
    .expect("load contacts");
    let load_ms = now() - started;
    assert_eq!(loaded.records.len(), n, "every contact loads");
    assert!(loaded.damaged.is_empty());

    // What the app shows: the contact each document holds.
    let started = now();
    let contacts: Vec<Contact> = loaded
        .records
        .iter()
        .filter_map(|(id, r)| contact_from_doc(*id, &r.doc))
        .collect();
    let to_contacts_ms = now() - started;
    assert_eq!(contacts.len(), n, "every document holds a contact");

    let started = now();
    let mut index = SearchIndex::with_capacity(n);
    for contact in &contacts {
        index.upsert(contact);
    }
    let index_ms = now() - started;
    let list_ms = load_ms + to_contacts_ms + index_ms;
    console_log!(
        "bench: contacts={n} db-open={open_db_ms:.1} ms unlock={unlock_ms:.0} ms (Argon2id 64 MiB t=3 included)"
    );
    console_log!(
        "bench: contacts={n} open+decrypt={load_ms:.0} ms ({:.0} records/s) to-contacts={to_contacts_ms:.0} ms index={index_ms:.0} ms open+list total={list_ms:.0} ms ({:.0} records/s); with unlock {:.0} ms",
        per_second(n, load_ms),
        per_second(n, list_ms),
        list_ms + unlock_ms + open_db_ms
    );

    // Search.
    let queries = queries(&vocabulary);
    let mut times = Vec::with_capacity(queries.len());
    let mut matched = 0usize;
    let mut misses = 0usize;
    for q in &queries {
        let started = now();
        let result = index.search(q, SEARCH_LIMIT);
        times.push(now() - started);
        matched += result.total;
        misses += usize::from(result.total == 0);
    }
    times.sort_by(f64::total_cmp);
    let (p50, p95) = (percentile(&times, 0.50), percentile(&times, 0.95));
    console_log!(
        "bench: contacts={n} search p50={p50:.2} ms p95={p95:.2} ms max={:.2} ms over {} queries (limit {SEARCH_LIMIT}; mean {:.0} matches, {misses} with none)",
        times[times.len() - 1],
        queries.len(),
        matched as f64 / queries.len() as f64
    );

    // Memory while the records and the index are alive.
    let heap = js_heap_mib().map_or_else(|| "n/a".to_string(), |m| format!("{m:.1} MiB"));
    console_log!(
        "bench: contacts={n} js-heap={heap} wasm-memory={:.1} MiB (high-water mark, never shrinks)",
        wasm_memory_mib()
    );

    // For scale: the raw IndexedDB read alone (the records are cached by now).
    let started = now();
    let stored = db.load(CONTACT_NAMESPACE).await.expect("raw read");
    let read_ms = now() - started;
    let bytes: usize = stored
        .iter()
        .map(|r| r.bytes.as_ref().map_or(0, Vec::len))
        .sum();
    console_log!(
        "bench: contacts={n} idb-read-only={read_ms:.0} ms envelopes={:.1} MiB (mean {} bytes)",
        bytes as f64 / 1_048_576.0,
        bytes / n.max(1)
    );

    console_log!(
        "bench: contacts={n} open+decrypt={load_ms:.0} ms ({:.0} records/s) index={index_ms:.0} ms search p50={p50:.2} ms p95={p95:.2} ms unlock={unlock_ms:.0} ms write={write_ms:.0} ms",
        per_second(n, load_ms)
    );

    drop((stored, loaded, contacts, index, key));
    db.close();
    Db::destroy(&name).await.expect("delete the bench database");
}

#[wasm_bindgen_test]
async fn bench() {
    let sizes = sizes();
    console_log!("bench: sizes {sizes:?} (COFFER_BENCH_SIZES at compile time: {SIZES})");
    for n in sizes {
        bench_one(n).await;
    }
}
