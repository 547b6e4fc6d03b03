//! Hybrid logical clocks: timestamps that follow wall time when clocks
//! agree, never run backwards on one device, and order every write of every
//! device the same way everywhere.
//!
//! A stamp is `(wall_ms, counter, device)`, compared in that order. The
//! device id makes two stamps from different devices never equal, so
//! "highest stamp wins" is a deterministic total order.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A device's identity: 16 random bytes the caller generates once per
/// device (this crate never draws randomness).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(pub [u8; 16]);

impl DeviceId {
    /// Lower-case hex, 32 characters.
    pub fn to_hex(&self) -> String {
        let mut out = String::with_capacity(32);
        for b in self.0 {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out
    }

    /// Parses 32 hex characters (either case).
    pub fn from_hex(s: &str) -> Option<DeviceId> {
        let s = s.as_bytes();
        if s.len() != 32 {
            return None;
        }
        let mut out = [0u8; 16];
        for (i, pair) in s.chunks_exact(2).enumerate() {
            out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(DeviceId(out))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({})", self.to_hex())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

// Hex in JSON: readable in a debugger and half the size of a number array.
impl Serialize for DeviceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for DeviceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DeviceId::from_hex(&s)
            .ok_or_else(|| serde::de::Error::custom("device id is not 32 hex digits"))
    }
}

/// A hybrid-logical-clock stamp, and also the clock itself: a device keeps
/// its latest stamp and calls [`Hlc::tick`] / [`Hlc::observe`] on it.
///
/// Ordered by `(wall_ms, counter, device)` (the field order; the derive
/// relies on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch: the highest wall time seen.
    pub wall_ms: u64,
    /// Disambiguates stamps within one millisecond.
    pub counter: u32,
    /// The device that made the stamp.
    pub device: DeviceId,
}

impl Hlc {
    /// The starting point of a device's clock (before anything happened).
    pub fn zero(device: DeviceId) -> Hlc {
        Hlc {
            wall_ms: 0,
            counter: 0,
            device,
        }
    }

    /// Advances the clock for a local event at wall time `now_ms` and
    /// returns the new stamp, which is greater than every stamp this clock
    /// produced or observed before — even if `now_ms` went backwards.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            self.wall_ms = now_ms;
            self.counter = 0;
        } else {
            self.bump();
        }
        *self
    }

    /// Takes in a stamp seen on a remote write so later local stamps order
    /// after it. Returns the clock's new value.
    ///
    /// This does not bound how far ahead a remote wall time may be: a
    /// device with a clock set in the future drags everyone's stamps along
    /// (harmless to convergence, only to how "recent" reads).
    pub fn observe(&mut self, remote: &Hlc, now_ms: u64) -> Hlc {
        let wall = now_ms.max(self.wall_ms).max(remote.wall_ms);
        if wall == now_ms && wall > self.wall_ms && wall > remote.wall_ms {
            self.wall_ms = wall;
            self.counter = 0;
        } else {
            let counter = match (wall == self.wall_ms, wall == remote.wall_ms) {
                (true, true) => self.counter.max(remote.counter),
                (true, false) => self.counter,
                (false, true) => remote.counter,
                (false, false) => 0,
            };
            self.wall_ms = wall;
            self.counter = counter;
            self.bump();
        }
        *self
    }

    /// counter + 1; on the (absurd) overflow of 4 billion events in one
    /// millisecond, moves to the next millisecond so order is kept.
    fn bump(&mut self) {
        match self.counter.checked_add(1) {
            Some(c) => self.counter = c,
            None => {
                self.wall_ms = self.wall_ms.saturating_add(1);
                self.counter = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: DeviceId = DeviceId([1; 16]);
    const B: DeviceId = DeviceId([2; 16]);

    #[test]
    fn order_is_wall_then_counter_then_device() {
        let s = |wall_ms, counter, device| Hlc {
            wall_ms,
            counter,
            device,
        };
        assert!(s(1, 9, B) < s(2, 0, A));
        assert!(s(2, 0, B) < s(2, 1, A));
        assert!(s(2, 1, A) < s(2, 1, B));
    }

    #[test]
    fn tick_is_monotonic_when_the_wall_clock_goes_back() {
        let mut c = Hlc::zero(A);
        let a = c.tick(1000);
        let b = c.tick(500);
        let d = c.tick(1000);
        assert!(a < b && b < d);
        assert_eq!(b.wall_ms, 1000);
    }

    #[test]
    fn observe_orders_later_local_stamps_after_the_remote() {
        let mut c = Hlc::zero(A);
        c.tick(100);
        let remote = Hlc {
            wall_ms: 5000,
            counter: 7,
            device: B,
        };
        c.observe(&remote, 200);
        let next = c.tick(300);
        assert!(next > remote);
    }

    #[test]
    fn counter_overflow_moves_to_the_next_millisecond() {
        let mut c = Hlc {
            wall_ms: 10,
            counter: u32::MAX,
            device: A,
        };
        let before = c;
        let next = c.tick(0);
        assert!(next > before);
        assert_eq!((next.wall_ms, next.counter), (11, 0));
    }

    #[test]
    fn device_id_round_trips_through_hex_and_json() {
        let id = DeviceId([0xab; 16]);
        assert_eq!(DeviceId::from_hex(&id.to_hex()), Some(id));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", "ab".repeat(16)));
        assert_eq!(serde_json::from_str::<DeviceId>(&json).unwrap(), id);
        assert!(DeviceId::from_hex("zz").is_none());
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Whatever the wall clock and remote stamps do, each new local
            /// stamp is greater than every stamp produced or observed before.
            #[test]
            fn stamps_only_grow(
                ops in prop::collection::vec(
                    (any::<bool>(), 0..50u64, 0..50u64, 0..3u32, any::<bool>()),
                    1..40,
                ),
            ) {
                let mut clock = Hlc::zero(A);
                let mut highest = clock;
                for (local, now, remote_wall, remote_counter, near_max) in ops {
                    let counter = if near_max { u32::MAX - remote_counter } else { remote_counter };
                    if local {
                        let s = clock.tick(now);
                        prop_assert!(s > highest);
                        highest = s;
                    } else {
                        let remote = Hlc { wall_ms: remote_wall, counter, device: B };
                        let s = clock.observe(&remote, now);
                        prop_assert!(s > highest && s > remote);
                        highest = s;
                    }
                }
            }
        }
    }
}
