//! The compiled snapshot form (docs/compiled.md): what it preserves, and what it refuses. The
//! conformance vectors run through it in tests/vectors.rs; arbitrary bytes in the fuzz target
//! `decode_compiled`.

mod common;

use common::{load_vector, vector_files};
use edgeflag::compiled::{digest_of, source_digest, FORMAT, HEADER_BYTES, MAGIC, PEERS};
use edgeflag::{Context, Engine, LoadErrorKind, Snapshot, Update};
use sha2::{Digest, Sha512};

const EXAMPLE: &str = include_str!("../examples/snapshot.json");
const NOW: i64 = 1_790_000_000_000;

/// Every snapshot the repository has: the example, each vector's, and a generated 1,000 flags.
fn sources() -> Vec<String> {
    let mut out = vec![EXAMPLE.to_string(), edgeflag::synthetic::snapshot(1000, 7)];
    for path in vector_files() {
        if let Some(s) = load_vector(&path).get("snapshot").filter(|s| **s != edgeflag::Json::Null) {
            out.push(s.to_text());
        }
    }
    out
}

fn compile(text: &str) -> Vec<u8> {
    Snapshot::parse(text).expect("loads").to_compiled(text.as_bytes())
}

/// The header's checksum made right again after `bytes`' body was changed.
fn reseal(bytes: &mut [u8]) {
    let sum = xxhash_rust::xxh64::xxh64(&bytes[HEADER_BYTES..], 0);
    bytes[12..20].copy_from_slice(&sum.to_le_bytes());
}

fn contexts() -> [Context<'static>; 3] {
    [
        Context::parse(r#"{"key":"user-1","tier":"pro","country":"GB","email":"a@example.com","app_version":"2.4.0"}"#),
        Context::parse(r#"{"key":"user-2","tier":"free","groups":["beta"]}"#),
        Context::parse("{}"),
    ]
}

#[test]
fn decoding_and_compiling_again_gives_the_same_bytes_and_results() {
    for text in sources() {
        let full = Snapshot::parse(&text).expect("loads");
        let bytes = full.to_compiled(text.as_bytes());
        let decoded = Snapshot::from_compiled(&bytes).expect("decodes");
        assert_eq!(decoded.to_compiled(text.as_bytes()), bytes, "not a fixed point");
        assert_eq!((decoded.version(), decoded.generated_at()), (full.version(), full.generated_at()));
        for (a, b) in full.flags().iter().zip(decoded.flags()) {
            assert_eq!(
                (a.key(), a.is_on(), a.kind(), a.client_visible()),
                (b.key(), b.is_on(), b.kind(), b.client_visible())
            );
            assert_eq!(format!("{:?}", a.metadata()), format!("{:?}", b.metadata()));
        }
        for ctx in contexts() {
            for (i, now) in [NOW, NOW + 86_400_000 * 200].into_iter().enumerate() {
                assert_eq!(full.evaluate_all(&ctx, now), decoded.evaluate_all(&ctx, now), "time {i}");
            }
        }
    }
}

#[test]
fn the_header_names_the_source_by_its_digest() {
    let bytes = compile(EXAMPLE);
    assert_eq!(&bytes[..4], &MAGIC);
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), FORMAT);
    let want = Sha512::digest(EXAMPLE.as_bytes());
    assert_eq!(digest_of(&bytes).as_ref().map(|d| &d[..]), Some(&want[..32]));
    assert_eq!(source_digest(EXAMPLE.as_bytes())[..], want[..32]);
    assert_eq!(digest_of(b"{}"), None);
}

#[test]
fn the_compiled_form_is_smaller_than_the_text() {
    let text = edgeflag::synthetic::snapshot(1000, 1);
    let bytes = compile(&text);
    assert!(bytes.len() * 3 < text.len(), "{} bytes from {}", bytes.len(), text.len());
}

#[test]
fn other_formats_and_foreign_bytes_are_unsupported() {
    let bytes = compile(EXAMPLE);
    let kind = |b: &[u8]| Snapshot::from_compiled(b).map(|_| ()).map_err(|e| (e.kind, e.message));
    let mut other = bytes.clone();
    other[4] = 2;
    assert_eq!(
        kind(&other),
        Err((
            LoadErrorKind::UnsupportedFormat,
            "compiled format 2 with features 0 is not supported (this evaluator reads 1 with features 0 to 3)".into()
        ))
    );
    let mut reserved = bytes.clone();
    reserved[6] = 4; // a feature this evaluator does not know (1 is signed, 2 peers' schemes)
    assert_eq!(
        kind(&reserved),
        Err((
            LoadErrorKind::UnsupportedFormat,
            "compiled format 1 with features 4 is not supported (this evaluator reads 1 with features 0 to 3)".into()
        ))
    );
    assert_eq!(kind(EXAMPLE.as_bytes()), Err((LoadErrorKind::UnsupportedFormat, "not a compiled snapshot".into())));
    assert_eq!(kind(b"").map_err(|e| e.0), Err(LoadErrorKind::UnsupportedFormat));
}

