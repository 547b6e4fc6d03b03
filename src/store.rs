//! IndexedDB adapter (through rexie): the only place the app touches the
//! browser's storage.
//!
//! Two object stores:
//! - `meta`: the vault header (bytes), the unlock throttle, the interface
//!   language, this device's random id and each collection's sync
//!   position (sequence numbers and hashes). Nothing in it names or
//!   describes a customer.
//! - `records`: one sealed envelope per record under the key
//!   `"<namespace>:<record id>"`, so one namespace loads with one key range.
//!   Record ids are random UUIDs, never derived from content.
//!
//! This module never sees plaintext: it takes and returns envelope bytes.

use js_sys::Uint8Array;
use rexie::{KeyRange, ObjectStore, Rexie, TransactionMode};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

pub const DEFAULT_DB_NAME: &str = "coffer";
const DB_VERSION: u32 = 1;
const META: &str = "meta";
const RECORDS: &str = "records";
const HEADER_KEY: &str = "vault_header";
const THROTTLE_KEY: &str = "unlock_throttle";
const LOCALE_KEY: &str = "ui_locale";
const DEVICE_KEY: &str = "device_id";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("this browser does not allow storing data here (private mode or storage disabled)")]
    Unavailable(String),
    #[error("the browser's storage is full; the change was not saved")]
    QuotaExceeded,
    #[error("the browser refused to save the change: {0}")]
    WriteFailed(String),
    #[error("reading from the browser's storage failed: {0}")]
    ReadFailed(String),
}

impl StoreError {
    fn write(err: impl std::fmt::Display) -> Self {
        let text = err.to_string();
        if text.contains("QuotaExceeded") || text.contains("quota") {
            StoreError::QuotaExceeded
        } else {
            StoreError::WriteFailed(text)
        }
    }
    fn read(err: impl std::fmt::Display) -> Self {
        StoreError::ReadFailed(err.to_string())
    }
}

/// One stored record as found on disk: its id parsed from the key, and its
/// bytes if the value was a byte array at all. Anything else is reported, not
/// dropped, so a damaged record never hides the healthy ones.
#[derive(Debug)]
pub struct StoredRecord {
    pub key: String,
    pub id: Option<Uuid>,
    pub bytes: Option<Vec<u8>>,
}

pub struct Db {
    rexie: Rexie,
}

fn record_key(namespace: &str, id: Uuid) -> String {
    format!("{namespace}:{id}")
}

