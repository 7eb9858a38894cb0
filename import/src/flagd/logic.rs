//! flagd's JSON Logic targeting, read into what the snapshot can say exactly: a tree of
//! results (`Outcome`) whose conditions are clauses matching exactly when flagd finds the
//! condition truthy. Anything whose flagd value cannot be matched for every context is refused
//! with its path (docs/import.md, flagd lists each construct).

use super::build::{composite, index, is_type, leaf, member, not, on_string, s};
use super::fractional::{self, Entry, Fractional, Picked};
use super::var::{attribute, timestamp_var};
use crate::ImportError;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// A condition: a constant, or a clause matching exactly when flagd's value is truthy.
#[derive(Clone)]
pub(super) enum Cond {
    Const(bool),
    Clause(Json<'static>),
}

/// What the targeting evaluates to.
pub(super) enum Outcome {
    /// `null`: flagd serves the default variant.
    Null,
    /// A variant, by name (the rule id is `path`).
    Variant { name: String, path: String },
    /// A `fractional` split.
    Split { split: Fractional, path: String },
    /// `if`: the first truthy condition's branch, else `otherwise`.
    If { branches: Vec<(Cond, Outcome)>, otherwise: Box<Outcome> },
}

/// What the compiler needs from the flag.
#[derive(Clone, Copy)]
pub(super) struct Flag<'f> {
    pub key: &'f str,
    pub variants: &'f [String],
    /// Answer as flagd-core (JavaScript) where it and flagd (Go) disagree.
    pub js: bool,
    /// Within an `if` of fewer than three items, which flagd-core's JSON Logic engine does not
    /// compile: it interprets what is inside, and its interpreted `cat` drops a missing value.
    pub interpreted: bool,
}

impl Flag<'_> {
    /// The flag as read inside `if` `items`.
    fn inside_if(&self, items: &[Json<'static>]) -> Self {
        Flag { interpreted: self.interpreted || items.len() < 3, ..*self }
    }
}

fn refuse(path: &str, why: impl ToString) -> ImportError {
    ImportError::unsupported(path, why)
}

/// The operator and argument of a one-member object.
fn operation<'v>(value: &'v Json<'static>) -> Option<(&'v str, &'v Json<'static>)> {
    match value {
        Json::Object(members) if members.len() == 1 => Some((&members[0].0, &members[0].1)),
        _ => None,
    }
}

/// A variant named by a result string: flagd writes the result as JSON and strips every `"`,
/// so only names JSON writes as they are map to themselves.
fn variant(flag: &Flag<'_>, name: &str, path: &str) -> Result<Outcome, ImportError> {
    check_variant(flag, name, path)?;
    Ok(Outcome::Variant { name: name.to_string(), path: path.to_string() })
}

/// Refuses a result name flagd would not find among the variants.
pub(super) fn check_variant(flag: &Flag<'_>, name: &str, path: &str) -> Result<(), ImportError> {
    let plain = !name.chars().any(|c| matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || c < ' ');
    if !plain {
        return Err(refuse(path, "a result flagd escapes when it writes it as JSON, so its variant lookup differs"));
    }
    if !flag.variants.iter().any(|v| v == name) {
        return Err(refuse(path, format!("\"{name}\" is not a variant: flagd answers ERROR (GENERAL) here")));
    }
    Ok(())
}

