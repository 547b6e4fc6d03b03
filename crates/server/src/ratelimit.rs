//! Rate limits: token buckets keyed by client (an IP today; an account once
//! logins exist), one [`Limiter`] per scope so a flood in one scope cannot
//! push another scope's buckets out of memory.
//!
//! The bucket math takes `now` as an argument, so tests drive it with
//! made-up [`Instant`]s instead of sleeping. Memory is bounded: a bucket
//! that has refilled completely is the same as no bucket and is dropped on
//! the next sweep, and the table never holds more than `max_keys` buckets.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use std::convert::Infallible;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;

/// How many buckets one scope keeps at most (a few MB); see [`Limiter`].
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// How often idle buckets are swept out even when the table is not full.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A sustained rate with a burst allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// One token is added every `interval`.
    interval: Duration,
    /// The most tokens a bucket holds; also what a new key starts with.
    burst: u32,
}

impl Rate {
    /// `count` requests per minute, all of which may come at once.
    /// `count` is at least 1.
    pub fn per_minute(count: u32) -> Self {
        let count = count.max(1);
        Self::new(Duration::from_secs(60) / count, count)
    }

    /// One request every `interval`, up to `burst` at once (at least 1).
    pub fn new(interval: Duration, burst: u32) -> Self {
        Self {
            interval,
            burst: burst.max(1),
        }
    }
}

/// A bucket as its "theoretical arrival time" (GCRA): the instant at which
/// it will be full again. Integer time, so no float drift in the refill.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    full_at: Instant,
}

/// Why a request was refused: come back after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds for the `Retry-After` header, rounded up, at least 1.
    pub fn seconds(self) -> u64 {
        let whole = self.0.as_secs();
        let rounded = if self.0.subsec_nanos() > 0 {
            whole + 1
        } else {
            whole
        };
        rounded.max(1)
    }
}

/// The buckets of one scope.
#[derive(Debug)]
pub struct Limiter<K> {
    scope: &'static str,
    rate: Rate,
    max_keys: usize,
    table: Mutex<Table<K>>,
}

#[derive(Debug)]
struct Table<K> {
    buckets: HashMap<K, Bucket>,
    last_sweep: Option<Instant>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `scope` names the limit in metrics and logs (`api`, `login`, …).
    pub fn new(scope: &'static str, rate: Rate, max_keys: usize) -> Self {
        Self {
            scope,
            rate,
            max_keys: max_keys.max(1),
            table: Mutex::new(Table {
                buckets: HashMap::new(),
                last_sweep: None,
            }),
        }
    }

    pub fn scope(&self) -> &'static str {
        self.scope
    }

    /// Takes one token from `key`'s bucket at time `now`, or says how long
    /// until one is available.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), RetryAfter> {
        // A panic while holding the lock cannot leave a bucket half-updated
        // (each update is one assignment), so a poisoned table is usable.
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if table
            .last_sweep
            .is_none_or(|last| now.saturating_duration_since(last) >= SWEEP_EVERY)
        {
            self.sweep(&mut table, now);
        }
        let full_at = match table.buckets.get(key) {
            Some(bucket) => bucket.full_at.max(now),
            None => {
                if table.buckets.len() >= self.max_keys {
                    self.make_room(&mut table, now);
                }
                now
            }
        };
        // Taking a token pushes the full-again time one interval further;
        // more than `burst` intervals ahead means the bucket was empty.
        let after = full_at + self.rate.interval;
        let capacity = self.rate.interval.saturating_mul(self.rate.burst);
        let ahead = after - now;
        if ahead <= capacity {
            table.buckets.insert(key.clone(), Bucket { full_at: after });
            Ok(())
        } else {
            Err(RetryAfter(ahead - capacity))
        }
    }

    /// How many keys are remembered (for tests and metrics).
    pub fn len(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .buckets
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every bucket that has refilled completely: losslessly, since
    /// a full bucket is what an unknown key gets.
    fn sweep(&self, table: &mut Table<K>, now: Instant) {
        table.buckets.retain(|_, bucket| bucket.full_at > now);
        table.last_sweep = Some(now);
    }

    /// The table is full: sweep, and if every key is still active, forget
    /// the eighth closest to full again (mostly the least recently seen).
    /// Those keys start again with a full bucket, which is the price of
    /// bounded memory; evicting a batch keeps the cost amortised O(1) per
    /// new key even under a flood of new keys.
    fn make_room(&self, table: &mut Table<K>, now: Instant) {
        self.sweep(table, now);
        if table.buckets.len() < self.max_keys {
            return;
        }
        let mut seen: Vec<Instant> = table.buckets.values().map(|b| b.full_at).collect();
        let evict = (seen.len() / 8).max(1);
        let (_, cutoff, _) = seen.select_nth_unstable(evict - 1);
        let cutoff = *cutoff;
        let mut left = evict;
        table.buckets.retain(|_, bucket| {
            if left > 0 && bucket.full_at <= cutoff {
                left -= 1;
                false
            } else {
                true
            }
        });
    }
}

