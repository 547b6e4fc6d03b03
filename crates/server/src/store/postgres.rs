//! The PostgreSQL backend, for when one machine is not enough. A push locks
//! its collection's row in `collections` (an upsert that rewrites it) before
//! it reads any record head, so pushes to one collection run one after another
//! while pushes to different collections run in parallel. Durability is the
//! server's own (`synchronous_commit`, replication): the operator's call.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};

use super::accounts::{
    AccountRecord, NewSession, SessionRow, SessionTuple, TotpRow, account_methods, session_row,
};
use super::revision::{self, ChainHead, GENESIS_LINK, PullPage, PushItem, PushOutcome};
use super::{AccountId, Assigned, PullRow, StoreError, pull_entry, record_head, to_i64};

account_methods!(PostgresStore);

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a pooled connection may sit idle before it is pinged on use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

#[derive(Clone, Debug)]
pub(super) struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub(super) async fn open_url(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(StoreError::InvalidUrl)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            // A health check must answer, not hang, when the pool is stuck.
            .acquire_timeout(Duration::from_secs(5))
            // Ping only connections that sat idle (as HikariCP's alive
            // bypass window does): one just returned to the pool is alive,
            // and a ping before every use is a round trip per query.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(StoreError::Open)?;
        MIGRATIONS.run(&pool).await.map_err(StoreError::Migrate)?;
        // Where, but never who or with which password.
        tracing::info!(
            host = options.get_host(),
            port = options.get_port(),
            database = options.get_database().unwrap_or(""),
            "postgresql database ready"
        );
        Ok(Self { pool })
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i32>("SELECT 1")
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
        let mut tx = self.pool.begin().await.map_err(StoreError::Query)?;
        // Lock the collection's row and read its head in one round trip: a
        // first push creates it at seq 0, a later one "updates" it to itself,
        // which takes the row lock (two first pushes racing both end up
        // waiting on the same row). The record heads must be read in a later
        // statement: under READ COMMITTED only a statement that starts after
        // the lock was granted sees what the previous holder committed.
        let chain: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "INSERT INTO collections (account, collection, head_seq, head_link) \
             VALUES ($1, $2, 0, $3) ON CONFLICT (account, collection) \
             DO UPDATE SET head_seq = collections.head_seq \
             RETURNING head_seq, head_link",
        )
        .bind(account.as_str())
        .bind(collection)
        .bind(&GENESIS_LINK[..])
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::Query)?;
        let chain = super::chain_head_from_row(chain)?;

        let ids: Vec<&[u8]> = items.iter().map(|item| &item.record_id[..]).collect();
        // One probe of the (account, collection, record_id, revision) index
        // per pushed id. `DISTINCT ON … record_id = ANY($3)` let the
        // planner (with a generic plan) walk the whole collection instead:
        // 7-10 ms a push at 10,000 records, growing with the collection.
        let rows: Vec<(Vec<u8>, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT head.record_id, head.revision, head.blob_hash \
             FROM UNNEST($3::bytea[]) AS pushed(record_id) \
             CROSS JOIN LATERAL (SELECT record_id, revision, blob_hash FROM revisions \
             WHERE account = $1 AND collection = $2 AND record_id = pushed.record_id \
             ORDER BY revision DESC LIMIT 1) AS head",
        )
        .bind(account.as_str())
        .bind(collection)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::Query)?;
        let mut found = HashMap::with_capacity(rows.len());
        for (record_id, revision, hash) in rows {
            found.insert(record_id, record_head((revision, hash))?);
        }
        let heads: Vec<_> = items
            .iter()
            .map(|item| found.get(&item.record_id[..]).copied())
            .collect();

        let planned = match revision::plan_push(items, &heads, chain) {
            Ok(planned) => planned,
            Err(conflicts) => {
                tx.rollback().await.map_err(StoreError::Query)?;
                return Ok(PushOutcome::Conflict(conflicts));
            }
        };
        // `plan_push` returns one revision per item, and items is not empty.
        let last = planned.last().ok_or(StoreError::Corrupt("an empty plan"))?;
        insert_revisions(&mut tx, account, collection, &planned, items, last).await?;
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
        // As in SQLite: the head first, then only entries up to it.
        let Some(head) = chain_head(&mut conn, account, collection).await? else {
            return Ok(PullPage {
                entries: Vec::new(),
                head: None,
                more: false,
            });
        };
        let rows: Vec<PullRow> = sqlx::query_as(
            "SELECT seq, record_id, revision, parent_hash, blob, link FROM revisions \
             WHERE account = $1 AND collection = $2 AND seq > $3 AND seq <= $4 \
             ORDER BY seq LIMIT $5",
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
        self.pool.close().await;
    }
}

/// All of a push's revisions, as arrays unnested into rows, and the
/// collection's new head, in one statement (one round trip).
async fn insert_revisions(
    conn: &mut PgConnection,
    account: &AccountId,
    collection: &str,
    planned: &[revision::NewRevision],
    items: &[PushItem],
    last: &revision::NewRevision,
) -> Result<(), StoreError> {
    let seqs = planned
        .iter()
        .map(|new| to_i64(new.seq))
        .collect::<Result<Vec<_>, _>>()?;
    let revisions = planned
        .iter()
        .map(|new| to_i64(new.revision))
        .collect::<Result<Vec<_>, _>>()?;
    let record_ids: Vec<&[u8]> = planned.iter().map(|new| &new.record_id[..]).collect();
    let parents: Vec<Option<&[u8]>> = planned
        .iter()
        .map(|new| new.parent_hash.as_ref().map(|h| &h[..]))
        .collect();
    let blobs: Vec<&[u8]> = items.iter().map(|item| &item.blob[..]).collect();
    let blob_hashes: Vec<&[u8]> = planned.iter().map(|new| &new.blob_hash[..]).collect();
    let links: Vec<&[u8]> = planned.iter().map(|new| &new.link[..]).collect();
    sqlx::query(
        "WITH moved AS (UPDATE collections SET head_seq = $10, head_link = $11 \
         WHERE account = $1 AND collection = $2) \
         INSERT INTO revisions (account, collection, seq, record_id, revision, parent_hash, \
         blob, blob_hash, link) \
         SELECT $1, $2, s, r, v, p, b, h, l FROM UNNEST($3::bigint[], $4::bytea[], \
         $5::bigint[], $6::bytea[], $7::bytea[], $8::bytea[], $9::bytea[]) AS t(s, r, v, p, b, h, l)",
    )
    .bind(account.as_str())
    .bind(collection)
    .bind(&seqs)
    .bind(&record_ids)
    .bind(&revisions)
    .bind(&parents)
    .bind(&blobs)
    .bind(&blob_hashes)
    .bind(&links)
    .bind(to_i64(last.seq)?)
    .bind(&last.link[..])
    .execute(&mut *conn)
    .await
    .map_err(StoreError::Query)?;
    Ok(())
}

async fn chain_head(
    conn: &mut PgConnection,
    account: &AccountId,
    collection: &str,
) -> Result<Option<ChainHead>, StoreError> {
    let row: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT head_seq, head_link FROM collections WHERE account = $1 AND collection = $2",
    )
    .bind(account.as_str())
    .bind(collection)
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::Query)?;
    super::chain_head_from_row(row)
}
