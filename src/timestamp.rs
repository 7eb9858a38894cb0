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

const MS_PER_DAY: i64 = 86_400_000;

/// Parses an RFC 3339 date-time (`2026-11-20T09:30:00Z`, `…+01:00`, fractions allowed) or
/// full-date (`2026-11-20`, midnight UTC) into milliseconds since the Unix epoch. Fractions
/// finer than a millisecond are truncated toward the past.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // The digits of `YYYY-MM-DD?hh:mm:ss` read as one number, YYYYMMDDhhmmss, then split: one
    // loop rather than a call per field. `?` is the separator, any byte: a non-ASCII one leaves
    // a continuation byte where the hour starts, which is not a digit.
    let date_only = b.len() == 10;
    let shape = b"0000-00-00?00:00:00";
    let shape = if date_only { shape.get(..10)? } else { shape };
    let mut n = 0;
    for (&want, &c) in shape.iter().zip(b) {
        match want {
            b'0' => n = n * 10 + digit(c)?,
            b'?' => {}
            _ if c != want => return None,
            _ => {}
        }
    }
    if b.len() < shape.len() {
        return None;
    }
    if date_only {
        n *= 1_000_000;
    }
    let (year, month, day) = (n / 10_000_000_000, n / 100_000_000 % 100, n / 1_000_000 % 100);
    let (hour, minute, mut second) = (n / 10_000 % 100, n / 100 % 100, n % 100);

    if !(1..=12).contains(&month) {
        return None;
    }
    // Days from 1970-01-01 to the first of the month; the month's length is the distance to the
    // next first (month 13 is January of the next year).
    let first = days_from_civil(year, month);
    let len = days_from_civil(year, month + 1) - first;
    if day == 0 || day > len {
        return None;
    }
    let date_ms = (first + day - 1) * MS_PER_DAY;
    if date_only {
        return Some(date_ms);
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

/// Days from 1970-01-01 to the first of the month (proleptic Gregorian, after Howard Hinnant's
/// `days_from_civil`). Years count from a March start so that February is last, and one 400-year
/// cycle (146,097 days) later so that they are never negative and plain division floors.
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = year + 400 - i64::from(month <= 2);
    let doy = (153 * ((month + 9) % 12) + 2) / 5; // day of the March-based year of the first
    365 * y + y / 4 - y / 100 + y / 400 + doy - 146_097 - 719_468
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
