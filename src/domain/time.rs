//! RFC 3339 (UTC) for the contract's timestamps, without a date crate: the app only needs
//! formatting, parsing of its own format, and day arithmetic.
//!
//! Every function here is total: parsing reads bytes through `get` and never slices a `&str`,
//! because its input comes from query strings and a panic there would poison the backend's store.

use std::fmt::Write;

pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// `2026-11-25T16:25:28Z` (milliseconds kept when not zero).
pub fn to_rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(DAY);
    let rem = ms.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / HOUR,
        rem % HOUR / MINUTE,
        rem % MINUTE / SECOND,
        rem % SECOND,
    );
    // Sized exactly: `format!` would grow it to 32 bytes, and the demo makes two of these per
    // customer of a 20,000-customer list (0.6 MB of slack in the page's memory).
    let mut out = String::with_capacity(if milli == 0 { 20 } else { 24 });
    let _ = if milli == 0 {
        write!(out, "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
    } else {
        write!(
            out,
            "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z"
        )
    };
    out
}

/// The ASCII digits `b[a..b]` as a number; `None` for anything else (signs included, which
/// `str::parse` would accept).
fn digits(b: &[u8], from: usize, to: usize) -> Option<i64> {
    let d = b.get(from..to)?;
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |n, c| n * 10 + i64::from(c - b'0')))
}

/// Parses RFC 3339 with a `Z` or `±hh:mm` offset, or a bare date (midnight UTC).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let at = |i: usize| b.get(i).copied();
    let (y, m, d) = (digits(b, 0, 4)?, digits(b, 5, 7)?, digits(b, 8, 10)?);
    if at(4)? != b'-' || at(7)? != b'-' || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let date = days_from_civil(y, m, d) * DAY;
    if b.len() == 10 {
        return Some(date);
    }
    if !matches!(at(10)?, b'T' | b't' | b' ') || at(13)? != b':' || at(16)? != b':' {
        return None;
    }
    let (h, min, sec) = (digits(b, 11, 13)?, digits(b, 14, 16)?, digits(b, 17, 19)?);
    if h > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = b.get(19..)?;
    let mut milli = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // Milliseconds: the first three digits, right-padded with zeros; finer digits dropped.
        let k = n.min(3);
        milli = digits(frac, 0, k)? * 10_i64.pow(3 - k as u32);
        rest = frac.get(n..)?;
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (digits(rest, 1, 3)?, digits(rest, 4, 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let sign = if *sign == b'-' { -1 } else { 1 };
            sign * (oh * HOUR + om * MINUTE)
        }
        _ => return None,
    };
    Some(date + h * HOUR + min * MINUTE + sec * SECOND + milli - offset)
}

// Howard Hinnant's days <-> civil date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

