//! flagd's `sem_ver` (its Go evaluator, `core/pkg/evaluator/semver.go`): the whole value as text
//! (a string as it is, a number as Go's `%v` writes a `float64`, anything else no version), a
//! leading `v`, or else `V`, dropped, then read and ordered by `golang.org/x/mod/semver`. A value
//! that is no version never matches (flagd answers `null`).

use crate::json::Json;
use crate::model::clause::Cmp;
use alloc::borrow::Cow;
use core::cmp::Ordering;

/// What a clause asks of the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SemverTest {
    /// `=` `<` `<=` `>` `>=` (`!=` is `<` or `>`).
    Cmp(Cmp),
    /// `^`: the same major.
    Major,
    /// `~`: the same major and minor.
    Minor,
}

/// A version as `x/mod/semver` parses it: numbers as their digits (any length, no leading
/// zero), `prerelease` with its `-` (or empty); the build is read and ignored.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Version<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    prerelease: &'a str,
}

/// The text flagd compares, without its `v`: `None` when it is no version.
pub(crate) fn text<'x>(x: &'x Json<'_>) -> Option<Cow<'x, str>> {
    let text: Cow<'x, str> = match x {
        Json::String(s) => Cow::Borrowed(&**s),
        // Go writes a float64 in `%e` form from 1e6 up and below 1e-4 (never a version there), a
        // minus sign on negatives and -0; elsewhere its shortest digits, as JavaScript's `String`.
        Json::Number(n) if n.is_sign_positive() && *n < 1e6 => Cow::Owned(super::js::to_string(x)),
        // Booleans, `null` (a missing value too), arrays and objects: `true`, `<nil>`, `[…]`, `map[…]`.
        _ => return None,
    };
    let body = match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_prefix('v').or_else(|| s.strip_prefix('V')).unwrap_or(s)),
        Cow::Owned(s) => Cow::Owned(s),
    };
    parse(&body)?;
    Some(body)
}

/// `x/mod/semver`'s grammar after the `v`: `MAJOR`, `MAJOR.MINOR`, or
/// `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
pub(crate) fn parse(s: &str) -> Option<Version<'_>> {
    let (major, rest) = number(s)?;
    if rest.is_empty() {
        return Some(Version { major, minor: "0", patch: "0", prerelease: "" });
    }
    let (minor, rest) = number(rest.strip_prefix('.')?)?;
    if rest.is_empty() {
        return Some(Version { major, minor, patch: "0", prerelease: "" });
    }
    let (patch, mut rest) = number(rest.strip_prefix('.')?)?;
    let mut prerelease = "";
    if rest.starts_with('-') {
        let end = rest.find('+').unwrap_or(rest.len());
        prerelease = &rest[..end];
        rest = &rest[end..];
        // Identifiers are non-empty, numeric ones without a leading zero.
        let bad_number = |id: &str| id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit());
        if !prerelease[1..].split('.').all(|id| identifier(id) && !bad_number(id)) {
            return None;
        }
    }
    if let Some(build) = rest.strip_prefix('+') {
        if !build.split('.').all(identifier) {
            return None;
        }
        rest = "";
    }
    rest.is_empty().then_some(Version { major, minor, patch, prerelease })
}