/// Which per-IP limiter a [`limit_by_ip`] layer applies: the server state
/// and a function choosing one of its limiters (`None` when the operator
/// turned that limit off).
#[derive(Clone)]
pub struct PerIp {
    state: Arc<AppState>,
    limiter: fn(&AppState) -> Option<&Limiter<IpAddr>>,
}

impl PerIp {
    pub fn new(state: Arc<AppState>, limiter: fn(&AppState) -> Option<&Limiter<IpAddr>>) -> Self {
        Self { state, limiter }
    }
}

/// Middleware limiting requests per client IP, for any router or route:
///
/// ```ignore
/// router.layer(middleware::from_fn_with_state(
///     PerIp::new(state.clone(), |state| state.api_limit.as_ref()),
///     ratelimit::limit_by_ip,
/// ))
/// ```
///
/// Over the limit it answers 429 `rate_limited` with `Retry-After` and
/// counts the refusal in `coffer_rate_limited_total{scope}`.
pub async fn limit_by_ip(
    State(per_ip): State<PerIp>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let state = &per_ip.state;
    if let Some(limiter) = (per_ip.limiter)(state) {
        let ClientIp(ip) = ClientIp::of(&request, state.trust_proxy);
        if let Err(retry) = limiter.check(&rate_key(ip), Instant::now()) {
            state.metrics.rate_limited(limiter.scope());
            // No address in the log: who is limited is not worth keeping
            // personal data for; the metric says how often it happens.
            tracing::info!(scope = limiter.scope(), "rate limited");
            return Err(ApiError::RateLimited {
                retry_after_seconds: retry.seconds(),
            });
        }
    }
    Ok(next.run(request).await)
}

/// The client's IP as [`client_ip`] finds it; also an extractor, for
/// handlers that limit by IP and account together (login).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    fn of<B>(request: &axum::http::Request<B>, trust_proxy: bool) -> Self {
        Self::from_parts(request.extensions(), request.headers(), trust_proxy)
    }

    fn from_parts(extensions: &Extensions, headers: &HeaderMap, trust_proxy: bool) -> Self {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| *address);
        Self(client_ip(peer, headers, trust_proxy))
    }
}

impl FromRequestParts<Arc<AppState>> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(
            &parts.extensions,
            &parts.headers,
            state.trust_proxy,
        ))
    }
}

/// The client's address: the socket peer, or, behind a trusted reverse
/// proxy, the last address in `X-Forwarded-For` (the one that proxy
/// appended; anything left of it the client could have made up). Without a
/// peer (a router called in-process) every client shares one key.
pub fn client_ip(peer: Option<SocketAddr>, headers: &HeaderMap, trust_proxy: bool) -> IpAddr {
    let forwarded = trust_proxy
        .then(|| {
            let last_line = headers.get_all("x-forwarded-for").iter().next_back()?;
            let last = last_line.to_str().ok()?.rsplit(',').next()?.trim();
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
        })
        .flatten();
    forwarded
        .or(peer.map(|address| address.ip()))
        .unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED))
}

