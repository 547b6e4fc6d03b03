//! The unlock throttle schedule.

use coffer_core::unlock::{MAX_DELAY_MS, UnlockThrottle, WaitMs};

const T0: i64 = 1_700_000_000_000;

#[test]
fn delays_for_failures_1_to_10_follow_the_schedule() {
    let expected_s = [0, 0, 1, 2, 4, 8, 16, 32, 64, 128];
    let mut t = UnlockThrottle::default();
    for (i, secs) in expected_s.iter().enumerate() {
        t.record_failure(T0);
        assert_eq!(t.failures, i as u32 + 1);
        assert_eq!(t.not_before_ms - T0, secs * 1000, "after failure {}", i + 1);
        assert_eq!(UnlockThrottle::delay_ms(t.failures), secs * 1000);
    }
}

#[test]
fn delay_is_capped_at_fifteen_minutes() {
    assert_eq!(MAX_DELAY_MS, 900_000);
    assert_eq!(UnlockThrottle::delay_ms(12), 512_000);
    assert_eq!(UnlockThrottle::delay_ms(13), 900_000);
    assert_eq!(UnlockThrottle::delay_ms(100), 900_000);
}

#[test]
fn the_first_free_attempts_never_wait() {
    let mut t = UnlockThrottle::default();
    for _ in 0..UnlockThrottle::FREE_ATTEMPTS - 1 {
        t.record_failure(T0);
        assert_eq!(t.check(T0), Ok(()));
    }
}

#[test]
fn check_reports_the_remaining_wait_until_it_has_passed() {
    let mut t = UnlockThrottle::default();
    for _ in 0..5 {
        t.record_failure(T0);
    }
    // Fifth failure: 4 s.
    assert_eq!(t.check(T0), Err(WaitMs(4000)));
    assert_eq!(t.check(T0 + 3999), Err(WaitMs(1)));
    assert_eq!(t.check(T0 + 4000), Ok(()));
}

#[test]
fn the_wait_is_counted_from_the_latest_failure() {
    let mut t = UnlockThrottle::default();
    for n in 0..4 {
        t.record_failure(T0 + n * 10_000);
    }
    assert_eq!(t.not_before_ms, T0 + 30_000 + 2000);
}

#[test]
fn success_resets_the_throttle() {
    let mut t = UnlockThrottle::default();
    for _ in 0..8 {
        t.record_failure(T0);
    }
    t.record_success();
    assert_eq!(t, UnlockThrottle::default());
    assert_eq!(t.check(T0), Ok(()));
    t.record_failure(T0);
    assert_eq!(t.check(T0), Ok(()));
}

#[test]
fn a_clock_set_back_never_shows_more_than_the_cap() {
    let mut t = UnlockThrottle::default();
    for _ in 0..20 {
        t.record_failure(T0);
    }
    assert_eq!(t.check(T0 - 86_400_000), Err(WaitMs(MAX_DELAY_MS)));
}

#[test]
fn state_round_trips_through_json() {
    let mut t = UnlockThrottle::default();
    for _ in 0..4 {
        t.record_failure(T0);
    }
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<UnlockThrottle>(&json).unwrap(), t);
    assert_eq!(
        serde_json::from_str::<UnlockThrottle>("{}").unwrap(),
        UnlockThrottle::default()
    );
}
