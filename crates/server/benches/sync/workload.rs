//! The workload the peers were measured on, as Coffer's clients would run
//! it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use coffer_account::{AccountName, ClientLogin, ClientRegistration, KeyBundle, wrap_bundle};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Barrier;

pub const BLOB_BYTES: usize = 600;
const PASSPHRASE: &str = "correct horse battery staple";
const COLLECTION: &str = "contacts";
/// What a pull asks for per page: the server's own maximum.
const PAGE: u32 = 1000;

#[derive(Clone, Copy)]
pub struct Sizes {
    pub sequential: usize,
    pub clients: usize,
    pub per_client: usize,
    pub bulk_records: usize,
    pub batch: usize,
    pub delta_rounds: usize,
}

impl Sizes {
    pub const FULL: Self = Self {
        sequential: 2000,
        clients: 8,
        per_client: 250,
        bulk_records: 10_000,
        batch: 100,
        delta_rounds: 200,
    };
    pub const QUICK: Self = Self {
        sequential: 500,
        clients: 8,
        per_client: 60,
        bulk_records: 2000,
        batch: 100,
        delta_rounds: 50,
    };
}

/// Requests' latencies and the wall time they took together.
pub struct Timed {
    count: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Timed {
    fn new(count: usize, wall: Duration, mut latencies: Vec<Duration>) -> Self {
        latencies.sort();
        Self {
            count,
            wall,
            latencies,
        }
    }

    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.wall.as_secs_f64()
    }

    pub fn percentile(&self, p: usize) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        self.latencies
            .get((self.latencies.len() * p / 100).min(last))
            .copied()
            .unwrap_or_default()
    }
}

pub struct Figures {
    pub sequential: Timed,
    pub concurrent: Timed,
    pub bulk: Timed,
    pub cold_pull: Duration,
    pub cold_pull_bytes: usize,
    pub cold_pull_pages: usize,
    pub delta: Timed,
    pub delta_bytes: usize,
}

/// One simulated device: its own keep-alive connection and session.
struct Device {
    http: reqwest::Client,
    base: String,
    token: String,
}

#[derive(Serialize)]
struct PushItem<'a> {
    record_id: String,
    parent_hash: Option<&'a str>,
    blob: String,
}

#[derive(Deserialize)]
struct Accepted {
    accepted: Vec<AcceptedItem>,
}

#[derive(Deserialize)]
struct AcceptedItem {
    seq: u64,
}

#[derive(Deserialize)]
struct Pulled {
    entries: Vec<Entry>,
    head: Option<Head>,
    more: bool,
}

#[derive(Deserialize)]
struct Entry {
    seq: u64,
    #[allow(dead_code)]
    record_id: String,
    #[allow(dead_code)]
    revision: u64,
    blob: String,
    #[allow(dead_code)]
    link: String,
}

#[derive(Deserialize)]
struct Head {
    seq: u64,
}

/// Random bytes without a dependency (SplitMix64): the server cannot tell
/// them from ciphertext, and each blob differs.
struct Random(u64);

impl Random {
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
        out
    }

    fn record(&mut self) -> PushItem<'static> {
        let id: [u8; 16] = self.bytes();
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        PushItem {
            record_id: hex,
            parent_hash: None,
            blob: BASE64.encode(self.bytes::<BLOB_BYTES>()),
        }
    }
}

impl Device {
    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A new device of `account`: a fresh HTTP client and an OPAQUE login.
    async fn log_in(base: &str, account: &str) -> Self {
        let mut device = Self {
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("HTTP client"),
            base: base.to_owned(),
            token: String::new(),
        };
        let name = AccountName::parse(account).expect("account name");
        let (login, request) = ClientLogin::start(&name, PASSPHRASE).expect("login start");
        let started = device
            .post(
                "/api/login/start",
                None,
                json!({ "account": account, "request": BASE64.encode(request) }),
            )
            .await;
        let response = BASE64
            .decode(started["response"].as_str().expect("response"))
            .expect("base64");
        let (finalization, _, _) = login.finish(&response, PASSPHRASE).expect("login finish");
        let finished = device
            .post(
                "/api/login/finish",
                None,
                json!({ "login_id": started["login_id"], "finalization": BASE64.encode(finalization) }),
            )
            .await;
        device.token = finished["token"].as_str().expect("token").to_owned();
        device
    }

