//! JavaScript reads and writes the numbers the core's exact path does not cover: its `Number`
//! and `String` round exactly as the core's own float code would (nearest, ties to even;
//! shortest round-trip), and leaving that code out keeps the module 14 KB smaller. They are the
//! module's two imports (`js.number`, `js.string`, in `pkg/lib/core.js`).
#![allow(unsafe_code)]

use alloc::string::String;
use edgeflag::json::numbers::{self, Numbers};

#[link(wasm_import_module = "js")]
extern "C" {
    /// JavaScript's `Number` of the UTF-8 text at `ptr`, `len` bytes.
    fn number(ptr: *const u8, len: usize) -> f64;
    /// JavaScript's `String(n)`, the shortest round-trip decimal, written as UTF-8 at `out`
    /// (room for `cap` bytes): the length written.
    fn string(n: f64, out: *mut u8, cap: usize) -> usize;
}

fn parse(text: &str) -> f64 {
    // SAFETY: the import reads `len` bytes at `ptr`, which `text` holds for the whole call.
    unsafe { number(text.as_ptr(), text.len()) }
}

fn format(n: f64, out: &mut String) {
    // The longest `String(n)` of a finite number is 24 characters ("-2.2250738585072014e-308").
    let mut buf = [0u8; 32];
    // SAFETY: the import writes at most `cap` bytes at `out`, which `buf` holds for the call.
    let len = unsafe { string(n, buf.as_mut_ptr(), buf.len()) };
    out.push_str(core::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default());
}

static JAVASCRIPT: Numbers = Numbers { parse, format };

/// Installs JavaScript's number reading and writing (once; later calls change nothing).
pub fn install() {
    numbers::install(&JAVASCRIPT);
}
