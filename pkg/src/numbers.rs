//! JavaScript reads and writes the numbers the core's exact path does not cover: its `Number`
//! and `String` round exactly as the core's own float code would (nearest, ties to even;
//! shortest round-trip), and leaving that code out keeps the module 14 KB smaller.

use alloc::string::String;
use edgeflag::json::numbers::{self, Numbers};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `Number(text)`.
    #[wasm_bindgen(js_name = Number)]
    fn js_number(text: &str) -> f64;
    /// JavaScript's `String(n)`: the shortest round-trip decimal of a number.
    #[wasm_bindgen(js_name = String)]
    fn js_string(n: f64) -> String;
}

static JAVASCRIPT: Numbers = Numbers { parse: js_number, format: |n, out| out.push_str(&js_string(n)) };

/// Installs JavaScript's number reading and writing (once; later calls change nothing).
pub fn install() {
    numbers::install(&JAVASCRIPT);
}
