//! LaunchDarkly's `before` / `after` (`ldBefore`, `ldAfter`): a value is a time when it is a
//! number of milliseconds since the epoch (truncated to a whole one; at most 2⁵³ − 1 either
//! way) or a string in RFC 3339's date-time form (`2017-12-06T00:00:00.000-07:00`: a `T`, an
//! offset `Z` or `±HH:MM`, seconds 00–59, any fraction kept to the nanosecond), as the Go and
//! Rust SDKs read it (docs/import.md, LaunchDarkly). Anything else is no time and matches
//! nothing; times compare to the nanosecond. The JavaScript SDKs' reading (`ldBeforeNode`,
//! `ldAfterNode`) is [`time_node`].

use crate::json::Json;

/// A time: seconds since the epoch and nanoseconds past them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LdTime {
    pub secs: i64,
    pub nanos: u32,
}

/// The largest magnitude of milliseconds the SDKs read (2⁵³ − 1).
const MAX_MILLIS: f64 = 9_007_199_254_740_991.0;

/// `value` as a time, if the SDKs read one.
pub(crate) fn time(value: &Json<'_>) -> Option<LdTime> {
    match value {
        Json::Number(n) if n.abs() <= MAX_MILLIS => {
            let ms = *n as i64; // truncation toward zero, as the SDKs convert
            Some(LdTime { secs: ms.div_euclid(1000), nanos: (ms.rem_euclid(1000) * 1_000_000) as u32 })
        }
        Json::String(s) => rfc3339(s.as_bytes()),
        _ => None,
    }
}

/// `value` as the JavaScript SDKs read a time, in milliseconds: a number as it is; a string that
/// LaunchDarkly's pattern accepts (`YYYY-MM-DDTHH:MM:SS`, a fraction, then `Z` or `±HH`) and
/// `Date.parse` reads — V8's ISO form: the offset `Z`, `±HH:MM` or `±HHMM` ending the text, days
/// 1–31 carried into the next month, `24:00:00` the next midnight, the fraction's first three
/// digits (checked against Node's own answers in tests/vectors/launchdarkly-contexts.json).
pub(crate) fn time_node(value: &Json<'_>) -> Option<f64> {
    match value {
        Json::Number(n) => Some(*n),
        Json::String(s) => node_iso(s.as_bytes()),
        _ => None,
    }
}

fn node_iso(b: &[u8]) -> Option<f64> {
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    let mut i = 19;
    let mut ms = 0i64;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 3 {
                ms = ms * 10 + i64::from(d - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            ms *= 10;
        }
    }
    let offset = match b.get(i..)? {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2], 0, 2)?, digits(&[*m1, *m2], 0, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            (h * 60 + m) * if *sign == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    let midnight = hour == 24 && minute == 0 && second == 0 && ms == 0;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || (hour > 23 && !midnight) || minute > 59 || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, 1) + day - 1;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some((secs * 1000 + ms) as f64)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0i64, |v, &d| d.is_ascii_digit().then(|| v * 10 + i64::from(d - b'0')))
}

fn rfc3339(b: &[u8]) -> Option<LdTime> {
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i..)? {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2], 0, 2)?, digits(&[*m1, *m2], 0, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let o = h * 3600 + m * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(LdTime { secs, nanos })
}

fn days_in(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::borrow::Cow;

    fn t(s: &str) -> Option<LdTime> {
        time(&Json::String(Cow::Borrowed(s)))
    }

    #[test]
    fn reads_what_the_sdks_read() {
        let ms = |n: f64| time(&Json::Number(n));
        let same = [t("2017-12-06T00:00:00.000-07:00"), t("2017-12-06T07:00:00Z"), ms(1_512_543_600_000.0)];
        assert!(same[0].is_some() && same.iter().all(|x| *x == same[0]));
        assert_eq!(ms(1.9), ms(1.0));
        assert_eq!(ms(-1.5), Some(LdTime { secs: -1, nanos: 999_000_000 }));
        assert!(t("2017-12-06T07:00:00.0000000001Z") == t("2017-12-06T07:00:00Z"));
        assert!(t("2017-12-06T07:00:00.000000001Z") > t("2017-12-06T07:00:00Z"));
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(LdTime { secs: 0, nanos: 0 }));
        assert_eq!(t("2000-03-01T00:00:00Z").map(|x| x.secs), Some(951_868_800));
        for bad in [
            "2017-12-06",
            "2017-12-06X00:00:00Z",
            "00:00:00.000-07.00",
            "",
            "1512543600000",
            "2017-12-06T00:00:00",
            "2017-02-29T00:00:00Z",
            "2017-12-06T24:00:00Z",
            "2017-12-06T00:00:60Z",
            "2017-12-06T00:00:00.Z",
            "2017-12-06t00:00:00Z",
            "2017-12-06T00:00:00-07",
            "2017-12-06T00:00:00z",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
        assert_eq!(time(&Json::Bool(true)), None);
        // Node's Date.parse, as run: these read, the ones after do not.
        let node = |s: &str| time_node(&Json::String(Cow::Borrowed(s)));
        for (s, ms) in [
            ("2017-12-06T07:00:00Z", 1_512_543_600_000.0),
            ("2017-12-06T07:00:00.9999Z", 1_512_543_600_999.0),
            ("2017-02-30T00:00:00Z", 1_488_412_800_000.0),
            ("2017-12-06T24:00:00.000Z", 1_512_604_800_000.0),
            ("2017-12-06T07:00:00+0700", 1_512_518_400_000.0),
            ("2017-12-06T07:00:00.5+05:30", 1_512_523_800_500.0),
            ("2017-12-06T07:00:00+23:59", 1_512_457_260_000.0),
        ] {
            assert_eq!(node(s), Some(ms), "{s}");
        }
        for s in [
            "2017-12-06T23:59:60Z",
            "2017-13-06T00:00:00Z",
            "2017-12-06T07:00:00-07",
            "2017-12-06T07:00:00Zjunk",
            "2017-12-06T24:00:00.001Z",
            "2017-12-32T00:00:00Z",
            "2017-12-06T07:00:00+24:00",
            "2017-12-06T07:00:00z",
            "2017-12-06",
            "2017-12-06T07:00:00+07:0",
        ] {
            assert_eq!(node(s), None, "{s}");
        }
        assert_eq!(time_node(&Json::Number(1e21)), Some(1e21));
        assert_eq!(time(&Json::Number(1e16)), None);
    }
}
