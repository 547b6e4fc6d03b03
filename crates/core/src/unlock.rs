//! Throttling of repeated failed unlock attempts on this device.
//!
//! Argon2id already makes each guess slow; the throttle adds a growing wait
//! so that someone with the device in hand cannot try a word list at the
//! speed of the KDF. The state is persisted by the app (it must survive a
//! page reload) and the current time is passed in.

use serde::{Deserialize, Serialize};

/// The longest wait between attempts: 15 minutes.
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// How long the user must still wait, in milliseconds (always > 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many failed unlock attempts; try again in {0} ms")]
pub struct WaitMs(pub i64);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnlockThrottle {
    /// Failed attempts since the last success.
    pub failures: u32,
    /// Unix milliseconds before which no attempt is allowed.
    pub not_before_ms: i64,
}

impl UnlockThrottle {
    /// Failures that cost nothing; the wait starts with the last of these.
    pub const FREE_ATTEMPTS: u32 = 3;

    /// Whether an attempt may be made at `now_ms`.
    ///
    /// The wait reported never exceeds [`MAX_DELAY_MS`], even if the
    /// device clock has been set back since the failure.
    pub fn check(&self, now_ms: i64) -> Result<(), WaitMs> {
        if now_ms < self.not_before_ms {
            let remaining = self.not_before_ms.saturating_sub(now_ms);
            Err(WaitMs(remaining.min(MAX_DELAY_MS)))
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt made at `now_ms` and sets the next allowed time.
    pub fn record_failure(&mut self, now_ms: i64) {
        self.failures = self.failures.saturating_add(1);
        self.not_before_ms = now_ms.saturating_add(Self::delay_ms(self.failures));
    }

    /// A correct passphrase clears the history.
    pub fn record_success(&mut self) {
        *self = UnlockThrottle::default();
    }

    /// The wait imposed after `failures` consecutive failures: none before
    /// [`Self::FREE_ATTEMPTS`], then 1 s, 2 s, 4 s, ... doubling up to
    /// [`MAX_DELAY_MS`].
    pub fn delay_ms(failures: u32) -> i64 {
        if failures < Self::FREE_ATTEMPTS {
            return 0;
        }
        // 2^10 s already exceeds the cap; stopping the exponent there keeps
        // the shift from overflowing for any failure count.
        let exponent = (failures - Self::FREE_ATTEMPTS).min(10);
        (1000_i64 << exponent).min(MAX_DELAY_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_throttle_allows_an_attempt() {
        assert_eq!(UnlockThrottle::default().check(0), Ok(()));
    }

    #[test]
    fn huge_failure_counts_stay_at_the_cap() {
        assert_eq!(UnlockThrottle::delay_ms(u32::MAX), MAX_DELAY_MS);
        let mut t = UnlockThrottle {
            failures: u32::MAX,
            not_before_ms: 0,
        };
        t.record_failure(i64::MAX - 5);
        assert_eq!(t.failures, u32::MAX);
        assert_eq!(t.not_before_ms, i64::MAX);
    }
}
