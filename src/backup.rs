//! Encrypted backup files of the whole vault, and restoring one into a
//! fresh browser profile.
//!
//! A backup file is JSON (`"format": "coffer-backup"`, version 1): every
//! synced record's envelope exactly as this device stores it, and the
//! contacts' record keys wrapped under a fresh *backup key*. The backup key
//! is never in the file: it is kept in the account's keyring (on this
//! device and on the server, without history), so a restore needs the
//! account (its passphrase or recovery code), and erasing any contact
//! destroys every backup key — a backup made before an erasure can no
//! longer be opened at all (`coffer_crypto::Keyring`). Nothing in the file
//! is plaintext; record ids are random.
//!
//! Restoring opens every envelope (the restore check): a record that does
//! not open is counted and left out; the rest are stored as local changes
//! the server has not seen, so sync merges them with what the server holds
//! (newer values win field by field, as between devices).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use coffer_crypto::{BackupKeys, Envelope, KeyKind, VaultKey, WrappedKey};
use coffer_sync::StoredRecord;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::keys;
use crate::store::Db;
use crate::sync::{self, AccountLink};
use crate::vault::{self, PerRecord, RecordKeys, VaultError};

const FORMAT: &str = "coffer-backup";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupFile {
    format: String,
    version: u32,
    created_ms: i64,
    backup_id: Uuid,
    /// `coffer_crypto::BackupKeys` ("CFBK"), base64.
    backup_keys: String,
    /// (`"<namespace>:<id>"`, envelope in base64), every synced record.
    records: Vec<(String, String)>,
}

/// Why a backup could not be made or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups need an account: the backup's key is kept by the account")]
    NeedsAccount,
    #[error("this is not a Coffer backup file, or it is damaged ({0})")]
    NotABackup(String),
    #[error(
        "this backup can no longer be opened: its key was destroyed when a contact was erased after it was made, or it belongs to another account"
    )]
    KeyGone,
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
}

impl BackupError {
    /// A message for the user, in `locale`.
    pub fn text(&self, locale: coffer_core::settings::Locale) -> String {
        use coffer_core::i18n::{Msg, fill};
        let msg = match self {
            BackupError::NeedsAccount => Msg::BackupNeedsAccount,
            BackupError::NotABackup(_) => Msg::RestoreNotABackup,
            BackupError::KeyGone => Msg::RestoreKeyGone,
            BackupError::Vault(e) => return crate::pages::unlock::error_text(e, locale),
            BackupError::Api(e) => {
                return fill(
                    Msg::BackupFailed.in_locale(locale),
                    &[("reason", &e.to_string())],
                );
            }
        };
        msg.in_locale(locale).to_string()
    }
}

/// What a restore did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RestoreReport {
    pub restored: usize,
    /// Records whose envelope did not open (damaged, or an erased contact).
    pub unreadable: usize,
}

/// Builds a backup file of everything this device holds, and registers
/// its backup key with the account (locally and on the server) first.
pub async fn create(
    db: &Db,
    vault_key: &VaultKey,
    keyring: &std::cell::RefCell<coffer_crypto::Keyring>,
    link: Option<&AccountLink>,
) -> Result<Vec<u8>, BackupError> {
    let link = link.ok_or(BackupError::NeedsAccount)?;
    let mut records = Vec::new();
    let mut contact_ids = Vec::new();
    for namespace in sync::synced_namespaces() {
        for stored in db.load(namespace).await.map_err(VaultError::from)? {
            let (Some(id), Some(bytes)) = (stored.id, stored.bytes) else {
                continue;
            };
            if namespace == sync::COLLECTION {
                contact_ids.push(id);
            }
            records.push((stored.key, BASE64.encode(bytes)));
        }
    }
    let backup_id = Uuid::new_v4();
    let backup_keys = {
        let mut keyring = keyring.borrow_mut();
        // Contacts with their own key (all, since the keyring arrived).
        contact_ids.retain(|id| keyring.entry(KeyKind::Record, *id).is_some());
        keyring
            .create_backup(vault_key, backup_id, &contact_ids)
            .map_err(VaultError::from)?
    };
    let entry = keyring
        .borrow()
        .entry(KeyKind::Backup, backup_id)
        .cloned()
        .ok_or(BackupError::KeyGone)?;
    keys::store(db, std::slice::from_ref(&entry), false).await?;
    crate::api::put_keys(&link.session.token, &[entry.as_bytes().to_vec()]).await?;
    let file = BackupFile {
        format: FORMAT.into(),
        version: VERSION,
        created_ms: vault::now_ms(),
        backup_id,
        backup_keys: BASE64.encode(backup_keys.to_bytes()),
        records,
    };
    serde_json::to_vec(&file).map_err(|e| BackupError::NotABackup(e.to_string()))
}