/// The targeting (or a part of it) in result position.
pub(super) fn outcome(flag: &Flag<'_>, value: &Json<'static>, path: &str) -> Result<Outcome, ImportError> {
    match value {
        Json::Null => Ok(Outcome::Null),
        Json::String(name) => variant(flag, name, path),
        // flagd writes `true` / `false` and looks the text up as a variant name.
        Json::Bool(b) => variant(flag, if *b { "true" } else { "false" }, path),
        Json::Number(_) => Err(refuse(path, "a number as a variant name (flagd looks up its Go text)")),
        Json::Array(_) => Err(refuse(path, "an array as a result")),
        Json::Object(_) => {
            let Some((op, args)) = operation(value) else {
                return Err(refuse(path, "an object that is not one operation"));
            };
            let at = member(path, op);
            match op {
                "if" => if_chain(flag, args, &at),
                "fractional" => Ok(match fractional::read(flag, args, &at, true)? {
                    Picked::Null => Outcome::Null,
                    Picked::Entry(Entry { name: None, .. }) => Outcome::Null,
                    Picked::Entry(Entry { name: Some(name), .. }) => Outcome::Variant { name, path: at },
                    Picked::Split(split) if split.serves_something() => Outcome::Split { split, path: at },
                    Picked::Split(_) => Outcome::Null,
                    Picked::ByValue { attribute, empty, split } => fractional::by_value(&attribute, empty, split, &at),
                }),
                // true, false, or null unless both arguments are strings (versions).
                "starts_with" | "ends_with" | "sem_ver" => match affix_parts(flag, op, args, &at)? {
                    Affix::Const(c) => Ok(constant(flag, c, &at)?),
                    Affix::Clause { defined, holds } => Ok(Outcome::If {
                        branches: alloc::vec![
                            (Cond::Clause(holds), variant(flag, "true", &format!("{at}#true"))?),
                            (Cond::Clause(defined), variant(flag, "false", &format!("{at}#false"))?),
                        ],
                        otherwise: Box::new(Outcome::Null),
                    }),
                },
                // Operators whose value is always `true` or `false`: a two-way choice.
                "==" | "===" | "!=" | "!==" | "!" | "!!" | "in" | "<" | "<=" | ">" | ">=" => {
                    let c = condition(flag, value, path)?;
                    // One rule each, told apart by their ids.
                    let yes = variant(flag, "true", &format!("{at}#true"))?;
                    let no = variant(flag, "false", &format!("{at}#false"))?;
                    Ok(Outcome::If { branches: alloc::vec![(c, yes)], otherwise: Box::new(no) })
                }
                _ => {
                    condition(flag, value, path)?;
                    Err(refuse(&at, "as a result (it answers true, false or null, which needs more than the snapshot's clauses say)"))
                }
            }
        }
    }
}

/// A constant result of `starts_with` / `ends_with`: the variant `true` / `false`, or `null`.
fn constant(flag: &Flag<'_>, value: Option<bool>, path: &str) -> Result<Outcome, ImportError> {
    match value {
        None => Ok(Outcome::Null),
        Some(b) => variant(flag, if b { "true" } else { "false" }, path),
    }
}

/// Whether `starts_with` / `ends_with` / `sem_ver` answer `null` whatever the context.
fn null_for_all(op: &str, args: &Json<'static>) -> bool {
    let Json::Array(items) = args else { return false };
    match op {
        "starts_with" | "ends_with" => items.len() != 2,
        // An operation as the operator is computed: not decided here.
        "sem_ver" => {
            items.len() != 3 || operation(&items[1]).is_none() && !items[1].as_str().is_some_and(semver_operator)
        }
        _ => false,
    }
}

fn semver_operator(op: &str) -> bool {
    matches!(op, "=" | "!=" | "<" | "<=" | ">" | ">=" | "^" | "~")
}

/// `if`: condition / result pairs and an optional last result (jsonlogic's `conditional`).
fn if_chain(flag: &Flag<'_>, args: &Json<'static>, path: &str) -> Result<Outcome, ImportError> {
    let Json::Array(items) = args else {
        return Err(refuse(path, "if without an array of arguments"));
    };
    let flag = &flag.inside_if(items);
    let mut branches = Vec::new();
    let mut i = 0;
    while i + 1 < items.len() {
        let c = condition(flag, &items[i], &index(path, i))?;
        let then = outcome(flag, &items[i + 1], &index(path, i + 1))?;
        branches.push((c, then));
        i += 2;
    }
    let otherwise = if items.len() % 2 == 1 {
        outcome(flag, &items[items.len() - 1], &index(path, items.len() - 1))?
    } else {
        Outcome::Null
    };
    Ok(Outcome::If { branches, otherwise: Box::new(otherwise) })
}

/// A literal's truthiness as jsonlogic's `IsTrue` reads it.
fn truthy(value: &Json<'static>) -> Option<bool> {
    match value {
        Json::Null => Some(false),
        Json::Bool(b) => Some(*b),
        Json::Number(x) => Some(*x != 0.0),
        Json::String(t) => Some(!t.is_empty()),
        Json::Array(items) => Some(!items.is_empty()),
        Json::Object(_) => None,
    }
}

