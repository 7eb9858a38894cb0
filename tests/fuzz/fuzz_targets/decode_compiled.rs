//! The compiled snapshot decoder (docs/compiled.md) on arbitrary bytes. Each input is decoded
//! twice: as given, which exercises the header's checks; and as a body sealed with a good header
//! (features: peers' schemes, so their serve tag is reached) and checksum, which a checksum would
//! otherwise keep the fuzzer from reaching. Whatever the bytes, decoding returns a snapshot or a
//! typed error (no panic, no hang, no huge allocation); a snapshot that decodes evaluates every
//! flag without panicking, and compiling it again gives bytes that decode to the same results and
//! compile to the same bytes.
#![no_main]

use edgeflag::compiled::{FORMAT, HEADER_BYTES, MAGIC, PEERS};
use edgeflag::{Context, LoadErrorKind, Snapshot};
use edgeflag_fuzz::BASE_NOW;
use libfuzzer_sys::fuzz_target;

fn sealed(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0; HEADER_BYTES];
    out[..4].copy_from_slice(&MAGIC);
    out[4..6].copy_from_slice(&FORMAT.to_le_bytes());
    out[6..8].copy_from_slice(&PEERS.to_le_bytes());
    out[8..12].copy_from_slice(&(body.len() as u32).to_le_bytes());
    out[12..20].copy_from_slice(&xxhash_rust::xxh64::xxh64(body, 0).to_le_bytes());
    out.extend_from_slice(body);
    out
}

fuzz_target!(|data: &[u8]| {
    if let Err(e) = Snapshot::from_compiled(data) {
        let _ = e.to_string();
    }
    let s = match Snapshot::from_compiled(&sealed(data)) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.kind, LoadErrorKind::Corrupt, "a sealed body refused as {e}");
            return;
        }
    };
    let again = s.to_compiled(b"");
    let decoded = match Snapshot::from_compiled(&again) {
        Ok(d) => d,
        Err(e) => panic!("a decoded snapshot compiles to bytes that do not decode: {e}"),
    };
    assert_eq!(decoded.to_compiled(b""), again, "compiling is not a fixed point");
    let contexts = [
        r#"{"key":"user-1","tier":"pro","country":"GB","email":"a@example.com","app_version":"2.4.0"}"#,
        r#"{"key":7,"groups":["beta"],"address":{"city":"Zürich"}}"#,
        "{}",
    ];
    for ctx in contexts.map(Context::parse) {
        for now in [BASE_NOW, i64::MIN, i64::MAX] {
            assert_eq!(s.evaluate_all(&ctx, now), decoded.evaluate_all(&ctx, now));
        }
    }
});