fn identifier(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Leading ASCII digits, not starting with `0` unless that is all.
fn number(s: &str) -> Option<(&str, &str)> {
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    let digits = &s[..end];
    (end > 0 && !(end > 1 && digits.starts_with('0'))).then_some((digits, &s[end..]))
}

/// Digits without leading zeros, by value: the longer is larger.
fn by_value(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `semver.Compare`: numbers, then the prerelease (none is highest; identifier by identifier,
/// numeric below alphanumeric, numbers by value, others by bytes; a prefix is lower).
pub(crate) fn compare(v: &Version<'_>, w: &Version<'_>) -> Ordering {
    by_value(v.major, w.major)
        .then_with(|| by_value(v.minor, w.minor))
        .then_with(|| by_value(v.patch, w.patch))
        .then_with(|| prerelease(v.prerelease, w.prerelease))
}

fn prerelease(x: &str, y: &str) -> Ordering {
    match (x.is_empty(), y.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let numeric = |id: &str| id.bytes().all(|b| b.is_ascii_digit());
    let (mut xs, mut ys) = (x[1..].split('.'), y[1..].split('.'));
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                return match (numeric(a), numeric(b)) {
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (true, true) => by_value(a, b),
                    (false, false) => a.cmp(b),
                }
            }
        }
    }
}

/// flagd's answer for the value `x` against `literal` (a text that [`text`] accepted), `false`
/// where flagd's is `null`.
pub(crate) fn holds(test: SemverTest, x: &Json<'_>, literal: &str) -> bool {
    let Some(text) = text(x) else { return false };
    let (Some(v), Some(w)) = (parse(&text), parse(literal)) else { return false };
    match test {
        SemverTest::Cmp(cmp) => cmp.holds(compare(&v, &w)),
        SemverTest::Major => v.major == w.major,
        SemverTest::Minor => v.major == w.major && v.minor == w.minor,
    }
}

#[cfg(test)]
mod tests {
    use super::{holds, text, SemverTest};
    use crate::json::Json;
    use crate::model::clause::Cmp;

    fn read(x: &str) -> Option<alloc::string::String> {
        text(&Json::parse(x).unwrap()).map(|t| t.into_owned())
    }

    #[test]
    fn values_read_as_flagd_reads_them() {
        // As flagd's normalizeVersion and semver.IsValid give them.
        let valid = [
            (r#""1.2.3""#, "1.2.3"),
            (r#""v1.2.3""#, "1.2.3"),
            (r#""V1.2.3""#, "1.2.3"),
            (r#""1""#, "1"),
            (r#""1.2""#, "1.2"),
            (r#""1.2.3-rc.1+build.007""#, "1.2.3-rc.1+build.007"),
            (r#""0.0.0-0a.-""#, "0.0.0-0a.-"),
            (r#""99999999999999999999999.0.0""#, "99999999999999999999999.0.0"),
            ("1", "1"),
            ("1.2", "1.2"),
            ("0", "0"),
            ("999999.5", "999999.5"),
            ("0.1", "0.1"),
        ];
        for (x, want) in valid {
            assert_eq!(read(x).as_deref(), Some(want), "{x}");
        }
        let invalid = [
            r#""""#,
            r#""v""#,
            r#""vv1""#,
            r#""Vv1""#,
            r#""vV1""#,
            r#"" 1.2.3""#,
            r#""1.2.3 ""#,
            r#""01.2.3""#,
            r#""1.02""#,
            r#""1-rc""#,
            r#""1.2-rc""#,
            r#""1.2+b""#,
            r#""1.2.3.4""#,
            r#""1.2.3-""#,
            r#""1.2.3-01""#,
            r#""1.2.3-a..b""#,
            r#""1.2.3+""#,
            r#""1.2.3+a+b""#,
            r#""1.2.3-a_b""#,
            r#""1.2.3-é""#,
            "1e6",
            "1000000",
            "1.05",
            "0.0001",
            "0.00001",
            "-1",
            "-0",
            "1e-7",
            "true",
            "null",
            "[1]",
            r#"["1.2.3"]"#,
            "{}",
        ];
        for x in invalid {
            assert_eq!(read(x), None, "{x}");
        }
    }

    #[test]
    fn versions_order_as_go_orders_them() {
        let at = |t: SemverTest, x: &str, v: &str| holds(t, &Json::parse(x).unwrap(), v);
        let lt = SemverTest::Cmp(Cmp::Lt);
        let eq = SemverTest::Cmp(Cmp::Eq);
        assert!(at(lt, r#""1.0.0-alpha""#, "1.0.0-alpha.1"));
        assert!(at(lt, r#""1.0.0-alpha.1""#, "1.0.0-alpha.beta"));
        assert!(at(lt, r#""1.0.0-beta.2""#, "1.0.0-beta.11"));
        assert!(at(lt, r#""1.0.0-rc.1""#, "1.0.0"));
        assert!(at(lt, r#""1.0.0-Z""#, "1.0.0-a"));
        assert!(at(lt, r#""9.0.0""#, "10.0.0"));
        assert!(at(lt, r#""99999999999999999999.0.0""#, "100000000000000000000.0.0"));
        assert!(at(eq, r#""1.0.0+a""#, "1.0.0+b") && at(eq, r#""v1""#, "1.0.0") && at(eq, "1.2", "1.2.0"));
        assert!(at(SemverTest::Major, r#""1.9.9-rc""#, "1") && !at(SemverTest::Major, r#""2.0.0""#, "1"));
        assert!(at(SemverTest::Minor, r#""1.2.9-rc""#, "1.2") && !at(SemverTest::Minor, r#""1.3.0""#, "1.2"));
        assert!(!at(SemverTest::Cmp(Cmp::Gte), "null", "0.0.0-0") && at(SemverTest::Cmp(Cmp::Gte), "0", "0.0.0-0"));
    }
}
