//! The vault on this device: ties the IndexedDB store to the keys and
//! envelopes of `coffer-crypto` and the records of `coffer-core`.
//!
//! Plaintext exists only between `open` and the caller; what reaches the
//! store is always a sealed envelope.

use crate::store::{Db, MetaKey, StoreError, StoredRecord};
use coffer_core::record::SETTINGS_NAMESPACE;
use coffer_core::settings::Settings;
use coffer_core::unlock::UnlockThrottle;
use coffer_crypto::{
    CryptoError, Envelope, EnvelopeMeta, KdfParams, Passphrase, RecoveryCode, VaultHeader, VaultKey,
};
use coffer_sync::StoredRecord as SyncRecord;
use uuid::Uuid;

/// Decrypting yields to the browser after this many records so the progress
/// bar moves and the page stays responsive.
const DECRYPT_CHUNK: usize = 2_000;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("no vault exists on this device")]
    NoVault,
    #[error("a vault already exists on this device")]
    VaultExists,
    #[error("too many failed attempts; wait {0} ms")]
    Throttled(i64),
    #[error("the record could not be encoded: {0}")]
    Encoding(String),
}

/// A record that is stored but could not be read. It stays on disk
/// untouched; the user is told, and every other record still loads.
#[derive(Debug, Clone, PartialEq)]
pub struct Damaged {
    pub key: String,
    pub problem: Damage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Damage {
    /// The storage key does not hold a record id.
    BadKey,
    /// The stored value is not an envelope (not bytes, or not parseable).
    NotAnEnvelope(String),
    /// Authentication failed, the id or type does not match, or the key is
    /// not this vault's.
    Crypto(CryptoError),
    /// Decrypted, but the content is not a record of this type.
    Content(String),
}

pub struct Loaded<T> {
    pub records: Vec<T>,
    pub damaged: Vec<Damaged>,
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Gives the browser a turn (render, input) before continuing.
pub async fn yield_to_browser() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

pub async fn has_vault(db: &Db) -> Result<bool, VaultError> {
    Ok(db.header().await?.is_some())
}

/// Creates the vault: a random key wrapped by the passphrase (Argon2id) and by
/// a new recovery code, which the caller shows once.
pub async fn create(
    db: &Db,
    passphrase: &Passphrase,
) -> Result<(VaultKey, RecoveryCode), VaultError> {
    if has_vault(db).await? {
        return Err(VaultError::VaultExists);
    }
    let (header, key, code) = VaultHeader::create(passphrase, KdfParams::DEFAULT)?;
    db.put_header(&header.to_bytes()).await?;
    Ok((key, code))
}

pub async fn header(db: &Db) -> Result<VaultHeader, VaultError> {
    let bytes = db.header().await?.ok_or(VaultError::NoVault)?;
    Ok(VaultHeader::from_bytes(&bytes)?)
}

async fn throttle(db: &Db) -> Result<UnlockThrottle, VaultError> {
    Ok(db
        .meta_text(MetaKey::UnlockThrottle)
        .await?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

async fn save_throttle(db: &Db, throttle: &UnlockThrottle) -> Result<(), VaultError> {
    let text = serde_json::to_string(throttle).map_err(|e| VaultError::Encoding(e.to_string()))?;
    db.put_meta_text(MetaKey::UnlockThrottle, &text).await?;
    Ok(())
}

/// How to prove who you are at the lock screen.
pub enum Credential<'a> {
    Passphrase(&'a Passphrase),
    Recovery(&'a RecoveryCode),
}

/// Unlocks with the passphrase or the recovery code. Failures are counted on
/// this device; after a few, further tries must wait, longer each time.
pub async fn unlock(db: &Db, credential: Credential<'_>) -> Result<VaultKey, VaultError> {
    let mut limit = throttle(db).await?;
    if let Err(wait) = limit.check(now_ms()) {
        return Err(VaultError::Throttled(wait.0));
    }
    let header = header(db).await?;
    // Let the "Unlocking…" state paint before Argon2 holds the thread.
    yield_to_browser().await;
    let result = match credential {
        Credential::Passphrase(p) => header.unlock(p),
        Credential::Recovery(c) => header.unlock_with_recovery(c),
    };
    match result {
        Ok(key) => {
            if limit != UnlockThrottle::default() {
                limit.record_success();
                save_throttle(db, &limit).await?;
            }
            Ok(key)
        }
        Err(e @ (CryptoError::WrongPassphrase | CryptoError::WrongRecoveryCode)) => {
            limit.record_failure(now_ms());
            save_throttle(db, &limit).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Re-wraps the vault key under a new passphrase; no record is re-encrypted.
pub async fn change_passphrase(
    db: &Db,
    key: &VaultKey,
    new: &Passphrase,
) -> Result<(), VaultError> {
    let header = header(db).await?;
    let rewrapped = header.rewrap(key, new, KdfParams::DEFAULT)?;
    db.put_header(&rewrapped.to_bytes()).await?;
    Ok(())
}

/// What seals and opens a namespace's records on this device: the vault
/// key, or ([`PerRecord`]) each record's own key from the keyring.
pub trait RecordKeys {
    fn seal(&self, meta: &EnvelopeMeta, plaintext: &[u8]) -> Result<Envelope, CryptoError>;
    fn open(
        &self,
        envelope: &Envelope,
        namespace: &str,
        id: Uuid,
    ) -> Result<(coffer_crypto::Plaintext, u64), CryptoError>;
}

impl RecordKeys for VaultKey {
    fn seal(&self, meta: &EnvelopeMeta, plaintext: &[u8]) -> Result<Envelope, CryptoError> {
        coffer_crypto::seal(self, meta, plaintext)
    }
    fn open(
        &self,
        envelope: &Envelope,
        namespace: &str,
        id: Uuid,
    ) -> Result<(coffer_crypto::Plaintext, u64), CryptoError> {
        coffer_crypto::open(self, envelope, namespace, id)
    }
}

/// Records sealed under their own keys (contacts): envelopes from before a
/// record had its own key still open with the vault key.
pub struct PerRecord<'a> {
    pub vault: &'a VaultKey,
    pub keyring: &'a coffer_crypto::Keyring,
}

impl RecordKeys for PerRecord<'_> {
    fn seal(&self, meta: &EnvelopeMeta, plaintext: &[u8]) -> Result<Envelope, CryptoError> {
        self.keyring.seal(self.vault, meta, plaintext)
    }
    fn open(
        &self,
        envelope: &Envelope,
        namespace: &str,
        id: Uuid,
    ) -> Result<(coffer_crypto::Plaintext, u64), CryptoError> {
        if envelope.key_id() == self.vault.key_id() {
            coffer_crypto::open(self.vault, envelope, namespace, id)
        } else {
            self.keyring.open(self.vault, envelope, namespace, id)
        }
    }
}

fn open_record<T>(
    key: &impl RecordKeys,
    namespace: &str,
    stored: &StoredRecord,
    parse: impl Fn(&[u8]) -> Result<T, String>,
) -> Result<(T, u64), Damaged> {
    let damaged = |problem| Damaged {
        key: stored.key.clone(),
        problem,
    };
    let id = stored.id.ok_or_else(|| damaged(Damage::BadKey))?;
    let bytes = stored
        .bytes
        .clone()
        .ok_or_else(|| damaged(Damage::NotAnEnvelope("not a byte array".into())))?;
    let envelope =
        Envelope::from_bytes(bytes).map_err(|e| damaged(Damage::NotAnEnvelope(e.to_string())))?;
    let (plaintext, revision) = key
        .open(&envelope, namespace, id)
        .map_err(|e| damaged(Damage::Crypto(e)))?;
    let value = parse(plaintext.as_bytes()).map_err(|e| damaged(Damage::Content(e)))?;
    Ok((value, revision))
}

/// Loads and decrypts every record of a synced collection (each envelope
/// holds the record's mergeable document and its sync bookkeeping),
/// reporting progress as (done, total). `legacy` reads what an older version
/// stored (a bare record) into a document, or `None` if it cannot.
pub async fn load_synced(
    db: &Db,
    key: &impl RecordKeys,
    namespace: &str,
    legacy: impl Fn(Uuid, &[u8]) -> Option<SyncRecord>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Loaded<(Uuid, SyncRecord)>, VaultError> {
    let stored = db.load(namespace).await?;
    let total = stored.len();
    let mut loaded = Loaded {
        records: Vec::with_capacity(total),
        damaged: Vec::new(),
    };
    progress(0, total);
    for (chunk_index, chunk) in stored.chunks(DECRYPT_CHUNK).enumerate() {
        for record in chunk {
            let parsed = open_record(
                key,
                namespace,
                record,
                |bytes| match serde_json::from_slice::<SyncRecord>(bytes) {
                    Ok(r) => Ok(r),
                    Err(e) => record
                        .id
                        .and_then(|id| legacy(id, bytes))
                        .ok_or_else(|| e.to_string()),
                },
            );
            match parsed {
                Ok((r, _)) => loaded.records.push((record.id.unwrap_or_default(), r)),
                Err(d) => loaded.damaged.push(d),
            }
        }
        progress(
            (chunk_index * DECRYPT_CHUNK + chunk.len()).min(total),
            total,
        );
        yield_to_browser().await;
    }
    Ok(loaded)
}

/// Seals and stores records of a synced collection in one transaction (all
/// or nothing). The local envelope's revision is the document's newest
/// clock reading, so a later state never reuses an earlier one's number.
pub async fn store_synced(
    db: &Db,
    key: &impl RecordKeys,
    namespace: &str,
    records: &[(Uuid, &SyncRecord)],
) -> Result<(), VaultError> {
    let sealed = seal_synced(key, namespace, records)?;
    put_sealed(db, namespace, &sealed).await
}

/// Seals records of a synced collection (no I/O, so a borrowed keyring is
/// not held across an await). The local envelope's revision is the
/// document's newest clock reading, so a later state never reuses an
/// earlier one's number.
pub fn seal_synced(
    key: &impl RecordKeys,
    namespace: &str,
    records: &[(Uuid, &SyncRecord)],
) -> Result<Vec<(Uuid, Envelope)>, VaultError> {
    records
        .iter()
        .map(|(id, record)| {
            let json =
                serde_json::to_vec(record).map_err(|e| VaultError::Encoding(e.to_string()))?;
            let revision = record.doc.max_stamp().map_or(1, |s| s.wall_ms.max(1));
            Ok((*id, seal_json(key, namespace, *id, revision, &json)?))
        })
        .collect()
}

/// Stores sealed records in one transaction (all or nothing).
pub async fn put_sealed(
    db: &Db,
    namespace: &str,
    sealed: &[(Uuid, Envelope)],
) -> Result<(), VaultError> {
    db.put_records(namespace, sealed.iter().map(|(id, e)| (*id, e.as_bytes())))
        .await?;
    Ok(())
}

fn seal_json(
    key: &impl RecordKeys,
    namespace: &str,
    id: Uuid,
    revision: u64,
    json: &[u8],
) -> Result<Envelope, VaultError> {
    let meta = EnvelopeMeta {
        namespace: namespace.to_string(),
        record_id: id,
        revision,
    };
    Ok(key.seal(&meta, json)?)
}

/// Seals a small private value of this device (the account session) under
/// a fixed id of its namespace.
pub async fn save_private<T: serde::Serialize>(
    db: &Db,
    key: &VaultKey,
    namespace: &str,
    value: &T,
) -> Result<(), VaultError> {
    let json = serde_json::to_vec(value).map_err(|e| VaultError::Encoding(e.to_string()))?;
    let envelope = seal_json(key, namespace, SINGLETON_ID, 1, &json)?;
    db.put_record(namespace, SINGLETON_ID, envelope.as_bytes())
        .await?;
    Ok(())
}

/// Reads what [`save_private`] stored; a damaged value reads as absent.
pub async fn load_private<T: serde::de::DeserializeOwned>(
    db: &Db,
    key: &VaultKey,
    namespace: &str,
) -> Result<Option<T>, VaultError> {
    let stored = db.load(namespace).await?;
    Ok(stored
        .iter()
        .find(|r| r.id == Some(SINGLETON_ID))
        .and_then(|record| {
            open_record(key, namespace, record, |b| {
                serde_json::from_slice::<T>(b).map_err(|e| e.to_string())
            })
            .ok()
        })
        .map(|(value, _)| value))
}

pub async fn delete_private(db: &Db, namespace: &str) -> Result<(), VaultError> {
    Ok(db.delete_record(namespace, SINGLETON_ID).await?)
}

/// Records there is one of per vault (settings, the account session) have
/// a fixed, content-free id.
const SINGLETON_ID: Uuid = Uuid::nil();

pub async fn load_settings(db: &Db, key: &VaultKey) -> Result<(Settings, Option<u64>), VaultError> {
    let stored = db.load(SETTINGS_NAMESPACE).await?;
    let Some(record) = stored.iter().find(|r| r.id == Some(SINGLETON_ID)) else {
        return Ok((Settings::default(), None));
    };
    match open_record(key, SETTINGS_NAMESPACE, record, |b| {
        serde_json::from_slice::<Settings>(b).map_err(|e| e.to_string())
    }) {
        Ok((settings, revision)) => Ok((settings, Some(revision))),
        // Damaged settings fall back to defaults; the record is overwritten on next save.
        Err(_) => Ok((Settings::default(), None)),
    }
}

pub async fn save_settings(
    db: &Db,
    key: &VaultKey,
    settings: &Settings,
    previous: Option<u64>,
) -> Result<u64, VaultError> {
    let json = serde_json::to_vec(settings).map_err(|e| VaultError::Encoding(e.to_string()))?;
    let revision = previous.map_or(1, |r| r + 1);
    let envelope = seal_json(key, SETTINGS_NAMESPACE, SINGLETON_ID, revision, &json)?;
    db.put_record(SETTINGS_NAMESPACE, SINGLETON_ID, envelope.as_bytes())
        .await?;
    Ok(revision)
}
