//! What login keeps between requests, in memory: the OPAQUE server setup,
//! half-done logins (a minute at most, a bounded number of them), the
//! per-IP and per-account login limits, and failure counts that lock an
//! account for a while. The handlers using it are in [`crate::accounts`].

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

/// How many accounts' failure counts are kept at once.
const MAX_FAILURE_ENTRIES: usize = 100_000;

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
    failures: Mutex<HashMap<String, Failures>>,
    pub(crate) per_ip: Option<Limiter<IpAddr>>,
    pub(crate) per_account: Option<Limiter<String>>,
    policy: LoginPolicy,
}

pub(crate) struct Pending {
    pub(crate) state: ServerLoginState,
    /// The normalised name, for counting a failure against it.
    pub(crate) account: String,
    pub(crate) expires: Instant,
}

struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Accounts {
    pub fn new(setup: ServerSetup, policy: LoginPolicy) -> Self {
        Self {
            setup,
            pending: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
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

    /// How long `account` stays locked, if it is.
    pub(crate) fn locked_for(&self, account: &str, now: Instant) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let until = map.get(account)?.locked_until?;
        (until > now).then(|| until - now)
    }

    pub(crate) fn failed(&self, account: &str, now: Instant) {
        let Some(limit) = self.policy.lockout_failures else {
            return;
        };
        let window = self.policy.lockout;
        let mut map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_FAILURE_ENTRIES && !map.contains_key(account) {
            map.retain(|_, entry| {
                entry.locked_until.is_some_and(|until| until > now)
                    || now.saturating_duration_since(entry.last) < window
            });
        }
        let entry = map.entry(account.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        // Failures spread further apart than a lockout do not add up.
        if now.saturating_duration_since(entry.last) >= window {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= limit {
            entry.count = 0;
            entry.locked_until = Some(now + window);
            tracing::warn!(account = %account_tag(account), "account locked after failed logins");
        }
    }

    pub(crate) fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(account);
    }
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

    #[test]
    fn failures_in_a_row_lock_for_the_lockout_period() {
        let accounts = accounts(3);
        let start = Instant::now();
        for _ in 0..2 {
            accounts.failed("a@b.c", start);
        }
        assert_eq!(accounts.locked_for("a@b.c", start), None);
        accounts.failed("a@b.c", start);
        assert_eq!(
            accounts.locked_for("a@b.c", start),
            Some(Duration::from_secs(900))
        );
        assert_eq!(accounts.locked_for("d@e.f", start), None);
        let later = start + Duration::from_secs(900);
        assert_eq!(accounts.locked_for("a@b.c", later), None);
    }

    #[test]
    fn failures_far_apart_or_before_a_success_do_not_add_up() {
        let accounts = accounts(2);
        let start = Instant::now();
        accounts.failed("a@b.c", start);
        accounts.failed("a@b.c", start + Duration::from_secs(901));
        assert_eq!(accounts.locked_for("a@b.c", start), None);
        accounts.succeeded("a@b.c");
        accounts.failed("a@b.c", start + Duration::from_secs(902));
        assert_eq!(
            accounts.locked_for("a@b.c", start + Duration::from_secs(902)),
            None
        );
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
