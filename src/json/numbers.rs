//! Numbers outside the exact fast path of the reader (a long mantissa, an exponent) and
//! non-integers in the writer: correctly rounded parsing and shortest round-trip formatting.
//!
//! The core does them itself with the `floats` feature (core's parser, zmij). A host may install
//! its own instead: the npm package's module installs JavaScript's `Number` and `String`, which
//! round identically and keep 14 KB of float parsing and formatting out of the module. Without
//! either, such numbers are refused when read (`number out of range`) and written as `null`.

use alloc::string::String;
use once_cell::race::OnceRef;

/// A host's number reader and writer (plain functions: installed once, for the process).
#[derive(Debug)]
pub struct Numbers {
    /// `text`, a number in JSON's grammar, correctly rounded to the nearest `f64` (ties to even);
    /// infinite when out of range.
    pub parse: fn(&str) -> f64,
    /// Appends a finite `n` as the shortest decimal that reads back as `n`, in a form JSON reads
    /// (`1e+21` is one).
    pub format: fn(f64, &mut String),
}

static HOST: OnceRef<'static, Numbers> = OnceRef::new();

/// Installs the host's reader and writer for every later parse and write; false, changing
/// nothing, when some were installed before (the first stays: results never change midway).
pub fn install(numbers: &'static Numbers) -> bool {
    HOST.set(numbers).is_ok()
}

/// A number in JSON's grammar, correctly rounded (NaN when nothing can read it).
pub(crate) fn parse(text: &str) -> f64 {
    if let Some(host) = HOST.get() {
        return (host.parse)(text);
    }
    #[cfg(feature = "floats")]
    return text.parse().unwrap_or(f64::NAN);
    #[cfg(not(feature = "floats"))]
    return f64::NAN;
}

/// Appends a finite number in its shortest round-trip form.
pub(crate) fn format(n: f64, out: &mut String) {
    if let Some(host) = HOST.get() {
        return (host.format)(n, out);
    }
    #[cfg(feature = "floats")]
    out.push_str(zmij::Buffer::new().format_finite(n));
    #[cfg(not(feature = "floats"))]
    out.push_str("null");
}
