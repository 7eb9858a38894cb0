//! JavaScript's view of a JSON value, for what imported snapshots reproduce of SDKs written in it
//! (docs/snapshot.md, "Clauses"; docs/bucketing.md §8, "Units"): `String(x)` (the text
//! GrowthBook hashes, and compares with `x + ""`), `Number(x)`, truthiness and `x < v`.

use crate::json::{numbers, safe_integer, Json};
use crate::model::clause::Cmp;
use alloc::string::String;

/// Appends `String(v)`: arrays join their items' texts with `,` (`null` items as nothing),
/// objects are `[object Object]`, numbers as `Number.prototype.toString`.
pub(crate) fn string(v: &Json<'_>, out: &mut String) {
    match v {
        Json::Null => {}
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => number(*n, out),
        Json::String(s) => out.push_str(s),
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(item, out);
            }
        }
        Json::Object(_) => out.push_str("[object Object]"),
    }
}

/// Appends `n` as JavaScript writes it (ECMAScript `Number::toString`): the shortest digits that
/// read back as `n`, plain from 1e-6 up to 1e21, else `d.ddde±x`.
pub(crate) fn number(n: f64, out: &mut String) {
    if let Some(i) = safe_integer(n) {
        // `-0` is "0" in JavaScript, as here.
        out.push_str(itoa::Buffer::new().format(i));
        return;
    }
    let mut shortest = String::new();
    numbers::format(n, &mut shortest);
    let Some((negative, digits, exponent)) = decompose(&shortest) else {
        out.push_str(&shortest);
        return;
    };
    if negative {
        out.push('-');
    }
    let k = digits.len() as i32;
    let zeros = |out: &mut String, count: i32| (0..count).for_each(|_| out.push('0'));
    match exponent {
        // `n` = 0.DIGITS × 10^exponent.
        e if k <= e && e <= 21 => {
            out.push_str(&digits);
            zeros(out, e - k);
        }
        e if 0 < e && e <= 21 => {
            out.push_str(&digits[..e as usize]);
            out.push('.');
            out.push_str(&digits[e as usize..]);
        }
        e if -6 < e && e <= 0 => {
            out.push_str("0.");
            zeros(out, -e);
            out.push_str(&digits);
        }
        e => {
            out.push_str(&digits[..1]);
            if k > 1 {
                out.push('.');
                out.push_str(&digits[1..]);
            }
            out.push('e');
            out.push(if e > 0 { '+' } else { '-' });
            out.push_str(itoa::Buffer::new().format((e - 1).abs()));
        }
    }
}

/// A number's shortest text (`-1.25e-7`, `123.5`, `1e21`) as its sign, its significant digits
/// (no leading or trailing zeros) and the exponent `e` for which it is `0.DIGITS × 10^e`.
fn decompose(text: &str) -> Option<(bool, String, i32)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].trim_start_matches('+').parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let all: String = [int, frac].concat();
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    if digits.is_empty() {
        return None;
    }
    Some((negative, digits.into(), int.len() as i32 - lead as i32 + exp))
}

/// `String(x)` of a whole value: as [`string`], except `null` itself is `"null"`.
pub(crate) fn to_string(x: &Json<'_>) -> String {
    let mut out = String::new();
    match x {
        Json::Null => out.push_str("null"),
        x => string(x, &mut out),
    }
    out
}

/// `Number(x)`: `null` 0, booleans 0 and 1, strings by JavaScript's grammar (`StringToNumber`),
/// arrays as their `String()`, objects NaN.
pub(crate) fn to_number(x: &Json<'_>) -> f64 {
    match x {
        Json::Null => 0.0,
        Json::Bool(b) => *b as u8 as f64,
        Json::Number(n) => *n,
        Json::String(s) => string_to_number(s),
        Json::Array(_) => string_to_number(&to_string(x)),
        Json::Object(_) => f64::NAN,
    }
}

