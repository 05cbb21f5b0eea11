//! Dates and relative times through the browser's `Intl`, in the widget's locale.

use wasm_bindgen::JsValue;

use crate::i18n::Locale;

/// "5 minutes ago", "yesterday" … for `seconds` ago (negative: in the future).
pub fn relative(locale: Locale, seconds: i64) -> String {
    let (value, unit) = relative_unit(seconds);
    let locales = js_sys::Array::of1(&JsValue::from_str(locale.tag()));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    // "short", not "narrow": Russian narrow past times read "-5 мин" instead of "5 мин. назад".
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"short".into());
    let format = js_sys::Intl::RelativeTimeFormat::new(&locales, &options);
    String::from(format.format(value, unit))
}

/// The value and unit to express `seconds` ago in (pure, tested natively).
pub fn relative_unit(seconds: i64) -> (f64, &'static str) {
    let s = seconds.max(0);
    let (n, unit) = match s {
        0..=44 => (s, "second"),
        45..=2_699 => ((s + 30) / 60, "minute"),
        2_700..=79_199 => ((s + 1_800) / 3_600, "hour"),
        79_200..=2_591_999 => ((s + 43_200) / 86_400, "day"),
        _ => ((s + 1_296_000) / 2_592_000, "month"),
    };
    (-(n as f64), unit)
}

/// A short "waiting" duration such as `4m`, `2h`, `3d` (`4 мин`, `2 ч`, `3 д` in Russian).
pub fn short_duration(locale: Locale, seconds: i64) -> String {
    use crate::i18n::Key;
    let s = seconds.max(0);
    let (n, unit) = match s {
        0..=59 => (s, Key::UnitSeconds),
        60..=3_599 => (s / 60, Key::UnitMinutes),
        3_600..=86_399 => (s / 3_600, Key::UnitHours),
        _ => (s / 86_400, Key::UnitDays),
    };
    format!("{n}{}", unit.text(locale))
}

fn date(unix: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0))
}

/// The clock time of a Unix timestamp, e.g. `14:05`.
pub fn clock(locale: Locale, unix: i64) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date(unix).to_locale_time_string_with_options(locale.tag(), &options))
}

/// The day of a Unix timestamp for a day separator, e.g. `Monday, 3 March`.
pub fn day(locale: Locale, unix: i64) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"weekday".into(), &"long".into());
    let _ = js_sys::Reflect::set(&options, &"day".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"month".into(), &"long".into());
    String::from(date(unix).to_locale_date_string(locale.tag(), &options))
}

/// The full date and time, for `title` tooltips.
pub fn full(locale: Locale, unix: i64) -> String {
    String::from(date(unix).to_locale_string(locale.tag(), &JsValue::UNDEFINED))
}

/// A local-calendar day number (for grouping by day in the browser's time zone).
pub fn day_key(unix: i64) -> i64 {
    let d = date(unix);
    i64::from(d.get_full_year()) * 400 + i64::from(d.get_month()) * 32 + i64::from(d.get_date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_a_readable_unit() {
        assert_eq!(relative_unit(5), (-5.0, "second"));
        assert_eq!(relative_unit(90), (-2.0, "minute"));
        assert_eq!(relative_unit(3 * 3600), (-3.0, "hour"));
        assert_eq!(relative_unit(2 * 86_400), (-2.0, "day"));
        assert_eq!(relative_unit(-10), (-0.0, "second"));
        assert_eq!(short_duration(Locale::En, 125), "2m");
        assert_eq!(short_duration(Locale::En, 7200), "2h");
        assert_eq!(short_duration(Locale::En, 3 * 86_400), "3d");
        assert_eq!(short_duration(Locale::Ru, 125), "2 мин");
        assert_eq!(short_duration(Locale::Ru, 30), "30 с");
    }
}
