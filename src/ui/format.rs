//! Every date, time and number the admin reads, in their own time zone and language, through
//! the browser's `Intl` (no date crate in the bundle). Times arrive as RFC 3339 instants; an
//! instant that does not parse is shown as it came (as text), never guessed at.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::domain::local_time;
use crate::i18n::Locale;

/// What a formatter shows; one cached `Intl` object per (language, kind).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Date,
    DateTime,
    DateTimeZone,
    Number,
}

thread_local! {
    static FORMATTERS: RefCell<HashMap<(Locale, Kind), Function>> = RefCell::new(HashMap::new());
    /// Countdowns re-render every second: one `Intl.RelativeTimeFormat` per language, kept.
    static RELATIVE: RefCell<HashMap<Locale, Intl::RelativeTimeFormat>> = RefCell::new(HashMap::new());
    /// What instants were shown as, in `SHOWN_SLOTS` slots chosen by a hash (a newer one takes
    /// the slot): long lists show the same dates again and again as the admin filters and
    /// scrolls, and each `Intl` call crosses into JS twice. The zone is fixed for the page's
    /// life, so an entry never goes stale.
    static SHOWN: RefCell<Vec<Option<Shown>>> = const { RefCell::new(Vec::new()) };
    /// The zone does not change while the page lives.
    static ZONE: String = {
        let dtf = Intl::DateTimeFormat::new(&Array::new(), &Object::new());
        Reflect::get(&dtf.resolved_options(), &JsValue::from_str("timeZone"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "UTC".to_string())
    };
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn formatter(locale: Locale, kind: Kind) -> Function {
    FORMATTERS.with(|f| {
        f.borrow_mut()
            .entry((locale, kind))
            .or_insert_with(|| {
                let locales = Array::of1(&JsValue::from_str(locale.tag()));
                let date = [
                    ("year", "numeric"),
                    ("month", "2-digit"),
                    ("day", "2-digit"),
                ];
                let time = [
                    ("hour", "2-digit"),
                    ("minute", "2-digit"),
                    ("hourCycle", "h23"),
                ];
                match kind {
                    Kind::Date => Intl::DateTimeFormat::new(&locales, &options(&date)).format(),
                    Kind::DateTime => {
                        let all: Vec<_> = date.iter().chain(&time).copied().collect();
                        Intl::DateTimeFormat::new(&locales, &options(&all)).format()
                    }
                    Kind::DateTimeZone => {
                        let mut all: Vec<_> = date.iter().chain(&time).copied().collect();
                        all.push(("second", "2-digit"));
                        all.push(("timeZoneName", "short"));
                        Intl::DateTimeFormat::new(&locales, &options(&all)).format()
                    }
                    Kind::Number => Intl::NumberFormat::new(&locales, &Object::new()).format(),
                }
            })
            .clone()
    })
}

fn instant(iso: &str) -> Option<Date> {
    let d = Date::new(&JsValue::from_str(iso));
    (!d.get_time().is_nan()).then_some(d)
}

fn apply(locale: Locale, kind: Kind, value: &JsValue) -> Option<String> {
    formatter(locale, kind)
        .call1(&JsValue::NULL, value)
        .ok()?
        .as_string()
}

const SHOWN_SLOTS: usize = 1_024;

struct Shown {
    locale: Locale,
    kind: Kind,
    iso: String,
    text: String,
}

fn shown_slot(locale: Locale, kind: Kind, iso: &str) -> usize {
    // The same instant in another language or kind takes a nearby slot.
    let h = crate::demo::rng::hash(iso).wrapping_add(locale as u64 * 4 + kind as u64);
    (h % SHOWN_SLOTS as u64) as usize
}

fn format_instant(locale: Locale, kind: Kind, iso: &str) -> String {
    let at = shown_slot(locale, kind, iso);
    let known = SHOWN.with(|s| match s.borrow().get(at) {
        Some(Some(e)) if e.locale == locale && e.kind == kind && e.iso == iso => {
            Some(e.text.clone())
        }
        _ => None,
    });
    if let Some(text) = known {
        return text;
    }
    let text = instant(iso)
        .and_then(|d| apply(locale, kind, &d))
        .unwrap_or_else(|| iso.to_string());
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_empty() {
            s.resize_with(SHOWN_SLOTS, || None);
        }
        if let Some(slot) = s.get_mut(at) {
            *slot = Some(Shown {
                locale,
                kind,
                iso: iso.to_string(),
                text: text.clone(),
            });
        }
    });
    text
}

/// The admin's calendar day of an instant.
pub fn date(locale: Locale, iso: &str) -> String {
    format_instant(locale, Kind::Date, iso)
}

/// Day and time to the minute, in the admin's zone.
pub fn date_time(locale: Locale, iso: &str) -> String {
    format_instant(locale, Kind::DateTime, iso)
}

/// Day and time to the second with the zone named, where the exact moment matters (the audit
/// timeline, exports).
pub fn date_time_zone(locale: Locale, iso: &str) -> String {
    format_instant(locale, Kind::DateTimeZone, iso)
}

/// A count with the language's digit grouping (20,000).
pub fn number(locale: Locale, n: impl Into<f64>) -> String {
    let n: f64 = n.into();
    apply(locale, Kind::Number, &JsValue::from_f64(n))
        .unwrap_or_else(|| crate::i18n::plain_number(n))
}

/// How far `iso` is from `now_ms`, said the language's way ("in 23 hours", "23 小时后").
pub fn relative(locale: Locale, iso: &str, now_ms: f64) -> String {
    let Some(at) = instant(iso) else {
        return iso.to_string();
    };
    let (value, unit) = local_time::relative((at.get_time() - now_ms) as i64);
    RELATIVE.with(|r| {
        let mut r = r.borrow_mut();
        let rtf = r.entry(locale).or_insert_with(|| {
            let locales = Array::of1(&JsValue::from_str(locale.tag()));
            Intl::RelativeTimeFormat::new(&locales, &options(&[("numeric", "auto")]))
        });
        String::from(rtf.format(value as f64, unit.as_str()))
    })
}

/// The admin's time zone, e.g. `Asia/Shanghai`, for headers that must say which zone.
pub fn zone_name() -> String {
    ZONE.with(String::clone)
}

/// A date picked in a filter as the instant the admin's day starts or ends, with their offset.
pub fn day_bound(date: &str, end: bool) -> Option<String> {
    let (y, m, d) = (
        date.get(0..4)?.parse::<u32>().ok()?,
        date.get(5..7)?.parse::<i32>().ok()?,
        date.get(8..10)?.parse::<i32>().ok()?,
    );
    // The offset of that very day (daylight saving moves it), minutes east of UTC.
    let local = Date::new_with_year_month_day(y, m - 1, d);
    let offset = -(local.get_timezone_offset() as i32);
    local_time::day_bound(date, offset, end)
}
