//! Semantic versions for the `semver*` operators: SemVer 2.0.0, with `MAJOR` and
//! `MAJOR.MINOR` padded with `.0` as apps often report them.

use alloc::string::String;
use core::cmp::Ordering;
pub(crate) use semver::Version;

pub(crate) fn parse_version(s: &str) -> Option<Version> {
    if let Ok(v) = Version::parse(s) {
        return Some(v);
    }
    let core_end = s.find(['-', '+']).unwrap_or(s.len());
    let (core, rest) = s.split_at(core_end);
    let padding = match core.bytes().filter(|&b| b == b'.').count() {
        0 => ".0.0",
        1 => ".0",
        _ => return None,
    };
    let mut padded = String::with_capacity(s.len() + padding.len());
    padded.push_str(core);
    padded.push_str(padding);
    padded.push_str(rest);
    Version::parse(&padded).ok()
}

/// SemVer precedence: build metadata does not count.
pub(crate) fn compare(a: &Version, b: &Version) -> Ordering {
    a.cmp_precedence(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(&parse_version(a).unwrap(), &parse_version(b).unwrap())
    }

    #[test]
    fn precedence() {
        assert_eq!(cmp("2.10.0", "2.3.0"), Ordering::Greater);
        assert_eq!(cmp("1.0.0-beta", "1.0.0"), Ordering::Less);
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        assert_eq!(cmp("2", "2.0.0"), Ordering::Equal);
        assert_eq!(cmp("2.3-beta", "2.3.0-beta"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), Ordering::Less);
    }

    #[test]
    fn rejects_what_semver_rejects() {
        for bad in ["", "banana", "v1.2.3", "1.2.3.4", "01.2.3", "1..2", " 1.2.3"] {
            assert!(parse_version(bad).is_none(), "{bad}");
        }
    }
}
