//! JSON Pointers (RFC 6901): how attribute references name members nested in a context.

use alloc::string::String;
use alloc::vec::Vec;

/// A pointer with a `~` followed by neither `0` nor `1`.
pub(crate) struct BadPointer;

/// The segments of a JSON Pointer (RFC 6901), each after a `/`: `~1` in them is `/`, `~0` is
/// `~`, any other `~` is malformed. One pass over bytes rather than `str::split`, which would
/// bring core's character searching into the Wasm module: `/`, `~`, `0` and `1` are ASCII, so
/// the runs between them are copied whole.
pub(crate) fn segments(pointer: &str) -> Result<Vec<String>, BadPointer> {
    let bytes = pointer.as_bytes();
    let mut segments = Vec::new();
    let mut segment = String::new();
    // Past the leading `/`.
    let (mut run, mut i) = (1, 1);
    loop {
        let b = bytes.get(i).copied();
        if let None | Some(b'/' | b'~') = b {
            segment.push_str(pointer.get(run..i).unwrap_or_default());
        }
        match b {
            None => break,
            Some(b'/') => segments.push(core::mem::take(&mut segment)),
            Some(b'~') => {
                i += 1;
                segment.push(match bytes.get(i) {
                    Some(b'0') => '~',
                    Some(b'1') => '/',
                    _ => return Err(BadPointer),
                });
            }
            _ => {}
        }
        i += 1;
        if let Some(b'/' | b'~') = b {
            run = i;
        }
    }
    segments.push(segment);
    Ok(segments)
}

/// Appends `name` to `out` as a pointer's next segment: `/`, then the name with `~` written `~0`
/// and `/` written `~1` (the inverse of [`segments`]).
#[cfg(feature = "json")]
pub(crate) fn push_segment(out: &mut String, name: &str) {
    out.push('/');
    let mut run = 0;
    for (i, b) in name.bytes().enumerate() {
        let escape = match b {
            b'~' => "~0",
            b'/' => "~1",
            _ => continue,
        };
        // `i` is a character boundary: the byte there is ASCII.
        out.push_str(name.get(run..i).unwrap_or_default());
        out.push_str(escape);
        run = i + 1;
    }
    out.push_str(name.get(run..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "json")]
    use super::push_segment;
    use super::segments;
    use alloc::string::String;
    use alloc::vec::Vec;

    #[test]
    fn pointer_escapes() {
        let one = |p: &str| segments(p).ok().map(|s| s.join("|"));
        assert_eq!(one("/a~1b~0c~01ü").as_deref(), Some("a/b~c~1ü"));
        assert_eq!(one("/~~"), None);
        assert_eq!(one("/end~"), None);
        assert_eq!(one("/a/~2"), None);
        assert_eq!(one("/").as_deref(), Some(""));
        assert_eq!(one("//x~1/").as_deref(), Some("|x/|"));
    }

    #[cfg(feature = "json")]
    #[test]
    fn segments_escape_and_read_back() {
        for name in ["", "a", "a/b", "~", "~1", "/~/", "ü/~0ü"] {
            let mut pointer = String::new();
            push_segment(&mut pointer, name);
            push_segment(&mut pointer, "x");
            assert_eq!(segments(&pointer).ok(), Some(alloc::vec![String::from(name), String::from("x")]), "{pointer}");
        }
        let mut pointer = String::new();
        push_segment(&mut pointer, "m~n/o");
        assert_eq!(pointer, "/m~0n~1o");
    }

    /// The previous implementation, on `str::split`.
    fn split_segments(pointer: &str) -> Option<Vec<String>> {
        let unescape = |s: &str| -> Option<String> {
            let mut out = String::new();
            let mut rest = s;
            while let Some(at) = rest.find('~') {
                out.push_str(&rest[..at]);
                match rest.as_bytes().get(at + 1) {
                    Some(b'0') => out.push('~'),
                    Some(b'1') => out.push('/'),
                    _ => return None,
                }
                rest = &rest[at + 2..];
            }
            out.push_str(rest);
            Some(out)
        };
        pointer.strip_prefix('/')?.split('/').map(unescape).collect()
    }

    #[test]
    fn pointers_split_as_before() {
        // Every string of up to five pieces from these: the bytes that matter, and others.
        let pieces = ["/", "~", "0", "1", "2", "a", "é", "~0", "~1"];
        let mut texts = alloc::vec![String::from("/")];
        let mut at = 0;
        while at < texts.len() && texts.len() < 100_000 {
            let t = texts[at].clone();
            at += 1;
            if t.len() < 9 {
                texts.extend(pieces.iter().map(|p| t.clone() + p));
            }
        }
        let accepted = texts.iter().filter(|t| segments(t).is_ok()).count();
        assert!(accepted > texts.len() / 4 && accepted < texts.len() * 3 / 4, "{accepted} of {}", texts.len());
        for t in &texts {
            assert_eq!(segments(t).ok(), split_segments(t), "{t:?}");
        }
    }
}
