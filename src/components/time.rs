//! Dates and relative times through the browser's `Intl`, in the widget's locale.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::i18n::Locale;

/// "5 minutes ago", "yesterday" … for `seconds` ago (negative: in the future).
pub fn relative(locale: Locale, seconds: i64) -> String {
    String::from(relative_js(locale, seconds))
}

/// [`relative`] as the JavaScript string `Intl` made (for the DOM, without a copy into wasm and
/// back).
pub fn relative_js(locale: Locale, seconds: i64) -> js_sys::JsString {
    let (value, unit) = relative_unit(seconds);
    RELATIVE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let format = match &*cache {
            Some((tag, format)) if *tag == locale.tag() => format.clone(),
            _ => {
                // "short", not "narrow": Russian narrow past times read "-5 мин", not "5 мин. назад".
                let options = options(&[("numeric", "auto"), ("style", "short")]);
                let format = js_sys::Intl::RelativeTimeFormat::new(&locales(locale), &options);
                *cache = Some((locale.tag(), format.clone()));
                format
            }
        };
        format.format(value, unit)
    })
}

// Intl formatters are costly to build: one of each per locale, built on first use and shared by
// every row and timeline item. Each entry: the locale tag it was built for.
thread_local! {
    static RELATIVE: RefCell<Option<(&'static str, js_sys::Intl::RelativeTimeFormat)>> =
        const { RefCell::new(None) };
    static CLOCK: FormatCache = const { RefCell::new(None) };
    static DAY: FormatCache = const { RefCell::new(None) };
    static FULL: FormatCache = const { RefCell::new(None) };
}

type FormatCache = RefCell<Option<(&'static str, js_sys::Function)>>;

fn locales(locale: Locale) -> js_sys::Array {
    js_sys::Array::of1(&JsValue::from_str(locale.tag()))
}

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    options
}

/// Formats with the cached `Intl.DateTimeFormat` of `cache` (built with `pairs` on first use
/// or when the locale changed); the JavaScript string it made (`undefined` if it threw).
fn date_time(
    cache: &'static std::thread::LocalKey<FormatCache>,
    locale: Locale,
    pairs: &[(&str, &str)],
    unix: i64,
) -> JsValue {
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        let format = match &*cache {
            Some((tag, format)) if *tag == locale.tag() => format.clone(),
            _ => {
                let format =
                    js_sys::Intl::DateTimeFormat::new(&locales(locale), &options(pairs)).format();
                *cache = Some((locale.tag(), format.clone()));
                format
            }
        };
        // `format` takes the time in milliseconds as well as a `Date`.
        format
            .call1(
                &JsValue::UNDEFINED,
                &JsValue::from_f64(unix as f64 * 1000.0),
            )
            .unwrap_or(JsValue::UNDEFINED)
    })
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
    let pairs = [("hour", "2-digit"), ("minute", "2-digit")];
    date_time(&CLOCK, locale, &pairs, unix)
        .as_string()
        .unwrap_or_default()
}

/// The day of a Unix timestamp for a day separator, e.g. `Monday, 3 March`.
pub fn day(locale: Locale, unix: i64) -> String {
    let pairs = [("weekday", "long"), ("day", "numeric"), ("month", "long")];
    date_time(&DAY, locale, &pairs, unix)
        .as_string()
        .unwrap_or_default()
}

/// The full date and time, for `title` tooltips.
pub fn full(locale: Locale, unix: i64) -> String {
    full_js(locale, unix).as_string().unwrap_or_default()
}

/// [`full`] as the JavaScript string `Intl` made.
pub fn full_js(locale: Locale, unix: i64) -> JsValue {
    // What `Date.prototype.toLocaleString(locale)` shows: every date and time field numeric.
    let pairs = [
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ];
    date_time(&FULL, locale, &pairs, unix)
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
