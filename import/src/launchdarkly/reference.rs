//! Attribute references as LaunchDarkly reads them, written as edgeflag's: with a context kind
//! named, `/a/b` is a path (`~0` is `~`, `~1` is `/`) and anything else a name; without one (the
//! older data), the text is a name, whatever it holds.

use crate::ImportError;
use alloc::string::String;
use alloc::vec::Vec;

/// The names a reference reads, top-level first; refused when LaunchDarkly finds it malformed
/// (it answers MALFORMED_FLAG then).
pub fn names(text: &str, is_path: bool, path: &str) -> Result<Vec<String>, ImportError> {
    let bad =
        |why: &str| Err(ImportError::unsupported(path, alloc::format!("{why}: LaunchDarkly answers MALFORMED_FLAG")));
    if text.is_empty() {
        return bad("an empty attribute reference");
    }
    if text.contains('\u{1f}') {
        return Err(ImportError::unsupported(path, "an attribute holding U+001F (edgeflag keeps it for kinds)"));
    }
    let Some(rest) = text.strip_prefix('/').filter(|_| is_path) else {
        return Ok(alloc::vec![String::from(text)]);
    };
    let mut out = Vec::new();
    for part in rest.split('/') {
        if part.is_empty() {
            return bad("an attribute reference with an empty name");
        }
        let mut name = String::new();
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            match (c, c == '~') {
                (_, true) => match chars.next() {
                    Some('0') => name.push('~'),
                    Some('1') => name.push('/'),
                    _ => return bad("an attribute reference with a `~` not followed by 0 or 1"),
                },
                (c, false) => name.push(c),
            }
        }
        out.push(name);
    }
    Ok(out)
}

/// edgeflag's reference for `names`: a plain name for one that does not start with `/`, else a
/// JSON Pointer (one spelling for each attribute, as edgeflag's bucketing asks).
pub fn written(names: &[String]) -> String {
    match names {
        [one] if !one.starts_with('/') => one.clone(),
        _ => {
            let mut out = String::new();
            for n in names {
                out.push('/');
                out.push_str(&n.replace('~', "~0").replace('/', "~1"));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, is_path: bool) -> Option<String> {
        names(text, is_path, "").ok().map(|n| written(&n))
    }

    #[test]
    fn paths_and_names() {
        assert_eq!(w("name", true).as_deref(), Some("name"));
        assert_eq!(w("/name", true).as_deref(), Some("name"));
        assert_eq!(w("/a/b~1c/d~0e", true).as_deref(), Some("/a/b~1c/d~0e"));
        assert_eq!(w("/a~1b", true).as_deref(), Some("a/b"));
        assert_eq!(w("/~1a", true).as_deref(), Some("/~1a"));
        assert_eq!(w("/a/b", false).as_deref(), Some("/~1a~1b"));
        assert_eq!(w("a/b", true).as_deref(), Some("a/b"));
        for bad in ["", "/", "//", "/a//b", "/a~", "/a~2"] {
            assert_eq!(w(bad, true), None, "{bad}");
        }
        assert_eq!(w("", false), None);
    }
}
