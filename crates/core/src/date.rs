//! Calendar dates without a time or zone ("close by 2026-12-31", "due on
//! Friday"), and the conversions between them and unix milliseconds at a
//! given UTC offset. Core reads no clock and knows no time zones: the app
//! passes the current time and the device's UTC offset.
//!
//! UTC offsets are in minutes **east** of UTC: China (UTC+8) is `480`,
//! New York in winter (UTC−5) is `-300`. JavaScript's
//! `Date.getTimezoneOffset()` has the opposite sign, so the app negates it.
//!
//! [`CivilDate`] is stored as the string `"YYYY-MM-DD"` (years 1–9999,
//! proleptic Gregorian calendar), which sorts like the date itself.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). Unchecked: `month` must be 1–12 and `day` 1–31; any
/// year works. [`CivilDate`] and the dashboard's day numbers both use it.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = year - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1–12, day 1–31) of a day number since 1970-01-01, any year
/// (Howard Hinnant's `civil_from_days`, the inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // In 1..=31 and 1..=12 by construction, so the casts are exact.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Offsets in use range from UTC−12 to UTC+14; anything beyond ±18 h is a
/// mistake (and the bound keeps the arithmetic far from overflow).
pub const MAX_UTC_OFFSET_MINUTES: i32 = 18 * 60;

/// A day in the proleptic Gregorian calendar, years 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    // Field order matters: the derived `Ord` compares year, month, day.
    year: u16,
    month: u8,
    day: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("date is not of the form YYYY-MM-DD")]
    Malformed,
    #[error("year must be between 1 and 9999")]
    YearOutOfRange,
    #[error("month must be between 1 and 12")]
    MonthOutOfRange,
    /// Day 0, or past the end of the month ("2026-02-29", "2026-04-31").
    #[error("day does not exist in that month")]
    DayOutOfRange,
    /// The UTC offset is beyond ±18 hours.
    #[error("UTC offset is out of range")]
    OffsetOutOfRange,
}

pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl CivilDate {
    pub const MIN: CivilDate = CivilDate {
        year: 1,
        month: 1,
        day: 1,
    };
    pub const MAX: CivilDate = CivilDate {
        year: 9999,
        month: 12,
        day: 31,
    };

    pub fn from_ymd(year: u16, month: u8, day: u8) -> Result<CivilDate, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError::YearOutOfRange);
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::MonthOutOfRange);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::DayOutOfRange);
        }
        Ok(CivilDate { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, four-digit year). Leading
    /// and trailing whitespace is ignored.
    pub fn parse(s: &str) -> Result<CivilDate, DateError> {
        let b = s.trim().as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Result<u16, DateError> {
            b[r].iter().try_fold(0u16, |acc, &c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u16::from(c - b'0'))
                } else {
                    Err(DateError::Malformed)
                }
            })
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Malformed);
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        // Two digits are at most 99, so the casts cannot truncate.
        CivilDate::from_ymd(year, month as u8, day as u8)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
    }

    /// The date `days` after 1970-01-01, or `None` outside years 1–9999.
    pub fn from_days_since_epoch(days: i64) -> Option<CivilDate> {
        if !(CivilDate::MIN.days_since_epoch()..=CivilDate::MAX.days_since_epoch()).contains(&days)
        {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        // In range by the check above, so the narrowing casts are exact.
        Some(CivilDate {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4); the result is in 1..=7.
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u8
    }

    /// The date `days` later (earlier when negative), or `None` when that
    /// leaves years 1–9999.
    pub fn add_days(self, days: i64) -> Option<CivilDate> {
        CivilDate::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: CivilDate) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// The same day `months` calendar months later; when that month is
    /// shorter, its last day (31 January + 1 month = 28 or 29 February).
    /// This is how the EU reads "one month" (Regulation 1182/71, art.
    /// 3(2)(c)). `None` past year 9999.
    pub fn add_months(self, months: u32) -> Option<CivilDate> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = u16::try_from(index.div_euclid(12)).ok()?;
        // rem_euclid(12) + 1 is in 1..=12.
        let month = (index.rem_euclid(12) + 1) as u8;
        CivilDate::from_ymd(year, month, self.day.min(days_in_month(year, month))).ok()
    }

    /// Months between `self` and `later`, rounded down: `later` is at least
    /// `n` months after `self` exactly when `self.add_months(n) <= later`.
    pub fn whole_months_until(self, later: CivilDate) -> i64 {
        if later < self {
            return -later.whole_months_until(self);
        }
        let mut n = (i64::from(later.year) - i64::from(self.year)) * 12 + i64::from(later.month)
            - i64::from(self.month);
        // n ≤ 9999 × 12, so it fits a u32; an add past year 9999 is past `later`.
        while n > 0 && self.add_months(n as u32).is_none_or(|d| d > later) {
            n -= 1;
        }
        n
    }

    /// The local date at `unix_ms` for a clock `offset_minutes` east of UTC.
    pub fn from_unix_ms(unix_ms: i64, offset_minutes: i32) -> Result<CivilDate, DateError> {
        check_offset(offset_minutes)?;
        let local = unix_ms.saturating_add(i64::from(offset_minutes) * 60_000);
        CivilDate::from_days_since_epoch(local.div_euclid(DAY_MS)).ok_or(DateError::YearOutOfRange)
    }

    /// Unix milliseconds of local midnight starting this date.
    pub fn start_unix_ms(self, offset_minutes: i32) -> Result<i64, DateError> {
        check_offset(offset_minutes)?;
        // |days| < 3.7 million, so the product is far from overflowing.
        Ok(self.days_since_epoch() * DAY_MS - i64::from(offset_minutes) * 60_000)
    }
}

