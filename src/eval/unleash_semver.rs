//! Unleash's version comparisons (`SEMVER_EQ` … `SEMVER_LTE`), as each of its engines makes them:
//! `semverStrict*` as Yggdrasil (Rust's `semver` crate: `Version::parse`, `cmp_precedence`),
//! `semverNode*` as unleash-client for Node (npm's `semver` package, the context value not
//! starting with `v`). Both ignore build metadata.

use crate::json::Json;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Whose parsing and ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Yggdrasil: SemVer 2.0.0's grammar, no white space or prefix, parts up to `u64::MAX`;
    /// numeric pre-release identifiers compare by value at any length.
    Strict,
    /// unleash-client: npm's `semver` (white space trimmed, one `v` allowed, at most 256 UTF-16
    /// units, parts up to 2⁵³−1; numeric pre-release identifiers compare as doubles).
    Node,
}

/// A parsed version: its three parts and its pre-release identifiers (build metadata dropped).
#[derive(Clone, Debug)]
pub(crate) struct Version {
    main: [u64; 3],
    pre: Vec<String>,
}

impl Version {
    /// `major`, `minor`, `patch`.
    pub(crate) fn main(&self) -> [u64; 3] {
        self.main
    }
}

/// npm's `MAX_LENGTH` (UTF-16 units) and `Number.MAX_SAFE_INTEGER`.
const NODE_MAX_LENGTH: usize = 256;
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The constraint's version as `dialect` reads it (Node: `new SemVer(value)`, a `v` allowed).
pub(crate) fn parse_value(dialect: Dialect, s: &str) -> Option<Version> {
    match dialect {
        Dialect::Strict => strict(s),
        Dialect::Node => node(s),
    }
}

/// Whether the clause `semverStrict*` (`node`: `semverNode*`) reads `text` as its version, for
/// converters deciding at import time what a constraint's value means.
pub fn reads(node: bool, text: &str) -> bool {
    parse_value(if node { Dialect::Node } else { Dialect::Strict }, text).is_some()
}

/// Whether the context value `x` compares with `v` so: Yggdrasil reads strings only; the Node
/// client reads `String(x)` of any value but `null`, and refuses `""` and a leading `v`.
pub(crate) fn holds(dialect: Dialect, cmp: crate::model::clause::Cmp, x: &Json<'_>, v: &Version) -> bool {
    let parsed = match (dialect, x) {
        (_, Json::Null) => None,
        (Dialect::Strict, Json::String(s)) => strict(s),
        (Dialect::Strict, _) => None,
        (Dialect::Node, x) => {
            let s = super::js::to_string(x);
            if s.is_empty() || s.starts_with('v') {
                None
            } else {
                node(&s)
            }
        }
    };
    match parsed {
        Some(c) => match compare(dialect, &c, v) {
            Some(o) => cmp.holds(o),
            None => cmp.holds(Ordering::Equal),
        },
        None => false,
    }
}

/// `Version::parse` of Rust's `semver` crate.
fn strict(s: &str) -> Option<Version> {
    let (main, rest) = main_parts(s, u64::MAX)?;
    finish(main, rest)
}

/// `new SemVer(s)` of npm's `semver` (not loose): the same grammar after trimming JavaScript's
/// white space and one `v`, with the length and part limits.
fn node(s: &str) -> Option<Version> {
    if s.encode_utf16().count() > NODE_MAX_LENGTH {
        return None;
    }
    let t = s.trim_matches(super::js::is_space);
    let t = t.strip_prefix('v').unwrap_or(t);
    let (main, rest) = main_parts(t, MAX_SAFE_INTEGER)?;
    finish(main, rest)
}

/// What follows `MAJOR.MINOR.PATCH` in both grammars: `-PRERELEASE`, `+BUILD`, nothing else.
fn finish(main: [u64; 3], rest: &str) -> Option<Version> {
    let (pre, rest) = match rest.strip_prefix('-') {
        Some(r) => identifiers(r, true)?,
        None => (Vec::new(), rest),
    };
    let rest = match rest.strip_prefix('+') {
        Some(r) => identifiers(r, false)?.1,
        None => rest,
    };
    rest.is_empty().then_some(Version { main, pre })
}

/// `major.minor.patch`, each `0` or digits without a leading zero, at most `max`.
fn main_parts(s: &str, max: u64) -> Option<([u64; 3], &str)> {
    let mut main = [0u64; 3];
    let mut rest = s;
    for (i, part) in main.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix('.')?;
        }
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let digits = &rest[..len];
        if digits.is_empty() || (len > 1 && digits.starts_with('0')) {
            return None;
        }
        *part = digits.parse::<u64>().ok().filter(|n| *n <= max)?;
        rest = &rest[len..];
    }
    Some((main, rest))
}

