//! Calendar arithmetic on unix milliseconds and a UTC offset: local day
//! numbers, months and ISO 8601 weeks. Proleptic Gregorian, no time zone
//! database: the app passes the offset in force.

use serde::{Deserialize, Serialize};

pub(super) use crate::date::days_from_civil;
use crate::date::{DAY_MS, civil_from_days as civil};

/// Days since 1970-01-01 of the local date of `ms` at `utc_offset_min`
/// (east of UTC positive: +480 for Beijing).
pub(super) fn local_day(ms: i64, utc_offset_min: i32) -> i64 {
    (ms + i64::from(utc_offset_min) * 60_000).div_euclid(DAY_MS)
}

/// Monday = 0 … Sunday = 6. 1970-01-01 was a Thursday.
pub(super) fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    pub(super) fn of_day(days: i64) -> YearMonth {
        let (y, m, _) = civil(days);
        YearMonth {
            year: y as i32,
            month: m,
        }
    }

    /// Months since year 0, so consecutive months differ by one.
    pub(super) fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub(super) fn from_ordinal(n: i64) -> YearMonth {
        YearMonth {
            year: n.div_euclid(12) as i32,
            month: n.rem_euclid(12) as u32 + 1,
        }
    }
}

/// An ISO 8601 week: weeks start on Monday, and week 1 is the one holding
/// the year's first Thursday (so 2024-12-30 is in week 1 of 2025).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    pub year: i32,
    /// 1–53.
    pub week: u32,
}

impl IsoWeek {
    pub(super) fn of_day(days: i64) -> IsoWeek {
        let thursday = days - weekday(days) + 3;
        let (year, _, _) = civil(thursday);
        let jan1 = days_from_civil(year, 1, 1);
        IsoWeek {
            year: year as i32,
            week: ((thursday - jan1) / 7 + 1) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip_and_match_known_days() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
        for d in -800_000..800_000 {
            if d % 997 == 0 {
                let (y, m, dd) = civil(d);
                assert_eq!(days_from_civil(y, m, dd), d);
            }
        }
    }

    #[test]
    fn local_day_applies_the_offset() {
        // 2024-05-31T20:00Z is 2024-06-01 04:00 in Beijing and 16:00 in New York.
        let ms = (days_from_civil(2024, 5, 31) * 24 + 20) * 3_600_000;
        assert_eq!(civil(local_day(ms, 480)), (2024, 6, 1));
        assert_eq!(civil(local_day(ms, -240)), (2024, 5, 31));
        assert_eq!(civil(local_day(-1, 0)), (1969, 12, 31));
    }

    #[test]
    fn iso_weeks_at_year_boundaries() {
        let w = |y, m, d| IsoWeek::of_day(days_from_civil(y, m, d));
        assert_eq!(
            w(2024, 12, 30),
            IsoWeek {
                year: 2025,
                week: 1
            }
        );
        assert_eq!(
            w(2021, 1, 3),
            IsoWeek {
                year: 2020,
                week: 53
            }
        );
        assert_eq!(
            w(2021, 1, 4),
            IsoWeek {
                year: 2021,
                week: 1
            }
        );
        assert_eq!(
            w(2024, 5, 15),
            IsoWeek {
                year: 2024,
                week: 20
            }
        );
        assert_eq!(weekday(days_from_civil(2024, 5, 13)), 0, "a Monday");
    }

    #[test]
    fn month_ordinals_are_consecutive() {
        let dec = YearMonth {
            year: 2023,
            month: 12,
        };
        let jan = YearMonth::from_ordinal(dec.ordinal() + 1);
        assert_eq!(
            jan,
            YearMonth {
                year: 2024,
                month: 1
            }
        );
        assert_eq!(YearMonth::of_day(days_from_civil(2024, 2, 29)).month, 2);
    }
}
