//! A string as a JSON string literal: the one escaper, shared by the JSON writer, paths and
//! messages (which quote what they name).

use alloc::string::String;

/// Appends `s` as a JSON string literal (quotes and escapes included). Works on bytes: every
/// byte that needs escaping is ASCII, and runs between them are copied whole.
pub fn write_quoted(out: &mut String, s: &str) {
    const HEX: [&str; 16] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];
    out.push('"');
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "\\u00",
            _ => continue,
        };
        // `i` is a character boundary: the byte there is ASCII.
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push_str(escape);
        if b < 0x20 && escape.len() == 4 {
            out.push_str(HEX[usize::from(b >> 4)]);
            out.push_str(HEX[usize::from(b & 15)]);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::write_quoted;
    use alloc::string::String;

    #[test]
    fn quoting() {
        let mut s = String::new();
        write_quoted(&mut s, "a\"b\\\u{1f}é");
        assert_eq!(s, "\"a\\\"b\\\\\\u001fé\"");
    }
}
