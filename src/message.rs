//! Messages for people, filled in from templates. `format!` would bring `core::fmt` into the
//! Wasm module, 3.5 KB of it gzipped (docs/performance.md, "Size"), for text only errors need.

use crate::quote::write_quoted;
use alloc::string::String;

/// A template with up to two arguments: `\u{1}` is `a` quoted as a JSON string, `\u{2}` is `a`
/// as it is, `\u{3}` and `\u{4}` the same for `b`. The loader's many messages go through this:
/// three arguments at each call cost less code than a list of parts.
pub(crate) fn fill(template: &str, a: &str, b: &str) -> String {
    let mut out = String::new();
    let mut run = 0;
    for (i, byte) in template.bytes().enumerate() {
        let arg = match byte {
            1 | 2 => a,
            3 | 4 => b,
            _ => continue,
        };
        // Markers are ASCII, so `i` is a character boundary.
        out.push_str(template.get(run..i).unwrap_or_default());
        match byte {
            1 | 3 => write_quoted(&mut out, arg),
            _ => out.push_str(arg),
        }
        run = i + 1;
    }
    out.push_str(template.get(run..).unwrap_or_default());
    out
}

/// `<before><n><after>; the limit is <limit>`: how every limit says what went past it.
pub(crate) fn past_limit(before: &str, n: u64, after: &str, limit: u64) -> String {
    // One integer formatter for the whole crate (i64): each width is its own code in the module.
    let int = |n: u64| n.min(i64::MAX as u64) as i64;
    let mut out = String::from(before);
    out.push_str(itoa::Buffer::new().format(int(n)));
    out.push_str(after);
    out.push_str("; the limit is ");
    out.push_str(itoa::Buffer::new().format(int(limit)));
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_templates() {
        assert_eq!(fill("\u{1} does not use \u{3}", "in", "start"), "\"in\" does not use \"start\"");
        assert_eq!(fill("expected \u{2}, got \u{4}", "a string", "number"), "expected a string, got number");
        assert_eq!(fill("no marker", "a", "b"), "no marker");
        assert_eq!(fill("ü\u{2}ü", "x", ""), "üxü");
    }
}
