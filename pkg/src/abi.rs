//! The module's exports: plain functions of integers and floats over engines held here by
//! handle, which `pkg/lib/core.js` calls (the whole of the JS side). Chosen over wasm-bindgen's
//! generated surface by measurement (docs/performance.md, "Size"): no per-module glue for a
//! browser to download, no shim per export in the module.
//!
//! Inputs (snapshot bytes, text) cross through one buffer: the JS asks [`input`] for room, writes
//! into the module's memory there (`TextEncoder.encodeInto` for text), then passes the length it
//! wrote to the call that reads it. Outputs are read in place: results and text at the addresses
//! the calls return, as before.
//!
//! `#[no_mangle]` is what names an export; the `unsafe_code` lint counts it because two exports
//! of one name would be ambiguous to the linker, and these names are this module's alone.
#![allow(unsafe_code)]

extern crate std;

use crate::WasmEngine;
use alloc::vec::Vec;
use core::cell::RefCell;

std::thread_local! {
    /// Engines by handle (its index); a freed one leaves `None`, and its slot is reused.
    static ENGINES: RefCell<Vec<Option<WasmEngine>>> = const { RefCell::new(Vec::new()) };
    /// What the JS wrote for the next call.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `f` with engine `h` and the first `len` bytes of the input; `T::default()` for a handle that
/// names no engine (the JS never passes one).
fn with<T: Default>(h: u32, len: u32, f: impl FnOnce(&mut WasmEngine, &[u8]) -> T) -> T {
    ENGINES.with_borrow_mut(|engines| {
        INPUT.with_borrow(|input| match engines.get_mut(h as usize) {
            Some(Some(engine)) => f(engine, input.get(..len as usize).unwrap_or_default()),
            _ => T::default(),
        })
    })
}

/// Text the JS wrote with `encodeInto`, which writes UTF-8 only.
fn text(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

fn address<T>(p: *const T) -> u32 {
    p as usize as u32
}

/// Room for `len` bytes of input: their address, valid until the next call.
#[no_mangle]
pub extern "C" fn input(len: u32) -> u32 {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len as usize, 0);
        address(input.as_ptr())
    })
}

/// A new engine's handle.
#[no_mangle]
pub extern "C" fn new() -> u32 {
    ENGINES.with_borrow_mut(|engines| {
        let free = engines.iter().position(Option::is_none).unwrap_or(engines.len());
        match engines.get_mut(free) {
            Some(slot) => *slot = Some(WasmEngine::new()),
            None => engines.push(Some(WasmEngine::new())),
        }
        free as u32
    })
}

/// Drops engine `h` (its handle may be given to a new engine).
#[no_mangle]
pub extern "C" fn free(h: u32) {
    // Taken out first: dropping runs no code that could reach the engines again, but the borrow
    // ends before it all the same.
    let engine = ENGINES.with_borrow_mut(|engines| engines.get_mut(h as usize).and_then(Option::take));
    drop(engine);
}

#[cfg(feature = "compiled")]
#[no_mangle]
pub extern "C" fn update(h: u32, len: u32) -> i32 {
    with(h, len, |e, bytes| e.update(bytes))
}

#[cfg(feature = "json")]
#[no_mangle]
pub extern "C" fn update_text(h: u32, len: u32) -> i32 {
    with(h, len, |e, bytes| e.update_text(text(bytes)))
}

#[cfg(any(feature = "keys", feature = "trust"))]
#[no_mangle]
pub extern "C" fn trust(h: u32, len: u32) -> u32 {
    with(h, len, |e, bytes| e.trust(text(bytes)))
}

#[cfg(all(feature = "trust", not(feature = "keys")))]
#[no_mangle]
pub extern "C" fn commit(h: u32, verified: u32) -> i32 {
    with(h, 0, |e, _| e.commit(verified != 0))
}

#[cfg(all(feature = "trust", not(feature = "keys")))]
#[no_mangle]
pub extern "C" fn staged_ptr(h: u32) -> u32 {
    with(h, 0, |e, _| address(e.staged_ptr()))
}

#[cfg(feature = "server")]
#[no_mangle]
pub extern "C" fn client_snapshot(h: u32, len: u32) -> u32 {
    with(h, len, |e, bytes| e.client_snapshot(text(bytes)))
}

#[cfg(feature = "server")]
#[no_mangle]
pub extern "C" fn compile(h: u32, len: u32) -> i32 {
    with(h, len, |e, bytes| e.compile(text(bytes)))
}

#[cfg(feature = "server")]
#[no_mangle]
pub extern "C" fn import_config(h: u32, len: u32) -> u32 {
    with(h, len, |e, bytes| e.import_config(text(bytes)))
}

#[cfg(feature = "server")]
#[no_mangle]
pub extern "C" fn compiled_ptr(h: u32) -> u32 {
    with(h, 0, |e, _| address(e.compiled_ptr()))
}

#[no_mangle]
pub extern "C" fn describe(h: u32, what: i32) -> u32 {
    with(h, 0, |e, _| e.describe(what))
}

#[no_mangle]
pub extern "C" fn set_context(h: u32, len: u32, invalid: u32) {
    with(h, len, |e, bytes| e.set_context(text(bytes), invalid != 0))
}

/// `len` bytes of input are the flag key when `index` is -1.
#[no_mangle]
pub extern "C" fn evaluate(h: u32, index: i32, len: u32, now: f64, default_kind: u32, track: u32) -> u32 {
    with(h, len, |e, bytes| address(e.evaluate(index, text(bytes), now, default_kind, track != 0)))
}

#[no_mangle]
pub extern "C" fn evaluate_all(h: u32, now: f64, track: u32) -> u32 {
    with(h, 0, |e, _| address(e.evaluate_all(now, track != 0)))
}

#[no_mangle]
pub extern "C" fn record_exposures(h: u32, len: u32) -> u32 {
    with(h, len, |e, bytes| e.record_exposures(text(bytes)))
}

#[no_mangle]
pub extern "C" fn take_exposures(h: u32, now: f64, max_bytes: u32) -> u32 {
    with(h, 0, |e, _| e.take_exposures(now, max_bytes))
}

#[no_mangle]
pub extern "C" fn exposures(h: u32, lost: f64) -> u32 {
    with(h, 0, |e, _| e.exposures(lost))
}

#[no_mangle]
pub extern "C" fn out_ptr(h: u32) -> u32 {
    with(h, 0, |e, _| address(e.out_ptr()))
}
