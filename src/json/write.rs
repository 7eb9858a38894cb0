//! JSON text out: compact, with integers written as JavaScript writes them and other numbers in
//! their shortest round-trip form ([`super::numbers`]). Hosts that write JSON text of their own
//! around the core's values (the npm package's tables) use these too.

use super::numbers;
use super::safe_integer;
use super::Json;
pub use crate::quote::write_quoted;
use alloc::string::String;

impl Json<'_> {
    /// Compact JSON text: integers without a fraction (as JavaScript prints them), other
    /// numbers in their shortest round-trip form.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        write(self, &mut out);
        out
    }
}

/// Appends `v` as compact JSON text.
pub fn write(v: &Json<'_>, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match safe_integer(*n) {
            Some(i) => out.push_str(itoa::Buffer::new().format(i)),
            // `Json` numbers are finite; `null` is what JSON has for anything else.
            None if n.is_finite() => numbers::format(*n, out),
            None => out.push_str("null"),
        },
        Json::String(s) => write_quoted(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_quoted(out, k);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

/// An object member's name, after a comma unless it is the first.
pub fn member(out: &mut String, name: &str) {
    comma(out);
    write_quoted(out, name);
    out.push(':');
}

/// The comma before any but the first item: a value never ends in `[` or `{` (strings end in a
/// quote), so those mean the array or object is still empty.
pub fn comma(out: &mut String) {
    if !matches!(out.as_bytes().last(), Some(b'[' | b'{')) {
        out.push(',');
    }
}