#[test]
fn every_truncation_and_every_damaged_byte_is_refused() {
    let bytes = compile(EXAMPLE);
    for n in 4..bytes.len() {
        let e = Snapshot::from_compiled(&bytes[..n]).expect_err("a truncated snapshot decodes");
        assert_eq!(e.kind, LoadErrorKind::Corrupt, "{n}: {e}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        Snapshot::from_compiled(&longer).map(|_| ()).map_err(|e| e.message),
        Err(format!("compiled snapshot damaged at byte {}: bytes after the end", bytes.len() + 1))
    );
    // The checksum finds any change to the body; the header's own fields refuse theirs.
    for i in 0..bytes.len() {
        if (20..HEADER_BYTES).contains(&i) {
            continue; // the source digest is carried, not checked
        }
        for flip in [1u8, 0x80] {
            let mut damaged = bytes.clone();
            damaged[i] ^= flip;
            assert!(Snapshot::from_compiled(&damaged).is_err(), "byte {i} ^ {flip:#x} decodes");
        }
    }
}

#[test]
fn any_body_with_a_good_checksum_decodes_or_is_refused_without_panicking() {
    sealed_damage(&compile(EXAMPLE));
}

/// Rollouts with a peer's scheme: the header says so (an evaluator without them refuses the
/// feature before reading), the body's serve tag 3 is read only under it, and damage is refused.
#[test]
fn peers_schemes_are_a_feature_of_the_header() {
    let path = vector_files().into_iter().find(|p| p.ends_with("peer-schemes.json")).expect("the vector file");
    let text = load_vector(&path).get("snapshot").expect("a snapshot").to_text();
    let bytes = compile(&text);
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), PEERS);
    assert_eq!(u16::from_le_bytes([compile(EXAMPLE)[6], 0]), 0, "no feature without peers' schemes");
    let mut unmarked = bytes.clone();
    unmarked[6] = 0;
    let e = Snapshot::from_compiled(&unmarked).map(|_| ()).expect_err("tag 3 without the feature");
    assert_eq!(e.kind, LoadErrorKind::Corrupt, "{e}");
    assert!(e.message.ends_with("unknown serve tag"), "{e}");
    sealed_damage(&bytes);
}

/// What a checksum cannot stop: bytes made to look sealed. Each byte of the body set to values
/// that change lengths, indexes and tags; what decodes must also evaluate.
fn sealed_damage(bytes: &[u8]) {
    let (mut decoded, mut refused) = (0, 0);
    for i in HEADER_BYTES..bytes.len() {
        for value in [0u8, 1, 2, 0x7f, 0x80, 0xff, bytes[i].wrapping_add(1), bytes[i].wrapping_sub(1)] {
            let mut b = bytes.to_vec();
            b[i] = value;
            reseal(&mut b);
            match Snapshot::from_compiled(&b) {
                Ok(s) => {
                    decoded += 1;
                    for ctx in contexts() {
                        let _ = s.evaluate_all(&ctx, NOW);
                    }
                }
                Err(e) => {
                    refused += 1;
                    assert_eq!(e.kind, LoadErrorKind::Corrupt, "byte {i} = {value}: {e}");
                }
            }
        }
    }
    assert!(decoded > 0 && refused > 0, "{decoded} decoded, {refused} refused");
}

#[test]
fn the_engine_keeps_serving_when_a_compiled_snapshot_is_refused() {
    let mut engine = Engine::new();
    let bytes = compile(EXAMPLE);
    let version = Snapshot::parse(EXAMPLE).expect("loads").version();
    assert_eq!(engine.update_bytes(&bytes), Ok(Update::Replaced { from: None, to: version }));
    assert_eq!(engine.update_bytes(&bytes), Ok(Update::Unchanged { version }));
    let e = engine.update_bytes(&bytes[..bytes.len() - 1]).expect_err("truncated");
    assert_eq!(e.kind, LoadErrorKind::Corrupt);
    let mut other = bytes.clone();
    other[4] = 9;
    assert_eq!(engine.update_bytes(&other).map_err(|e| e.kind), Err(LoadErrorKind::UnsupportedFormat));
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(version));
    // JSON text still loads through the same call; bytes that are neither are refused.
    assert_eq!(engine.update_bytes(EXAMPLE.as_bytes()), Ok(Update::Unchanged { version }));
    assert_eq!(engine.update_bytes(b"\xff{").map_err(|e| e.kind), Err(LoadErrorKind::InvalidJson));
}

