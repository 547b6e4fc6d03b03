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
    AUDIT_HEADS_NAMESPACE, AUDIT_KEY_NAMESPACE, AUDIT_NAMESPACE, AuditAction, AuditDraft,
    AuditEntry, AuditRecord, ChainBreak, ChainHead, SignatureProblem, TrustedHeads, append, chains,
    check_detail, count_detail, entry_hash, fields_detail,
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
    /// The heads this device wrote or verified (sealed in the vault under
    /// `AUDIT_HEADS_NAMESPACE`, never synced): they catch entries removed
    /// from the end of a chain.
    static TRUSTED: RefCell<TrustedHeads> = RefCell::new(TrustedHeads::default());
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
    let trusted = vault::load_private::<TrustedHeads>(&db, &key, AUDIT_HEADS_NAMESPACE)
        .await?
        .unwrap_or_default();
    TRUSTED.with(|t| *t.borrow_mut() = trusted);
    let public = signing.verifying_key().to_bytes();
    // Carry on after the last stored entry, even if the chain is damaged:
    // the viewer's Verify says where; refusing to log would hide more. If
    // entries were cut off the end, carry on after the last one written
    // instead, so the cut stays a gap that Verify names.
    let stored = state.records.with_untracked(|set| {
        chains(set.all::<AuditRecord>())
            .remove(&device)
            .and_then(|c| c.entries.last().cloned())
            .map(|last| ChainHead {
                device_id: device,
                seq: last.seq,
                hash: entry_hash(&last),
            })
    });
    let head = TRUSTED.with(|t| t.borrow().continue_from(device, stored));
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

/// Drops the signing key and the trusted heads (on lock).
pub fn forget() {
    WRITER.with(|w| w.borrow_mut().take());
    TRUSTED.with(|t| *t.borrow_mut() = TrustedHeads::default());
}

/// Seals the trusted heads as they are now. Called with no await between a
/// change and here, so the last write to start holds the newest heads.
fn save_trusted(state: AppState) {
    let (Some(db), Some(key)) = (state.db(), state.key()) else {
        return;
    };
    let trusted = TRUSTED.with(|t| t.borrow().clone());
    spawn_local(async move {
        if vault::save_private(&db, &key, AUDIT_HEADS_NAMESPACE, &trusted)
            .await
            .is_err()
        {
            web_sys::console::warn_1(&"audit chain head not stored".into());
        }
    });
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
        let prev = w.head.replace(head);
        Some((AuditRecord::new(entry, &w.public), prev, head))
    });
    let (Some((record, prev, head)), Some(sync)) = (record, state.sync()) else {
        return;
    };
    spawn_local(async move {
        if sync.add_records(&[record]).await.is_err() {
            web_sys::console::warn_1(&"audit entry not stored".into());
            return;
        }
        if TRUSTED.with(|t| t.borrow_mut().written(prev.as_ref(), head)) {
            save_trusted(state);
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

/// Verifies every device's chain with the key that device published, and
/// against the head this device trusts for it (so entries removed from the
/// end, or a chain removed whole, are found); trusts the heads that verify.
pub fn verify_all(state: AppState, records: Vec<AuditRecord>) -> Vec<Verdict> {
    let chains = chains(records);
    let keys: BTreeMap<Uuid, DeviceVerifyingKey> = chains
        .iter()
        .filter_map(|(device, chain)| {
            let key = DeviceVerifyingKey::from_bytes(&chain.key?).ok()?;
            Some((*device, key))
        })
        .collect();
    let verifier = |device: Uuid, message: &[u8], signature: &[u8]| match keys.get(&device) {
        None => Err(SignatureProblem::UnknownDevice),
        Some(k) => k
            .verify(message, signature)
            .map_err(|_| SignatureProblem::Invalid),
    };
    let (results, changed) = TRUSTED.with(|t| {
        let mut t = t.borrow_mut();
        let before = t.clone();
        let results = t.verify(&chains, &verifier);
        (results, *t != before)
    });
    if changed {
        save_trusted(state);
    }
    results
        .into_iter()
        .map(|(device, entries, result)| Verdict {
            device,
            entries,
            result,
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
