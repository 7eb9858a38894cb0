//! The native engine (`regex` feature): regress, matching UTF-16 code units as JavaScript does
//! without the `u` flag (`find_from_ucs2`).
//!
//! Ignoring case, regress folds as the `u` flag does (`K` U+212A and `ſ` meet `k` and `s`;
//! `\w` takes them in), where JavaScript without it compares `Canonicalize(ch)`: the character's
//! upper case when that is one code unit, but not when a non-ASCII one would become ASCII. So an
//! ignore-case pattern is rewritten with each letter and class spelled out as the code units
//! JavaScript would let meet it, and regress matches it case-sensitively.

use super::Matcher;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write;
use once_cell::race::OnceBox;

struct Regress(regress::Regex);

impl Matcher for Regress {
    fn test(&self, text: &str) -> bool {
        let units: Vec<u16> = text.encode_utf16().collect();
        self.0.find_from_ucs2(&units, 0).next().is_some()
    }
}

pub(super) fn compile(pattern: &str, ignore_case: bool) -> Option<Arc<dyn Matcher>> {
    let regex = if ignore_case {
        regress::Regex::with_flags(&case_spelled(pattern)?, regress::Flags::default())
    } else {
        regress::Regex::with_flags(pattern, regress::Flags::default())
    };
    Some(Arc::new(Regress(regex.ok()?)))
}

/// `Canonicalize(ch)` of ECMAScript without the `u` flag, for every code unit.
fn canonical() -> &'static [u16] {
    static TABLE: OnceBox<Vec<u16>> = OnceBox::new();
    TABLE.get_or_init(|| {
        let table = (0..=0xFFFFu32)
            .map(|u| {
                let Some(c) = char::from_u32(u) else { return u as u16 };
                let mut upper = c.to_uppercase();
                match (upper.next(), upper.next()) {
                    (Some(up), None) if u32::from(up) <= 0xFFFF && !(u >= 128 && u32::from(up) < 128) => {
                        up as u32 as u16
                    }
                    _ => u as u16,
                }
            })
            .collect();
        alloc::boxed::Box::new(table)
    })
}

/// Every code unit by its canonical form: (form, unit), sorted.
fn by_form() -> &'static [(u16, u16)] {
    static TABLE: OnceBox<Vec<(u16, u16)>> = OnceBox::new();
    TABLE.get_or_init(|| {
        let mut pairs: Vec<(u16, u16)> = canonical().iter().zip(0..=0xFFFFu16).map(|(f, u)| (*f, u)).collect();
        pairs.sort_unstable();
        alloc::boxed::Box::new(pairs)
    })
}

/// The code units that meet some unit of `set` ignoring case: those whose canonical form is one
/// of theirs. Sorted.
fn closure(set: &[u16]) -> Vec<u16> {
    let (table, pairs) = (canonical(), by_form());
    let mut forms: Vec<u16> = set.iter().map(|u| table[usize::from(*u)]).collect();
    forms.sort_unstable();
    forms.dedup();
    let mut out: Vec<u16> = Vec::new();
    for form in forms {
        let start = pairs.partition_point(|(f, _)| *f < form);
        out.extend(pairs[start..].iter().take_while(|(f, _)| *f == form).map(|(_, u)| *u));
    }
    out.sort_unstable();
    out
}

/// Appends sorted units as class items (`\uHHHH` and ranges).
fn items(units: &[u16], out: &mut String) {
    let mut i = 0;
    while let Some(&first) = units.get(i) {
        let mut last = first;
        while units.get(i + 1).is_some_and(|n| Some(*n) == last.checked_add(1)) {
            i += 1;
            last = units[i];
        }
        let _ = write!(out, "\\u{first:04x}");
        if last != first {
            let _ = write!(out, "-\\u{last:04x}");
        }
        i += 1;
    }
}

