//! What login keeps between requests: in memory, the OPAQUE server setup,
//! half-done logins (a minute at most, a bounded number of them) and the
//! per-IP and per-account login limits; in the database, failure counts
//! that lock an account for a while (so a lockout survives a restart and
//! holds for every server on the database). The handlers using it are in
//! [`crate::accounts`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use coffer_account::{ServerLoginState, ServerSetup};
use sha2::{Digest as _, Sha256};

use crate::ratelimit::{Limiter, Rate};
use crate::store::{Store, StoreError};

/// How long a login may take between its two requests.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(60);

/// How many logins may be half-done at once; more are refused until some
/// finish or expire, so a flood of login starts cannot exhaust memory.
pub const MAX_PENDING_LOGINS: usize = 10_000;

/// Where the OPAQUE server setup is kept in `server_secrets`.
const SETUP_SECRET: &str = "opaque_setup";

/// The operator's login policy (see [`crate::config::Config`]).
#[derive(Clone, Copy, Debug)]
pub struct LoginPolicy {
    /// Login starts per minute per account; `None` for no limit.
    pub per_account_per_minute: Option<u32>,
    /// Login (and sign-up) starts per minute per client IP.
    pub per_ip_per_minute: Option<u32>,
    /// Failed logins in a row that lock an account; `None` never locks.
    pub lockout_failures: Option<u32>,
    /// How long a locked account stays locked.
    pub lockout: Duration,
    /// How long a session lasts after login.
    pub session_ttl: Duration,
}

impl Default for LoginPolicy {
    /// No limits (for in-process tests), 30-day sessions.
    fn default() -> Self {
        Self {
            per_account_per_minute: None,
            per_ip_per_minute: None,
            lockout_failures: None,
            lockout: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(720 * 3600),
        }
    }
}

/// Everything login keeps in memory.
pub struct Accounts {
    pub(crate) setup: ServerSetup,
    pending: Mutex<HashMap<[u8; 16], Pending>>,
    pub(crate) per_ip: Option<Limiter<IpAddr>>,
    pub(crate) per_account: Option<Limiter<String>>,
    policy: LoginPolicy,
}

pub(crate) struct Pending {
    pub(crate) state: ServerLoginState,
    /// The normalised name, for counting a failure against it.
    pub(crate) account: String,
    /// Which credential the login is for; it finishes only at its own
    /// endpoint.
    pub(crate) kind: LoginKind,
    pub(crate) expires: Instant,
}

/// Which of an account's credentials a login uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LoginKind {
    Passphrase,
    Recovery,
}

impl Accounts {
    pub fn new(setup: ServerSetup, policy: LoginPolicy) -> Self {
        Self {
            setup,
            pending: Mutex::new(HashMap::new()),
            per_ip: limiter("login_ip", policy.per_ip_per_minute),
            per_account: limiter("login_account", policy.per_account_per_minute),
            policy,
        }
    }

    pub fn session_ttl(&self) -> Duration {
        self.policy.session_ttl
    }

    /// Keeps a login's state under `id`; `false` when too many are pending.
    pub(crate) fn remember(&self, pending: Pending, id: [u8; 16], now: Instant) -> bool {
        // Nothing in the map is left half-updated by a panic, so a poisoned
        // lock is still usable.
        let mut map = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_PENDING_LOGINS {
            map.retain(|_, pending| pending.expires > now);
            if map.len() >= MAX_PENDING_LOGINS {
                return false;
            }
        }
        map.insert(id, pending);
        true
    }

    pub(crate) fn take(&self, id: &[u8; 16], now: Instant) -> Option<Pending> {
        let mut map = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(id).filter(|pending| pending.expires > now)
    }

    /// How long `account` stays locked, if it is. `now` is Unix seconds.
    pub(crate) async fn locked_for(
        &self,
        store: &Store,
        account: &str,
        now: i64,
    ) -> Result<Option<Duration>, StoreError> {
        if self.policy.lockout_failures.is_none() {
            return Ok(None);
        }
        let until = store.login_locked_until(&account_hash(account)).await?;
        Ok(until
            .filter(|&until| until > now)
            .map(|until| Duration::from_secs(until.abs_diff(now))))
    }

    /// Counts a failed login against `account` (known or not).
    pub(crate) async fn failed(
        &self,
        store: &Store,
        account: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let Some(limit) = self.policy.lockout_failures else {
            return Ok(());
        };
        let window = i64::try_from(self.policy.lockout.as_secs()).unwrap_or(i64::MAX);
        let locked = store
            .login_failed(&account_hash(account), now, limit, window)
            .await?;
        if locked.is_some_and(|until| until > now) {
            tracing::warn!(account = %account_tag(account), "account locked after failed logins");
        }
        Ok(())
    }

    /// Forgets `account`'s failures.
    pub(crate) async fn succeeded(&self, store: &Store, account: &str) -> Result<(), StoreError> {
        if self.policy.lockout_failures.is_none() {
            return Ok(());
        }
        store.login_succeeded(&account_hash(account)).await
    }
}

/// How the database keys an account's failures: the full SHA-256 of the
/// normalised name, so names that were tried but do not exist are not kept.
fn account_hash(account: &str) -> [u8; 32] {
    Sha256::digest(account.as_bytes()).into()
}

