//! The audit log, wired: this device's Ed25519 signing key (created on the
//! first unlock, kept sealed in the vault under its own private namespace,
//! never synced), the head of this device's chain, and [`record`], which
//! appends a signed entry and stores it as a synced record (so every device
//! sees every device's log). The rules — hashing, chaining, verification,
//! what a detail may hold — are `coffer_core::privacy::audit`'s.
//!
//! A detail is a machine code naming fields or counts, never a value: the
//! core refuses anything else (an entry is then written without detail).

use std::cell::RefCell;
use std::collections::BTreeMap;

use coffer_core::privacy::audit::{
    AUDIT_KEY_NAMESPACE, AUDIT_NAMESPACE, AuditAction, AuditDraft, AuditEntry, AuditRecord,
    ChainBreak, ChainHead, SignatureProblem, append, chains, check_detail, count_detail,
    entry_hash, fields_detail, verify_chain,
};
use coffer_crypto::{DeviceSigningKey, DeviceVerifyingKey};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroize;

use crate::state::AppState;
use crate::sync;
use crate::vault::{self, VaultError};

/// The sealed seed of this device's audit key.
#[derive(Serialize, Deserialize)]
struct KeySeed {
    seed: [u8; 32],
}

impl Drop for KeySeed {
    fn drop(&mut self) {
        self.seed.zeroize();
    }
}

/// What appends to this device's chain while the vault is unlocked.
struct Writer {
    device: Uuid,
    key: DeviceSigningKey,
    public: [u8; 32],
    head: Option<ChainHead>,
}

/// An entry asked for before the writer exists (a sign-in on a new device
/// happens before its vault opens): written first when it starts.
struct Pending {
    at_ms: i64,
    action: AuditAction,
    record_type: String,
    record_id: Option<Uuid>,
    detail: String,
}

