//! Where the server keeps what clients send it: its own metadata and
//! secrets (the OPAQUE server setup), accounts (OPAQUE password file and
//! wrapped key bundle, and the same for the optional recovery credential),
//! login failure counts and lockouts (by name hash), and sessions (by token
//! hash) ([`accounts`]), and, per
//! account and collection, a hash-chained log of ciphertext revisions with
//! compare-and-swap on each record's head (see [`revision`]).
//!
//! Handlers talk to [`Store`] and never to a database driver. SQLite (the
//! default, one file) and PostgreSQL implement the same operations; the
//! decisions are made once in [`revision`], the backends only read and write.

pub mod accounts;
mod postgres;
pub mod revision;
mod sqlite;

use std::path::PathBuf;

use crate::config::Database;

pub use accounts::{AccountRecord, KeyEntry, NewSession, SessionRow, TotpRow};
pub use revision::{
    AccountId, Assigned, ChainHead, Conflict, MAX_BLOB_BYTES, MAX_PULL_LIMIT, MAX_PUSH_ITEMS,
    PullEntry, PullPage, PushItem, PushOutcome, RecordHead,
};

/// The connection pool under a [`Store`], for code that works on whole
/// tables ([`crate::backup`]) rather than through the store's operations.
pub(crate) enum Pool<'a> {
    Sqlite(&'a sqlx::SqlitePool),
    Postgres(&'a sqlx::PgPool),
}

/// A handle to the database; cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PostgresStore),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // The URL is deliberately never repeated: it may hold a password.
    #[error("unsupported database URL scheme `{0}:`; use a sqlite: or postgres: URL")]
    UnsupportedScheme(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(sqlx::Error),
    #[error("cannot create directory {path}: {error}")]
    CreateDir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(sqlx::Error),
    #[error("the database holds a value this server cannot have written: {0}")]
    Corrupt(&'static str),
    #[error("invalid account id: expected 1–64 characters of A–Z, a–z, 0–9, _ and -")]
    InvalidAccount,
    #[error("invalid collection name: expected 1–32 characters of a–z, 0–9, _, . and -")]
    InvalidCollection,
    #[error("a revision of {size} bytes is larger than the limit of {limit} bytes")]
    BlobTooLarge { size: usize, limit: usize },
    #[error("a push of {count} revisions is more than the limit of {limit}")]
    TooManyItems { count: usize, limit: usize },
    #[error("record {0} appears more than once in one push; send one revision per record")]
    DuplicateRecord(String),
}

impl Store {
    /// Opens (creating if needed) the database and migrates it to the schema
    /// this build expects.
    pub async fn open(database: &Database) -> Result<Self, StoreError> {
        let backend = match database {
            Database::SqliteFile(path) => {
                Backend::Sqlite(sqlite::SqliteStore::open_file(path).await?)
            }
            Database::Url(url) => match url.scheme().as_str() {
                "sqlite" => Backend::Sqlite(sqlite::SqliteStore::open_url(url.as_str()).await?),
                "postgres" | "postgresql" => {
                    Backend::Postgres(postgres::PostgresStore::open_url(url.as_str()).await?)
                }
                other => return Err(StoreError::UnsupportedScheme(other.to_owned())),
            },
        };
        Ok(Self { backend })
    }

    pub(crate) fn pool(&self) -> Pool<'_> {
        match &self.backend {
            Backend::Sqlite(store) => Pool::Sqlite(store.pool()),
            Backend::Postgres(store) => Pool::Postgres(store.pool()),
        }
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.ping().await,
            Backend::Postgres(store) => store.ping().await,
        }
    }

    /// Appends one revision per item to `collection`, all or nothing.
    ///
    /// Each item is a compare-and-swap: it is accepted iff its `parent_hash`
    /// is the SHA-256 of its record's current head blob (`None` iff the
    /// record has no revisions). If any item fails, nothing is written and
    /// the outcome lists every conflicting record with its head. Otherwise
    /// each item gets the record's next revision number, the collection's
    /// next `seq` (1, 2, … without gaps) and its chain link
    /// ([`revision::chain_link`]). Concurrent pushes to one collection are
    /// serialized by the database.
    pub async fn push(
        &self,
        account: &AccountId,
        collection: &str,
        items: Vec<PushItem>,
    ) -> Result<PushOutcome, StoreError> {
        revision::validate_collection(collection)?;
        revision::check_items(&items)?;
        if items.is_empty() {
            return Ok(PushOutcome::Accepted(Vec::new()));
        }
        match &self.backend {
            Backend::Sqlite(store) => store.push(account, collection, items).await,
            Backend::Postgres(store) => store.push(account, collection, &items).await,
        }
    }

    /// The revisions of `collection` with `seq > since_seq`, in `seq` order,
    /// at most `limit` (capped at [`MAX_PULL_LIMIT`]) of them.
    pub async fn pull(
        &self,
        account: &AccountId,
        collection: &str,
        since_seq: u64,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        revision::validate_collection(collection)?;
        let limit = limit.min(MAX_PULL_LIMIT);
        // Past i64::MAX there is nothing: seqs are stored as BIGINT.
        let since = i64::try_from(since_seq).unwrap_or(i64::MAX);
        match &self.backend {
            Backend::Sqlite(store) => store.pull(account, collection, since, limit).await,
            Backend::Postgres(store) => store.pull(account, collection, since, limit).await,
        }
    }

    /// The end of `collection`'s chain; `None` before its first revision.
    pub async fn head(
        &self,
        account: &AccountId,
        collection: &str,
    ) -> Result<Option<ChainHead>, StoreError> {
        revision::validate_collection(collection)?;
        match &self.backend {
            Backend::Sqlite(store) => store.head(account, collection).await,
            Backend::Postgres(store) => store.head(account, collection).await,
        }
    }

    /// The secret stored under `name`, writing `fresh` first if there is
    /// none yet (the first server to start on a database decides).
    pub async fn server_secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.server_secret(name, fresh).await,
            Backend::Postgres(store) => store.server_secret(name, fresh).await,
        }
    }

    /// Creates the account `name` (normalised); `false` if it exists.
    pub async fn create_account(
        &self,
        name: &str,
        record: &AccountRecord,
        now: i64,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.create_account(name, record, now).await,
            Backend::Postgres(store) => store.create_account(name, record, now).await,
        }
    }

    pub async fn account(&self, name: &str) -> Result<Option<AccountRecord>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.account(name).await,
            Backend::Postgres(store) => store.account(name).await,
        }
    }

    /// Replaces the wrapped bundle and, when given, the password file, in
    /// one statement; `false` if the account does not exist.
    pub async fn update_account(
        &self,
        name: &str,
        password_file: Option<&[u8]>,
        wrapped_bundle: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => {
                store
                    .update_account(name, password_file, wrapped_bundle, now)
                    .await
            }
            Backend::Postgres(store) => {
                store
                    .update_account(name, password_file, wrapped_bundle, now)
                    .await
            }
        }
    }

    /// The account's recovery credential, if it has one.
    pub async fn recovery(&self, name: &str) -> Result<Option<AccountRecord>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.recovery(name).await,
            Backend::Postgres(store) => store.recovery(name).await,
        }
    }

    /// Sets or replaces the account's recovery credential (password file and
    /// wrapped bundle together); `false` if the account does not exist.
    pub async fn set_recovery(
        &self,
        name: &str,
        record: &AccountRecord,
        now: i64,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.set_recovery(name, record, now).await,
            Backend::Postgres(store) => store.set_recovery(name, record, now).await,
        }
    }

    /// Until when (Unix seconds) the account with this name hash is locked,
    /// if a lockout was ever recorded (it may be over).
    pub async fn login_locked_until(
        &self,
        account_hash: &[u8; 32],
    ) -> Result<Option<i64>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.login_locked_until(account_hash).await,
            Backend::Postgres(store) => store.login_locked_until(account_hash).await,
        }
    }

    /// Counts a failed login at `now`: failures less than `window_seconds`
    /// apart add up, and the `limit`-th locks the account until
    /// `now + window_seconds`. Returns the lock time now recorded, if any
    /// (it may be an older, expired one).
    pub async fn login_failed(
        &self,
        account_hash: &[u8; 32],
        now: i64,
        limit: u32,
        window_seconds: i64,
    ) -> Result<Option<i64>, StoreError> {
        let limit = i64::from(limit);
        match &self.backend {
            Backend::Sqlite(store) => {
                store
                    .login_failed(account_hash, now, limit, window_seconds)
                    .await
            }
            Backend::Postgres(store) => {
                store
                    .login_failed(account_hash, now, limit, window_seconds)
                    .await
            }
        }
    }

    /// Forgets the account's failures after a successful login.
    pub async fn login_succeeded(&self, account_hash: &[u8; 32]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.login_succeeded(account_hash).await,
            Backend::Postgres(store) => store.login_succeeded(account_hash).await,
        }
    }

    /// The account's TOTP factor, enabled or waiting for confirmation.
    pub async fn totp(&self, name: &str) -> Result<Option<TotpRow>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.totp(name).await,
            Backend::Postgres(store) => store.totp(name).await,
        }
    }

    /// Stores a new TOTP secret waiting for confirmation, replacing a
    /// pending one; `false` (and nothing written) if a factor is enabled.
    pub async fn set_pending_totp(
        &self,
        name: &str,
        secret: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.set_pending_totp(name, secret, now).await,
            Backend::Postgres(store) => store.set_pending_totp(name, secret, now).await,
        }
    }

    /// Records that the code of `step` was used (enabling the factor at
    /// `enable_at` if given and not yet enabled); `false` if that step or a
    /// later one was already used: a replay.
    pub async fn use_totp_step(
        &self,
        name: &str,
        step: u64,
        enable_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let step = to_i64(step)?;
        match &self.backend {
            Backend::Sqlite(store) => store.use_totp_step(name, step, enable_at).await,
            Backend::Postgres(store) => store.use_totp_step(name, step, enable_at).await,
        }
    }

    /// Removes the account's TOTP factor.
    pub async fn delete_totp(&self, name: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.delete_totp(name).await,
            Backend::Postgres(store) => store.delete_totp(name).await,
        }
    }

    /// The account's IP allowlist as stored (CIDRs, one per line).
    pub async fn ip_allowlist(&self, name: &str) -> Result<Option<String>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.ip_allowlist(name).await,
            Backend::Postgres(store) => store.ip_allowlist(name).await,
        }
    }

    /// Replaces the account's IP allowlist.
    pub async fn set_ip_allowlist(
        &self,
        name: &str,
        networks: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.set_ip_allowlist(name, networks, now).await,
            Backend::Postgres(store) => store.set_ip_allowlist(name, networks, now).await,
        }
    }

    /// Adds or replaces keyring entries, all or none.
    pub async fn put_keys(
        &self,
        account: &str,
        entries: &[KeyEntry],
        now: i64,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.put_keys(account, entries, now).await,
            Backend::Postgres(store) => store.put_keys(account, entries, now).await,
        }
    }

    /// The stored entries of one kind: those with the given ids, or all.
    pub async fn keys(
        &self,
        account: &str,
        kind: u8,
        ids: Option<&[[u8; 16]]>,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.keys(account, kind, ids).await,
            Backend::Postgres(store) => store.keys(account, kind, ids).await,
        }
    }

    /// Deletes one keyring entry for good (there is no history to keep a
    /// copy); whether it existed.
    pub async fn delete_key(
        &self,
        account: &str,
        kind: u8,
        id: &[u8; 16],
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.delete_key(account, kind, id).await,
            Backend::Postgres(store) => store.delete_key(account, kind, id).await,
        }
    }

    pub async fn insert_session(&self, new: &NewSession<'_>) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.insert_session(new).await,
            Backend::Postgres(store) => store.insert_session(new).await,
        }
    }

    /// The unexpired session with this token hash, its last-seen time set
    /// to `now`.
    pub async fn touch_session(
        &self,
        token_hash: &[u8; 32],
        now: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.touch_session(token_hash, now).await,
            Backend::Postgres(store) => store.touch_session(token_hash, now).await,
        }
    }

    /// The account's unexpired sessions, oldest first.
    pub async fn sessions(&self, account: &str, now: i64) -> Result<Vec<SessionRow>, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.sessions(account, now).await,
            Backend::Postgres(store) => store.sessions(account, now).await,
        }
    }

    /// Deletes one of the account's sessions; `false` if it has no such
    /// session (another account's session id included).
    pub async fn delete_session(
        &self,
        account: &str,
        session_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.delete_session(account, session_id, now).await,
            Backend::Postgres(store) => store.delete_session(account, session_id, now).await,
        }
    }

    /// Closes every connection and waits for that to finish; for SQLite the
    /// last close checkpoints the WAL into the main file.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(store) => store.close().await,
            Backend::Postgres(store) => store.close().await,
        }
    }
}