/// The targeting (or a part of it) in condition position: when is flagd's value truthy.
pub(super) fn condition(flag: &Flag<'_>, value: &Json<'static>, path: &str) -> Result<Cond, ImportError> {
    if let Some(t) = truthy(value) {
        return Ok(Cond::Const(t));
    }
    let Some((op, args)) = operation(value) else {
        return Err(refuse(path, "an object that is not one operation"));
    };
    let at = member(path, op);
    match op {
        "and" | "or" => {
            let Json::Array(items) = args else {
                return Err(refuse(&at, "without an array of arguments"));
            };
            // `and` of nothing is null (falsy), as is `or` of nothing.
            if items.is_empty() {
                return Ok(Cond::Const(false));
            }
            let mut clauses = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match (op, condition(flag, item, &index(&at, i))?) {
                    ("and", Cond::Const(false)) => return Ok(Cond::Const(false)),
                    ("or", Cond::Const(true)) => return Ok(Cond::Const(true)),
                    (_, Cond::Const(_)) => {}
                    (_, Cond::Clause(c)) => clauses.push(c),
                }
            }
            Ok(match clauses.len() {
                0 => Cond::Const(op == "and"),
                1 => Cond::Clause(clauses.remove(0)),
                _ => Cond::Clause(composite(if op == "and" { "all" } else { "any" }, clauses, false)),
            })
        }
        "!" | "!!" => {
            // jsonlogic negates the first argument of an array, else the value itself; the
            // operators below never answer an array, a `var` may, so it is not taken here.
            let inner = match args {
                Json::Array(items) if items.is_empty() => Cond::Const(false),
                Json::Array(items) => condition(flag, &items[0], &index(&at, 0))?,
                Json::Object(_) if operation(args).is_some_and(|(o, _)| o != "var") => condition(flag, args, &at)?,
                _ => return Err(refuse(&at, "of a value that may be an array")),
            };
            Ok(match (op, inner) {
                ("!", Cond::Const(b)) => Cond::Const(!b),
                ("!", Cond::Clause(c)) => Cond::Clause(not(c)),
                (_, inner) => inner,
            })
        }
        "==" | "===" | "!=" | "!==" => {
            let c = equality(flag, op, args, &at)?;
            Ok(if op.starts_with('!') { negate(c) } else { c })
        }
        "in" => membership(flag, args, &at),
        "starts_with" | "ends_with" | "sem_ver" => Ok(match affix_parts(flag, op, args, &at)? {
            Affix::Const(c) => Cond::Const(c == Some(true)),
            Affix::Clause { holds, .. } => Cond::Clause(holds),
        }),
        "<" | "<=" | ">" | ">=" => comparison(op, args, &at),
        "fractional" => Ok(match fractional::read(flag, args, &at, false)? {
            Picked::Null => Cond::Const(false),
            Picked::Entry(entry) => Cond::Const(entry.truthy),
            Picked::Split(split) => split.truthy_clause(),
            Picked::ByValue { attribute, empty, split } => fractional::by_value_truthy(&attribute, &empty, &split),
        }),
        "var" => Err(refuse(
            &at,
            "the truthiness of a context value (strings, numbers, arrays and objects each have their own)",
        )),
        _ => Err(refuse(&at, "an operator the converter does not import")),
    }
}

fn negate(c: Cond) -> Cond {
    match c {
        Cond::Const(b) => Cond::Const(!b),
        Cond::Clause(c) => Cond::Clause(not(c)),
    }
}

/// The two arguments of a binary operator, the `var` one first, and whether the literal was.
fn var_and_literal<'v>(
    args: &'v Json<'static>,
    path: &str,
) -> Result<(&'v Json<'static>, &'v Json<'static>, bool), ImportError> {
    let Json::Array(items) = args else {
        return Err(refuse(path, "without an array of arguments"));
    };
    if items.len() != 2 {
        return Err(refuse(path, "without exactly two arguments"));
    }
    let is_var = |v: &Json<'static>| operation(v).is_some_and(|(o, _)| o == "var");
    match (is_var(&items[0]), is_var(&items[1])) {
        (true, false) => Ok((&items[0], &items[1], false)),
        (false, true) => Ok((&items[1], &items[0], true)),
        _ => Err(refuse(path, "other than a context value against a literal")),
    }
}

