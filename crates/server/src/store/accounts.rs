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

/// An account's TOTP factor.
#[derive(Clone)]
pub struct TotpRow {
    pub secret: Vec<u8>,
    /// `false` until a first code was confirmed.
    pub enabled: bool,
}

// Never printed: the secret generates codes.
impl std::fmt::Debug for TotpRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRow")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
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

/// One keyring entry as the server stores it: opaque bytes (a key wrapped
/// by a key the server never sees), filed under its kind and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEntry {
    pub kind: u8,
    pub id: [u8; 16],
    pub entry: Vec<u8>,
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

            pub(super) async fn recovery(
                &self,
                name: &str,
            ) -> Result<Option<AccountRecord>, StoreError> {
                let row: Option<(Vec<u8>, Vec<u8>)> = sqlx::query_as(
                    "SELECT password_file, wrapped_bundle FROM recovery_credentials \
                     WHERE account = $1",
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

            pub(super) async fn set_recovery(
                &self,
                name: &str,
                record: &AccountRecord,
                now: i64,
            ) -> Result<bool, StoreError> {
                // One statement: the password file and the bundle it opens
                // are written together, and only for an existing account.
                let done = sqlx::query(
                    "INSERT INTO recovery_credentials \
                     (account, password_file, wrapped_bundle, created_at, updated_at) \
                     SELECT $1, $2, $3, $4, $4 WHERE EXISTS \
                     (SELECT 1 FROM accounts WHERE name = $1) \
                     ON CONFLICT (account) DO UPDATE SET \
                     password_file = excluded.password_file, \
                     wrapped_bundle = excluded.wrapped_bundle, updated_at = excluded.updated_at",
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

            pub(super) async fn login_locked_until(
                &self,
                account_hash: &[u8; 32],
            ) -> Result<Option<i64>, StoreError> {
                let until: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT locked_until FROM login_failures WHERE account_hash = $1",
                )
                .bind(&account_hash[..])
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(until.flatten())
            }

            pub(super) async fn login_failed(
                &self,
                account_hash: &[u8; 32],
                now: i64,
                limit: i64,
                window: i64,
            ) -> Result<Option<i64>, StoreError> {
                // Rows that neither count towards a lockout nor hold one
                // are of no use.
                sqlx::query(
                    "DELETE FROM login_failures WHERE last_failed_at <= $1 - $2 \
                     AND (locked_until IS NULL OR locked_until <= $1)",
                )
                .bind(now)
                .bind(window)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                // One statement, so concurrent failures (from any server on
                // this database) all count. Failures further apart than the
                // window do not add up; reaching the limit locks for the
                // window and starts the count again.
                let locked: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO login_failures \
                     (account_hash, failures, last_failed_at, locked_until) \
                     VALUES ($1, CASE WHEN 1 >= $3 THEN 0 ELSE 1 END, $2, \
                     CASE WHEN 1 >= $3 THEN $2 + $4 ELSE NULL END) \
                     ON CONFLICT (account_hash) DO UPDATE SET \
                     failures = CASE WHEN (CASE WHEN $2 - login_failures.last_failed_at >= $4 \
                     THEN 1 ELSE login_failures.failures + 1 END) >= $3 THEN 0 \
                     ELSE (CASE WHEN $2 - login_failures.last_failed_at >= $4 \
                     THEN 1 ELSE login_failures.failures + 1 END) END, \
                     locked_until = CASE WHEN (CASE WHEN $2 - login_failures.last_failed_at >= $4 \
                     THEN 1 ELSE login_failures.failures + 1 END) >= $3 THEN $2 + $4 \
                     ELSE login_failures.locked_until END, \
                     last_failed_at = $2 \
                     RETURNING locked_until",
                )
                .bind(&account_hash[..])
                .bind(now)
                .bind(limit)
                .bind(window)
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(locked)
            }

            pub(super) async fn login_succeeded(
                &self,
                account_hash: &[u8; 32],
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM login_failures WHERE account_hash = $1")
                    .bind(&account_hash[..])
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::Query)?;
                Ok(())
            }

            pub(super) async fn totp(&self, name: &str) -> Result<Option<TotpRow>, StoreError> {
                let row: Option<(Vec<u8>, Option<i64>)> = sqlx::query_as(
                    "SELECT secret, enabled_at FROM totp_factors WHERE account = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(row.map(|(secret, enabled_at)| TotpRow {
                    secret,
                    enabled: enabled_at.is_some(),
                }))
            }

            pub(super) async fn set_pending_totp(
                &self,
                name: &str,
                secret: &[u8],
                now: i64,
            ) -> Result<bool, StoreError> {
                // An enabled factor is never replaced this way.
                let done = sqlx::query(
                    "INSERT INTO totp_factors (account, secret, created_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (account) DO UPDATE SET \
                     secret = excluded.secret, created_at = excluded.created_at, \
                     last_step = NULL WHERE totp_factors.enabled_at IS NULL",
                )
                .bind(name)
                .bind(secret)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }

            pub(super) async fn use_totp_step(
                &self,
                name: &str,
                step: i64,
                enable_at: Option<i64>,
            ) -> Result<bool, StoreError> {
                // Compare-and-set on the step: of two logins racing with
                // one code, only one wins.
                let done = sqlx::query(
                    "UPDATE totp_factors SET last_step = $2, \
                     enabled_at = COALESCE(enabled_at, $3) \
                     WHERE account = $1 AND (last_step IS NULL OR last_step < $2)",
                )
                .bind(name)
                .bind(step)
                .bind(enable_at)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }

            pub(super) async fn delete_totp(&self, name: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM totp_factors WHERE account = $1")
                    .bind(name)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::Query)?;
                Ok(())
            }

            pub(super) async fn ip_allowlist(
                &self,
                name: &str,
            ) -> Result<Option<String>, StoreError> {
                sqlx::query_scalar("SELECT networks FROM ip_allowlists WHERE account = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::Query)
            }

            pub(super) async fn set_ip_allowlist(
                &self,
                name: &str,
                networks: &str,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO ip_allowlists (account, networks, updated_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (account) DO UPDATE SET \
                     networks = excluded.networks, updated_at = excluded.updated_at",
                )
                .bind(name)
                .bind(networks)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(())
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

            pub(super) async fn put_keys(
                &self,
                account: &str,
                entries: &[$crate::store::accounts::KeyEntry],
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await.map_err(StoreError::Query)?;
                for entry in entries {
                    sqlx::query(
                        "INSERT INTO record_keys (account, kind, id, entry, updated_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account, kind, id) \
                         DO UPDATE SET entry = excluded.entry, updated_at = excluded.updated_at",
                    )
                    .bind(account)
                    .bind(i64::from(entry.kind))
                    .bind(&entry.id[..])
                    .bind(&entry.entry[..])
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::Query)?;
                }
                tx.commit().await.map_err(StoreError::Query)
            }

            pub(super) async fn keys(
                &self,
                account: &str,
                kind: u8,
                ids: Option<&[[u8; 16]]>,
            ) -> Result<Vec<Vec<u8>>, StoreError> {
                match ids {
                    None => sqlx::query_scalar(
                        "SELECT entry FROM record_keys WHERE account = $1 AND kind = $2 \
                         ORDER BY id",
                    )
                    .bind(account)
                    .bind(i64::from(kind))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(StoreError::Query),
                    Some(ids) => {
                        let mut found = Vec::new();
                        for id in ids {
                            let entry: Option<Vec<u8>> = sqlx::query_scalar(
                                "SELECT entry FROM record_keys \
                                 WHERE account = $1 AND kind = $2 AND id = $3",
                            )
                            .bind(account)
                            .bind(i64::from(kind))
                            .bind(&id[..])
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(StoreError::Query)?;
                            found.extend(entry);
                        }
                        Ok(found)
                    }
                }
            }

            pub(super) async fn delete_key(
                &self,
                account: &str,
                kind: u8,
                id: &[u8; 16],
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "DELETE FROM record_keys WHERE account = $1 AND kind = $2 AND id = $3",
                )
                .bind(account)
                .bind(i64::from(kind))
                .bind(&id[..])
                .execute(&self.pool)
                .await
                .map_err(StoreError::Query)?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(super) use account_methods;
