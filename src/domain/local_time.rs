//! The arithmetic behind showing times in the admin's own zone, kept apart from the browser's
//! `Intl` (which formats) so it can be tested natively: which unit a countdown speaks in, and
//! what a date picked in a filter means as an instant.

/// The unit a relative time is said in ("in 23 h", "5 min ago").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelUnit {
    Second,
    Minute,
    Hour,
    Day,
}

impl RelUnit {
    /// The unit name `Intl.RelativeTimeFormat` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            RelUnit::Second => "second",
            RelUnit::Minute => "minute",
            RelUnit::Hour => "hour",
            RelUnit::Day => "day",
        }
    }
}

/// `delta_ms` (positive = in the future) as a whole number of the largest unit that keeps it
/// readable: up to a minute in seconds, up to an hour in minutes, up to two days in hours.
pub fn relative(delta_ms: i64) -> (i64, RelUnit) {
    let s = delta_ms / 1000;
    let a = s.unsigned_abs();
    if a < 60 {
        (s, RelUnit::Second)
    } else if a < 3_600 {
        (s / 60, RelUnit::Minute)
    } else if a < 48 * 3_600 {
        (s / 3_600, RelUnit::Hour)
    } else {
        (s / 86_400, RelUnit::Day)
    }
}

/// The instant a date picked in a filter (`YYYY-MM-DD`, the admin's own calendar day) starts
/// (`end` = false) or ends (`end` = true) at, as RFC 3339 with the admin's offset, so the backend
/// reads the admin's day and not a UTC one. `offset_min` is minutes east of UTC (UTC+8 = 480).
/// `None` for anything that is not such a date.
pub fn day_bound(date: &str, offset_min: i32, end: bool) -> Option<String> {
    let b = date.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 10
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return None;
    }
    let month: u32 = date.get(5..7)?.parse().ok()?;
    let day: u32 = date.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || offset_min.abs() >= 24 * 60 {
        return None;
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let (h, m) = (offset_min.abs() / 60, offset_min.abs() % 60);
    let time = if end { "23:59:59.999" } else { "00:00:00.000" };
    Some(format!("{date}T{time}{sign}{h:02}:{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_pick_a_readable_unit() {
        assert_eq!(relative(23 * 3_600_000 + 59_000), (23, RelUnit::Hour));
        assert_eq!(relative(8_000), (8, RelUnit::Second));
        assert_eq!(relative(-5 * 60_000), (-5, RelUnit::Minute));
        assert_eq!(relative(3 * 86_400_000), (3, RelUnit::Day));
        assert_eq!(RelUnit::Hour.as_str(), "hour");
    }

    #[test]
    fn filter_days_are_the_admins_days() {
        assert_eq!(
            day_bound("2026-11-01", 480, false).as_deref(),
            Some("2026-11-01T00:00:00.000+08:00")
        );
        assert_eq!(
            day_bound("2026-11-01", -300, true).as_deref(),
            Some("2026-11-01T23:59:59.999-05:00")
        );
        assert_eq!(
            day_bound("2026-11-01", 330, false).as_deref(),
            Some("2026-11-01T00:00:00.000+05:30")
        );
        for bad in [
            "",
            "2026-13-01",
            "2026-1-01",
            "２０２６-11-01",
            "2026-11-01T00",
            "abcd-ef-gh",
        ] {
            assert_eq!(day_bound(bad, 0, false), None, "{bad}");
        }
    }
}