/// Whether jsonlogic's `ToNumber` reads `text` as a number (then `==` compares it with
/// numbers): blank text (0), or what Go's `strconv.ParseFloat` accepts, out of range included.
pub(super) fn may_be_numeric(text: &str) -> bool {
    if text.trim().is_empty() {
        return true;
    }
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return true;
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        // A hexadecimal mantissa needs a p exponent; underscores may separate digits. Any text
        // of only these characters is taken as numeric: refusing more than needed is safe.
        return hex.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b'_' | b'p' | b'+' | b'-'));
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Whether JavaScript's `Number(text)` may be a number (then `==` compares numbers with it):
/// refuses more than needed (any text starting, after white space, as a number might).
fn js_may_be_numeric(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let first = t.chars().next();
    t.is_empty() || first.is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | '-' | 'I'))
}

/// `==` / `===` of a context value and a literal (the negations wrap it).
fn equality(flag: &Flag<'_>, op: &str, args: &Json<'static>, path: &str) -> Result<Cond, ImportError> {
    if let Some(c) = picked_equals(flag, args, path)? {
        return Ok(c);
    }
    let (var, literal, literal_first) = var_and_literal(args, path)?;
    let Some(attr) = attribute(var, path)? else {
        return Err(refuse(path, "a $flagd property compared with =="));
    };
    let strict = op.len() == 3;
    match literal {
        // Strict equality holds for null only (a missing value reads as null).
        Json::Null if strict => Ok(Cond::Clause(not(exists(&attr)))),
        // jsonlogic (Go): `==` holds for null only.
        Json::Null if !flag.js => Ok(Cond::Clause(not(exists(&attr)))),
        // flagd-core compiles `null == x` to hold for `null` only (where it interprets, as inside
        // an `if` of fewer than three items, it does not).
        Json::Null if literal_first && !flag.interpreted => Ok(Cond::Clause(not(exists(&attr)))),
        // flagd-core: `0 == null` and `false == null` hold too (arrays and objects are an error).
        Json::Null => {
            Ok(Cond::Clause(composite("any", alloc::vec![not(exists(&attr)), number_or_boolean_zero(&attr)], false)))
        }
        // `===` compares strings with strings only.
        Json::String(text) if strict => Ok(Cond::Clause(on_string(&attr, leaf(&attr, "in", alloc::vec![s(text)])))),
        // A string no number parses from equals only that string (as a string: an array holding
        // it is a number to jsonlogic, an error to flagd-core).
        Json::String(text) if !(text.is_empty() || may_be_numeric(text) || flag.js && js_may_be_numeric(text)) => {
            Ok(Cond::Clause(on_string(&attr, leaf(&attr, "in", alloc::vec![s(text)]))))
        }
        // flagd-core: `"" == ""`, `0 == ""` and `false == ""` (arrays and objects are an error).
        Json::String(text) if flag.js && text.is_empty() => Ok(Cond::Clause(composite(
            "any",
            alloc::vec![on_string(&attr, leaf(&attr, "in", alloc::vec![s("")])), number_or_boolean_zero(&attr)],
            false,
        ))),
        Json::String(_) => {
            Err(refuse(path, "against the empty string or a numeric string (== converts it to a number)"))
        }
        Json::Number(_) | Json::Bool(_) => {
            Err(refuse(path, "against a number or boolean: jsonlogic converts strings, booleans and arrays to numbers"))
        }
        _ => Err(refuse(path, "against an array or object")),
    }
}

