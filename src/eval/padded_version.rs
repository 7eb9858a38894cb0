//! GrowthBook's version comparisons (`$veq`, `$vgt` …): both sides become its padded version
//! string (`paddedVersionString` in its SDK's util.ts), compared as JavaScript compares strings,
//! by UTF-16 code units.

use crate::json::Json;
use alloc::string::String;
use alloc::vec::Vec;

/// `paddedVersionString(x)`: numbers as JavaScript writes them, other non-strings and `""` as
/// `"0"`; a leading `v` and a build suffix (`+…` to the end, on the last line: JavaScript's `.`
/// stops at line terminators) removed; split at `-` and `.`; `~` appended to exactly three parts;
/// parts of ASCII digits left-padded with spaces to 5; joined with `-`.
pub(crate) fn padded(x: &Json<'_>) -> String {
    let text = match x {
        Json::Number(_) => super::js::to_string(x),
        Json::String(s) if !s.is_empty() => String::from(&**s),
        _ => String::from("0"),
    };
    let mut s = text.as_str();
    if let Some(rest) = s.strip_prefix('v') {
        s = rest;
    }
    // After the last line terminator (U+2028 and U+2029 are three bytes long).
    let last_line = s
        .rfind(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
    if let Some(plus) = s[last_line..].find('+') {
        s = &s[..last_line + plus];
    }
    let mut parts: Vec<&str> = s.split(['-', '.']).collect();
    if parts.len() == 3 {
        parts.push("~");
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            (part.len()..5).for_each(|_| out.push(' '));
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::padded;
    use crate::json::Json;

    #[test]
    fn versions_pad_as_growthbook_pads_them() {
        // Each as paddedVersionString gives it in GrowthBook's SDK.
        let cases = [
            (r#""1.2.3""#, "    1-    2-    3-~"),
            (r#""v1.2.3-rc.1+build123""#, "    1-    2-    3-rc-    1"),
            (r#""2.10.0""#, "    2-   10-    0-~"),
            (r#""1.2""#, "    1-    2"),
            (r#""123456.0.0""#, "123456-    0-    0-~"),
            ("1.5", "    1-    5"),
            ("null", "    0"),
            ("true", "    0"),
            (r#""""#, "    0"),
            (r#""vv1""#, "v1"),
            (r#""1.0.0+a\nb+c""#, "    1-    0-0+a\nb-~"),
            (r#""1.0.0+a\u2028b+c""#, "    1-    0-0+a\u{2028}b-~"),
            (r#""1.0\u2029+x""#, "    1-0\u{2029}"),
        ];
        for (x, want) in cases {
            assert_eq!(padded(&Json::parse(x).unwrap()), want, "{x}");
        }
    }
}
