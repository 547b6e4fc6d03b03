//! The SQLite backend: one file, WAL journal, `synchronous = FULL` so an
//! acknowledged write survives a power cut, not just a process crash. Pushes
//! go through one writer task that takes the database's single write lock up
//! front (`BEGIN IMMEDIATE`) and commits the pushes queued meanwhile
//! together, each in its own savepoint ([`write_pushes`]).

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::SqlitePool;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};

use super::accounts::{
    AccountRecord, NewSession, SessionRow, SessionTuple, TotpRow, account_methods, session_row,
};
use tokio::sync::{mpsc, oneshot};

use super::revision::{self, ChainHead, PullPage, PushItem, PushOutcome, RecordHead};
use super::{AccountId, Assigned, PullRow, StoreError, pull_entry, record_head, to_i64};

account_methods!(SqliteStore);

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub(super) struct SqliteStore {
    pool: SqlitePool,
    /// Pushes go to one writer task; see [`write_pushes`].
    writer: mpsc::Sender<PushJob>,
}

/// Pushes waiting for the writer before new ones wait to be queued.
const WRITER_QUEUE: usize = 256;
/// The most pushes one commit carries.
const MAX_GROUP: usize = 64;
/// Records per `IN (…)` lookup and per multi-row `INSERT` (9 parameters a
/// row, well under SQLite's 32,766).
const ROWS_PER_STATEMENT: usize = 100;

#[derive(Debug)]
struct PushJob {
    account: AccountId,
    collection: String,
    items: Vec<PushItem>,
    done: oneshot::Sender<Result<PushOutcome, StoreError>>,
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
            // Deleted rows (an erased record's key) are overwritten with
            // zeros, not left in free pages.
            .pragma("secure_delete", "ON")
            // Writers queue behind each other instead of failing at once.
            .busy_timeout(Duration::from_secs(5))
            // Rows come from the connection's own thread through a bounded
            // channel; sized for a whole pull page, the thread does not
            // stall and wake the reader every 50 rows (the default).
            .row_buffer_size(revision::MAX_PULL_LIMIT as usize + 1);
        let path = options.get_filename().to_owned();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| StoreError::CreateDir {
                path: parent.to_owned(),
                error,
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A connection to a local file cannot drop silently; a ping
            // before each use would only add a round trip to its thread.
            .test_before_acquire(false)
            // A health check must answer, not hang, when the pool is stuck.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(StoreError::Open)?;
        MIGRATIONS.run(&pool).await.map_err(StoreError::Migrate)?;
        tracing::info!(database = %path.display(), "sqlite database ready");
        let (writer, jobs) = mpsc::channel(WRITER_QUEUE);
        tokio::spawn(write_pushes(pool.clone(), jobs));
        Ok(Self { pool, writer })
    }

    pub(super) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(drop)
            .map_err(StoreError::Query)
    }

    /// Hands the push to the writer task and waits until it is committed
    /// (or refused).
    pub(super) async fn push(
        &self,
        account: &AccountId,
        collection: &str,
        items: Vec<PushItem>,
    ) -> Result<PushOutcome, StoreError> {
        let (done, outcome) = oneshot::channel();
        let job = PushJob {
            account: account.clone(),
            collection: collection.to_owned(),
            items,
            done,
        };
        self.writer
            .send(job)
            .await
            .map_err(|_| StoreError::Query(sqlx::Error::PoolClosed))?;
        outcome
            .await
            .map_err(|_| StoreError::Query(sqlx::Error::PoolClosed))?
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

/// The one writer: SQLite has a single write lock, and with
/// `synchronous = FULL` every commit waits for the disk. Pushes that queue
/// while one commit is on its way to disk are committed together (group
/// commit): each runs in its own savepoint, so it is still all or nothing
/// and sees the ones before it, and none is answered before the commit that
/// holds it is durable. Queueing here, not in SQLite's busy handler (which
/// sleeps), keeps latency even under contention.
async fn write_pushes(pool: SqlitePool, mut jobs: mpsc::Receiver<PushJob>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match commit_group(&pool, &group).await {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    // A caller that went away is no longer waiting.
                    let _ = job.done.send(outcome);
                }
            }
            Err(error) => {
                tracing::error!(%error, pushes = group.len(), "a group commit failed");
                let message = error.to_string();
                for job in group {
                    // Nothing of the group was written; each caller hears so.
                    let _ = job.done.send(Err(StoreError::Query(sqlx::Error::Protocol(
                        message.clone(),
                    ))));
                }
            }
        }
    }
}