/// `==` (or `===`) of a result — a `fractional`, an `if` of results, a string — and a string no
/// number parses from: where that result is that string (a prerequisite written in JSON Logic:
/// the parent's targeting compared with one of its variants). `None`: not this form.
fn picked_equals(flag: &Flag<'_>, args: &Json<'static>, path: &str) -> Result<Option<Cond>, ImportError> {
    let Json::Array(items) = args else { return Ok(None) };
    let [a, b] = &items[..] else { return Ok(None) };
    let is_result = |v: &Json<'static>| operation(v).is_some_and(|(o, _)| o == "fractional" || o == "if");
    let (i, result, literal) = match (is_result(a), is_result(b)) {
        (true, false) => (0, a, b),
        (false, true) => (1, b, a),
        _ => return Ok(None),
    };
    let Json::String(text) = literal else { return Ok(None) };
    if text.is_empty() || may_be_numeric(text) || flag.js && js_may_be_numeric(text) {
        return Ok(None);
    }
    // flagd-core's compiled comparison with the string first fails (ERROR) where the result is
    // `null` or an `if`'s condition meets a value of another type (`ends_with` of a number).
    if i == 1 {
        return Err(refuse(path, "a string compared with a fractional or an if: flagd-core's compiled form fails where the result is null or a condition meets a value of another type; write the result first"));
    }
    result_is(flag, result, text, &index(path, i)).map(Some)
}

/// Where the result `value` is the string `text` (non-empty, no number parses from it).
fn result_is(flag: &Flag<'_>, value: &Json<'static>, text: &str, path: &str) -> Result<Cond, ImportError> {
    // Strings compare as strings; `null` equals no string in flagd-core. Entries `true` and
    // `false` (and with flagd (Go) `null`) are refused: loose equality converts them.
    let refused = |e: &Entry| !e.string && (e.name.is_some() || !flag.js);
    let refusal = || refuse(path, "a result true, false (or null, with flagd) compared with a string: == converts it");
    match value {
        Json::String(s) => return Ok(Cond::Const(s.as_ref() == text)),
        Json::Null if flag.js => return Ok(Cond::Const(false)),
        Json::Object(_) => {}
        _ => return Err(refusal()),
    }
    match operation(value) {
        Some(("fractional", args)) => {
            let at = member(path, "fractional");
            let picked = fractional::read(flag, args, &at, false)?;
            let any_refused = match &picked {
                Picked::Null => false,
                Picked::Entry(e) => refused(e),
                Picked::Split(split) => split.entries().any(refused),
                Picked::ByValue { empty, split, .. } => refused(empty) || split.entries().any(refused),
            };
            if any_refused {
                return Err(refuse(
                    &at,
                    "an entry true, false (or null, with flagd) compared with a string: == converts it",
                ));
            }
            let holds = |e: &Entry| e.string && e.name.as_deref() == Some(text);
            Ok(match picked {
                Picked::Null => Cond::Const(false),
                Picked::Entry(e) => Cond::Const(holds(&e)),
                Picked::Split(split) => split.clause_where(holds),
                Picked::ByValue { attribute, empty, split } => {
                    fractional::by_value_where(&attribute, &empty, &split, holds)
                }
            })
        }
        Some(("if", Json::Array(items))) => {
            // The first truthy condition's result, else the last odd item (none: `null`).
            let at = member(path, "if");
            let flag = &flag.inside_if(items);
            let mut earlier = Vec::new();
            let mut any = Vec::new();
            let mut i = 0;
            while i + 1 < items.len() {
                let c = condition(flag, &items[i], &index(&at, i))?;
                let then = result_is(flag, &items[i + 1], text, &index(&at, i + 1))?;
                any.push(all_of(earlier.iter().cloned().chain([c.clone(), then]).collect()));
                earlier.push(negate(c));
                i += 2;
            }
            if items.len() % 2 == 1 {
                let last = items.len() - 1;
                let otherwise = result_is(flag, &items[last], text, &index(&at, last))?;
                any.push(all_of(earlier.into_iter().chain([otherwise]).collect()));
            }
            Ok(any_of(any))
        }
        _ => Err(refuse(path, "compared with a string: neither a fractional, an if nor a string")),
    }
}

/// Every condition holds (constants folded).
fn all_of(conds: Vec<Cond>) -> Cond {
    let mut clauses = Vec::new();
    for c in conds {
        match c {
            Cond::Const(false) => return Cond::Const(false),
            Cond::Const(true) => {}
            Cond::Clause(c) => clauses.push(c),
        }
    }
    match clauses.len() {
        0 => Cond::Const(true),
        1 => Cond::Clause(clauses.remove(0)),
        _ => Cond::Clause(composite("all", clauses, false)),
    }
}

