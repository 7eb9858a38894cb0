//! JSON text in, for the core's own [`Json`] values: strings without escapes are borrowed from
//! the text, object members keep document order and duplicates (so the loader can report a
//! repeat with its path), nesting is limited as serde_json limits it.
//!
//! Written here rather than taken from serde_json because that library is 9 KB of the gzipped
//! Wasm module (docs/performance.md, "Size"); `tests/json_text.rs` checks this parser against
//! serde_json on every vector, the example and generated and mutated texts. Numbers are
//! correctly rounded: integers and short decimals exactly here, the rest by
//! [`super::numbers`] — core's parser, or one the host installs (the npm package's module installs
//! JavaScript's `Number`, which rounds identically and keeps core's 14 KB float parser out of it).

use super::numbers;
use super::Json;
use crate::error::{LoadError, LoadErrorKind};
use crate::limits::MAX_SNAPSHOT_BYTES;
use crate::message::message;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why text is not JSON, and where (1-based line and column, in bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    line: usize,
    column: usize,
}

impl ParseError {
    /// Whether the text held a lone surrogate escape (`\ud800`): not text at all, rather than
    /// text that is not JSON.
    pub(crate) fn is_lone_surrogate(&self) -> bool {
        self.what == LoneSurrogate.text()
    }

    /// `expected value at line 1 column 7`.
    pub(crate) fn text(&self) -> String {
        let mut text =
            message!(self.what, " at line ", itoa::Buffer::new().format(self.line as i64), " column ").text();
        text.push_str(itoa::Buffer::new().format(self.column as i64));
        text
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The bytes a string's run of plain characters stops at: its end, an escape, or a control
/// character (not allowed in JSON strings).
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Arrays and objects nested deeper are refused rather than exhausting the stack (serde_json's
/// limit, to the level).
const MAX_NESTING: u32 = crate::limits::MAX_NESTING as u32;

type Result<T> = core::result::Result<T, ParseError>;

/// A failure inside the parser; what went wrong is in `Parser::what`, and where is `Parser::i`.
/// A unit error keeps each `Result` the size of its value and each failure path a one-byte
/// store (the line and column are counted once, in `Json::parse`).
struct Failed;

/// Why text is not JSON: `ParseError::what`, in serde_json's words.
#[derive(Clone, Copy)]
enum What {
    EofValue,
    EofString,
    EofList,
    EofObject,
    ControlCharacter,
    ExpectedColon,
    ExpectedCommaOrBracket,
    ExpectedCommaOrBrace,
    ExpectedIdent,
    ExpectedValue,
    InvalidEscape,
    InvalidNumber,
    InvalidCodePoint,
    KeyMustBeAString,
    LoneSurrogate,
    NumberOutOfRange,
    RecursionLimit,
    TrailingCharacters,
    TrailingComma,
}
use What::*;

impl What {
    fn text(self) -> &'static str {
        match self {
            EofValue => "EOF while parsing a value",
            EofString => "EOF while parsing a string",
            EofList => "EOF while parsing a list",
            EofObject => "EOF while parsing an object",
            ControlCharacter => "control character (\\u0000-\\u001F) found while parsing a string",
            ExpectedColon => "expected `:`",
            ExpectedCommaOrBracket => "expected `,` or `]`",
            ExpectedCommaOrBrace => "expected `,` or `}`",
            ExpectedIdent => "expected ident",
            ExpectedValue => "expected value",
            InvalidEscape => "invalid escape",
            InvalidNumber => "invalid number",
            InvalidCodePoint => "invalid unicode code point",
            KeyMustBeAString => "key must be a string",
            LoneSurrogate => "lone leading surrogate in hex escape",
            NumberOutOfRange => "number out of range",
            RecursionLimit => "recursion limit exceeded",
            TrailingCharacters => "trailing characters",
            TrailingComma => "trailing comma",
        }
    }
}

type Parsed<T> = core::result::Result<T, Failed>;

impl<'a> Json<'a> {
    /// Parses JSON text.
    pub fn parse(text: &'a str) -> Result<Json<'a>> {
        Parser::new(text, false).read()
    }

    /// Parses a context's JSON text: as [`Json::parse`], except that a number beyond the double
    /// range reads as `null`, as JavaScript's `JSON.stringify` writes one (so a context holds
    /// the same attributes whether a host passes it as text or as an object).
    pub(crate) fn parse_context(text: &'a str) -> Result<Json<'a>> {
        Parser::new(text, true).read()
    }
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
    depth: u32,
    /// Why parsing failed (see `Failed`); meaningless until it has.
    what: What,
    /// Numbers beyond the double range read as `null` (contexts) rather than failing.
    overflow_to_null: bool,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str, overflow_to_null: bool) -> Parser<'a> {
        Parser { s, i: 0, depth: 0, what: EofValue, overflow_to_null }
    }

    fn read(mut self) -> Result<Json<'a>> {
        self.document().map_err(|Failed| self.error())
    }

    fn fail(&mut self, what: What) -> Failed {
        self.what = what;
        Failed
    }

    #[cold]
    fn error(&self) -> ParseError {
        let before = self.s.as_bytes().get(..self.i).unwrap_or(self.s.as_bytes());
        let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
        let column = 1 + before.len() - before.iter().rposition(|&c| c == b'\n').map_or(0, |n| n + 1);
        ParseError { what: self.what.text(), line, column }
    }

    // Forced: at opt-level "z" (the Wasm build) this one-liner is otherwise a call per byte.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn document(&mut self) -> Parsed<Json<'a>> {
        let v = self.value()?;
        self.whitespace();
        if self.i < self.s.len() {
            return Err(self.fail(TrailingCharacters));
        }
        Ok(v)
    }

