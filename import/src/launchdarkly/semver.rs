//! Which clause values LaunchDarkly's `semVer*` operators read as versions: SemVer 2.0.0, or its
//! `MAJOR` / `MAJOR.MINOR` forms padded with `.0`, as the Go and Rust SDKs parse them (and as
//! edgeflag's `semver*` operators do). A value that is no version matches nothing there, so the
//! converter leaves it out.

/// Whether `s` is a version those SDKs read.
pub fn readable(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    for k in 0..3 {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                break;
            }
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = &s[start..i];
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || digits.parse::<u64>().is_err() {
            return false;
        }
    }
    let rest = &s[i..];
    let (head, build) = match rest.split_once('+') {
        Some((h, b)) => (h, Some(b)),
        None => (rest, None),
    };
    let pre_ok = match head.strip_prefix('-') {
        Some(pre) => identifiers(pre, true),
        None => head.is_empty(),
    };
    pre_ok && build.is_none_or(|b| identifiers(b, false))
}

fn identifiers(s: &str, pre: bool) -> bool {
    s.split('.').all(|id| {
        let numeric = id.bytes().all(|c| c.is_ascii_digit());
        !id.is_empty()
            && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && !(pre && numeric && id.len() > 1 && id.starts_with('0'))
    })
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn versions() {
        for ok in ["2", "2.0", "2.0.0", "2-rc1", "2.0-rc1", "1.2.3-beta.1+build.01", "0.0.0", "1.2.3+x"] {
            assert!(readable(ok), "{ok}");
        }
        for bad in [
            "",
            "v2.0.0",
            "02.0.0",
            "2.0.0.0",
            "2.x",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3+",
            " 1.2.3",
            "1.2.3 ",
            "99999999999999999999.0.0",
        ] {
            assert!(!readable(bad), "{bad}");
        }
    }
}
