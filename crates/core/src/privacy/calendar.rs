//! Working days for legal deadlines. Deadlines in privacy law are counted
//! in dates, not instants, so requests carry a [`CivilDate`] (the app
//! converts "now" in the user's time zone with [`CivilDate::from_unix_ms`]);
//! calendar days and months are [`CivilDate`]'s own arithmetic.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::date::CivilDate;

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
        // ISO weekdays: 6 and 7 are Saturday and Sunday.
        date.weekday() <= 5 && !self.holidays.contains(&date)
    }

    /// The `n`th working day after `from` (not counting `from` itself), or
    /// `None` when that is past year 9999.
    pub fn add_working_days(&self, from: CivilDate, n: u32) -> Option<CivilDate> {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date = date.add_days(1)?;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> CivilDate {
        CivilDate::from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_honour_makeup_days() {
        let mut cal = WorkingCalendar::default();
        let add = |cal: &WorkingCalendar, from, n| cal.add_working_days(from, n).unwrap();
        // Friday + 1 working day = Monday.
        assert_eq!(add(&cal, d(2026, 11, 27), 1), d(2026, 11, 30));
        assert_eq!(add(&cal, d(2026, 11, 23), 15), d(2026, 12, 14));
        cal.holidays.insert(d(2026, 11, 30));
        assert_eq!(add(&cal, d(2026, 11, 27), 1), d(2026, 12, 1));
        cal.extra_working_days.insert(d(2026, 11, 28));
        assert_eq!(add(&cal, d(2026, 11, 27), 1), d(2026, 11, 28));
        assert_eq!(cal.add_working_days(CivilDate::MAX, 1), None);
    }
}