    async fn push(&self, items: &[PushItem<'_>]) -> Vec<AcceptedItem> {
        let response = self
            .http
            .post(format!("{}/api/collections/{COLLECTION}/push", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "items": items }))
            .send()
            .await
            .expect("push");
        let status = response.status();
        let bytes = response.bytes().await.expect("push answer");
        assert!(
            status.is_success(),
            "push: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        let accepted: Accepted = serde_json::from_slice(&bytes).expect("push answer JSON");
        assert_eq!(accepted.accepted.len(), items.len());
        accepted.accepted
    }

    /// One page after `since`, parsed and its blobs decoded as a client
    /// would; with the body's size in bytes.
    async fn pull(&self, since: u64) -> (Pulled, usize) {
        let response = self
            .http
            .get(format!(
                "{}/api/collections/{COLLECTION}/pull?since={since}&limit={PAGE}",
                self.base
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("pull");
        assert!(
            response.status().is_success(),
            "pull: {}",
            response.status()
        );
        let bytes = response.bytes().await.expect("pull body");
        let page: Pulled = serde_json::from_slice(&bytes).expect("pull JSON");
        for entry in &page.entries {
            let blob = BASE64.decode(&entry.blob).expect("blob base64");
            assert_eq!(blob.len(), BLOB_BYTES);
        }
        (page, bytes.len())
    }

    /// Everything after `since`, page by page; the new cursor and bytes.
    async fn pull_all(&self, mut since: u64) -> (u64, usize, usize, usize) {
        let (mut entries, mut bytes, mut pages) = (0, 0, 0);
        loop {
            let (page, size) = self.pull(since).await;
            bytes += size;
            pages += 1;
            entries += page.entries.len();
            if let Some(last) = page.entries.last() {
                since = last.seq;
            }
            if !page.more {
                assert_eq!(page.head.map(|h| h.seq), Some(since));
                return (since, entries, bytes, pages);
            }
        }
    }
}

async fn sign_up(base: &str, account: &str) {
    let device = Device {
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("HTTP client"),
        base: base.to_owned(),
        token: String::new(),
    };
    let name = AccountName::parse(account).expect("account name");
    let (registration, request) =
        ClientRegistration::start(&name, PASSPHRASE).expect("registration start");
    let started = device
        .post(
            "/api/accounts/register/start",
            None,
            json!({ "account": account, "request": BASE64.encode(request) }),
        )
        .await;
    let response = BASE64
        .decode(started["response"].as_str().expect("response"))
        .expect("base64");
    let (upload, export_key) = registration
        .finish(&response, PASSPHRASE)
        .expect("registration finish");
    let wrapped = wrap_bundle(&export_key, &KeyBundle::generate().expect("bundle"), &name)
        .expect("wrap the bundle");
    device
        .post(
            "/api/accounts/register/finish",
            None,
            json!({ "account": account, "upload": BASE64.encode(upload), "wrapped_bundle": BASE64.encode(wrapped) }),
        )
        .await;
}

/// Single-record pushes, one after another, from one device.
async fn single_writes(device: &Device, random: &mut Random, count: usize) -> Timed {
    let records: Vec<_> = (0..count).map(|_| random.record()).collect();
    let mut latencies = Vec::with_capacity(count);
    let started = Instant::now();
    for record in &records {
        let sent = Instant::now();
        device.push(std::slice::from_ref(record)).await;
        latencies.push(sent.elapsed());
    }
    Timed::new(count, started.elapsed(), latencies)
}

pub async fn run(base: &str, sizes: Sizes) -> Figures {
    let mut random = Random(0x00c0_ffee);
    let accounts: Vec<String> = (0..=sizes.clients)
        .map(|i| format!("bench{i}@example.com"))
        .collect();
    for account in &accounts {
        sign_up(base, account).await;
    }

    // 1. Sequential single writes from one device, already connected.
    let writer = Device::log_in(base, &accounts[0]).await;
    writer.pull(0).await;
    let sequential = single_writes(&writer, &mut random, sizes.sequential).await;

    // 2. Concurrent clients: one account and device each, started together.
    let mut devices = Vec::new();
    for account in &accounts[1..] {
        devices.push(Device::log_in(base, account).await);
    }
    let barrier = Arc::new(Barrier::new(devices.len() + 1));
    let mut tasks = Vec::new();
    for (i, device) in devices.into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        let mut random = Random(i as u64 + 1);
        let per_client = sizes.per_client;
        tasks.push(tokio::spawn(async move {
            let records: Vec<_> = (0..per_client).map(|_| random.record()).collect();
            // Connected before the clock starts, as a device that is online.
            device.pull(0).await;
            barrier.wait().await;
            let mut latencies = Vec::with_capacity(per_client);
            for record in &records {
                let sent = Instant::now();
                device.push(std::slice::from_ref(record)).await;
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a client task"));
    }
    let concurrent = Timed::new(
        sizes.clients * sizes.per_client,
        started.elapsed(),
        latencies,
    );

    // 3. Bulk load into a fresh account, in batches.
    let bulk_account = "bulk@example.com";
    sign_up(base, bulk_account).await;
    let loader = Device::log_in(base, bulk_account).await;
    loader.pull(0).await;
    let batches: Vec<Vec<_>> = (0..sizes.bulk_records / sizes.batch)
        .map(|_| (0..sizes.batch).map(|_| random.record()).collect())
        .collect();
    let mut latencies = Vec::with_capacity(batches.len());
    let started = Instant::now();
    for batch in &batches {
        let sent = Instant::now();
        loader.push(batch).await;
        latencies.push(sent.elapsed());
    }
    let bulk = Timed::new(sizes.bulk_records, started.elapsed(), latencies);

    // 4. Cold pull: a new device (new connection) fetches everything.
    let reader = Device::log_in(base, bulk_account).await;
    let started = Instant::now();
    let (mut cursor, entries, cold_pull_bytes, cold_pull_pages) = reader.pull_all(0).await;
    let cold_pull = started.elapsed();
    assert_eq!(entries, sizes.bulk_records);

    // 5. Delta pull: the loader writes one record, the reader pulls it.
    let mut latencies = Vec::with_capacity(sizes.delta_rounds);
    let mut delta_bytes = 0;
    let started = Instant::now();
    for _ in 0..sizes.delta_rounds {
        let seq = loader.push(&[random.record()]).await[0].seq;
        let sent = Instant::now();
        let (page, bytes) = reader.pull(cursor).await;
        latencies.push(sent.elapsed());
        assert_eq!(page.entries.len(), 1);
        assert_eq!(page.entries[0].seq, seq);
        cursor = seq;
        delta_bytes = bytes;
    }
    let delta = Timed::new(sizes.delta_rounds, started.elapsed(), latencies);

    Figures {
        sequential,
        concurrent,
        bulk,
        cold_pull,
        cold_pull_bytes,
        cold_pull_pages,
        delta,
        delta_bytes,
    }
}
