//! The patterns `jsRegex` accepts (docs/snapshot.md, "Regular expressions"): a subset of
//! JavaScript's RegExp syntax without the `u` flag on which every engine the runtimes use
//! (JavaScript's own, regress natively) matches identically, and no pattern takes exponential
//! time. Annex B's lenient forms (a lone `]`, `{` or `}`, `\c`, octal and identity escapes of
//! letters), back-references, named groups, lookbehind, property escapes and characters outside
//! the Basic Multilingual Plane (which JavaScript splits into two code units) are outside it.

/// Why a pattern is outside the subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What is outside, for the load error's message.
    pub why: &'static str,
    /// JavaScript itself throws a SyntaxError for the pattern (so GrowthBook's `$regex`, which
    /// catches it, never matches).
    pub invalid: bool,
}

/// Outside the subset, though JavaScript may read it.
const fn outside(why: &'static str) -> Refusal {
    Refusal { why, invalid: false }
}

/// A SyntaxError to JavaScript too.
const fn invalid(why: &'static str) -> Refusal {
    Refusal { why, invalid: true }
}

/// The largest repetition count `{n,m}` may name.
const MAX_COUNT: u32 = 1000;

/// Checks `pattern`, the source given to `new RegExp(pattern)`.
pub(crate) fn check(pattern: &str) -> Result<(), Refusal> {
    let chars: alloc::vec::Vec<char> = pattern.chars().collect();
    if chars.iter().any(|c| u32::from(*c) > 0xFFFF) {
        return Err(outside("a character outside the Basic Multilingual Plane (two code units to JavaScript)"));
    }
    let mut p = Parser { chars: &chars, at: 0 };
    p.disjunction()?;
    match p.peek() {
        None => Ok(()),
        Some(')') => Err(invalid("a ')' with no group to close")),
        Some(_) => Err(outside("a character it cannot read here")),
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

/// What a parsed piece holds, for the nested-quantifier rule.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// Some quantifier inside (a group's body).
    quantified: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn disjunction(&mut self) -> Result<Shape, Refusal> {
        let mut shape = self.alternative()?;
        while self.eat('|') {
            shape.quantified |= self.alternative()?.quantified;
        }
        Ok(shape)
    }

    fn alternative(&mut self) -> Result<Shape, Refusal> {
        let mut shape = Shape::default();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            shape.quantified |= self.term()?.quantified;
        }
        Ok(shape)
    }

    fn term(&mut self) -> Result<Shape, Refusal> {
        // Assertions take no quantifier.
        if self.eat('^') || self.eat('$') {
            return self.no_quantifier(Shape::default(), false);
        }
        if self.peek() == Some('\\') && matches!(self.peek_at(1), Some('b' | 'B')) {
            self.at += 2;
            return self.no_quantifier(Shape::default(), false);
        }
        if self.peek() == Some('(') && self.peek_at(1) == Some('?') && matches!(self.peek_at(2), Some('=' | '!')) {
            self.at += 3;
            let inner = self.group_body()?;
            return self.no_quantifier(inner, true);
        }
        let atom = self.atom()?;
        if self.quantifier()? {
            if atom.quantified {
                return Err(outside("a quantifier on a group that holds one (it can take exponential time)"));
            }
            return Ok(Shape { quantified: true });
        }
        Ok(atom)
    }

    /// After an assertion: JavaScript refuses `*`, `+` and `?` after `^`, `$`, `\b` and `\B`,
    /// and reads the rest (a lookahead's quantifier, a `{`) its lenient way, outside the subset.
    fn no_quantifier(&mut self, shape: Shape, lookahead: bool) -> Result<Shape, Refusal> {
        match self.peek() {
            Some('*' | '+' | '?') if !lookahead => Err(invalid("a quantifier on an assertion")),
            Some('*' | '+' | '?' | '{') => Err(outside("a quantifier on an assertion")),
            _ => Ok(shape),
        }
    }

    fn group_body(&mut self) -> Result<Shape, Refusal> {
        let inner = self.disjunction()?;
        if self.eat(')') {
            Ok(inner)
        } else {
            Err(invalid("a group that is not closed"))
        }
    }

    fn atom(&mut self) -> Result<Shape, Refusal> {
        let Some(c) = self.peek() else { return Err(outside("a pattern that ends early")) };
        self.at += 1;
        match c {
            '.' => Ok(Shape::default()),
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    return Err(outside("a group other than (…), (?:…), (?=…) and (?!…)"));
                }
                self.group_body()
            }
            '[' => self.class().map(|()| Shape::default()),
            '\\' => self.atom_escape().map(|()| Shape::default()),
            '*' | '+' | '?' => Err(invalid("a quantifier with nothing to repeat")),
            '{' => Err(outside("a '{' that starts no quantifier")),
            '}' | ']' => Err(outside("an unescaped '}' or ']'")),
            _ => Ok(Shape::default()),
        }
    }

    /// A quantifier after an atom, if any (and its lazy `?`).
    fn quantifier(&mut self) -> Result<bool, Refusal> {
        match self.peek() {
            Some('*' | '+' | '?') => self.at += 1,
            Some('{') => {
                self.at += 1;
                let min = self.count().ok_or(outside("a '{' that starts no quantifier"))?;
                let max = if self.eat(',') {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.count().ok_or(outside("a '{' that starts no quantifier"))?)
                    }
                } else {
                    Some(min)
                };
                if !self.eat('}') {
                    return Err(outside("a '{' that starts no quantifier"));
                }
                if max.is_some_and(|max| max < min) {
                    return Err(invalid("a repetition {n,m} with m below n"));
                }
            }
            _ => return Ok(false),
        }
        self.eat('?');
        Ok(true)
    }

    fn count(&mut self) -> Option<u32> {
        let start = self.at;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.checked_mul(10)?.checked_add(d)?;
            self.at += 1;
        }
        (self.at > start && n <= MAX_COUNT).then_some(n)
    }

    fn atom_escape(&mut self) -> Result<(), Refusal> {
        let Some(c) = self.peek() else { return Err(invalid("a '\\' at the end")) };
        self.at += 1;
        match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => Ok(()),
            _ => self.character_escape(c),
        }
    }

    /// The escapes that stand for one character, after the `\` and `c`.
    fn character_escape(&mut self, c: char) -> Result<(), Refusal> {
        match c {
            't' | 'n' | 'v' | 'f' | 'r' => Ok(()),
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => Ok(()),
            'x' => self.hex(2),
            'u' => {
                let start = self.at;
                self.hex(4)?;
                let unit = self.chars[start..self.at].iter().fold(0u32, |n, d| n * 16 + d.to_digit(16).unwrap_or(0));
                if (0xD800..0xE000).contains(&unit) {
                    return Err(outside("a surrogate code unit"));
                }
                Ok(())
            }
            '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '/' | '-' => Ok(()),
            _ => Err(outside("an escape other than \\d \\D \\w \\W \\s \\S \\b \\B \\t \\n \\v \\f \\r \\0 \\xHH \\uHHHH and of punctuation")),
        }
    }

    fn hex(&mut self, digits: usize) -> Result<(), Refusal> {
        for _ in 0..digits {
            if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                return Err(outside("an \\x or \\u escape without its hexadecimal digits"));
            }
            self.at += 1;
        }
        Ok(())
    }

    /// A class, after its `[`: items, ranges of two single characters, `-` only first or last.
    fn class(&mut self) -> Result<(), Refusal> {
        self.eat('^');
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return Err(invalid("a class that is not closed")) };
            if c == ']' {
                self.at += 1;
                return Ok(());
            }
            if c == '-' && (first || self.peek_at(1) == Some(']')) {
                self.at += 1;
                first = false;
                continue;
            }
            let from = self.class_atom()?;
            if self.peek() == Some('-') && self.peek_at(1) != Some(']') {
                self.at += 1;
                let to = self.class_atom()?;
                match (from, to) {
                    (Some(a), Some(b)) if a <= b => {}
                    (Some(_), Some(_)) => return Err(invalid("a class range out of order")),
                    _ => return Err(outside("a class range with \\d, \\w or \\s at an end")),
                }
                if self.peek() == Some('-') && self.peek_at(1) != Some(']') {
                    return Err(outside("a '-' right after a class range"));
                }
            }
            first = false;
        }
    }

    /// One item of a class: `Some(code unit)` for a single character, `None` for `\d` and the like.
    fn class_atom(&mut self) -> Result<Option<u32>, Refusal> {
        let Some(c) = self.peek() else { return Err(invalid("a class that is not closed")) };
        self.at += 1;
        if c == '-' {
            return Err(outside("a '-' in the middle of a class"));
        }
        if c != '\\' {
            return Ok(Some(u32::from(c)));
        }
        let Some(e) = self.peek() else { return Err(invalid("a '\\' at the end")) };
        self.at += 1;
        let unit = |p: &Self, len: usize| {
            p.chars[p.at - len..p.at].iter().fold(0u32, |n, d| n * 16 + d.to_digit(16).unwrap_or(0))
        };
        Ok(match e {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => None,
            'b' => Some(8),
            't' => Some(9),
            'n' => Some(10),
            'v' => Some(11),
            'f' => Some(12),
            'r' => Some(13),
            'x' => {
                self.character_escape('x')?;
                Some(unit(self, 2))
            }
            'u' => {
                self.character_escape('u')?;
                Some(unit(self, 4))
            }
            '0' => {
                self.character_escape('0')?;
                Some(0)
            }
            _ => {
                self.character_escape(e)?;
                Some(u32::from(e))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_subset() {
        for ok in [
            "",
            "abc",
            "^a.c$",
            "a|b|",
            "(a|b)+c",
            "(?:ab){2,3}?",
            "a{0}b{1,}c{2,5}",
            "\\d\\D\\w\\W\\s\\S\\b\\B",
            "\\t\\n\\v\\f\\r\\0\\x41\\u00e9",
            "\\^\\$\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\-",
            "[abc][^a-z][-a][a-][\\d\\s-][\\b\\-\\]]",
            "(?=a)b(?!c)",
            "@example\\.com$",
            "a/b",
            "josé|用户",
            "x{1000}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "(", ")", "a)", "[a", "*a", "a**", "{", "a{2,1}", "a{1001}", "]", "}", "\\1", "(a)\\1", "\\c", "\\q",
            "\\p{L}", "(?<n>a)", "(?<=a)b", "(a+)+", "(a*|b)*", "(?=a)*", "^*", "[b-a]", "[\\d-z]", "[a-c-e]", "😀",
            "\\ud83d", "\\x4", "\\00", "a\\",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        // JavaScript throws for these too; it reads the others its lenient way.
        for thrown in ["(", ")", "a)", "[a", "*a", "a**", "a{2,1}", "[b-a]", "a\\", "^*", "/???***[)"] {
            assert!(check(thrown).is_err_and(|r| r.invalid), "{thrown}");
        }
        for read in ["{", "]", "}", "\\q", "\\1", "(?=a)*", "[\\d-z]", "a{1001}", "(a+)+"] {
            assert!(check(read).is_err_and(|r| !r.invalid), "{read}");
        }
    }
}
