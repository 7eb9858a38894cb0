//! Regular expressions of imported snapshots (`jsRegex`, `jsRegexIgnoreCase`): JavaScript's
//! `new RegExp(pattern, flags).test(String(x))`, for the SDKs written in it (GrowthBook's
//! `$regex`). The core holds no engine of its own: the host installs one (`install`), as the
//! npm package's modules install JavaScript's own RegExp; natively the `regex` feature brings
//! regress, an ECMAScript engine. Patterns are limited to a subset (`syntax`) on which both
//! match identically, checked when a snapshot loads; a snapshot with patterns loaded where no
//! engine is installed is refused, so the last good one keeps serving.

#[cfg(feature = "regex")]
mod native;
mod syntax;

use alloc::string::String;
use alloc::sync::Arc;
use once_cell::race::OnceRef;

/// A compiled pattern.
pub trait Matcher: Send + Sync {
    /// Whether the pattern matches somewhere in `text` (`RegExp.prototype.test`), `text` read as
    /// JavaScript reads a string: UTF-16 code units.
    fn test(&self, text: &str) -> bool;
}

/// A host's regular expressions: installed once, for the process.
#[derive(Debug)]
pub struct Regexes {
    /// `new RegExp(pattern, ignore_case ? "i" : "")`; `None` when the engine refuses it (a
    /// pattern that passed the subset never is).
    pub compile: fn(pattern: &str, ignore_case: bool) -> Option<Arc<dyn Matcher>>,
}

static HOST: OnceRef<'static, Regexes> = OnceRef::new();

/// Installs the host's engine for every later load; false, changing nothing, when one was
/// installed before (the first stays: results never change midway).
pub fn install(regexes: &'static Regexes) -> bool {
    HOST.set(regexes).is_ok()
}

pub use syntax::Refusal;

/// Whether `pattern` is in the subset `jsRegex` accepts (for importers, which refuse the rest
/// with their own path): the error says why not, and whether JavaScript throws for it too.
pub fn check(pattern: &str) -> Result<(), Refusal> {
    syntax::check(pattern)
}

/// A clause's pattern, compiled when the snapshot loads.
#[derive(Clone)]
pub(crate) struct Pattern {
    pub text: String,
    pub ignore_case: bool,
    matcher: Arc<dyn Matcher>,
}

impl core::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pattern").field("text", &self.text).field("ignore_case", &self.ignore_case).finish()
    }
}

/// Why a pattern cannot be used.
pub(crate) enum Unusable {
    /// Outside the subset every engine matches alike.
    Syntax(syntax::Refusal),
    /// No engine here: the host installed none and the `regex` feature is off.
    #[cfg_attr(feature = "regex", allow(dead_code))]
    NoEngine,
    /// The engine refused a pattern of the subset.
    Refused,
}

impl Pattern {
    /// Checks and compiles `text`.
    pub(crate) fn compile(text: &str, ignore_case: bool) -> Result<Pattern, Unusable> {
        syntax::check(text).map_err(Unusable::Syntax)?;
        let compile = match HOST.get() {
            Some(host) => host.compile,
            #[cfg(feature = "regex")]
            None => native::compile,
            #[cfg(not(feature = "regex"))]
            None => return Err(Unusable::NoEngine),
        };
        let matcher = compile(text, ignore_case).ok_or(Unusable::Refused)?;
        Ok(Pattern { text: String::from(text), ignore_case, matcher })
    }

    /// Whether the pattern matches in `text`.
    pub(crate) fn test(&self, text: &str) -> bool {
        self.matcher.test(text)
    }
}
