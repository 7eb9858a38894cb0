//! Semantic versions for the `semver*` operators: SemVer 2.0.0, with `MAJOR` and
//! `MAJOR.MINOR` padded with `.0` as apps often report them.
//!
//! Our own parser rather than the `semver` crate: it accepts exactly what `semver::Version::parse`
//! accepts and orders like `cmp_precedence` (the tests check both against the crate), with less
//! code in the Wasm module.

use alloc::boxed::Box;
use core::cmp::Ordering;

#[derive(Clone, Debug)]
pub(crate) struct Version {
    /// MAJOR, MINOR, PATCH.
    core: [u64; 3],
    /// The prerelease identifiers as written (ASCII), without the `-`; empty for a release.
    /// Build metadata is validated, then dropped: it does not count for precedence.
    pre: Box<[u8]>,
}

impl Version {
    /// MAJOR, MINOR, PATCH and the prerelease, as the compiled form stores them.
    pub(crate) fn parts(&self) -> ([u64; 3], &[u8]) {
        (self.core, &self.pre)
    }

    /// A version from its stored parts. Any bytes are safe: precedence reads them as they are.
    pub(crate) fn from_parts(core: [u64; 3], pre: &[u8]) -> Version {
        Version { core, pre: pre.into() }
    }
}

pub(crate) fn parse_version(s: &str) -> Option<Version> {
    let b = s.as_bytes();
    let mut core = [0u64; 3];
    let mut i = 0;
    // Up to three dot-separated numbers; the ones missing stay 0 (the padding).
    for (k, n) in core.iter_mut().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                break;
            }
            i += 1;
        }
        let start = i;
        while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            // A digit after a leading 0.
            if *n == 0 && i > start {
                return None;
            }
            *n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    // A `.` after PATCH is left here and fails below like any other stray character.
    let (head, build) = split(b.get(i..)?, b'+');
    let pre = match head.split_first() {
        Some((b'-', pre)) if identifiers(pre, true) => pre,
        None => &[],
        _ => return None,
    };
    if build.is_some_and(|build| !identifiers(build, false)) {
        return None;
    }
    Some(Version { core, pre: Box::from(pre) })
}

/// Whether `s` is dot-separated identifiers, each non-empty and of `[0-9A-Za-z-]`; prerelease
/// ones that are numeric must not have a leading zero (build metadata may).
fn identifiers(s: &[u8], pre: bool) -> bool {
    let mut rest = Some(s);
    while let Some(s) = rest {
        let (id, next) = split(s, b'.');
        let mut numeric = true;
        for &c in id {
            if !(c.is_ascii_alphanumeric() || c == b'-') {
                return false;
            }
            numeric &= c.is_ascii_digit();
        }
        if id.is_empty() || pre && numeric && id.len() > 1 && id[0] == b'0' {
            return false;
        }
        rest = next;
    }
    true
}

/// SemVer precedence: build metadata does not count.
pub(crate) fn compare(a: &Version, b: &Version) -> Ordering {
    a.core.cmp(&b.core).then_with(|| compare_pre(&a.pre, &b.pre))
}

fn compare_pre(mut a: &[u8], mut b: &[u8]) -> Ordering {
    // A release ranks above its prereleases (an empty `pre` is the release: true > false).
    if a.is_empty() || b.is_empty() {
        return a.is_empty().cmp(&b.is_empty());
    }
    loop {
        let (x, rest_a) = split(a, b'.');
        let (y, rest_b) = split(b, b'.');
        let ord = match (x.iter().all(u8::is_ascii_digit), y.iter().all(u8::is_ascii_digit)) {
            // Numbers without leading zeros: the longer is larger, else compare the digits.
            (true, true) => x.len().cmp(&y.len()).then(x.cmp(y)),
            // Numeric identifiers rank below alphanumeric ones, which compare in ASCII order.
            (nx, ny) => ny.cmp(&nx).then(x.cmp(y)),
        };
        match (ord, rest_a, rest_b) {
            (Ordering::Equal, Some(ra), Some(rb)) => (a, b) = (ra, rb),
            // All shared identifiers equal: more of them ranks higher.
            (Ordering::Equal, ra, rb) => return ra.is_some().cmp(&rb.is_some()),
            _ => return ord,
        }
    }
}