/// Whether `x` is truthy: all but `null`, `false`, `0`, `""` (NaN is not JSON).
pub(crate) fn truthy(x: &Json<'_>) -> bool {
    match x {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => *n != 0.0,
        Json::String(s) => !s.is_empty(),
        Json::Array(_) | Json::Object(_) => true,
    }
}

/// A literal `x` is compared with.
#[derive(Clone, Debug)]
pub(crate) enum Primitive {
    Number(f64),
    String(String),
}

/// JavaScript's `x < v`, `x <= v`, `x > v`, `x >= v` (`cmp`): both as strings, by UTF-16 code
/// units, when `v` is one and `x` is a string, array or object (as its `String()`); otherwise
/// both as numbers, false when either is NaN.
pub(crate) fn compare(x: &Json<'_>, v: &Primitive, cmp: Cmp) -> bool {
    let order = match (x, v) {
        (Json::String(s), Primitive::String(t)) => Some(s.encode_utf16().cmp(t.encode_utf16())),
        (Json::Array(_) | Json::Object(_), Primitive::String(t)) => {
            Some(to_string(x).encode_utf16().cmp(t.encode_utf16()))
        }
        (_, Primitive::String(t)) => to_number(x).partial_cmp(&string_to_number(t)),
        (_, Primitive::Number(n)) => to_number(x).partial_cmp(n),
    };
    order.is_some_and(|o| cmp.holds(o))
}

/// JavaScript's white space and line terminators, which `Number()` and `trim()` remove.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// `StringToNumber`: trimmed; empty is 0; `Infinity` with a sign; `0x`, `0o`, `0b` integers
/// without one; else a decimal literal (`.5`, `5.`, `007`, `1e3`), correctly rounded; else NaN.
pub(crate) fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_space);
    if t.is_empty() {
        return 0.0;
    }
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if body == "Infinity" {
        return if negative { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let radix = match t.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => 10,
    };
    if radix != 10 {
        return integer(&t[2..], radix);
    }
    decimal(negative, body).unwrap_or(f64::NAN)
}

/// Digits in `radix` as the nearest double (ties to even): exact to 128 bits, and past them the
/// dropped digits only say whether anything was dropped, which is all rounding needs.
fn integer(digits: &str, radix: u32) -> f64 {
    if digits.is_empty() {
        return f64::NAN;
    }
    let (mut value, mut scale, mut sticky) = (0u128, 0i32, false);
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else { return f64::NAN };
        match value.checked_mul(radix as u128).and_then(|v| v.checked_add(d as u128)) {
            Some(v) if scale == 0 => value = v,
            _ => {
                scale += radix.trailing_zeros() as i32;
                sticky |= d != 0;
            }
        }
    }
    // `scale` grows only once `value` is past 2^120, so it is not 0 here: 0 × ∞ cannot occur.
    let factor = match scale {
        0 => 1.0,
        s if s > 1023 => f64::INFINITY,
        s => f64::from_bits(((1023 + s) as u64) << 52),
    };
    (value | sticky as u128) as f64 * factor
}

/// A decimal literal after its sign, through the JSON reader (which rounds correctly): leading
/// zeros dropped, `.5` and `5.` completed; `None` when it is not one.
fn decimal(negative: bool, body: &str) -> Option<f64> {
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    let mut text = String::from(if negative { "-" } else { "" });
    let int = int.trim_start_matches('0');
    text.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        text.push('.');
        text.push_str(frac);
    }
    if let Some(e) = exponent {
        let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
        if unsigned.is_empty() || !digits(unsigned) {
            return None;
        }
        text.push('e');
        text.push_str(e);
    }
    Some(numbers::parse(&text))
}

/// GrowthBook's `getType`, of a whole value (a missing one reads as `null`).
pub(crate) const TYPES: [&str; 6] = ["null", "boolean", "number", "string", "array", "object"];