// ---- conversions shared by the backends ----

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt("a counter passed i64::MAX"))
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt("a negative counter"))
}

fn to_array<const N: usize>(bytes: Vec<u8>) -> Result<[u8; N], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("an id or hash of the wrong length"))
}

type PullRow = (i64, Vec<u8>, i64, Option<Vec<u8>>, Vec<u8>, Vec<u8>);

fn pull_entry(
    (seq, record_id, revision, parent_hash, blob, link): PullRow,
) -> Result<PullEntry, StoreError> {
    Ok(PullEntry {
        seq: to_u64(seq)?,
        record_id: to_array(record_id)?,
        revision: to_u64(revision)?,
        parent_hash: parent_hash.map(to_array).transpose()?,
        blob,
        link: to_array(link)?,
    })
}

fn record_head((revision, hash): (i64, Vec<u8>)) -> Result<RecordHead, StoreError> {
    Ok(RecordHead {
        revision: to_u64(revision)?,
        hash: to_array(hash)?,
    })
}

/// A `collections` row as a chain head; a row still at 0 (PostgreSQL
/// inserts it before locking it) means no revisions yet.
fn chain_head_from_row(row: Option<(i64, Vec<u8>)>) -> Result<Option<ChainHead>, StoreError> {
    match row {
        Some((seq, link)) if seq > 0 => Ok(Some(ChainHead {
            seq: to_u64(seq)?,
            link: to_array(link)?,
        })),
        _ => Ok(None),
    }
}

/// A pull's page from entries read with `since < seq <= head.seq`.
fn page(entries: Vec<PullEntry>, head: ChainHead, since: i64) -> PullPage {
    let reached = entries
        .last()
        .map_or(u64::try_from(since).unwrap_or(0), |entry| entry.seq);
    PullPage {
        more: reached < head.seq,
        entries,
        head: Some(head),
    }
}

impl From<&revision::NewRevision> for Assigned {
    fn from(new: &revision::NewRevision) -> Self {
        Self {
            record_id: new.record_id,
            revision: new.revision,
            seq: new.seq,
            link: new.link,
        }
    }
}