/// Dot-separated identifiers of `[0-9A-Za-z-]`, none empty; numeric pre-release ones without a
/// leading zero. Stops at the first other character.
fn identifiers(s: &str, pre: bool) -> Option<(Vec<String>, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
        let id = &rest[..len];
        if id.is_empty() || (pre && len > 1 && id.starts_with('0') && numeric(id)) {
            return None;
        }
        if pre {
            out.push(String::from(id));
        }
        rest = &rest[len..];
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => return Some((out, rest)),
        }
    }
}

fn numeric(id: &str) -> bool {
    id.bytes().all(|b| b.is_ascii_digit())
}

/// The two versions' order; `None` where npm's `comparePre` stops with 0 before the end (two
/// different numeric identifiers equal as doubles), which is equality too.
pub(crate) fn compare(dialect: Dialect, a: &Version, b: &Version) -> Option<Ordering> {
    let main = a.main.cmp(&b.main);
    if main != Ordering::Equal {
        return Some(main);
    }
    // A release ranks above its pre-releases.
    match (a.pre.is_empty(), b.pre.is_empty()) {
        (true, true) => return Some(Ordering::Equal),
        (true, false) => return Some(Ordering::Greater),
        (false, true) => return Some(Ordering::Less),
        (false, false) => {}
    }
    for (x, y) in a.pre.iter().zip(&b.pre) {
        if x == y {
            continue;
        }
        let o = match (numeric(x), numeric(y)) {
            (true, true) => match dialect {
                // No leading zeros: the longer is the larger.
                Dialect::Strict => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                Dialect::Node => {
                    // `+x` and `+y`, as `compareIdentifiers` takes them.
                    let (p, q) = (super::js::string_to_number(x), super::js::string_to_number(y));
                    p.partial_cmp(&q).filter(|o| *o != Ordering::Equal)?
                }
            },
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.as_bytes().cmp(y.as_bytes()),
        };
        return Some(o);
    }
    // A longer list of equal identifiers ranks higher.
    Some(a.pre.len().cmp(&b.pre.len()))
}

#[cfg(test)]
mod tests {
    use super::{compare, parse_value, Dialect::*};
    use core::cmp::Ordering::*;

    #[test]
    fn strict_parses_as_rusts_semver_crate() {
        for ok in ["1.2.3", "0.0.0", "1.2.3-rc.1+b.01", "1.2.3--", "18446744073709551615.0.0", "1.0.0-0a"] {
            assert!(parse_value(Strict, ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            " 1.2.3",
            "01.2.3",
            "1.2.3-01",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            "18446744073709551616.0.0",
            "1.2.3.4",
            "1.2.3-é",
        ] {
            assert!(parse_value(Strict, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn node_parses_as_npm_semver() {
        for ok in ["1.2.3", "v1.2.3", " \u{feff}1.2.3\n", "9007199254740991.0.0", "1.2.3-99999999999999999999"] {
            assert!(parse_value(Node, ok).is_some(), "{ok}");
        }
        for bad in ["", "1.2", "vv1.2.3", "=1.2.3", "9007199254740992.0.0", "1.2.3-01", "v 1.2.3"] {
            assert!(parse_value(Node, bad).is_none(), "{bad}");
        }
        assert!(parse_value(Node, &alloc::format!("1.2.3+{}", "a".repeat(251))).is_none());
    }

    #[test]
    fn pre_releases_order_per_engine() {
        let v = |d, s| parse_value(d, s).unwrap();
        let big = ("1.0.0-99999999999999999.a", "1.0.0-99999999999999998.b");
        assert_eq!(compare(Strict, &v(Strict, big.0), &v(Strict, big.1)), Some(Greater));
        // npm compares them as doubles, equal, and stops there: the versions are equal.
        assert_eq!(compare(Node, &v(Node, big.0), &v(Node, big.1)), None);
        assert_eq!(compare(Strict, &v(Strict, "1.0.0-a.1"), &v(Strict, "1.0.0-a")), Some(Greater));
        assert_eq!(compare(Strict, &v(Strict, "1.0.0-2"), &v(Strict, "1.0.0-10")), Some(Less));
        assert_eq!(compare(Node, &v(Node, "1.0.0-B"), &v(Node, "1.0.0-a")), Some(Less));
        assert_eq!(compare(Strict, &v(Strict, "1.0.0+x"), &v(Strict, "1.0.0+y")), Some(Equal));
    }
}