/// What precedes the first `sep`, and what follows it if there is one.
fn split(s: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&c| c == sep) {
        Some(p) => (&s[..p], s.get(p + 1..)),
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

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

    /// The previous implementation, on the `semver` crate: the reference.
    fn reference(s: &str) -> Option<semver::Version> {
        if let Ok(v) = semver::Version::parse(s) {
            return Some(v);
        }
        let core_end = s.find(['-', '+']).unwrap_or(s.len());
        let (core, rest) = s.split_at(core_end);
        let padding = match core.bytes().filter(|&b| b == b'.').count() {
            0 => ".0.0",
            1 => ".0",
            _ => return None,
        };
        semver::Version::parse(&[core, padding, rest].concat()).ok()
    }

    /// SplitMix64: deterministic, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// One of the `|`-separated pieces of `valid` three times in four, else of `invalid`.
        fn piece(&mut self, valid: &'static str, invalid: &'static str) -> &'static str {
            let pool = if self.below(4) > 0 { valid } else { invalid };
            let k = self.below(pool.split('|').count());
            pool.split('|').nth(k).unwrap_or_default()
        }
    }

    const NUMBERS: &str = "0|1|2|9|10|11|99|100|18446744073709551615";
    // Leading zeros, empty, over u64::MAX, not digits.
    const BAD_NUMBERS: &str =
        "00|01|007||a|1a|-1| 1|1 |18446744073709551616|99999999999999999999|000000000000000000001";
    // Numeric prerelease identifiers need not fit u64.
    const IDS: &str = "0|1|2|9|10|11|99|100|a|b|A|Z|z|-|--|-1|1-|0a|a0|1a|00a|alpha|beta|rc|RC|x-y|a.b|\
                       18446744073709551616|99999999999999999999999999";
    // Leading zeros (fine in build metadata only), empty, characters outside [0-9A-Za-z-].
    const BAD_IDS: &str = "00|01|007||é| |_|a+b|a..b|~|.a|a.";
    const CHARS: &str = "0|1|2|9|0|.|.|.|-|+|a|Z|z|x| |é|_|~";

    /// A version-like string: numbers, prerelease and build parts, mostly valid.
    fn structured(rng: &mut Rng) -> String {
        let mut s = String::new();
        for i in 0..1 + rng.below(4) {
            if i > 0 {
                s.push('.');
            }
            s.push_str(rng.piece(NUMBERS, BAD_NUMBERS));
        }
        for sep in ["-", "+"] {
            if rng.below(2) == 0 {
                s.push_str(sep);
                for i in 0..1 + rng.below(3) {
                    if i > 0 {
                        s.push('.');
                    }
                    s.push_str(rng.piece(IDS, BAD_IDS));
                }
            }
        }
        if rng.below(20) == 0 {
            s.push_str(rng.piece(CHARS, CHARS));
        }
        s
    }

    /// Any mix of the characters that matter, and a few that never may appear.
    fn noise(rng: &mut Rng) -> String {
        let mut s = String::new();
        for _ in 0..rng.below(14) {
            s.push_str(rng.piece(CHARS, CHARS));
        }
        s
    }

    #[test]
    fn parses_like_semver() {
        fn check(s: &str) -> bool {
            match (parse_version(s), reference(s)) {
                (None, None) => false,
                (Some(v), Some(r)) => {
                    assert_eq!(v.core, [r.major, r.minor, r.patch], "{s:?}");
                    assert_eq!(&*v.pre, r.pre.as_bytes(), "{s:?}");
                    true
                }
                (v, r) => panic!("{s:?}: ours {v:?}, semver {r:?}"),
            }
        }
        // The edges by hand, then many generated strings.
        for s in [
            "1.2.3-",
            "1.2.3+",
            "1.2.3-+b",
            "1.2.3-a+",
            "1.2.3-a+b+c",
            "1.2.3-01",
            "1.2.3-0a",
            "1.2.3+01",
            "1.2.3-a..b",
            "1.2.3-a.",
            "1.2.3-.a",
            "1.2.3.",
            "1.2.",
            "1.",
            ".1",
            "1.2.3-é",
            "1.2.3-a_b",
            "18446744073709551615.0.0",
            "18446744073709551616.0.0",
            "1.0.0-18446744073709551616",
            "0.0.0",
            "00.0.0",
            "1.02",
            "1-",
            "1+b",
            "1.2+b-c",
            "1.2.3--",
            "1.2.3-a-b.c--d+e-f.0001",
        ] {
            check(s);
        }
        let mut rng = Rng(1);
        let mut accepted = 0;
        for i in 0..400_000 {
            let s = if i % 2 == 0 { structured(&mut rng) } else { noise(&mut rng) };
            accepted += usize::from(check(&s));
        }
        // The generators must exercise both sides.
        assert!(accepted > 50_000, "{accepted}");
    }

    #[test]
    fn orders_like_semver() {
        let mut rng = Rng(2);
        let mut versions = Vec::new();
        while versions.len() < 600 {
            let s = structured(&mut rng);
            if let Some(r) = reference(&s) {
                versions.push((parse_version(&s).unwrap(), r, s));
            }
        }
        // Equal, near-equal and reordered prereleases, which random pairs rarely hit.
        for s in [
            "1.0.0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-1",
            "1.0.0-1.a",
            "1.0.0-a.1",
            "1.0.0-A",
            "1.0.0--",
            "1.0.0-0",
            "1.0.0-9",
            "1.0.0-10",
            "1.0.0-99999999999999999999",
            "1.0.0-1a",
            "1.0.0+b",
            "1.0.0-alpha+b",
            "1",
            "1.0",
            "1.0-alpha",
            "0.0.0",
            "18446744073709551615.0.0",
        ] {
            versions.push((parse_version(s).unwrap(), reference(s).unwrap(), String::from(s)));
        }
        for (a, ra, sa) in &versions {
            for (b, rb, sb) in &versions {
                assert_eq!(compare(a, b), ra.cmp_precedence(rb), "{sa:?} vs {sb:?}");
            }
        }
    }
}