thread_local! {
    static WRITER: RefCell<Option<Writer>> = const { RefCell::new(None) };
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// This device's audit id (its sync device id).
pub fn this_device() -> Option<Uuid> {
    WRITER.with(|w| w.borrow().as_ref().map(|w| w.device))
}

/// Loads (or creates, on the first unlock) this device's signing key,
/// finds the head of its chain among the synced records, and writes the
/// entries that were waiting, then an unlock entry.
pub async fn start(state: AppState) -> Result<(), VaultError> {
    let (Some(db), Some(key)) = (state.db(), state.key()) else {
        return Ok(());
    };
    let device = Uuid::from_bytes(sync::device_id(&db).await?.0);
    let seed = match vault::load_private::<KeySeed>(&db, &key, AUDIT_KEY_NAMESPACE).await? {
        Some(seed) => seed,
        None => {
            let mut seed = KeySeed { seed: [0; 32] };
            getrandom::getrandom(&mut seed.seed)
                .map_err(|e| VaultError::Encoding(format!("no randomness: {e}")))?;
            vault::save_private(&db, &key, AUDIT_KEY_NAMESPACE, &seed).await?;
            seed
        }
    };
    let signing = DeviceSigningKey::from_seed(&seed.seed);
    drop(seed);
    let public = signing.verifying_key().to_bytes();
    // Carry on after the last stored entry, even if the chain is damaged:
    // the viewer's Verify says where; refusing to log would hide more.
    let head = state.records.with_untracked(|set| {
        chains(set.all::<AuditRecord>())
            .remove(&device)
            .and_then(|c| c.entries.last().cloned())
            .map(|last| ChainHead {
                device_id: device,
                seq: last.seq,
                hash: entry_hash(&last),
            })
    });
    WRITER.with(|w| {
        *w.borrow_mut() = Some(Writer {
            device,
            key: signing,
            public,
            head,
        })
    });
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    for p in pending {
        write(state, p);
    }
    record(state, AuditAction::Login, "vault", None, "unlock");
    Ok(())
}

/// Drops the signing key (on lock).
pub fn forget() {
    WRITER.with(|w| w.borrow_mut().take());
}

/// Appends a signed entry to this device's chain and stores it (synced).
/// `detail` must be a code (`"field=notes"`), never a value.
pub fn record(
    state: AppState,
    action: AuditAction,
    record_type: &str,
    record_id: Option<Uuid>,
    detail: &str,
) {
    let detail = if check_detail(detail).is_ok() {
        detail.to_owned()
    } else {
        // Never the refused text itself: it might be a value.
        web_sys::console::warn_1(&"audit detail refused (not a code)".into());
        String::new()
    };
    let pending = Pending {
        at_ms: vault::now_ms(),
        action,
        record_type: record_type.to_owned(),
        record_id,
        detail,
    };
    if WRITER.with(|w| w.borrow().is_none()) {
        PENDING.with(|p| p.borrow_mut().push(pending));
        return;
    }
    write(state, pending);
}

fn write(state: AppState, p: Pending) {
    // Signed and chained right away (no await in between), so entries
    // recorded in quick succession get consecutive numbers.
    let record = WRITER.with(|w| {
        let mut w = w.borrow_mut();
        let w = w.as_mut()?;
        let draft = AuditDraft {
            at_ms: p.at_ms,
            actor: Uuid::nil(),
            action: p.action,
            record_type: p.record_type,
            record_id: p.record_id,
            detail: p.detail,
        };
        let signer = |m: &[u8]| w.key.sign(m);
        let (entry, head) = append(w.device, w.head.as_ref(), draft, &signer).ok()?;
        w.head = Some(head);
        Some(AuditRecord::new(entry, &w.public))
    });
    let (Some(record), Some(sync)) = (record, state.sync()) else {
        return;
    };
    spawn_local(async move {
        if sync.add_records(&[record]).await.is_err() {
            web_sys::console::warn_1(&"audit entry not stored".into());
        }
    });
}

/// After a record of another type was saved (called by `sync.rs`).
pub fn saved(state: AppState, namespace: &str, id: Uuid, created: bool, fields: &[String]) {
    if namespace == AUDIT_NAMESPACE {
        return;
    }
    let action = if created {
        AuditAction::Create
    } else {
        AuditAction::Edit
    };
    let detail = fields_detail(fields.iter().map(String::as_str));
    record(state, action, namespace, Some(id), &detail);
}

/// After many records were added at once (import).
pub fn added(state: AppState, namespace: &str, ids: &[Uuid]) {
    if namespace == AUDIT_NAMESPACE || ids.is_empty() {
        return;
    }
    let id = (ids.len() == 1).then(|| ids[0]);
    record(
        state,
        AuditAction::Create,
        namespace,
        id,
        &count_detail(ids.len()),
    );
}

/// After a record was deleted.
pub fn deleted(state: AppState, namespace: &str, id: Uuid) {
    if namespace != AUDIT_NAMESPACE {
        record(state, AuditAction::Delete, namespace, Some(id), "");
    }
}

/// The outcome of verifying one device's chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub device: Uuid,
    /// Entries stored for the device.
    pub entries: usize,
    pub result: Result<(), ChainBreak>,
}

/// Verifies every device's chain with the key that device published.
pub fn verify_all(records: Vec<AuditRecord>) -> Vec<Verdict> {
    chains(records)
        .into_iter()
        .map(|(device, chain)| {
            let key = chain
                .key
                .and_then(|k| DeviceVerifyingKey::from_bytes(&k).ok());
            let verifier = |_: Uuid, message: &[u8], signature: &[u8]| match &key {
                None => Err(SignatureProblem::UnknownDevice),
                Some(k) => k
                    .verify(message, signature)
                    .map_err(|_| SignatureProblem::Invalid),
            };
            let result = verify_chain(device, &chain.entries, &verifier, None).map(|_| ());
            Verdict {
                device,
                entries: chain.entries.len(),
                result,
            }
        })
        .collect()
}

/// Every stored entry, by device.
pub fn entries_by_device(state: &AppState) -> BTreeMap<Uuid, Vec<AuditEntry>> {
    state.records.with(|set| {
        chains(set.all::<AuditRecord>())
            .into_iter()
            .map(|(d, c)| (d, c.entries))
            .collect()
    })
}
