//! JavaScript's `String(value)` of a JSON value: the text GrowthBook's SDK hashes when an
//! attribute is not a string (`fnv32a(value + seed)` concatenates with JavaScript's rules).

use crate::json::{numbers, safe_integer, Json};
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
}
