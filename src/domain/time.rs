//! RFC 3339 (UTC) for the contract's timestamps, without a date crate: the app only needs
//! formatting, parsing of its own format, and day arithmetic.

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
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
    }
}

/// Parses RFC 3339 with a `Z` or `±hh:mm` offset, or a bare date (midnight UTC).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<i64>().ok();
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let date = days_from_civil(y, m, d) * DAY;
    if s.len() == 10 {
        return Some(date);
    }
    if !matches!(s.get(10..11)?, "T" | "t" | " ") || s.get(13..14)? != ":" {
        return None;
    }
    let (h, min, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if h > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut milli = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        milli = padded.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            sign * (o[1..3].parse::<i64>().ok()? * HOUR + o[4..6].parse::<i64>().ok()? * MINUTE)
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

#[cfg(test)]
mod tests {
    use super::*;

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
            parse_rfc3339("2000-02-29T00:00:00.1Z"),
            Some(951_782_400_100)
        );
        assert_eq!(parse_rfc3339("2026-11-25"), Some(1_795_564_800_000));
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

    #[test]
    fn round_trips_across_years() {
        let mut t = -100 * 365 * DAY;
        while t < 200 * 365 * DAY {
            assert_eq!(parse_rfc3339(&to_rfc3339(t)), Some(t));
            t += 37 * DAY + 12_345_678;
        }
    }
}