/// The position of `x`'s type in [`TYPES`].
pub(crate) fn type_of(x: &Json<'_>) -> u8 {
    match x {
        Json::Null => 0,
        Json::Bool(_) => 1,
        Json::Number(_) => 2,
        Json::String(_) => 3,
        Json::Array(_) => 4,
        Json::Object(_) => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(n: f64) -> String {
        let mut out = String::new();
        number(n, &mut out);
        out
    }

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        // Each as `String(n)` gives it in JavaScript.
        let cases: [(f64, &str); 14] = [
            (1.5, "1.5"),
            (-0.0, "0"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (9007199254740993.0, "9007199254740992"),
            (2f64.powi(60), "1152921504606847000"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (-1.25e-7, "-1.25e-7"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-123.456, "-123.456"),
        ];
        for (n, want) in cases {
            assert_eq!(js(n), want, "{n:e}");
        }
    }

    #[test]
    fn values_read_as_javascript_strings_them() {
        let text = |v: &str| {
            let mut out = String::new();
            string(&Json::parse(v).unwrap(), &mut out);
            out
        };
        assert_eq!(text(r#"[1, "a", null, [2, [true]], {"x": 1}]"#), "1,a,,2,true,[object Object]");
        assert_eq!(text("[]"), "");
        assert_eq!(text("true"), "true");
        assert_eq!(text(r#""josé""#), "josé");
    }

    #[test]
    fn numbers_of_text_read_as_javascript_reads_them() {
        // Each as `Number(s)` gives it in JavaScript.
        let cases: [(&str, f64); 20] = [
            ("", 0.0),
            (" \t\n 42 \u{a0}", 42.0),
            ("007", 7.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-1e3", -1000.0),
            ("+1E-2", 0.01),
            ("0x10", 16.0),
            ("0b101", 5.0),
            ("0o17", 15.0),
            ("-Infinity", f64::NEG_INFINITY),
            ("1e999", f64::INFINITY),
            ("0x1fffffffffffff1", 144115188075855860.0),
            ("0xffffffffffffffffffffffffffffffffff", 8.711228593176025e40),
            ("123456789012345678901234567890", 1.2345678901234568e29),
            ("0.1", 0.1),
            ("-0", -0.0),
            ("1_000", f64::NAN),
            ("-0x10", f64::NAN),
            ("12px", f64::NAN),
        ];
        for (s, want) in cases {
            let got = string_to_number(s);
            assert!(got == want || got.is_nan() && want.is_nan(), "{s:?}: {got} not {want}");
        }
        assert!(string_to_number(".").is_nan() && string_to_number("e5").is_nan() && string_to_number("1e").is_nan());
    }

    #[test]
    fn comparisons_are_javascripts() {
        let v = |t: &str| Json::parse(t).unwrap().to_owned_json();
        let n = |x: f64| Primitive::Number(x);
        let s = |x: &str| Primitive::String(x.into());
        assert!(compare(&v(r#""10""#), &n(9.0), Cmp::Gt)); // numeric
        assert!(compare(&v(r#""10""#), &s("9"), Cmp::Lt)); // by code units
        assert!(compare(&v("null"), &n(1.0), Cmp::Lt) && compare(&v("null"), &n(0.0), Cmp::Gte));
        assert!(!compare(&v(r#""abc""#), &n(1.0), Cmp::Lt) && !compare(&v(r#""abc""#), &n(1.0), Cmp::Gte));
        assert!(compare(&v("[2]"), &n(1.0), Cmp::Gt) && compare(&v("true"), &n(1.0), Cmp::Gte));
        assert!(compare(&v(r#""😀""#), &s("\u{ffff}"), Cmp::Lt)); // a surrogate sorts below U+FFFF
        assert!(!compare(&v("{}"), &n(0.0), Cmp::Gte) && compare(&v("{}"), &s("[object"), Cmp::Gt));
        assert_eq!(to_string(&v("null")), "null");
        assert_eq!(to_number(&v(r#"["5"]"#)), 5.0);
        assert!(to_number(&v("[1,2]")).is_nan());
        assert!(truthy(&v("[]")) && !truthy(&v(r#""""#)) && !truthy(&v("0")));
    }
}