fn check_offset(offset_minutes: i32) -> Result<(), DateError> {
    if offset_minutes.abs() > MAX_UTC_OFFSET_MINUTES {
        return Err(DateError::OffsetOutOfRange);
    }
    Ok(())
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for CivilDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CivilDate::parse(s)
    }
}

impl Serialize for CivilDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CivilDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CivilDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: u16, m: u8, d: u8) -> CivilDate {
        CivilDate::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn parse_accepts_valid_dates_and_reports_each_fault() {
        assert_eq!(CivilDate::parse(" 2024-02-29 "), Ok(date(2024, 2, 29)));
        assert_eq!(CivilDate::parse("2000-02-29"), Ok(date(2000, 2, 29)));
        for (s, e) in [
            ("2026-2-1", DateError::Malformed),
            ("2026/02/01", DateError::Malformed),
            ("２０２６-02-01", DateError::Malformed),
            ("0000-01-01", DateError::YearOutOfRange),
            ("2026-13-01", DateError::MonthOutOfRange),
            ("2026-00-10", DateError::MonthOutOfRange),
            ("2026-02-29", DateError::DayOutOfRange),
            ("1900-02-29", DateError::DayOutOfRange),
            ("2026-04-31", DateError::DayOutOfRange),
            ("2026-04-00", DateError::DayOutOfRange),
        ] {
            assert_eq!(CivilDate::parse(s), Err(e), "{s}");
        }
    }

    #[test]
    fn serialises_as_iso_string_and_refuses_bad_ones() {
        let d = date(2026, 1, 5);
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""2026-01-05""#);
        assert_eq!(
            serde_json::from_str::<CivilDate>(r#""2026-01-05""#).unwrap(),
            d
        );
        assert!(serde_json::from_str::<CivilDate>(r#""2026-01-32""#).is_err());
        assert_eq!(date(9, 1, 1).to_string(), "0009-01-01");
    }

    #[test]
    fn epoch_days_match_known_dates() {
        assert_eq!(date(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(date(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(date(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(
            CivilDate::from_days_since_epoch(20_415),
            Some(date(2025, 11, 23))
        );
        assert_eq!(CivilDate::MAX.add_days(1), None);
        assert_eq!(CivilDate::MIN.add_days(-1), None);
    }

    #[test]
    fn weekdays_are_iso_numbered() {
        assert_eq!(date(1970, 1, 1).weekday(), 4);
        assert_eq!(date(2026, 11, 23).weekday(), 1);
        assert_eq!(date(2026, 11, 29).weekday(), 7);
        assert_eq!(date(1969, 12, 29).weekday(), 1);
        assert_eq!(CivilDate::MIN.weekday(), 1);
    }

    #[test]
    fn local_date_follows_the_offset() {
        // 2026-11-23T17:00:00Z is already the 24th in Shanghai.
        let ms = date(2026, 11, 23).start_unix_ms(0).unwrap() + 17 * 3_600_000;
        assert_eq!(CivilDate::from_unix_ms(ms, 0), Ok(date(2026, 11, 23)));
        assert_eq!(CivilDate::from_unix_ms(ms, 480), Ok(date(2026, 11, 24)));
        assert_eq!(CivilDate::from_unix_ms(-1, 0), Ok(date(1969, 12, 31)));
        assert_eq!(
            CivilDate::from_unix_ms(ms, 19 * 60),
            Err(DateError::OffsetOutOfRange)
        );
        let start = date(2026, 11, 24).start_unix_ms(480).unwrap();
        // Midnight in Shanghai is 16:00 UTC the day before.
        assert_eq!(start, ms - 3_600_000);
        assert_eq!(CivilDate::from_unix_ms(start, 480), Ok(date(2026, 11, 24)));
        assert_eq!(
            CivilDate::from_unix_ms(start - 1, 480),
            Ok(date(2026, 11, 23))
        );
    }

    #[test]
    fn adding_a_month_clamps_to_the_end_of_shorter_months() {
        let add = |d: CivilDate, n| d.add_months(n).unwrap();
        assert_eq!(add(date(2025, 1, 31), 1), date(2025, 2, 28));
        assert_eq!(add(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(add(date(2024, 3, 31), 1), date(2024, 4, 30));
        assert_eq!(add(date(2024, 2, 29), 12), date(2025, 2, 28));
        assert_eq!(add(date(2024, 12, 15), 1), date(2025, 1, 15));
        assert_eq!(add(date(2024, 11, 30), 3), date(2025, 2, 28));
        assert_eq!(date(9999, 12, 1).add_months(1), None);
    }

    #[test]
    fn whole_months_count_like_add_months() {
        assert_eq!(date(2024, 1, 31).whole_months_until(date(2024, 2, 29)), 1);
        assert_eq!(date(2024, 1, 15).whole_months_until(date(2024, 2, 14)), 0);
        assert_eq!(date(2024, 1, 15).whole_months_until(date(2025, 1, 15)), 12);
        assert_eq!(date(2025, 1, 15).whole_months_until(date(2024, 1, 15)), -12);
        assert_eq!(date(2024, 1, 1).days_until(date(2024, 12, 31)), 365);
    }

    #[test]
    fn unchecked_day_numbers_work_for_any_year() {
        for days in [-800_000, -1, 0, 1, 11_016, 19_782, 2_932_896, 4_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(-719_528), (0, 1, 1));
    }

    proptest! {
        #[test]
        fn days_round_trip(days in CivilDate::MIN.days_since_epoch()..=CivilDate::MAX.days_since_epoch()) {
            let d = CivilDate::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(d.days_since_epoch(), days);
            prop_assert_eq!(CivilDate::parse(&d.to_string()), Ok(d));
            let next = d.add_days(1);
            if let Some(next) = next {
                prop_assert!(next > d);
            }
        }
    }
}
