//! flagd-core's `sem_ver` (flagd's JavaScript evaluator, `normalizeVersion` with npm's `semver`
//! 7): the value's `String()`, one leading `v` or `V` dropped, read by `semver.parse` (white
//! space trimmed, another `v` allowed, parts up to 2⁵³ − 1: `unleash_semver`'s Node grammar);
//! failing that, text of one or two runs of digits is `semver.coerce`d (`1` → 1.0.0, `1.2` →
//! 1.2.0). A value that is no version never matches (flagd-core answers `null`).

use super::flagd_semver::SemverTest;
use super::unleash_semver::{self, Dialect, Version};
use crate::json::Json;
use core::cmp::Ordering;

/// The version flagd-core reads from `text` (already `String()`-ed).
pub(crate) fn normalize(text: &str) -> Option<Version> {
    let s = text.strip_prefix(['v', 'V']).unwrap_or(text);
    unleash_semver::parse_value(Dialect::Node, s).or_else(|| coerce(s))
}

/// `semver.coerce` of text matching `^\d+(\.\d+)?$` (flagd-core coerces nothing else). Its
/// pattern takes runs of at most 16 digits, each after the start or a non-digit: a longer
/// major leaves only the minor to be read as the major; a longer minor is left out. The result
/// is then parsed, so leading zeros and parts past 2⁵³ − 1 are no version.
fn coerce(s: &str) -> Option<Version> {
    let (a, b) = match s.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || b.is_some_and(|b| !digits(b)) {
        return None;
    }
    let short = b.filter(|b| b.len() <= 16);
    let (major, minor) = if a.len() <= 16 { (a, short.unwrap_or("0")) } else { (short?, "0") };
    let text = [major, ".", minor, ".0"].concat();
    unleash_semver::parse_value(Dialect::Node, &text)
}

/// Whether the context value `x` compares with `literal` so.
pub(crate) fn holds(test: SemverTest, x: &Json<'_>, literal: &Version) -> bool {
    // A missing value is JSON Logic's `null`, whose text is no version.
    let v = match x {
        Json::Null => None,
        Json::String(s) => normalize(s),
        x => normalize(&super::js::to_string(x)),
    };
    let Some(v) = v else { return false };
    let (a, b) = (v.main(), literal.main());
    match test {
        // `semver.compare`: numeric identifiers equal as numbers compare as equal.
        SemverTest::Cmp(cmp) => {
            cmp.holds(unleash_semver::compare(Dialect::Node, &v, literal).unwrap_or(Ordering::Equal))
        }
        SemverTest::Major => a[0] == b[0],
        SemverTest::Minor => a[0] == b[0] && a[1] == b[1],
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn read(s: &str) -> Option<alloc::string::String> {
        normalize(s).map(|v| {
            let m = v.main();
            alloc::format!("{}.{}.{}", m[0], m[1], m[2])
        })
    }

    #[test]
    fn reads_as_flagd_core() {
        // As flagd-core 4.0.1's normalizeVersion gives them (semver 7.8.6).
        for (text, want) in [
            ("1.2.3", Some("1.2.3")),
            ("v1.2.3", Some("1.2.3")),
            ("vv1.2.3", Some("1.2.3")),
            ("V 1.2.3 ", Some("1.2.3")),
            ("1", Some("1.0.0")),
            ("1.2", Some("1.2.0")),
            ("v1.2", Some("1.2.0")),
            ("01", None),
            ("1.02", None),
            ("007", None),
            ("1.12345678901234567", Some("1.0.0")),
            ("12345678901234567.2", Some("2.0.0")),
            ("9999999999999999", None),
            ("1.2.3.4", None),
            (" 1", None),
            ("1.", None),
            ("null", None),
            ("", None),
        ] {
            assert_eq!(read(text).as_deref(), want, "{text:?}");
        }
    }
}