/// Some condition holds (constants folded).
fn any_of(conds: Vec<Cond>) -> Cond {
    let mut clauses = Vec::new();
    for c in conds {
        match c {
            Cond::Const(true) => return Cond::Const(true),
            Cond::Const(false) => {}
            Cond::Clause(c) => clauses.push(c),
        }
    }
    match clauses.len() {
        0 => Cond::Const(false),
        1 => Cond::Clause(clauses.remove(0)),
        _ => Cond::Clause(composite("any", clauses, false)),
    }
}

/// A number or boolean that JavaScript's `Number()` reads as 0: `0`, `false`.
fn number_or_boolean_zero(attr: &str) -> Json<'static> {
    composite(
        "all",
        alloc::vec![is_type(attr, &["number", "boolean"]), leaf(attr, "jsNumberIs", alloc::vec![Json::Number(0.0)])],
        false,
    )
}

fn exists(attr: &str) -> Json<'static> {
    super::build::obj(alloc::vec![("attribute", s(attr)), ("op", s("exists"))])
}

/// `in` of a context value in an array of strings.
fn membership(flag: &Flag<'_>, args: &Json<'static>, path: &str) -> Result<Cond, ImportError> {
    let Json::Array(items) = args else {
        return Err(refuse(path, "without an array of arguments"));
    };
    let attr = match items.first() {
        Some(v) if operation(v).is_some_and(|(o, _)| o == "var") => attribute(v, path)?,
        _ => None,
    };
    let (Some(attr), Some(Json::Array(list))) = (attr, items.get(1)) else {
        return Err(refuse(path, "other than a context value in an array of literals (in on a string is a substring test that also looks into arrays)"));
    };
    if items.len() != 2 {
        return Err(refuse(path, "without exactly two arguments"));
    }
    let mut values = Vec::new();
    // flagd-core: `includes`, the same string only.
    if flag.js {
        for (i, item) in list.iter().enumerate() {
            match item {
                Json::String(text) => values.push(s(text)),
                _ => return Err(refuse(&index(&index(path, 1), i), "not a string")),
            }
        }
        if values.is_empty() {
            return Ok(Cond::Const(false));
        }
        return Ok(Cond::Clause(on_string(&attr, leaf(&attr, "in", values))));
    }
    for (i, item) in list.iter().enumerate() {
        match item {
            // A number in the context is compared with each element converted to a number.
            Json::String(text) if !text.is_empty() && !may_be_numeric(text) => values.push(s(text)),
            _ => return Err(refuse(&index(&index(path, 1), i), "not a non-empty, non-numeric string")),
        }
    }
    if values.is_empty() {
        return Ok(Cond::Const(false));
    }
    let strings = on_string(&attr, leaf(&attr, "in", values));
    // jsonlogic compares a number in the context with each element read by `typing.ToNumber`,
    // which gives 0 for text that is no number: the number 0 is in every such list. The
    // number (never an array holding it) is a unit, hence `inBucket`.
    let zero = composite(
        "all",
        alloc::vec![super::build::unit(&attr), leaf(&attr, "in", alloc::vec![Json::Number(0.0)])],
        false,
    );
    Ok(Cond::Clause(composite("any", alloc::vec![strings, zero], false)))
}

/// What `starts_with` / `ends_with` / `sem_ver` answer: the same for every context (`None`:
/// `null`), or `holds` (`true`) where the value is a string (a version: `defined`), `false` for
/// other strings (versions), else `null`.
type Affix = super::semver::Answer;

