//! Messages for people, assembled from parts. `format!` would bring `core::fmt` into the Wasm
//! module, 3.5 KB of it gzipped (docs/performance.md, "Size"), for text only errors need.

use crate::json::write_quoted;
use alloc::string::String;

/// One piece of a message.
#[derive(Clone, Copy)]
pub(crate) enum Part<'a> {
    /// Text as it is.
    Text(&'a str),
    /// A name or value, written as a JSON string literal (`"betwen"`).
    Quoted(&'a str),
    /// An integer in decimal.
    Int(i64),
}

/// The parts, joined.
pub(crate) fn message(parts: &[Part<'_>]) -> String {
    let mut out = String::new();
    for part in parts {
        match *part {
            Part::Text(text) => out.push_str(text),
            Part::Quoted(text) => write_quoted(&mut out, text),
            Part::Int(n) => out.push_str(itoa::Buffer::new().format(n)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{message, Part::*};

    #[test]
    fn joins_quotes_and_counts() {
        assert_eq!(
            message(&[Text("no variation "), Int(-3), Text(" in "), Quoted("a\"b")]),
            "no variation -3 in \"a\\\"b\""
        );
        assert_eq!(message(&[]), "");
    }
}
