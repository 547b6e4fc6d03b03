//! The SQLite backend: one file, WAL journal, `synchronous = FULL` so an
//! acknowledged write survives a power cut, not just a process crash. A push
//! takes the database's single write lock up front (`BEGIN IMMEDIATE`), so
//! concurrent pushes queue (up to the busy timeout) instead of interleaving.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};

use super::accounts::{
    AccountRecord, NewSession, SessionRow, SessionTuple, TotpRow, account_methods, session_row,
};
use super::revision::{self, ChainHead, PullPage, PushItem, PushOutcome};
use super::{AccountId, Assigned, PullRow, StoreError, pull_entry, record_head, to_i64};

account_methods!(SqliteStore);

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub(super) struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub(super) async fn open_file(path: &Path) -> Result<Self, StoreError> {
        Self::open(SqliteConnectOptions::new().filename(path)).await
    }

    pub(super) async fn open_url(url: &str) -> Result<Self, StoreError> {
        Self::open(SqliteConnectOptions::from_str(url).map_err(StoreError::InvalidUrl)?).await
    }

    async fn open(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Writers queue behind each other instead of failing at once.
            .busy_timeout(Duration::from_secs(5));
        let path = options.get_filename().to_owned();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| StoreError::CreateDir {
                path: parent.to_owned(),
                error,
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A health check must answer, not hang, when the pool is stuck.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(StoreError::Open)?;
        MIGRATIONS.run(&pool).await.map_err(StoreError::Migrate)?;
        tracing::info!(database = %path.display(), "sqlite database ready");
        Ok(Self { pool })
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(drop)
            .map_err(StoreError::Query)
    }

    pub(super) async fn push(
        &self,
        account: &AccountId,
        collection: &str,
        items: &[PushItem],
    ) -> Result<PushOutcome, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::Query)?;
        let chain = chain_head(&mut tx, account, collection).await?;
        let mut heads = Vec::with_capacity(items.len());
        for item in items {
            let head: Option<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT revision, blob_hash FROM revisions \
                 WHERE account = ? AND collection = ? AND record_id = ? \
                 ORDER BY revision DESC LIMIT 1",
            )
            .bind(account.as_str())
            .bind(collection)
            .bind(&item.record_id[..])
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::Query)?;
            heads.push(head.map(record_head).transpose()?);
        }
        let planned = match revision::plan_push(items, &heads, chain) {
            Ok(planned) => planned,
            Err(conflicts) => {
                tx.rollback().await.map_err(StoreError::Query)?;
                return Ok(PushOutcome::Conflict(conflicts));
            }
        };
        // `plan_push` returns one revision per item, so `last` exists.
        let last = planned.last().ok_or(StoreError::Corrupt("an empty plan"))?;
        sqlx::query(
            "INSERT INTO collections (account, collection, head_seq, head_link) \
             VALUES (?, ?, ?, ?) ON CONFLICT (account, collection) \
             DO UPDATE SET head_seq = excluded.head_seq, head_link = excluded.head_link",
        )
        .bind(account.as_str())
        .bind(collection)
        .bind(to_i64(last.seq)?)
        .bind(&last.link[..])
        .execute(&mut *tx)
        .await
        .map_err(StoreError::Query)?;
        for (new, item) in planned.iter().zip(items) {
            sqlx::query(
                "INSERT INTO revisions (account, collection, seq, record_id, revision, \
                 parent_hash, blob, blob_hash, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(account.as_str())
            .bind(collection)
            .bind(to_i64(new.seq)?)
            .bind(&new.record_id[..])
            .bind(to_i64(new.revision)?)
            .bind(new.parent_hash.as_ref().map(|h| &h[..]))
            .bind(&item.blob[..])
            .bind(&new.blob_hash[..])
            .bind(&new.link[..])
            .execute(&mut *tx)
            .await
            .map_err(StoreError::Query)?;
        }
        tx.commit().await.map_err(StoreError::Query)?;
        Ok(PushOutcome::Accepted(
            planned.iter().map(Assigned::from).collect(),
        ))
    }

    pub(super) async fn pull(
        &self,
        account: &AccountId,
        collection: &str,
        since: i64,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::Query)?;
        // The head first, then only entries up to it: every one of those was
        // committed before the head moved past it, so the page and its head
        // agree without holding a read transaction open.
        let Some(head) = chain_head(&mut conn, account, collection).await? else {
            return Ok(PullPage {
                entries: Vec::new(),
                head: None,
                more: false,
            });
        };
        let rows: Vec<PullRow> = sqlx::query_as(
            "SELECT seq, record_id, revision, parent_hash, blob, link FROM revisions \
             WHERE account = ? AND collection = ? AND seq > ? AND seq <= ? \
             ORDER BY seq LIMIT ?",
        )
        .bind(account.as_str())
        .bind(collection)
        .bind(since)
        .bind(to_i64(head.seq)?)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::Query)?;
        let entries = rows
            .into_iter()
            .map(pull_entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(super::page(entries, head, since))
    }

    pub(super) async fn head(
        &self,
        account: &AccountId,
        collection: &str,
    ) -> Result<Option<ChainHead>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::Query)?;
        chain_head(&mut conn, account, collection).await
    }

    pub(super) async fn close(&self) {
        // The last connection to close checkpoints the WAL into the main
        // file, but not when two close at the same moment (neither can take
        // the exclusive lock), which happens when the pool holds more than
        // one. Checkpoint explicitly so a clean stop always leaves one file.
        let checkpoint: Result<(i64, i64, i64), _> =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await;
        match checkpoint {
            Ok((0, _, _)) => {}
            Ok(_) => tracing::warn!("WAL checkpoint on close was blocked by a reader"),
            Err(error) => tracing::warn!(%error, "WAL checkpoint on close failed"),
        }
        self.pool.close().await;
    }
}

async fn chain_head(
    conn: &mut SqliteConnection,
    account: &AccountId,
    collection: &str,
) -> Result<Option<ChainHead>, StoreError> {
    let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT head_seq, head_link FROM collections WHERE account = ? AND collection = ?",
    )
    .bind(account.as_str())
    .bind(collection)
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::Query)?;
    super::chain_head_from_row(row)
}
