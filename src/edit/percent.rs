//! Percentages as operators write them (`12.5`) and weights out of 100000 (12500), both ways,
//! in integers: a ramp moves in steps of 0.001 %, which no float may round away.

use alloc::string::String;

/// `"12.5"` → 12500: a number from 0 to 100 with at most three decimals, digits only (no sign,
/// exponent or spaces; at most three digits before the point, at least one on each side of it).
/// `None` for anything else; the host says which of its inputs was wrong.
pub fn parse(text: &str) -> Option<u32> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |d: &str| !d.is_empty() && d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !fraction.is_none_or(digits) {
        return None;
    }
    // At most three digits each: no overflow.
    let value = |d: &str| d.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    let mut thousandths = fraction.map_or(0, value);
    for _ in fraction.map_or(0, str::len)..3 {
        thousandths *= 10;
    }
    let weight = value(whole) * 1000 + thousandths;
    (weight <= 100_000).then_some(weight)
}

/// 12500 → `"12.5"`: the shortest text [`parse`] reads as `weight` (no `%`).
pub fn format(weight: u32) -> String {
    let mut out = String::from(itoa::Buffer::new().format(weight / 1000));
    let fraction = weight % 1000;
    if fraction > 0 {
        let digits = [fraction / 100, fraction / 10 % 10, fraction % 10];
        let shown = if digits[2] > 0 {
            3
        } else if digits[1] > 0 {
            2
        } else {
            1
        };
        out.push('.');
        for d in &digits[..shown] {
            out.push(char::from_digit(*d, 10).unwrap_or('0'));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format, parse};

    #[test]
    fn reads_what_operators_write() {
        let read = [("0", 0), ("100", 100_000), ("12.5", 12_500), ("0.001", 1), ("010", 10_000), ("99.999", 99_999)];
        for (text, weight) in read {
            assert_eq!(parse(text), Some(weight), "{text}");
        }
        for text in
            ["", "100.0001", "abc", "101", "1.2345", "1.", ".5", "-1", "+1", "1e2", " 1", "1000", "100.001", "5%"]
        {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn writes_the_shortest_text_that_reads_back() {
        assert_eq!(
            [0, 10_000, 12_500, 1, 99_999, 100_000, 50_050].map(format),
            ["0", "10", "12.5", "0.001", "99.999", "100", "50.05"]
        );
        for weight in 0..=100_000 {
            assert_eq!(parse(&format(weight)), Some(weight));
        }
    }
}
