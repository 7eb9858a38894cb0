//! Timestamps: RFC 3339 date-times and full-dates, or integer milliseconds since the epoch.

use crate::json::Json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Parses an RFC 3339 date-time (`2026-11-20T09:30:00Z`, `…+01:00`, fractions allowed) or
/// full-date (`2026-11-20`, midnight UTC) into milliseconds since the Unix epoch. Fractions
/// finer than a millisecond are truncated toward the past.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    // A full-date is the date-time at midnight UTC; one parser keeps the Wasm small.
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