fn bytes_value(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

fn value_bytes(value: &JsValue) -> Option<Vec<u8>> {
    value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

impl Db {
    pub async fn open(name: &str) -> Result<Db, StoreError> {
        let rexie = Rexie::builder(name)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(META))
            .add_object_store(ObjectStore::new(RECORDS))
            .build()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Db { rexie })
    }

    fn writing(&self, name: &str) -> Result<(rexie::Transaction, rexie::Store), StoreError> {
        let tx = self
            .rexie
            .transaction(&[name], TransactionMode::ReadWrite)
            .map_err(StoreError::write)?;
        let store = tx.store(name).map_err(StoreError::write)?;
        Ok((tx, store))
    }

    fn reading(&self, name: &str) -> Result<(rexie::Transaction, rexie::Store), StoreError> {
        let tx = self
            .rexie
            .transaction(&[name], TransactionMode::ReadOnly)
            .map_err(StoreError::read)?;
        let store = tx.store(name).map_err(StoreError::read)?;
        Ok((tx, store))
    }

    pub fn close(self) {
        self.rexie.close();
    }

    /// Deletes the whole database (used by tests and "erase this device").
    pub async fn destroy(name: &str) -> Result<(), StoreError> {
        Rexie::delete(name).await.map_err(StoreError::write)
    }

    async fn meta_get(&self, key: &str) -> Result<Option<JsValue>, StoreError> {
        let (tx, store) = self.reading(META)?;
        let value = store.get(key.into()).await.map_err(StoreError::read)?;
        tx.done().await.map_err(StoreError::read)?;
        Ok(value.filter(|v| !v.is_undefined()))
    }

    async fn meta_put(&self, key: &str, value: &JsValue) -> Result<(), StoreError> {
        let (tx, store) = self.writing(META)?;
        store
            .put(value, Some(&key.into()))
            .await
            .map_err(StoreError::write)?;
        finish(tx).await
    }

    pub async fn header(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .meta_get(HEADER_KEY)
            .await?
            .as_ref()
            .and_then(value_bytes))
    }

    pub async fn put_header(&self, header: &[u8]) -> Result<(), StoreError> {
        self.meta_put(HEADER_KEY, &bytes_value(header)).await
    }

    /// Small strings that hold no customer data (see [`MetaKey`]).
    pub async fn meta_text(&self, key: MetaKey) -> Result<Option<String>, StoreError> {
        Ok(self
            .meta_get(&key.as_str())
            .await?
            .and_then(|v| v.as_string()))
    }

    pub async fn put_meta_text(&self, key: MetaKey, text: &str) -> Result<(), StoreError> {
        self.meta_put(&key.as_str(), &JsValue::from_str(text)).await
    }

    pub async fn put_record(
        &self,
        namespace: &str,
        id: Uuid,
        envelope: &[u8],
    ) -> Result<(), StoreError> {
        self.put_records(namespace, std::iter::once((id, envelope)))
            .await
    }

    /// Writes many envelopes in one transaction: all or nothing.
    pub async fn put_records<'a>(
        &self,
        namespace: &str,
        records: impl Iterator<Item = (Uuid, &'a [u8])>,
    ) -> Result<(), StoreError> {
        let (tx, store) = self.writing(RECORDS)?;
        let pairs = records.map(|(id, bytes)| {
            (
                bytes_value(bytes),
                Some(JsValue::from_str(&record_key(namespace, id))),
            )
        });
        store.put_all(pairs).await.map_err(StoreError::write)?;
        finish(tx).await
    }

    pub async fn delete_record(&self, namespace: &str, id: Uuid) -> Result<(), StoreError> {
        let (tx, store) = self.writing(RECORDS)?;
        store
            .delete(JsValue::from_str(&record_key(namespace, id)))
            .await
            .map_err(StoreError::write)?;
        finish(tx).await
    }

    /// Every record of one namespace, read with two bulk requests in one
    /// transaction (keys and values come back in the same key order).
    pub async fn load(&self, namespace: &str) -> Result<Vec<StoredRecord>, StoreError> {
        let lower = format!("{namespace}:");
        let upper = format!("{namespace}:\u{10FFFF}");
        let range = KeyRange::bound(
            &lower.as_str().into(),
            &upper.as_str().into(),
            Some(false),
            Some(false),
        )
        .map_err(StoreError::read)?;
        let (tx, store) = self.reading(RECORDS)?;
        let keys = store
            .get_all_keys(Some(range.clone()), None)
            .await
            .map_err(StoreError::read)?;
        let values = store
            .get_all(Some(range), None)
            .await
            .map_err(StoreError::read)?;
        tx.done().await.map_err(StoreError::read)?;
        if keys.len() != values.len() {
            return Err(StoreError::ReadFailed(
                "the record list changed while it was read".into(),
            ));
        }
        Ok(keys
            .iter()
            .zip(values.iter())
            .map(|(key, value)| {
                let key = key.as_string().unwrap_or_default();
                let id = key
                    .strip_prefix(&lower)
                    .and_then(|s| Uuid::parse_str(s).ok());
                StoredRecord {
                    key,
                    id,
                    bytes: value_bytes(value),
                }
            })
            .collect())
    }

    /// Raw write of any value under a record key; tests use it to corrupt data.
    #[doc(hidden)]
    pub async fn put_raw(
        &self,
        namespace: &str,
        id: Uuid,
        value: &JsValue,
    ) -> Result<(), StoreError> {
        let (tx, store) = self.writing(RECORDS)?;
        store
            .put(value, Some(&JsValue::from_str(&record_key(namespace, id))))
            .await
            .map_err(StoreError::write)?;
        finish(tx).await
    }
}

async fn finish(tx: rexie::Transaction) -> Result<(), StoreError> {
    let result = tx.done().await.map_err(StoreError::write)?;
    if result.is_committed() {
        Ok(())
    } else {
        // An aborted write transaction is almost always a full quota.
        Err(StoreError::QuotaExceeded)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum MetaKey {
    UnlockThrottle,
    Locale,
    /// This device's random id (hex), stamped into every edit it makes.
    DeviceId,
    /// A collection's verified chain position (hashes, counters), under
    /// `sync_state_<namespace>`.
    SyncState(&'static str),
}

impl MetaKey {
    fn as_str(self) -> std::borrow::Cow<'static, str> {
        match self {
            MetaKey::UnlockThrottle => THROTTLE_KEY.into(),
            MetaKey::Locale => LOCALE_KEY.into(),
            MetaKey::DeviceId => DEVICE_KEY.into(),
            MetaKey::SyncState(namespace) => format!("sync_state_{namespace}").into(),
        }
    }
}