/// `pattern` (of the subset, `syntax::check`) with every literal and class replaced by the units
/// JavaScript matches with it ignoring case; `None` if it does not read as the subset.
fn case_spelled(pattern: &str) -> Option<String> {
    let units: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = units.get(i) {
        i += 1;
        match c {
            '\\' => {
                let e = *units.get(i)?;
                i += 1;
                match e {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(e);
                    }
                    _ => {
                        let unit = escaped(e, &units, &mut i)?;
                        literal(unit, &mut out);
                    }
                }
            }
            '[' => class(&units, &mut i, &mut out)?,
            '(' => {
                out.push('(');
                if units.get(i) == Some(&'?') {
                    out.push('?');
                    out.push(*units.get(i + 1)?);
                    i += 2;
                }
            }
            '{' => {
                // A quantifier (the subset has no other `{`): copied through its `}`.
                out.push('{');
                while let Some(&q) = units.get(i) {
                    i += 1;
                    out.push(q);
                    if q == '}' {
                        break;
                    }
                }
            }
            '^' | '$' | '.' | '*' | '+' | '?' | ')' | '|' => out.push(c),
            _ => literal(u16::try_from(u32::from(c)).ok()?, &mut out),
        }
    }
    Some(out)
}

/// One literal unit: itself, or a class of the units that meet it.
fn literal(unit: u16, out: &mut String) {
    let meet = closure(&[unit]);
    if meet.len() == 1 {
        let _ = write!(out, "\\u{unit:04x}");
    } else {
        out.push('[');
        items(&meet, out);
        out.push(']');
    }
}

/// The unit an escape stands for (after its `\` and `e`; `i` past any digits).
fn escaped(e: char, units: &[char], i: &mut usize) -> Option<u16> {
    let hex = |i: &mut usize, n: usize| {
        let digits = units.get(*i..*i + n)?;
        *i += n;
        digits.iter().try_fold(0u16, |v, d| Some(v * 16 + d.to_digit(16)? as u16))
    };
    Some(match e {
        't' => 9,
        'n' => 10,
        'v' => 11,
        'f' => 12,
        'r' => 13,
        '0' => 0,
        'x' => hex(i, 2)?,
        'u' => hex(i, 4)?,
        _ => u16::try_from(u32::from(e)).ok()?,
    })
}

/// A class, after its `[`: its single units closed under case, its `\d`-like escapes kept (no
/// letter outside ASCII canonicalizes into or out of them).
fn class(units: &[char], i: &mut usize, out: &mut String) -> Option<()> {
    let negated = units.get(*i) == Some(&'^');
    if negated {
        *i += 1;
    }
    let mut set: Vec<u16> = Vec::new();
    let mut kept = String::new();
    let mut pending: Option<u16> = None;
    let mut range = false;
    loop {
        let c = *units.get(*i)?;
        *i += 1;
        let unit = match c {
            ']' => break,
            '-' if pending.is_some() && units.get(*i) != Some(&']') => {
                range = true;
                continue;
            }
            '\\' => {
                let e = *units.get(*i)?;
                *i += 1;
                match e {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                        kept.push('\\');
                        kept.push(e);
                        continue;
                    }
                    'b' => 8,
                    _ => escaped(e, units, i)?,
                }
            }
            _ => u16::try_from(u32::from(c)).ok()?,
        };
        match (range, pending) {
            (true, Some(from)) => {
                set.extend(from..=unit);
                pending = None;
                range = false;
            }
            _ => {
                set.extend(pending);
                pending = Some(unit);
            }
        }
    }
    set.extend(pending);
    out.push('[');
    if negated {
        out.push('^');
    }
    items(&closure(&set), out);
    out.push_str(&kept);
    out.push(']');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::{canonical, case_spelled};

    #[test]
    fn canonicalize_without_the_u_flag() {
        let t = canonical();
        assert_eq!(t['a' as usize], 'A' as u16);
        assert_eq!(t[0x17F], 0x17F, "ſ stays: its upper case S is ASCII");
        assert_eq!(t[0x131], 0x131, "ı stays: its upper case I is ASCII");
        assert_eq!(t[0x212A], 0x212A, "the Kelvin sign is upper case");
        assert_eq!(t[0xDF], 0xDF, "ß stays: its upper case is two units");
        assert_eq!(t[0x3C2], 0x3A3, "ς is Σ");
    }

    #[test]
    fn spelled_out() {
        assert_eq!(case_spelled("k").as_deref(), Some("[\\u004b\\u006b]"));
        assert_eq!(case_spelled("1+").as_deref(), Some("\\u0031+"));
        assert_eq!(case_spelled("(?:a|\\d){2,3}$").as_deref(), Some("(?:[\\u0041\\u0061]|\\d){2,3}$"));
        assert_eq!(case_spelled("[^a-b\\w-]").as_deref(), Some("[^\\u002d\\u0041-\\u0042\\u0061-\\u0062\\w]"));
    }
}