/// The key a client IP is limited under: IPv4 (also when mapped into IPv6)
/// as is; IPv6 by its /64, since one host commonly holds a whole /64.
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn a_new_key_gets_the_burst_then_waits_for_a_refill() {
        let limiter = Limiter::new("test", Rate::per_minute(5), 10);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.check(&"a", t0), Ok(()));
        }
        // 5 per minute: one token every 12 s.
        assert_eq!(limiter.check(&"a", t0), Err(RetryAfter(secs(12.0))));
        assert_eq!(
            limiter.check(&"a", t0 + secs(3.0)),
            Err(RetryAfter(secs(9.0)))
        );
        assert_eq!(limiter.check(&"a", t0 + secs(12.0)), Ok(()));
        assert!(limiter.check(&"a", t0 + secs(12.0)).is_err());
    }

    #[test]
    fn refill_never_exceeds_the_burst() {
        let limiter = Limiter::new("test", Rate::new(Duration::from_secs(1), 3), 10);
        let t0 = Instant::now();
        assert!(limiter.check(&"a", t0).is_ok());
        let later = t0 + secs(3600.0);
        for _ in 0..3 {
            assert!(limiter.check(&"a", later).is_ok());
        }
        assert!(limiter.check(&"a", later).is_err());
    }

    #[test]
    fn keys_have_separate_buckets() {
        let limiter = Limiter::new("test", Rate::new(Duration::from_secs(1), 1), 10);
        let t0 = Instant::now();
        assert!(limiter.check(&"a", t0).is_ok());
        assert!(limiter.check(&"a", t0).is_err());
        assert!(limiter.check(&"b", t0).is_ok());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(RetryAfter(secs(0.2)).seconds(), 1);
        assert_eq!(RetryAfter(secs(12.0)).seconds(), 12);
        assert_eq!(RetryAfter(secs(12.01)).seconds(), 13);
        assert_eq!(RetryAfter(Duration::ZERO).seconds(), 1);
    }

    #[test]
    fn refilled_buckets_are_swept_out() {
        let limiter = Limiter::new("test", Rate::new(Duration::from_secs(1), 2), 100);
        let t0 = Instant::now();
        assert!(limiter.check(&"a", t0).is_ok());
        assert!(limiter.check(&"b", t0 + secs(59.5)).is_ok());
        assert_eq!(limiter.len(), 2);
        // The minute's sweep forgets "a" (full again after 1 s) but not "b".
        assert!(limiter.check(&"c", t0 + secs(60.0)).is_ok());
        assert_eq!(limiter.len(), 2);
    }

    #[test]
    fn the_table_never_grows_past_its_cap() {
        let limiter = Limiter::new("test", Rate::new(Duration::from_secs(1), 5), 16);
        let t0 = Instant::now();
        for i in 0..1000u32 {
            // All active: nothing has refilled, so the cap forces eviction.
            assert!(limiter.check(&i, t0 + secs(f64::from(i) * 0.001)).is_ok());
            assert!(limiter.len() <= 16, "{} keys after {i}", limiter.len());
        }
    }

    #[test]
    fn a_full_table_evicts_the_least_recently_seen_keys() {
        let limiter = Limiter::new("test", Rate::new(Duration::from_secs(1000), 1), 8);
        let t0 = Instant::now();
        for i in 0..8u32 {
            assert!(limiter.check(&i, t0 + secs(f64::from(i))).is_ok());
        }
        // Key 0 is the oldest: it is forgotten, so it starts afresh; key 7,
        // the newest, is still remembered and still empty.
        assert!(limiter.check(&100, t0 + secs(10.0)).is_ok());
        assert!(limiter.check(&7, t0 + secs(10.0)).is_err());
        assert!(limiter.check(&0, t0 + secs(10.0)).is_ok());
        assert!(limiter.len() <= 8);
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_proxy_is_trusted() {
        let peer: SocketAddr = "10.0.0.1:4000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        assert_eq!(
            client_ip(Some(peer), &headers, false),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_ip(Some(peer), &headers, true),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        // The last header line counts; garbage there falls back to the peer.
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::1]:443"),
        );
        assert_eq!(
            client_ip(Some(peer), &headers, true),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("unknown"));
        assert_eq!(
            client_ip(Some(peer), &headers, true),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64_and_mapped_ipv4_is_ipv4() {
        let key = |s: &str| rate_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_eq!(key("192.0.2.1"), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