/// `starts_with` / `ends_with`: `null` unless both arguments are strings; `sem_ver`: unless both
/// are versions (`semver`).
fn affix_parts(flag: &Flag<'_>, op: &str, args: &Json<'static>, path: &str) -> Result<Affix, ImportError> {
    let Json::Array(items) = args else {
        return Err(refuse(path, "without an array of arguments"));
    };
    if null_for_all(op, args) {
        return Ok(Affix::Const(None));
    }
    if op == "sem_ver" {
        let operator = items[1].as_str().ok_or_else(|| refuse(path, "with a computed operator"))?;
        return super::semver::read(items, operator, super::semver::Ops::of(flag.js), path);
    }
    let edge = if op == "starts_with" { "startsWith" } else { "endsWith" };
    match (&items[0], &items[1]) {
        (Json::String(a), Json::String(b)) => {
            Ok(Affix::Const(Some(if op == "starts_with" { a.starts_with(&**b) } else { a.ends_with(&**b) })))
        }
        (v, Json::String(affix)) if operation(v).is_some_and(|(o, _)| o == "var") => {
            let Some(attr) = attribute(v, path)? else {
                return Err(refuse(path, "on a $flagd property"));
            };
            let defined = is_type(&attr, &["string"]);
            // Every string starts and ends with the empty string.
            let holds = if affix.is_empty() {
                defined.clone()
            } else {
                on_string(&attr, leaf(&attr, edge, alloc::vec![s(affix)]))
            };
            Ok(Affix::Clause { defined, holds })
        }
        // A literal that is not a string: null whatever the context.
        (Json::Null | Json::Bool(_) | Json::Number(_), _) | (_, Json::Null | Json::Bool(_) | Json::Number(_)) => {
            Ok(Affix::Const(None))
        }
        _ => Err(refuse(path, "other than a context value and a string")),
    }
}

/// `<` `<=` `>` `>=` on `$flagd.timestamp` (unix seconds) against integers: time windows.
fn comparison(op: &str, args: &Json<'static>, path: &str) -> Result<Cond, ImportError> {
    let Json::Array(items) = args else {
        return Err(refuse(path, "without an array of arguments"));
    };
    if items.len() != 2 && items.len() != 3 {
        return Err(refuse(path, "without two or three arguments"));
    }
    // Each argument: the timestamp (None) or an integer literal.
    let mut terms: Vec<Option<i64>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if timestamp_var(item) {
            terms.push(None);
            continue;
        }
        match item.as_integer() {
            // Up to the year 9999, so that milliseconds stay exact.
            Some(x) if (0..=253_402_300_799).contains(&x) => terms.push(Some(x)),
            _ => {
                return Err(refuse(&index(path, i), "comparisons are imported only between $flagd.timestamp and integers (jsonlogic converts strings, null and arrays to numbers)"))
            }
        }
    }
    if terms.iter().all(|t| t.is_some()) {
        return Err(refuse(path, "a comparison without $flagd.timestamp"));
    }
    let strict = op == "<" || op == ">";
    let mut clauses = Vec::new();
    // a < b < c is (a < b) and (b < c); `>` reads its arguments right to left.
    for pair in terms.windows(2) {
        let (lo, hi) = if op.starts_with('<') { (pair[0], pair[1]) } else { (pair[1], pair[0]) };
        // now (seconds) = floor(now_ms / 1000): now < N ⇔ now_ms < N·1000; now > N ⇔ now_ms ≥ (N+1)·1000.
        let window = match (lo, hi) {
            (Some(a), Some(b)) => {
                if (strict && a < b) || (!strict && a <= b) {
                    continue;
                }
                return Ok(Cond::Const(false));
            }
            (None, Some(b)) => (None, Some(if strict { b } else { b + 1 } * 1000)),
            (Some(a), None) => (Some(if strict { a + 1 } else { a } * 1000), None),
            (None, None) => {
                if strict {
                    return Ok(Cond::Const(false));
                }
                continue;
            }
        };
        clauses.push(window);
    }
    let (mut start, mut end): (Option<i64>, Option<i64>) = (None, None);
    for (a, b) in clauses {
        if let Some(a) = a {
            start = Some(start.map_or(a, |s| s.max(a)));
        }
        if let Some(b) = b {
            end = Some(end.map_or(b, |e| e.min(b)));
        }
    }
    if let (Some(a), Some(b)) = (start, end) {
        if a >= b {
            return Ok(Cond::Const(false));
        }
    }
    if start.is_none() && end.is_none() {
        return Ok(Cond::Const(true));
    }
    let mut members = alloc::vec![("op", s("schedule"))];
    if let Some(a) = start {
        members.push(("start", super::build::n(a as u64)));
    }
    if let Some(b) = end {
        members.push(("end", super::build::n(b as u64)));
    }
    Ok(Cond::Clause(super::build::obj(members)))
}