// proptest is a native dev-dependency only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(to_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(to_rfc3339(1_795_623_928_000), "2026-11-25T16:25:28Z");
        assert_eq!(to_rfc3339(951_782_400_123), "2000-02-29T00:00:00.123Z");
    }

    #[test]
    fn parses_offsets_fractions_and_dates() {
        assert_eq!(
            parse_rfc3339("2026-11-25T16:25:28Z"),
            Some(1_795_623_928_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-26T00:25:28+08:00"),
            Some(1_795_623_928_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-25T11:25:28-05:00"),
            Some(1_795_623_928_000)
        );
        assert_eq!(
            parse_rfc3339("2000-02-29T00:00:00.1Z"),
            Some(951_782_400_100)
        );
        assert_eq!(
            parse_rfc3339("2000-02-29T00:00:00.12345678901234567890123Z"),
            Some(951_782_400_123)
        );
        assert_eq!(parse_rfc3339("2026-11-25"), Some(1_795_564_800_000));
        assert_eq!(parse_rfc3339(" 2026-11-25 "), Some(1_795_564_800_000));
        for bad in [
            "",
            "2026-13-01",
            "2026-11-25T25:00:00Z",
            "yesterday",
            "2026-11-25T10:00:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    /// Inputs that used to panic (slicing inside a multi-byte character) or were accepted
    /// although they are not RFC 3339 (`str::parse` takes a sign).
    #[test]
    fn rejects_known_bad_inputs_without_panicking() {
        for bad in [
            "2026-11-25T10:00:00+0\u{e9}00",
            "2026-11-25T10:00:00+\u{e9}:00",
            "2026-11-25T10:00:00+08:\u{e9}",
            "2026-11-25T10:00:00\u{e9}0:00",
            "2026-11-25T10:00:00.\u{e9}Z",
            "2026-11-25T10:00:00.1\u{e9}",
            "2026-11-25T1\u{e9}:00Z",
            "2026-11-25\u{e9}10:00:00Z",
            "2026-11-2\u{e9}",
            "\u{e9}026-11-25",
            "\u{1f600}",
            "2026-\u{1f600}-25",
            "2026-11-25T10:00:00+\u{1f600}",
            "+026-11-25",
            "2026-+1-25",
            "2026-11-+5",
            "2026-11-25T+1:00:00Z",
            "2026-11-25T10:-1:00Z",
            "2026-11-25T10:00:-1Z",
            "2026-11-25T10:00x00Z",
            "2026-11-25T10:00:00+24:00",
            "2026-11-25T10:00:00+08:60",
            "2026-11-25T10:00:00+8:00",
            "2026-11-25T10:00:00+08:+0",
            "2026-11-25T10:00:00.Z",
            "2026-11-25T10:00:00ZZ",
            "2026-11-25T",
            "2026-11-25T10:00:00+08:00\u{e9}",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_the_extremes() {
        for ms in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
            assert!(!to_rfc3339(ms).is_empty());
        }
    }

    #[test]
    fn round_trips_across_years() {
        let mut t = -100 * 365 * DAY;
        while t < 200 * 365 * DAY {
            assert_eq!(parse_rfc3339(&to_rfc3339(t)), Some(t));
            t += 37 * DAY + 12_345_678;
        }
    }

    /// Pieces of timestamps, valid and not, so the generator reaches the deep branches.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("2026".to_string()),
            Just("-".to_string()),
            Just("11".to_string()),
            Just("25".to_string()),
            Just("T".to_string()),
            Just(":".to_string()),
            Just(".".to_string()),
            Just("Z".to_string()),
            Just("+08:00".to_string()),
            Just("-05:30".to_string()),
            "[0-9]{1,4}",
            "[+:.Tt Zz-]",
            "[é中😀]",
            any::<char>().prop_map(String::from),
        ]
    }

    /// A valid timestamp, then characters inserted, swapped in or removed anywhere.
    fn mangled() -> impl Strategy<Value = String> {
        (
            -10_000 * DAY..80_000 * DAY,
            prop_oneof![
                Just("".to_string()),
                Just("+08:00".to_string()),
                Just(".123+01:00".to_string()),
                // Offsets and fractions over a mixed-width alphabet: where byte slicing broke.
                "[.+Zz:-]?[0-9:.+Zé中😀-]{0,6}",
            ],
            proptest::collection::vec((any::<usize>(), any::<char>(), 0..3u8), 0..4),
        )
            .prop_map(|(t, tail, edits)| {
                let s = to_rfc3339(t);
                let mut chars: Vec<char> = s.get(..19).unwrap_or(&s).chars().collect();
                chars.extend(tail.chars());
                for (at, c, op) in edits {
                    let at = at % (chars.len() + 1);
                    match op {
                        0 => chars.insert(at, c),
                        _ if at == chars.len() => {}
                        1 => chars[at] = c,
                        _ => {
                            chars.remove(at);
                        }
                    }
                }
                chars.into_iter().collect()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parse_never_panics_on_any_string(s in ".*") {
            let _ = parse_rfc3339(&s);
        }

        #[test]
        fn parse_never_panics_on_date_like_pieces(
            pieces in proptest::collection::vec(piece(), 0..16)
        ) {
            let _ = parse_rfc3339(&pieces.concat());
        }

        #[test]
        fn parse_never_panics_on_mangled_timestamps(s in mangled()) {
            if let Some(t) = parse_rfc3339(&s) {
                // Whatever it accepts must format and parse back to the same instant.
                prop_assert_eq!(parse_rfc3339(&to_rfc3339(t)), Some(t));
            }
        }

        #[test]
        fn format_never_panics_and_round_trips(ms in any::<i64>()) {
            let s = to_rfc3339(ms);
            // Years 0000 to 9999: the four digits RFC 3339 allows.
            if (-62_167_219_200_000..253_402_300_800_000).contains(&ms) {
                prop_assert_eq!(parse_rfc3339(&s), Some(ms));
            }
        }
    }
}