    fn value(&mut self) -> Parsed<Json<'a>> {
        self.whitespace();
        let (word, v): (&[u8], _) = match self.peek() {
            None => return Err(self.fail(EofValue)),
            Some(b'"') => return Ok(Json::String(self.string()?)),
            Some(b'{') => return self.nested(true),
            Some(b'[') => return self.nested(false),
            Some(b'-' | b'0'..=b'9') => return self.number(),
            Some(b't') => (b"true", Json::Bool(true)),
            Some(b'f') => (b"false", Json::Bool(false)),
            Some(b'n') => (b"null", Json::Null),
            _ => return Err(self.fail(ExpectedValue)),
        };
        // One check for the three literals.
        match self.s.as_bytes().get(self.i..) {
            Some(rest) if rest.starts_with(word) => {
                self.i += word.len();
                Ok(v)
            }
            _ => Err(self.fail(ExpectedIdent)),
        }
    }

    /// An object or an array, at its opening bracket.
    fn nested(&mut self, object: bool) -> Parsed<Json<'a>> {
        let (close, eof) = if object { (b'}', EofObject) } else { (b']', EofList) };
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.fail(RecursionLimit));
        }
        self.i += 1;
        // Objects start with room for eight members (regrowing costs more than the slack).
        let mut members = Vec::with_capacity(if object { 8 } else { 0 });
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(close) {
            self.i += 1;
        } else {
            loop {
                self.whitespace();
                if object {
                    match self.peek() {
                        Some(b'"') => {}
                        None => return Err(self.fail(eof)),
                        Some(c) if c == close => return Err(self.fail(TrailingComma)),
                        _ => return Err(self.fail(KeyMustBeAString)),
                    }
                    let key = self.string()?;
                    self.whitespace();
                    match self.peek() {
                        Some(b':') => self.i += 1,
                        None => return Err(self.fail(eof)),
                        _ => return Err(self.fail(ExpectedColon)),
                    }
                    members.push((key, self.value()?));
                } else {
                    if self.peek() == Some(close) {
                        return Err(self.fail(TrailingComma));
                    }
                    items.push(self.value()?);
                }
                self.whitespace();
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(c) if c == close => {
                        self.i += 1;
                        break;
                    }
                    None => return Err(self.fail(eof)),
                    _ => return Err(self.fail(if object { ExpectedCommaOrBrace } else { ExpectedCommaOrBracket })),
                }
            }
        }
        self.depth -= 1;
        Ok(if object { Json::Object(members) } else { Json::Array(items) })
    }

    /// A string, at its opening quote; borrowed when it has no escapes.
    fn string(&mut self) -> Parsed<Cow<'a, str>> {
        self.i += 1;
        let bytes = self.s.as_bytes();
        let mut start = self.i;
        let mut owned: Option<String> = None;
        loop {
            // Straight to the next byte that matters. Multi-byte UTF-8 sequences pass whole:
            // the text is a valid `str`, and only ASCII bytes end a string or start an escape.
            let mut i = self.i;
            while i < bytes.len() && !STOPS[bytes[i] as usize] {
                i += 1;
            }
            self.i = i;
            let run = self.s.get(start..self.i).unwrap_or_default();
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(run),
                        Some(mut o) => {
                            o.push_str(run);
                            Cow::Owned(o)
                        }
                    });
                }
                Some(b'\\') => {
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(run);
                    self.i += 1;
                    let c = self.escape()?;
                    o.push(c);
                    self.i += 1;
                    start = self.i;
                }
                None => return Err(self.fail(EofString)),
                Some(_) => return Err(self.fail(ControlCharacter)),
            }
        }
    }

    /// The character an escape stands for, at the byte after the backslash; leaves `i` on
    /// the escape's last byte.
    fn escape(&mut self) -> Parsed<char> {
        Ok(match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if self.s.as_bytes().get(self.i + 1..self.i + 3) != Some(b"\\u") {
                            return Err(self.fail(LoneSurrogate));
                        }
                        self.i += 2;
                        match self.hex4()? {
                            low @ 0xDC00..=0xDFFF => 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00),
                            _ => return Err(self.fail(LoneSurrogate)),
                        }
                    }
                    0xDC00..=0xDFFF => return Err(self.fail(LoneSurrogate)),
                    c => c,
                };
                match char::from_u32(code) {
                    Some(c) => c,
                    None => return Err(self.fail(InvalidCodePoint)),
                }
            }
            None => return Err(self.fail(EofString)),
            _ => return Err(self.fail(InvalidEscape)),
        })
    }

    /// The four hex digits after a `u` (at the `u`); leaves `i` on the last digit.
    fn hex4(&mut self) -> Parsed<u32> {
        let mut n = 0;
        for _ in 0..4 {
            self.i += 1;
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                None => return Err(self.fail(EofString)),
                _ => return Err(self.fail(InvalidEscape)),
            };
            n = n * 16 + u32::from(d);
        }
        Ok(n)
    }

    /// Skips ASCII digits, returning how many. Each goes into `mantissa` while it is at most
    /// 2^53 (past that the number is not exact; it stays above, and cannot overflow).
    fn digits(&mut self, mantissa: &mut u64) -> usize {
        let from = self.i;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            if *mantissa <= 1 << 53 {
                *mantissa = *mantissa * 10 + u64::from(c - b'0');
            }
            self.i += 1;
        }
        self.i - from
    }

    /// A number in JSON's grammar, correctly rounded to the nearest `f64`. Integers and short
    /// decimals are read exactly as they are scanned (see `POWERS`), the rest by [`numbers::parse`].
    fn number(&mut self) -> Parsed<Json<'a>> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let mut mantissa = 0;
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits(&mut mantissa);
            }
            _ => return Err(self.fail(InvalidNumber)),
        }
        let mut fraction = 0;
        if self.peek() == Some(b'.') {
            self.i += 1;
            fraction = self.digits(&mut mantissa);
            if fraction == 0 {
                return Err(self.fail(InvalidNumber));
            }
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = self.peek() {
            exponent = true;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits(&mut 0) == 0 {
                return Err(self.fail(InvalidNumber));
            }
        }
        let n = match POWERS.get(fraction) {
            Some(power) if !exponent && mantissa <= 1 << 53 => {
                let n = mantissa as f64 / power;
                if negative {
                    -n
                } else {
                    n
                }
            }
            _ => numbers::parse(self.s.get(start..self.i).unwrap_or_default()),
        };
        match (n.is_finite(), self.overflow_to_null) {
            (true, _) => Ok(Json::Number(n)),
            (false, true) => Ok(Json::Null),
            (false, false) => Err(self.fail(NumberOutOfRange)),
        }
    }
}

/// Clinger's fast path: a number without an exponent whose digits fit in 2^53, with at most 22
/// of them after the point, is one correctly rounded division of two exact values. Covers the
/// integers, weights and percentages snapshots hold.
const POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Snapshot text as a JSON value, or the error loading it gives (`too_large`, `invalid_json`):
/// the one reading of documents that loading, signed envelopes and client snapshots share.
pub(crate) fn document(text: &str) -> core::result::Result<Json<'_>, LoadError> {
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(LoadError {
            kind: LoadErrorKind::TooLarge,
            path: String::new(),
            message: crate::message::past_limit(
                "snapshot text is ",
                text.len() as u64,
                " bytes",
                MAX_SNAPSHOT_BYTES as u64,
            ),
        });
    }
    Json::parse(text).map_err(|e| LoadError {
        kind: LoadErrorKind::InvalidJson,
        path: String::new(),
        message: message!("invalid JSON: ", &e.text()).text(),
    })
}
