//! The device's clock and time zone, and the text forms `<input
//! type="date">`, `type="time"` and `type="datetime-local"` use. The
//! browser's `Date` does the zone arithmetic (daylight saving included);
//! core only ever sees unix milliseconds and a UTC offset.

use coffer_core::date::CivilDate;
use wasm_bindgen::JsValue;

fn date_at(ms: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(ms as f64))
}

/// The device's current UTC offset in minutes east of UTC (core's sign).
pub fn offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// "2026-11-23T14:05" in local time.
pub fn to_input(ms: i64) -> String {
    let d = date_at(ms);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Reads "2026-11-23T14:05" (or "2026-11-23" and "14:05" joined by the
/// caller) as local time.
pub fn from_input(value: &str) -> Option<i64> {
    let (date, time) = value.split_once('T')?;
    let date = CivilDate::parse(date).ok()?;
    let (h, m) = time.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let d = js_sys::Date::new_with_year_month_day_hr_min(
        u32::from(date.year()),
        i32::from(date.month()) - 1,
        i32::from(date.day()),
        h as i32,
        m as i32,
    );
    let ms = d.get_time();
    ms.is_finite().then_some(ms as i64)
}

/// The local date part of [`to_input`].
pub fn date_of(ms: i64) -> String {
    to_input(ms)[..10].to_string()
}

/// The local time part of [`to_input`].
pub fn time_of(ms: i64) -> String {
    to_input(ms)[11..].to_string()
}

/// "2026-11-23 14:05" for display.
pub fn show(ms: i64) -> String {
    to_input(ms).replacen('T', " ", 1)
}