fn limiter<K: std::hash::Hash + Eq + Clone>(
    scope: &'static str,
    rate: Option<u32>,
) -> Option<Limiter<K>> {
    rate.map(|rate| {
        Limiter::new(
            scope,
            Rate::per_minute(rate),
            crate::ratelimit::DEFAULT_MAX_KEYS,
        )
    })
}

/// Loads the deployment's OPAQUE setup, generating and storing it on the
/// first start. It is never logged.
pub async fn load_setup(store: &Store) -> Result<ServerSetup, StoreError> {
    let fresh = ServerSetup::generate();
    let bytes = store.server_secret(SETUP_SECRET, &fresh.to_bytes()).await?;
    ServerSetup::from_bytes(&bytes).map_err(|_| StoreError::Corrupt("the OPAQUE server setup"))
}

/// How logs name an account: the first 48 bits of the SHA-256 of its
/// normalised name, enough to follow one account through a log and not
/// enough to carry the name.
pub fn account_tag(account: &str) -> String {
    Sha256::digest(account.as_bytes())[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use coffer_account::AccountName;

    fn accounts(failures: u32) -> Accounts {
        Accounts::new(
            ServerSetup::generate(),
            LoginPolicy {
                lockout_failures: Some(failures),
                lockout: Duration::from_secs(900),
                ..LoginPolicy::default()
            },
        )
    }

    #[test]
    fn account_tag_is_a_short_hash_not_the_name() {
        let tag = account_tag("alice@example.com");
        assert_eq!(tag.len(), 12);
        assert!(!tag.contains("alice"));
        assert_eq!(tag, account_tag("alice@example.com"));
        assert_ne!(tag, account_tag("bob@example.com"));
    }

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let database = crate::config::Database::SqliteFile(dir.path().join("db.sqlite3"));
        let store = Store::open(&database).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn failures_in_a_row_lock_for_the_lockout_period() {
        let (_dir, store) = store().await;
        let accounts = accounts(3);
        let start = 1_000_000;
        for _ in 0..2 {
            accounts.failed(&store, "a@b.c", start).await.unwrap();
        }
        assert_eq!(
            accounts.locked_for(&store, "a@b.c", start).await.unwrap(),
            None
        );
        accounts.failed(&store, "a@b.c", start).await.unwrap();
        assert_eq!(
            accounts.locked_for(&store, "a@b.c", start).await.unwrap(),
            Some(Duration::from_secs(900))
        );
        assert_eq!(
            accounts.locked_for(&store, "d@e.f", start).await.unwrap(),
            None
        );
        let later = start + 900;
        assert_eq!(
            accounts.locked_for(&store, "a@b.c", later).await.unwrap(),
            None
        );
        // The count started again at the lock.
        accounts.failed(&store, "a@b.c", later).await.unwrap();
        assert_eq!(
            accounts.locked_for(&store, "a@b.c", later).await.unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn failures_far_apart_or_before_a_success_do_not_add_up() {
        let (_dir, store) = store().await;
        let accounts = accounts(2);
        let start = 1_000_000;
        accounts.failed(&store, "a@b.c", start).await.unwrap();
        accounts.failed(&store, "a@b.c", start + 901).await.unwrap();
        assert_eq!(
            accounts
                .locked_for(&store, "a@b.c", start + 901)
                .await
                .unwrap(),
            None
        );
        accounts.succeeded(&store, "a@b.c").await.unwrap();
        accounts.failed(&store, "a@b.c", start + 902).await.unwrap();
        assert_eq!(
            accounts
                .locked_for(&store, "a@b.c", start + 902)
                .await
                .unwrap(),
            None
        );
        accounts.failed(&store, "a@b.c", start + 903).await.unwrap();
        assert!(
            accounts
                .locked_for(&store, "a@b.c", start + 903)
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn the_database_keeps_a_hash_not_the_name() {
        let (dir, store) = store().await;
        let accounts = accounts(3);
        accounts.failed(&store, "secret-name@b.c", 1).await.unwrap();
        store.close().await;
        let bytes = std::fs::read(dir.path().join("db.sqlite3")).unwrap();
        assert!(!bytes.windows(11).any(|window| window == b"secret-name"));
    }

    #[test]
    fn expired_or_taken_logins_are_gone() {
        let accounts = accounts(3);
        let setup = ServerSetup::generate();
        let name = AccountName::parse("a@b.c").unwrap();
        let (_, request) = coffer_account::ClientLogin::start(&name, "passphrase").unwrap();
        let now = Instant::now();
        let mut ids = Vec::new();
        for id in [[1u8; 16], [2u8; 16]] {
            let (state, _) = coffer_account::login_start(&setup, None, &request, &name).unwrap();
            let pending = Pending {
                state,
                account: name.as_str().to_owned(),
                kind: LoginKind::Passphrase,
                expires: now + LOGIN_TIMEOUT,
            };
            assert!(accounts.remember(pending, id, now));
            ids.push(id);
        }
        assert!(accounts.take(&ids[0], now).is_some());
        assert!(accounts.take(&ids[0], now).is_none(), "taken once");
        assert!(accounts.take(&ids[1], now + LOGIN_TIMEOUT).is_none());
    }
}