/// Restores a backup file into this (freshly signed-in, not yet opened)
/// vault: fetches the backup key from the account, brings the contacts'
/// keys back, opens every envelope, and stores what opened as changes to
/// sync. Nothing is written unless the file and its key check out.
pub async fn restore(
    db: &Db,
    vault_key: &VaultKey,
    link: &AccountLink,
    file: &[u8],
) -> Result<RestoreReport, BackupError> {
    let file: BackupFile =
        serde_json::from_slice(file).map_err(|e| BackupError::NotABackup(e.to_string()))?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(BackupError::NotABackup(format!(
            "{} version {}",
            file.format, file.version
        )));
    }
    let backup_keys = BASE64
        .decode(&file.backup_keys)
        .ok()
        .and_then(|b| BackupKeys::from_bytes(&b).ok())
        .ok_or_else(|| BackupError::NotABackup("backup keys".into()))?;
    let mut local = keys::load(db).await?;
    let held = crate::api::backup_keys(&link.session.token).await?;
    let entry = held
        .iter()
        .filter_map(|b| WrappedKey::from_bytes(b).ok())
        .find(|e| e.id() == file.backup_id)
        .ok_or(BackupError::KeyGone)?;
    local.keyring.insert(entry).map_err(VaultError::from)?;
    let restored_keys = local
        .keyring
        .restore_backup(vault_key, &backup_keys)
        .map_err(|_| BackupError::KeyGone)?;
    let new_entries: Vec<WrappedKey> = restored_keys
        .iter()
        .filter_map(|id| local.keyring.entry(KeyKind::Record, *id).cloned())
        .collect();

    // The restore check: every envelope must open, under the key it names.
    let opener = PerRecord {
        vault: vault_key,
        keyring: &local.keyring,
    };
    let mut report = RestoreReport::default();
    let mut by_namespace: Vec<(&'static str, Vec<(Uuid, Envelope)>)> = sync::synced_namespaces()
        .into_iter()
        .map(|n| (n, Vec::new()))
        .collect();
    for (key, b64) in &file.records {
        let opened = open_one(&opener, key, b64, &by_namespace);
        match opened {
            Some((slot, id, mut record)) => {
                // Local changes the server has not seen: sync merges them.
                record.server = None;
                record.chain_revision = 0;
                let namespace = by_namespace[slot].0;
                let sealed = if sync::per_record(namespace) {
                    vault::seal_synced(&opener, namespace, &[(id, &record)])
                } else {
                    vault::seal_synced(vault_key, namespace, &[(id, &record)])
                };
                match sealed {
                    Ok(mut sealed) => {
                        by_namespace[slot].1.append(&mut sealed);
                        report.restored += 1;
                    }
                    Err(_) => report.unreadable += 1,
                }
            }
            None => report.unreadable += 1,
        }
    }
    keys::store(db, &new_entries, true).await?;
    for (namespace, sealed) in &by_namespace {
        if !sealed.is_empty() {
            vault::put_sealed(db, namespace, sealed).await?;
        }
    }
    Ok(report)
}

/// Opens one record of the file: its namespace's slot, id and document.
fn open_one(
    opener: &impl RecordKeys,
    key: &str,
    b64: &str,
    slots: &[(&'static str, Vec<(Uuid, Envelope)>)],
) -> Option<(usize, Uuid, StoredRecord)> {
    let (namespace, id) = key.split_once(':')?;
    let slot = slots.iter().position(|(n, _)| *n == namespace)?;
    let id = Uuid::parse_str(id).ok()?;
    let envelope = Envelope::from_bytes(BASE64.decode(b64).ok()?).ok()?;
    let (plaintext, _) = opener.open(&envelope, namespace, id).ok()?;
    let record: StoredRecord = serde_json::from_slice(plaintext.as_bytes()).ok()?;
    Some((slot, id, record))
}
