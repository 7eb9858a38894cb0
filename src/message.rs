//! Messages for people, filled in from templates. `format!` would bring `core::fmt` into the
//! Wasm module, 3.5 KB of it gzipped (docs/performance.md, "Size"), for text only errors need.

use crate::quote::write_quoted;
use alloc::string::String;

/// A message with up to two arguments, written as its pieces: `message!("no flag ", quoted(key),
/// " in this snapshot")`. `quoted(x)` is written as a JSON string, any other argument as it is.
/// The pieces become a [`fill`] template at compile time, so a message costs no more code than
/// a template did.
macro_rules! message {
    // Literals join the template; the first argument is `a` (\u{1}, \u{2}), the second `b`.
    (@ [$($t:tt)*] [$($arg:expr),*] $text:literal $(, $($rest:tt)*)?) => {
        $crate::message::message!(@ [$($t)* $text,] [$($arg),*] $($($rest)*)?)
    };
    (@ [$($t:tt)*] [] quoted($a:expr) $(, $($rest:tt)*)?) => {
        $crate::message::message!(@ [$($t)* "\u{1}",] [$a] $($($rest)*)?)
    };
    (@ [$($t:tt)*] [$a:expr] quoted($b:expr) $(, $($rest:tt)*)?) => {
        $crate::message::message!(@ [$($t)* "\u{3}",] [$a, $b] $($($rest)*)?)
    };
    (@ [$($t:tt)*] [] $a:expr $(, $($rest:tt)*)?) => {
        $crate::message::message!(@ [$($t)* "\u{2}",] [$a] $($($rest)*)?)
    };
    (@ [$($t:tt)*] [$a:expr] $b:expr $(, $($rest:tt)*)?) => {
        $crate::message::message!(@ [$($t)* "\u{4}",] [$a, $b] $($($rest)*)?)
    };
    (@ [$($t:tt)*] []) => { $crate::message::Message::new(concat!($($t)*), "", "") };
    (@ [$($t:tt)*] [$a:expr]) => { $crate::message::Message::new(concat!($($t)*), $a, "") };
    (@ [$($t:tt)*] [$a:expr, $b:expr]) => { $crate::message::Message::new(concat!($($t)*), $a, $b) };
    ($($piece:tt)*) => { $crate::message::message!(@ [] [] $($piece)*) };
}
pub(crate) use message;

/// A message built by [`message!`]: its template and arguments, filled in only when needed.
#[derive(Clone, Copy)]
pub(crate) struct Message<'a> {
    pub template: &'static str,
    pub a: &'a str,
    pub b: &'a str,
}

impl<'a> Message<'a> {
    #[inline(always)]
    pub const fn new(template: &'static str, a: &'a str, b: &'a str) -> Self {
        Message { template, a, b }
    }

    /// The text.
    #[inline(always)]
    pub fn text(self) -> String {
        fill(self.template, self.a, self.b)
    }
}

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
        assert_eq!(message!(quoted("in"), " does not use ", quoted("start")).text(), "\"in\" does not use \"start\"");
        assert_eq!(message!("expected ", "a string", ", got ", "number").text(), "expected a string, got number");
        let (expected, got) = ("a string", "number");
        assert_eq!(message!("expected ", expected, ", got ", got).text(), "expected a string, got number");
        assert_eq!(message!("no marker").text(), "no marker");
        assert_eq!(message!("ü", "x", "ü").text(), "üxü");
        let x = "x";
        assert_eq!(message!("ü", x, "ü").text(), "üxü");
    }

    #[test]
    fn builds_the_templates_fill_takes() {
        let (a, b) = ("a", "b");
        let m = message!("flag ", quoted(a), " serves ", b, " values");
        assert_eq!((m.template, m.a, m.b), ("flag \u{1} serves \u{4} values", "a", "b"));
        let m = message!(a, " at ", quoted(b));
        assert_eq!((m.template, m.a, m.b), ("\u{2} at \u{3}", "a", "b"));
        assert_eq!(fill("ü\u{2}ü", "x", ""), "üxü");
    }
}
