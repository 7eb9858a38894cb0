//! JavaScript's own RegExp for the regular expressions of imported snapshots (`jsRegex`,
//! docs/snapshot.md): the pattern means exactly what it means to the JavaScript SDKs the imports
//! come from, and no regex engine is in the module. Three imports (`js.regex`, `js.test`,
//! `js.release`, in `pkg/lib/regex.js`) keep each compiled RegExp in a table on the JavaScript
//! side, by handle, until the snapshot holding it is dropped.
#![allow(unsafe_code)]

use alloc::sync::Arc;
use edgeflag::regex::{self, Matcher, Regexes};

#[link(wasm_import_module = "js")]
extern "C" {
    /// `new RegExp(pattern, ignore_case ? "i" : "")` of the UTF-8 text at `ptr` (`len` bytes):
    /// its handle, or -1 when JavaScript throws.
    fn regex(ptr: *const u8, len: usize, ignore_case: u32) -> i32;
    /// `test` of the RegExp `handle` on the UTF-8 text at `ptr`: 1 or 0.
    fn test(handle: i32, ptr: *const u8, len: usize) -> u32;
    /// Forgets the RegExp `handle`.
    fn release(handle: i32);
}

struct JsRegExp(i32);

impl Matcher for JsRegExp {
    fn test(&self, text: &str) -> bool {
        // SAFETY: the import reads `len` bytes at `ptr`, which `text` holds for the whole call.
        unsafe { test(self.0, text.as_ptr(), text.len()) == 1 }
    }
}

impl Drop for JsRegExp {
    fn drop(&mut self) {
        // SAFETY: a plain call with a handle this value owns.
        unsafe { release(self.0) }
    }
}

fn compile(pattern: &str, ignore_case: bool) -> Option<Arc<dyn Matcher>> {
    // SAFETY: the import reads `len` bytes at `ptr`, which `pattern` holds for the whole call.
    let handle = unsafe { regex(pattern.as_ptr(), pattern.len(), u32::from(ignore_case)) };
    (handle >= 0).then(|| Arc::new(JsRegExp(handle)) as Arc<dyn Matcher>)
}

static JAVASCRIPT: Regexes = Regexes { compile };

/// Installs JavaScript's RegExp (once; later calls change nothing).
pub fn install() {
    regex::install(&JAVASCRIPT);
}
