//! Timestamps: RFC 3339 date-times and full-dates, or integer milliseconds since the epoch.
//!
//! The parser is a small exact replacement for the `time` crate's `Rfc3339` parser (which cost
//! about 4 KB of the optimised Wasm module, 2 KB gzipped); tests/timestamp.rs checks it against
//! that crate, which stays a dev-dependency. It accepts exactly what that parser accepts:
//!
//! - `YYYY-MM-DD` (years 0000–9999, proleptic Gregorian) then any single byte as the separator
//!   (`T`, `t`, a space, even a digit), `hh:mm:ss`; hour ≤ 23, minute ≤ 59, second ≤ 60;
//! - an optional fraction: `.` and one or more ASCII digits, any number (digits past the first
//!   three only have to be digits);
//! - `Z`, `z` or a numeric offset `+hh:mm` / `-hh:mm` with hh ≤ 23 and mm ≤ 59 (`-00:00` is UTC);
//! - nothing else: no whitespace around it, no trailing bytes;
//! - second 60 (a leap second) only where it is 23:59:60 in UTC on the last day of a month (any
//!   month of any year); it is read as the last millisecond before the next minute, whatever
//!   fraction it has.
//!
//! A full-date (exactly ten bytes) is midnight UTC on that date.

use crate::json::Json;

const MS_PER_DAY: i64 = 86_400_000;

/// Parses an RFC 3339 date-time (`2026-11-20T09:30:00Z`, `…+01:00`, fractions allowed) or
/// full-date (`2026-11-20`, midnight UTC) into milliseconds since the Unix epoch. Fractions
/// finer than a millisecond are truncated toward the past.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let len = month_length(year, month)?;
    if day == 0 || day > len {
        return None;
    }
    // Days from 1970-01-01 to the first of the month.
    let first = days_from_civil(year, month);
    let date_ms = (first + day - 1) * MS_PER_DAY;
    if b.len() == 10 {
        return Some(date_ms);
    }

    // b[10] is the separator: any byte. A non-ASCII one leaves a continuation byte at b[11],
    // which is not a digit.
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let mut second = digits(b, 17, 2)?;
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }

    let mut millis = 0;
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let mut scale = 100;
        while let Some(d) = b.get(i).and_then(|&c| digit(c)) {
            millis += d * scale;
            scale /= 10;
            i += 1;
        }
        if i == 20 {
            return None;
        }
    }

    let offset_minutes = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digit(*h1)? * 10 + digit(*h2)?;
            let m = digit(*m1)? * 10 + digit(*m2)?;
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };

    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let leap = second == 60;
    if leap {
        second = 59;
        millis = 999;
    }
    let seconds = hour * 3600 + (minute - offset_minutes) * 60 + second;
    let ms = date_ms + seconds * 1000 + millis;
    if leap {
        // The next UTC midnight must be the first of a month: this month's (the local date is
        // the first and the UTC one the day before) or the next one's.
        let next = ms + 1;
        if next != first * MS_PER_DAY && next != (first + len) * MS_PER_DAY {
            return None;
        }
    }
    Some(ms)
}

/// The value of the ASCII digit `c`.
fn digit(c: u8) -> Option<i64> {
    let d = c.wrapping_sub(b'0');
    (d < 10).then_some(i64::from(d))
}

/// The number written by the `n` ASCII digits at `b[at..]`, if they are all there.
fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    b.get(at..at + n)?.iter().try_fold(0, |v, &c| Some(v * 10 + digit(c)?))
}

/// The number of days in the month (1–12) of the year, or `None` for another month.
fn month_length(year: i64, month: i64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    Some(match month {
        2 => 28 + i64::from(leap),
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    })
}

/// Days from 1970-01-01 to the first of the month (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`, integers only). Years count from a March start so that February is last.
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5; // day of the March-based year of the first
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A timestamp written as a string or as integer milliseconds.
pub(crate) fn from_json(v: &Json<'_>) -> Option<i64> {
    match v {
        Json::String(s) => parse_timestamp(s),
        Json::Number(_) => v.as_integer(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2026-11-20T09:30:00Z"), Some(1_795_167_000_000));
        assert_eq!(parse_timestamp("2026-11-20T10:30:00.250+01:00"), Some(1_795_167_000_250));
        assert_eq!(parse_timestamp("2026-11-20"), Some(1_795_132_800_000));
        // Sub-millisecond digits truncate toward the past, also before 1970.
        assert_eq!(parse_timestamp("1969-12-31T23:59:59.9999Z"), Some(-1));
        assert_eq!(parse_timestamp("2026-02-30"), None);
        assert_eq!(parse_timestamp("2026-11-20T09:30Z"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
