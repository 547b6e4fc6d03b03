//! Civil dates for legal deadlines: calendar months with end-of-month
//! clamping, calendar days and working days.
//!
//! Deadlines in privacy law are counted in dates, not instants, so requests
//! carry a [`CivilDate`] (the app converts "now" in the user's time zone with
//! [`CivilDate::from_unix_ms`]). The proleptic Gregorian conversions are
//! Howard Hinnant's `days_from_civil` / `civil_from_days`.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A date in the proleptic Gregorian calendar. Stored and serialised as
/// `"YYYY-MM-DD"`; reading checks that the date exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    pub year: i32,
    /// 1..=12.
    pub month: u8,
    /// 1..=31, valid for the month.
    pub day: u8,
}

impl std::str::FromStr for CivilDate {
    type Err = InvalidDate;

    /// Reads `"YYYY-MM-DD"` (years 0000-9999).
    fn from_str(text: &str) -> Result<CivilDate, InvalidDate> {
        let invalid = InvalidDate {
            year: 0,
            month: 0,
            day: 0,
        };
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b.get(r.clone())?.iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(invalid);
        }
        match (digits(0..4), digits(5..7), digits(8..10)) {
            // Each part is at most 4 or 2 decimal digits, so the casts fit.
            (Some(y), Some(m), Some(d)) => CivilDate::new(y as i32, m as u8, d as u8),
            _ => Err(invalid),
        }
    }
}

impl Serialize for CivilDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CivilDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CivilDate, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A date that does not exist (month 13, 30 February, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{year:04}-{month:02}-{day:02} is not a calendar date")]
pub struct InvalidDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl CivilDate {
    /// A checked date.
    pub fn new(year: i32, month: u8, day: u8) -> Result<CivilDate, InvalidDate> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Ok(CivilDate { year, month, day })
        } else {
            Err(InvalidDate { year, month, day })
        }
    }

    /// The local date of an instant, `utc_offset_minutes` east of UTC
    /// (+480 for China Standard Time).
    pub fn from_unix_ms(ms: i64, utc_offset_minutes: i32) -> CivilDate {
        let local = ms.saturating_add(i64::from(utc_offset_minutes) * 60_000);
        CivilDate::from_days(local.div_euclid(DAY_MS))
    }

    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8; // 1..=31 by construction
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8; // 1..=12
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilDate { year, month, day }
    }

    /// Midnight at the start of this date, `utc_offset_minutes` east of UTC.
    pub fn start_unix_ms(self, utc_offset_minutes: i32) -> i64 {
        self.to_days() * DAY_MS - i64::from(utc_offset_minutes) * 60_000
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.to_days() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    pub fn add_days(self, days: i64) -> CivilDate {
        CivilDate::from_days(self.to_days() + days)
    }

    /// Days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: CivilDate) -> i64 {
        later.to_days() - self.to_days()
    }

    /// The same day `months` calendar months later; when that month is
    /// shorter, its last day (31 January + 1 month = 28 or 29 February).
    /// This is how the EU reads "one month" (Regulation 1182/71, art. 3(2)(c)).
    pub fn add_months(self, months: u32) -> CivilDate {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = index.div_euclid(12) as i32;
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        CivilDate { year, month, day }
    }

    /// Months between `self` and `later`, rounded down: `later` is at least
    /// `n` months after `self` exactly when `self.add_months(n) <= later`.
    pub fn whole_months_until(self, later: CivilDate) -> i64 {
        if later < self {
            return -later.whole_months_until(self);
        }
        let mut n = (i64::from(later.year) - i64::from(self.year)) * 12 + i64::from(later.month)
            - i64::from(self.month);
        while n > 0 && self.add_months(n as u32) > later {
            n -= 1;
        }
        n
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Which dates count as working days: Monday to Friday, minus public
/// holidays, plus make-up working days (China moves weekend days around
/// its holidays, "调休"). Both lists are data the user maintains.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkingCalendar {
    pub holidays: BTreeSet<CivilDate>,
    pub extra_working_days: BTreeSet<CivilDate>,
}