#[test]
fn an_engine_with_keys_loads_only_compiled_snapshots_one_of_them_signed() {
    use edgeflag::signature::{Keys, SigningKey};
    let key = SigningKey::from_seed([7; 32]).expect("a key");
    let other = SigningKey::from_seed([8; 32]).expect("a key");
    let unsigned = compile(EXAMPLE);
    let signed = key.sign_compiled(&unsigned).expect("signs");
    assert_eq!(signed.len(), unsigned.len() + edgeflag::compiled::TRAILER_BYTES);
    assert_eq!(key.sign_compiled(&signed).map_err(|e| e.kind), Err(LoadErrorKind::UnsupportedFormat));
    assert_eq!(key.sign_compiled(b"EFCS").map_err(|e| e.kind), Err(LoadErrorKind::Corrupt));

    let mut engine = Engine::with_keys(Keys::new(vec![key.public_key()]));
    let refused =
        |engine: &mut Engine, bytes: &[u8]| engine.update_bytes(bytes).map(|_| ()).map_err(|e| (e.kind, e.path));
    assert_eq!(refused(&mut engine, &unsigned), Err((LoadErrorKind::Unsigned, "signature".into())));
    let by_other = other.sign_compiled(&unsigned).expect("signs");
    assert_eq!(refused(&mut engine, &by_other), Err((LoadErrorKind::UnknownKey, "signature".into())));
    assert!(engine.snapshot().is_none());
    assert_eq!(engine.update_bytes(&signed).map(|_| ()), Ok(()));
    let version = engine.snapshot().map(Snapshot::version);

    // Any changed byte before the trailer, checksum made good again or not, fails the signature;
    // so does a changed signature. The engine keeps serving what it had.
    for i in [0, 4, 7, 13, 30, HEADER_BYTES, HEADER_BYTES + 10, unsigned.len() - 1, signed.len() - 1, signed.len() - 70]
    {
        let mut tampered = signed.clone();
        tampered[i] ^= 1;
        if (HEADER_BYTES..unsigned.len()).contains(&i) {
            let end = unsigned.len();
            let sum = xxhash_rust::xxh64::xxh64(&tampered[HEADER_BYTES..end], 0);
            tampered[12..20].copy_from_slice(&sum.to_le_bytes());
        }
        let e = engine.update_bytes(&tampered).expect_err("tampered");
        assert!(
            matches!(
                e.kind,
                LoadErrorKind::BadSignature
                    | LoadErrorKind::UnknownKey
                    | LoadErrorKind::Unsigned
                    | LoadErrorKind::UnsupportedFormat
                    | LoadErrorKind::InvalidJson
            ),
            "byte {i}: {e}"
        );
    }
    assert_eq!(engine.snapshot().map(Snapshot::version), version);

    // Without keys, a signed compiled snapshot loads (its signature unread), as signed JSON does.
    let decoded = Snapshot::from_compiled(&signed).expect("decodes");
    assert_eq!(decoded.to_compiled(EXAMPLE.as_bytes()), unsigned);
    assert!(Engine::new().update_bytes(&signed).is_ok());
}

/// A host that verifies Ed25519 itself (the npm package in browsers, with WebCrypto) is given by
/// `Keys::signed_compiled` exactly what `check_compiled` verifies: here an independent verifier
/// (ed25519-dalek) over the parts must agree with it on the signed, the tampered and the
/// foreign snapshot, and the refusals before verifying are `check_compiled`'s own.
#[test]
fn what_a_host_verifies_is_what_the_engine_verifies() {
    use edgeflag::signature::{Keys, SigningKey};
    let key = SigningKey::from_seed([7; 32]).expect("a key");
    let keys = Keys::new(vec![key.public_key()]);
    let unsigned = compile(EXAMPLE);
    let signed = key.sign_compiled(&unsigned).expect("signs");
    let mut tampered = signed.clone();
    tampered[HEADER_BYTES + 3] ^= 1;
    let mut bad_signature = signed.clone();
    let last = bad_signature.len() - 1;
    bad_signature[last] ^= 1;
    let by_other = SigningKey::from_seed([8; 32]).expect("a key").sign_compiled(&unsigned).expect("signs");

    let host = |bytes: &[u8]| -> Result<(), edgeflag::LoadError> {
        let s = keys.signed_compiled(bytes)?;
        assert_eq!(s.parts[0], edgeflag::compiled::DOMAIN);
        assert_eq!(s.keys.len(), 1);
        let message = [s.parts[0], s.parts[1]].concat();
        let verifier = ed25519_dalek::VerifyingKey::from_bytes(&s.keys[0].to_bytes()).expect("a key");
        match verifier.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&s.signature)) {
            Ok(()) => Ok(()),
            Err(_) => Err(s.refusal()),
        }
    };
    for bytes in [&signed, &tampered, &bad_signature, &by_other, &unsigned] {
        assert_eq!(host(bytes), keys.check_compiled(bytes));
    }
    assert_eq!(host(&signed), Ok(()));
    assert_eq!(host(&tampered).map_err(|e| e.kind), Err(LoadErrorKind::BadSignature));
    assert_eq!(host(&by_other).map_err(|e| e.kind), Err(LoadErrorKind::UnknownKey));
    assert_eq!(host(&unsigned).map_err(|e| e.kind), Err(LoadErrorKind::Unsigned));
}

/// Attributes read in the context of a kind (`contextKind`) are a feature of imported snapshots
/// too: without the header's bit, an evaluator without kinds would read their stored form
/// (`␟kind␟reference`) as an attribute's name.
#[test]
fn context_kinds_are_a_feature_of_the_header() {
    let path = vector_files().into_iter().find(|p| p.ends_with("launchdarkly-kinds.json")).expect("the vector file");
    let text = load_vector(&path).get("snapshot").expect("a snapshot").to_text();
    let bytes = compile(&text);
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), PEERS);
    sealed_damage(&bytes);
}