/// Runs each push of `group` in a savepoint of one transaction and commits
/// once. An `Err` means nothing was written.
async fn commit_group(
    pool: &SqlitePool,
    group: &[PushJob],
) -> Result<Vec<Result<PushOutcome, StoreError>>, StoreError> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(StoreError::Query)?;
    if let [job] = group {
        // Alone: the transaction is its savepoint.
        let outcome = push_one(&mut tx, &job.account, &job.collection, &job.items).await;
        if matches!(outcome, Ok(PushOutcome::Accepted(_))) {
            tx.commit().await.map_err(StoreError::Query)?;
        } else {
            tx.rollback().await.map_err(StoreError::Query)?;
        }
        return Ok(vec![outcome]);
    }
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        let mut savepoint = tx.begin().await.map_err(StoreError::Query)?;
        let outcome = push_one(&mut savepoint, &job.account, &job.collection, &job.items).await;
        if matches!(outcome, Ok(PushOutcome::Accepted(_))) {
            savepoint.commit().await.map_err(StoreError::Query)?;
        } else {
            savepoint.rollback().await.map_err(StoreError::Query)?;
        }
        outcomes.push(outcome);
    }
    tx.commit().await.map_err(StoreError::Query)?;
    Ok(outcomes)
}

/// One push inside the writer's transaction: the heads it compares
/// against, then its revisions, in a few statements whatever its size.
async fn push_one(
    conn: &mut SqliteConnection,
    account: &AccountId,
    collection: &str,
    items: &[PushItem],
) -> Result<PushOutcome, StoreError> {
    let chain = chain_head(conn, account, collection).await?;
    let mut found = HashMap::with_capacity(items.len());
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        // SQLite returns the bare `blob_hash` of the row holding MAX().
        let sql = format!(
            "SELECT record_id, MAX(revision), blob_hash FROM revisions \
             WHERE account = ? AND collection = ? AND record_id IN ({}) GROUP BY record_id",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query_as::<_, (Vec<u8>, i64, Vec<u8>)>(&sql)
            .bind(account.as_str())
            .bind(collection);
        for item in chunk {
            query = query.bind(&item.record_id[..]);
        }
        for (record_id, revision, hash) in query
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::Query)?
        {
            found.insert(record_id, record_head((revision, hash))?);
        }
    }
    let heads: Vec<Option<RecordHead>> = items
        .iter()
        .map(|item| found.get(&item.record_id[..]).copied())
        .collect();
    let planned = match revision::plan_push(items, &heads, chain) {
        Ok(planned) => planned,
        Err(conflicts) => return Ok(PushOutcome::Conflict(conflicts)),
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
    .execute(&mut *conn)
    .await
    .map_err(StoreError::Query)?;
    for (news, olds) in planned
        .chunks(ROWS_PER_STATEMENT)
        .zip(items.chunks(ROWS_PER_STATEMENT))
    {
        let sql = format!(
            "INSERT INTO revisions (account, collection, seq, record_id, revision, \
             parent_hash, blob, blob_hash, link) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; news.len()].join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (new, item) in news.iter().zip(olds) {
            query = query
                .bind(account.as_str())
                .bind(collection)
                .bind(to_i64(new.seq)?)
                .bind(&new.record_id[..])
                .bind(to_i64(new.revision)?)
                .bind(new.parent_hash.as_ref().map(|h| &h[..]))
                .bind(&item.blob[..])
                .bind(&new.blob_hash[..])
                .bind(&new.link[..]);
        }
        query.execute(&mut *conn).await.map_err(StoreError::Query)?;
    }
    Ok(PushOutcome::Accepted(
        planned.iter().map(Assigned::from).collect(),
    ))
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
