//! Accounts and sessions in the database. The SQL is the same for both
//! backends (`$n` placeholders, which SQLite accepts too), so one macro
//! writes the methods for each; the decisions (who may log in, which
//! session is valid) are made by the callers in `crate::accounts` and
//! `crate::sessions`.

/// A stored account: what login needs.
#[derive(Clone)]
pub struct AccountRecord {
    pub password_file: Vec<u8>,
    pub wrapped_bundle: Vec<u8>,
}

// Never printed: both fields are secret-ish.
impl std::fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountRecord(..)")
    }
}

/// A new session, as written at login.
#[derive(Debug)]
pub struct NewSession<'a> {
    pub session_id: &'a str,
    pub token_hash: &'a [u8; 32],
    pub account: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: Option<&'a str>,
}

/// One session as listed to its owner. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub session_id: String,
    pub account: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
}

/// How stale a session's `last_seen_at` may get before a request writes it.
pub const LAST_SEEN_RESOLUTION_SECS: i64 = 60;

pub(super) type SessionTuple = (String, String, i64, i64, i64, Option<String>);

pub(super) fn session_row(
    (session_id, account, created_at, last_seen_at, expires_at, user_agent): SessionTuple,
) -> SessionRow {
    SessionRow {
        session_id,
        account,
        created_at,
        last_seen_at,
        expires_at,
        user_agent,
    }
}

/// The methods, written once for both pools.
macro_rules! account_methods {
    ($store:ty) => {
        impl $store {
            pub(super) async fn server_secret(
                &self,
                name: &str,
                fresh: &[u8],
            ) -> Result<Vec<u8>, StoreError> {
                // Two servers starting on one new database agree on the
                // first value written.
                sqlx::query(
                    "INSERT INTO server_secrets (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(fresh)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::Query)
            }

            pub(super) async fn create_account(
                &self,
                name: &str,
                record: &AccountRecord,
                now: i64,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "INSERT INTO accounts \
                     (name, password_file, wrapped_bundle, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(&record.password_file[..])
                .bind(&record.wrapped_bundle[..])
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }

            pub(super) async fn account(
                &self,
                name: &str,
            ) -> Result<Option<AccountRecord>, StoreError> {
                let row: Option<(Vec<u8>, Vec<u8>)> = sqlx::query_as(
                    "SELECT password_file, wrapped_bundle FROM accounts WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(row.map(|(password_file, wrapped_bundle)| AccountRecord {
                    password_file,
                    wrapped_bundle,
                }))
            }

            pub(super) async fn update_account(
                &self,
                name: &str,
                password_file: Option<&[u8]>,
                wrapped_bundle: &[u8],
                now: i64,
            ) -> Result<bool, StoreError> {
                // One statement, so the password file and the bundle it
                // opens change together or not at all.
                let done = sqlx::query(
                    "UPDATE accounts SET \
                     password_file = COALESCE($2, password_file), \
                     wrapped_bundle = $3, updated_at = $4 WHERE name = $1",
                )
                .bind(name)
                .bind(password_file)
                .bind(wrapped_bundle)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }

            pub(super) async fn insert_session(
                &self,
                new: &NewSession<'_>,
            ) -> Result<(), StoreError> {
                // Expired sessions are of no use; each login clears its
                // account's, so they do not pile up.
                sqlx::query("DELETE FROM sessions WHERE account = $1 AND expires_at <= $2")
                    .bind(new.account)
                    .bind(new.now)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::Query)?;
                sqlx::query(
                    "INSERT INTO sessions (session_id, token_hash, account, created_at, \
                     last_seen_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6)",
                )
                .bind(new.session_id)
                .bind(&new.token_hash[..])
                .bind(new.account)
                .bind(new.now)
                .bind(new.expires_at)
                .bind(new.user_agent)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(())
            }

            pub(super) async fn touch_session(
                &self,
                token_hash: &[u8; 32],
                now: i64,
            ) -> Result<Option<SessionRow>, StoreError> {
                let row: Option<SessionTuple> = sqlx::query_as(
                    "SELECT session_id, account, created_at, last_seen_at, expires_at, \
                     user_agent FROM sessions WHERE token_hash = $1 AND expires_at > $2",
                )
                .bind(&token_hash[..])
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                let Some(mut row) = row.map(session_row) else {
                    return Ok(None);
                };
                // Writing on every request would make each pull a durable
                // write (an fsync, and SQLite's one write lock); a sessions
                // list needs the time to the minute, not to the request.
                if now - row.last_seen_at >= $crate::store::accounts::LAST_SEEN_RESOLUTION_SECS {
                    sqlx::query(
                        "UPDATE sessions SET last_seen_at = $2 \
                         WHERE token_hash = $1 AND last_seen_at < $2",
                    )
                    .bind(&token_hash[..])
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::Query)?;
                    row.last_seen_at = now;
                }
                Ok(Some(row))
            }

            pub(super) async fn sessions(
                &self,
                account: &str,
                now: i64,
            ) -> Result<Vec<SessionRow>, StoreError> {
                let rows: Vec<SessionTuple> = sqlx::query_as(
                    "SELECT session_id, account, created_at, last_seen_at, expires_at, \
                     user_agent FROM sessions WHERE account = $1 AND expires_at > $2 \
                     ORDER BY created_at, session_id",
                )
                .bind(account)
                .bind(now)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(rows.into_iter().map(session_row).collect())
            }

            pub(super) async fn delete_session(
                &self,
                account: &str,
                session_id: &str,
                now: i64,
            ) -> Result<bool, StoreError> {
                // Expired rows go whenever their owner signs anything out.
                sqlx::query("DELETE FROM sessions WHERE account = $1 AND expires_at <= $2")
                    .bind(account)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::Query)?;
                let done =
                    sqlx::query("DELETE FROM sessions WHERE account = $1 AND session_id = $2")
                        .bind(account)
                        .bind(session_id)
                        .execute(&self.pool)
                        .await
                        .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(super) use account_methods;