impl WorkingCalendar {
    pub fn is_working_day(&self, date: CivilDate) -> bool {
        if self.extra_working_days.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&date)
    }

    /// The `n`th working day after `from` (not counting `from` itself).
    pub fn add_working_days(&self, from: CivilDate, n: u32) -> CivilDate {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date = date.add_days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn days_round_trip_across_eras_and_leap_days() {
        for days in [-800_000, -1, 0, 1, 11_016, 19_782, 20_000, 2_932_896] {
            assert_eq!(CivilDate::from_days(days).to_days(), days);
        }
        assert_eq!(CivilDate::from_days(0), d(1970, 1, 1));
        assert_eq!(d(2000, 2, 29).add_days(1), d(2000, 3, 1));
        assert_eq!(d(2024, 12, 31).to_days() - d(2024, 1, 1).to_days(), 365);
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(CivilDate::new(2023, 2, 29).is_err());
        assert!(CivilDate::new(2024, 2, 29).is_ok());
        assert!(CivilDate::new(1900, 2, 29).is_err());
        assert!(CivilDate::new(2000, 2, 29).is_ok());
        assert!(CivilDate::new(2024, 13, 1).is_err());
        assert!(CivilDate::new(2024, 4, 31).is_err());
    }

    #[test]
    fn dates_serialise_as_iso_strings_and_are_checked_on_reading() {
        let date = d(2024, 2, 29);
        assert_eq!(serde_json::to_string(&date).unwrap(), r#""2024-02-29""#);
        assert_eq!(
            serde_json::from_str::<CivilDate>(r#""2024-02-29""#).unwrap(),
            date
        );
        for bad in [
            r#""2023-02-29""#,
            r#""2024-13-01""#,
            r#""2024-1-01""#,
            r#""20240229""#,
            r#""2024-02-2x""#,
            "20240229",
        ] {
            assert!(serde_json::from_str::<CivilDate>(bad).is_err(), "{bad}");
        }
        assert_eq!("0001-01-01".parse::<CivilDate>(), CivilDate::new(1, 1, 1));
    }

    #[test]
    fn local_date_depends_on_the_offset() {
        // 2026-11-23 20:00 UTC is already the 24th in Shanghai.
        let ms = d(2026, 11, 23).start_unix_ms(0) + 20 * 3_600_000;
        assert_eq!(CivilDate::from_unix_ms(ms, 0), d(2026, 11, 23));
        assert_eq!(CivilDate::from_unix_ms(ms, 480), d(2026, 11, 24));
        assert_eq!(CivilDate::from_unix_ms(-1, 0), d(1969, 12, 31));
    }

    #[test]
    fn adding_a_month_clamps_to_the_end_of_shorter_months() {
        assert_eq!(d(2025, 1, 31).add_months(1), d(2025, 2, 28));
        assert_eq!(d(2024, 1, 31).add_months(1), d(2024, 2, 29));
        assert_eq!(d(2024, 3, 31).add_months(1), d(2024, 4, 30));
        assert_eq!(d(2024, 2, 29).add_months(12), d(2025, 2, 28));
        assert_eq!(d(2024, 12, 15).add_months(1), d(2025, 1, 15));
        assert_eq!(d(2024, 11, 30).add_months(3), d(2025, 2, 28));
    }

    #[test]
    fn whole_months_count_like_add_months() {
        assert_eq!(d(2024, 1, 31).whole_months_until(d(2024, 2, 29)), 1);
        assert_eq!(d(2024, 1, 15).whole_months_until(d(2024, 2, 14)), 0);
        assert_eq!(d(2024, 1, 15).whole_months_until(d(2025, 1, 15)), 12);
        assert_eq!(d(2025, 1, 15).whole_months_until(d(2024, 1, 15)), -12);
    }

    #[test]
    fn weekdays_are_right() {
        assert_eq!(d(1970, 1, 1).weekday(), Weekday::Thursday);
        assert_eq!(d(2026, 11, 23).weekday(), Weekday::Monday);
        assert_eq!(d(2024, 2, 29).weekday(), Weekday::Thursday);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_honour_makeup_days() {
        let mut cal = WorkingCalendar::default();
        // Friday + 1 working day = Monday.
        assert_eq!(cal.add_working_days(d(2026, 11, 27), 1), d(2026, 11, 30));
        assert_eq!(cal.add_working_days(d(2026, 11, 23), 15), d(2026, 12, 14));
        cal.holidays.insert(d(2026, 11, 30));
        assert_eq!(cal.add_working_days(d(2026, 11, 27), 1), d(2026, 12, 1));
        cal.extra_working_days.insert(d(2026, 11, 28));
        assert_eq!(cal.add_working_days(d(2026, 11, 27), 1), d(2026, 11, 28));
    }
}
