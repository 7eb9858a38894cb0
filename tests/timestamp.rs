//! `parse_timestamp` against the parser it replaced: the `time` crate's RFC 3339 parser (a
//! dev-dependency only), with a full-date rewritten to midnight UTC as the old code did. Both must
//! accept the same strings and give the same milliseconds: hand-picked edge cases, then a few
//! hundred thousand generated date-times, leap seconds, full-dates and mutations of them.

mod common;

use common::Rng;
use edgeflag::parse_timestamp;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// The previous implementation of `parse_timestamp`, verbatim.
fn reference(s: &str) -> Option<i64> {
    let mut full = [0u8; 20];
    let s = match s.as_bytes() {
        date @ [_, _, _, _, b'-', _, _, b'-', _, _] => {
            full[..10].copy_from_slice(date);
            full[10..].copy_from_slice(b"T00:00:00Z");
            core::str::from_utf8(&full).ok()?
        }
        _ => s,
    };
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000)).ok()
}

/// Compares both parsers on every input; returns (inputs, accepted by the reference).
fn compare<'a>(inputs: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let (mut n, mut accepted, mut mismatches) = (0, 0, Vec::new());
    for s in inputs {
        let (want, got) = (reference(s), parse_timestamp(s));
        n += 1;
        accepted += usize::from(want.is_some());
        if want != got && mismatches.len() < 20 {
            mismatches.push(format!("{s:?}: time {want:?}, edgeflag {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "mismatches:\n{}", mismatches.join("\n"));
    (n, accepted)
}

const EDGE_CASES: &[&str] = &[
    // The documented forms.
    "1970-01-01T00:00:00Z",
    "2026-11-20T09:30:00Z",
    "2026-11-20T10:30:00.250+01:00",
    "2026-11-20T04:00:00-05:30",
    "2026-11-20",
    "1969-12-31T23:59:59.9999Z",
    "1969-12-31T23:59:59.999Z",
    "1969-12-31T23:59:59.0001Z",
    "1969-12-31",
    // Year range.
    "0000-01-01T00:00:00Z",
    "0000-01-01",
    "0000-02-29",
    "0000-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999999Z",
    "9999-12-31T23:59:59.999999999-23:59",
    "9999-12-31",
    "10000-01-01T00:00:00Z",
    "-0001-01-01T00:00:00Z",
    "+2026-11-20T09:30:00Z",
    "226-11-20T09:30:00Z",
    // Calendar validity.
    "2024-02-29",
    "2023-02-29",
    "1900-02-29",
    "2000-02-29",
    "2026-02-30",
    "2026-04-31",
    "2026-04-30",
    "2026-13-01",
    "2026-00-01",
    "2026-01-00",
    "2026-01-32",
    "2026-1-01",
    "2026-01-1",
    // Time fields.
    "2026-11-20T24:00:00Z",
    "2026-11-20T23:60:00Z",
    "2026-11-20T23:59:61Z",
    "2026-11-20T09:30Z",
    "2026-11-20T09:30:0Z",
    "2026-11-20T9:30:00Z",
    "2026-11-20T09:30:00",
    "2026-11-20T09-30-00Z",
    // Separators.
    "2026-11-20t09:30:00Z",
    "2026-11-20 09:30:00Z",
    "2026-11-20_09:30:00Z",
    "2026-11-20009:30:00Z",
    "2026-11-20\t09:30:00Z",
    "2026-11-20\u{0}09:30:00Z",
    "2026-11-20é09:30:00Z",
    "2026-11-2009:30:00Z",
    "2026-11-20TT09:30:00Z",
    "2026/11/20T09:30:00Z",
    "2026-11-20T09:30:00z",
    // Fractions.
    "2026-11-20T09:30:00.Z",
    "2026-11-20T09:30:00.1Z",
    "2026-11-20T09:30:00.12Z",
    "2026-11-20T09:30:00.123Z",
    "2026-11-20T09:30:00.1234567891234Z",
    "2026-11-20T09:30:00,5Z",
    "2026-11-20T09:30:00.5.5Z",
    "2026-11-20T09:30:00.-5Z",
    "2026-11-20T09:30:00.５Z",
    "1969-12-31T23:59:59.999999999999999999999999Z",
    // Offsets.
    "2026-11-20T09:30:00+00:00",
    "2026-11-20T09:30:00-00:00",
    "2026-11-20T09:30:00+23:59",
    "2026-11-20T09:30:00-23:59",
    "2026-11-20T09:30:00+24:00",
    "2026-11-20T09:30:00+01:60",
    "2026-11-20T09:30:00+0100",
    "2026-11-20T09:30:00+01",
    "2026-11-20T09:30:00+1:00",
    "2026-11-20T09:30:00+01:00:00",
    "2026-11-20T09:30:00\u{2212}01:00",
    "2026-11-20T09:30:00 +01:00",
    "2026-11-20T09:30:00ZZ",
    "2026-11-20T09:30:00UTC",
    "2026-11-20T09:30:00.5+05:30",
    // Leap seconds: only 23:59:60 UTC on the last day of a month.
    "2016-12-31T23:59:60Z",
    "2016-12-31T23:59:60.5Z",
    "2016-12-31T23:59:60.000Z",
    "2016-12-31T23:59:60.999999999Z",
    "2016-12-31t23:59:60z",
    "2026-06-30T23:59:60Z",
    "2026-02-28T23:59:60Z",
    "2024-02-28T23:59:60Z",
    "2024-02-29T23:59:60Z",
    "2026-11-20T23:59:60Z",
    "2016-12-31T22:59:60Z",
    "2016-12-31T23:58:60Z",
    "2016-12-31T23:59:60+00:00",
    "2016-12-31T23:59:60-00:00",
    "2017-01-01T00:59:60+01:00",
    "2016-12-31T18:59:60-05:00",
    "2016-12-31T18:29:60-05:30",
    "2016-12-31T23:59:60+01:00",
    "2017-01-01T00:59:60-01:00",
    "2017-01-01T05:29:60+05:30",
    "2017-01-01T05:30:60+05:30",
    "0000-01-01T00:59:60+01:00",
    "9999-12-31T23:59:60Z",
    "9999-12-31T22:59:60-01:00",
    "1969-12-31T23:59:60Z",
    // Whitespace and junk around valid strings.
    " 2026-11-20T09:30:00Z",
    "2026-11-20T09:30:00Z ",
    "2026-11-20T09:30:00Z\n",
    " 2026-11-20",
    "2026-11-20 ",
    "2026-11-20T",
    "2026-11-20Z",
    "2026-11-20T00:00:00",
    "２０２６-11-20",
    "2026-11-20\u{feff}",
    "2026-1é-20",
    "20é6-11-20",
    "aaaa-bb-cc",
    "----------",
    // Not timestamps at all.
    "",
    "yesterday",
    "0",
    "1795167000000",
    "-",
    "T",
    "Z",
    "🚀",
];

#[test]
fn edge_cases_match_the_time_crate() {
    let (n, accepted) = compare(EDGE_CASES.iter().copied());
    assert!(n >= 50 && accepted >= 30, "{n} edge cases, {accepted} accepted");
}

#[test]
fn documented_edge_behaviour() {
    let ms = |s: &str| parse_timestamp(s);
    let utc = ms("2016-12-31T23:59:59.999Z");
    assert!(utc.is_some());
    // Leap seconds: the last millisecond of the minute, whatever fraction, in any offset.
    assert_eq!(ms("2016-12-31T23:59:60Z"), utc);
    assert_eq!(ms("2016-12-31T23:59:60.123Z"), utc);
    assert_eq!(ms("2017-01-01T05:29:60+05:30"), utc);
    assert_eq!(ms("2026-11-20T23:59:60Z"), None);
    assert_eq!(ms("2016-12-31T23:59:60+01:00"), None);
    // Any separator byte, lowercase t and z, -00:00, as many fraction digits as you like.
    let t = ms("2026-11-20T09:30:00Z");
    for s in ["2026-11-20t09:30:00z", "2026-11-20 09:30:00-00:00", "2026-11-20x09:30:00+00:00"] {
        assert_eq!(ms(s), t, "{s}");
    }
    let long = format!("2026-11-20T09:30:00.{}Z", "9".repeat(200_000));
    assert_eq!(ms(&long), t.map(|t| t + 999));
    assert_eq!(ms("2026-11-20é09:30:00Z"), None);
    assert_eq!(ms("0000-01-01"), Some(-62_167_219_200_000));
    assert_eq!(ms("9999-12-31T23:59:59.999Z"), Some(253_402_300_799_999));
    assert_eq!(ms("0000-01-01T00:00:00+23:59"), Some(-62_167_219_200_000 - 86_340_000));
    // Long and odd inputs: no panic.
    for s in [
        "9".repeat(1 << 20),
        "-".repeat(10),
        format!("2026-11-20T09:30:00{}", "+".repeat(100_000)),
        format!("2026-11-20T09:30:00.{}", "é".repeat(1000)),
        "\u{10ffff}".repeat(8),
    ] {
        assert_eq!(ms(&s), reference(&s));
    }
}

fn month_length(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn year(rng: &mut Rng) -> i64 {
    const EDGES: &[i64] = &[0, 1, 3, 4, 99, 100, 399, 400, 1582, 1900, 1969, 1970, 2000, 9999];
    if rng.chance(25) {
        rng.pick(EDGES)
    } else {
        rng.range(0, 9999)
    }
}

fn date(rng: &mut Rng) -> (i64, i64, i64) {
    let (y, m) = (year(rng), rng.range(1, 12));
    let len = month_length(y, m);
    let d = match rng.next() % 10 {
        0 => 1,
        1 => len,
        _ => rng.range(1, len),
    };
    (y, m, d)
}

fn fraction(rng: &mut Rng) -> String {
    let digits = if rng.chance(30) { 0 } else { rng.range(1, 12) };
    let mut s = String::new();
    if digits > 0 {
        s.push('.');
        for _ in 0..digits {
            s.push(char::from(b'0' + rng.range(0, 9) as u8));
        }
    }
    s
}

fn offset(rng: &mut Rng) -> String {
    match rng.next() % 20 {
        0..=4 => "Z".into(),
        5 => "z".into(),
        6 => rng.pick(&["+00:00", "-00:00", "+23:59", "-23:59"]).into(),
        _ => {
            let sign = if rng.chance(50) { '+' } else { '-' };
            let minute = if rng.chance(50) { 0 } else { rng.range(0, 59) };
            format!("{sign}{:02}:{minute:02}", rng.range(0, 23))
        }
    }
}

fn separator(rng: &mut Rng) -> char {
    match rng.next() % 20 {
        0 => 't',
        1 => ' ',
        2 => rng.pick(&['_', '0', '9', ':', '-', '\t', 'Z', '\u{7f}']),
        _ => 'T',
    }
}

/// A valid date-time with a random offset and 0–12 fraction digits.
fn date_time(rng: &mut Rng) -> String {
    let (y, m, d) = date(rng);
    let (h, mi, s) = if rng.chance(10) {
        rng.pick(&[(0, 0, 0), (23, 59, 59), (12, 0, 0)])
    } else {
        (rng.range(0, 23), rng.range(0, 59), rng.range(0, 59))
    };
    let sep = separator(rng);
    let (frac, off) = (fraction(rng), offset(rng));
    format!("{y:04}-{m:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{off}")
}

/// A date-time with second 60: half at 23:59:60 UTC on a month's last day in some offset, half
/// near misses (another day, hour or minute, or a shifted offset).
fn leap_second(rng: &mut Rng) -> String {
    let (y, m, _) = date(rng);
    let mut day = month_length(y, m);
    let (mut hour, mut minute) = (23u8, 59u8);
    let exact = rng.chance(50);
    if !exact {
        match rng.next() % 3 {
            0 => day = rng.range(1, day),
            1 => hour = rng.range(0, 23) as u8,
            _ => minute = rng.range(0, 59) as u8,
        }
    }
    let month = Month::try_from(m as u8).unwrap();
    let utc = Date::from_calendar_date(y as i32, month, day as u8)
        .unwrap()
        .with_time(Time::from_hms(hour, minute, 59).unwrap())
        .assume_utc();
    let (oh, om) = (rng.range(-23, 23) as i8, rng.range(0, 59) as i8);
    let om = if rng.chance(40) { 0 } else { om };
    let Ok(off) = UtcOffset::from_hms(oh, if oh < 0 { -om } else { om }, 0) else {
        return "bad offset".into();
    };
    let Some(local) = utc.checked_to_offset(off) else {
        return format!("{y:04}-{m:02}-{day:02}T{hour:02}:{minute:02}:60Z");
    };
    let (sh, sm) = (off.whole_hours(), off.minutes_past_hour());
    let mut off_text = format!("{}{:02}:{:02}", if off.is_negative() { '-' } else { '+' }, sh.abs(), sm.abs());
    if !exact && rng.chance(20) {
        // Write a different offset than the one the local time was computed for.
        off_text = offset(rng);
    } else if off.is_utc() && rng.chance(50) {
        off_text = rng.pick(&["Z", "z", "-00:00"]).into();
    }
    format!(
        "{:04}-{:02}-{:02}{}{:02}:{:02}:60{}{off_text}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        separator(rng),
        local.hour(),
        local.minute(),
        fraction(rng),
    )
}

/// A full-date, sometimes with an out-of-range month or day.
fn full_date(rng: &mut Rng) -> String {
    let (y, mut m, mut d) = date(rng);
    if rng.chance(20) {
        m = rng.range(0, 19);
        d = rng.range(0, 39);
    }
    format!("{y:04}-{m:02}-{d:02}")
}

/// Characters a mutation inserts or substitutes: the syntax's own, digits, whitespace, and
/// non-ASCII look-alikes (fullwidth digit, minus sign, multi-byte letters).
const POOL: &[char] = &[
    '0', '1', '2', '3', '5', '9', '-', ':', '.', ',', '+', 'T', 't', 'Z', 'z', ' ', '\t', '\n', '\0', 'x', '/', 'é',
    '５', '\u{2212}', '٣', '🚀', '\u{7f}',
];

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    for _ in 0..rng.range(1, 3) {
        let at = rng.range(0, c.len() as i64) as usize; // may be c.len()
        match rng.next() % 11 {
            // A digit changed (off by one, or another digit).
            0 | 1 => {
                if let Some(d) = c.get_mut(at).filter(|d| d.is_ascii_digit()) {
                    let v = d.to_digit(10).unwrap() as i64;
                    let v = match rng.next() % 3 {
                        0 => (v + 1) % 10,
                        1 => (v + 9) % 10,
                        _ => rng.range(0, 9),
                    };
                    *d = char::from(b'0' + v as u8);
                }
            }
            // A character replaced, inserted or removed.
            2 if at < c.len() => c[at] = rng.pick(POOL),
            3 => c.insert(at, rng.pick(POOL)),
            4 if at < c.len() => {
                c.remove(at);
            }
            // Case flipped (t, z).
            5 => c.iter_mut().for_each(|ch| {
                *ch = if ch.is_ascii_uppercase() { ch.to_ascii_lowercase() } else { ch.to_ascii_uppercase() };
            }),
            // A field set out of range (or to an edge).
            6 | 7 => {
                let field = rng.pick(&[0usize, 5, 8, 11, 14, 17, 20, 23]);
                let value = rng
                    .pick(&["00", "01", "12", "13", "23", "24", "28", "29", "30", "31", "32", "59", "60", "61", "99"]);
                for (i, v) in value.chars().enumerate() {
                    if let Some(ch) = c.get_mut(field + i) {
                        *ch = v;
                    }
                }
            }
            // Truncated.
            8 => c.truncate(at),
            // Adjacent characters swapped.
            9 if at + 1 < c.len() => c.swap(at, at + 1),
            // Something appended.
            _ => c.extend(rng.pick(&["Z", " ", ":00", "0", ".5", "+01:00", "\n"]).chars()),
        }
    }
    c.into_iter().collect()
}

fn random_junk(rng: &mut Rng) -> String {
    (0..rng.range(0, 30)).map(|_| rng.pick(POOL)).collect()
}

#[test]
fn generated_inputs_match_the_time_crate() {
    let mut rng = Rng(0x5eed_ed9e_f1a9);
    let mut inputs = Vec::new();
    for _ in 0..150_000 {
        inputs.push(date_time(&mut rng));
    }
    for _ in 0..60_000 {
        inputs.push(leap_second(&mut rng));
    }
    for _ in 0..30_000 {
        inputs.push(full_date(&mut rng));
    }
    for _ in 0..300_000 {
        let base = match rng.next() % 10 {
            0..=5 => date_time(&mut rng),
            6 | 7 => leap_second(&mut rng),
            _ => full_date(&mut rng),
        };
        inputs.push(mutate(&mut rng, &base));
    }
    for _ in 0..20_000 {
        inputs.push(random_junk(&mut rng));
    }
    let (n, accepted) = compare(inputs.iter().map(String::as_str));
    let leaps = inputs.iter().filter(|s| s.contains(":60") && reference(s).is_some()).count();
    eprintln!("{n} generated inputs, {accepted} accepted by the reference, {leaps} of them leap seconds");
    // Enough of both outcomes, leap seconds included, for the comparison to mean something.
    assert!(accepted > n / 3 && n - accepted > n / 5 && leaps > 20_000, "{accepted}/{n}, {leaps}");
}
