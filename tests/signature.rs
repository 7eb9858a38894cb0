//! Signed snapshots (docs/snapshot.md, "Signed snapshots"): sign and verify, every single-byte
//! change refused with its kind and path, unsigned and unknown keys refused, the envelope's shape,
//! and the engine serving its last good snapshot through every refusal. Keys come from fixed
//! test seeds; the expected signature below was computed with Node.js's `crypto.sign`.

use edgeflag::signature::{Envelope, Keys, PublicKey, SigningKey, DOMAIN};
use edgeflag::{Context, Engine, Json, LoadError, LoadErrorKind as K, Snapshot, Update};

/// A test seed: 01 02 … 20 (hex). Not a secret.
const SEED: [u8; 32] = {
    let mut s = [0; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8 + 1;
        i += 1;
    }
    s
};

const SMALL: &str = r#"{"version":1,"generatedAt":"2026-11-20T00:00:00Z","flags":{}}"#;

fn key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_seed(seed).unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(version: u64, on: bool) -> String {
    format!(
        r#"{{ "version": {version}, "generatedAt": "2026-11-20T00:00:00Z", "flags": {{
  "f": {{ "on": {on}, "variations": [{{"name": "off", "value": false}}, {{"name": "on", "value": true}}],
         "offVariation": "off", "fallthrough": {{"variation": "on"}} }} }} }}
"#
    )
}

fn kind_and_path(r: Result<Update, LoadError>) -> (K, String) {
    match r {
        Err(e) => (e.kind, e.path),
        Ok(u) => panic!("accepted: {u:?}"),
    }
}

/// The engine still serves `version` and evaluates with it.
fn serves(engine: &Engine, version: u64) {
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(version));
    let e = engine.evaluate("f", &Context::parse(r#"{"key":"u"}"#), 0, None);
    assert_eq!(e.value, Some(&Json::Bool(true)), "{e:?}");
}

#[test]
fn the_signature_is_the_one_node_computes() {
    let k = key(SEED);
    let public = k.public_key();
    // RFC 8032's key derivation and signing, as Node.js's crypto does them (the values were
    // printed by crypto.createPublicKey / crypto.sign(null, DOMAIN + SMALL, key)).
    assert_eq!(public.to_hex(), "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");
    assert_eq!(public.id_hex(), "7b6a1405e47be084");
    let signed = k.sign(SMALL);
    assert_eq!(
        signed,
        concat!(
            r#"{"signature":{"algorithm":"ed25519","keyId":"7b6a1405e47be084","value":""#,
            "6492ec0cd21f33a8b448a61267cd5d99e5b135715890c189399e0670e4e5843a",
            "6e1d19e0a66664fc4f1404e30c5a24ec0a8429175a6d2929262109e77eefe707",
            r#""},"snapshot":{"version":1,"generatedAt":"2026-11-20T00:00:00Z","flags":{}}}"#
        )
    );
    assert_eq!(DOMAIN, b"edgeflag-snapshot-v1\n");
    assert_eq!(SigningKey::from_hex(&k.seed_hex()).map(|k| k.public_key()), Ok(public));
    assert_eq!(PublicKey::from_hex(&public.to_hex()), Ok(public));
}

#[test]
fn signed_snapshots_load_and_the_last_good_keeps_serving_through_each_refusal() {
    let k = key(SEED);
    let mut engine = Engine::with_keys(Keys::new([k.public_key()]));
    assert_eq!(engine.update_str(&k.sign(&snapshot(2, true))), Ok(Update::Replaced { from: None, to: 2 }));
    serves(&engine, 2);

    // Unsigned, as text or as a value.
    assert_eq!(kind_and_path(engine.update_str(&snapshot(3, true))), (K::Unsigned, "signature".into()));
    let doc = snapshot(3, true);
    assert_eq!(kind_and_path(engine.update_json(&Json::parse(&doc).expect("JSON"))), (K::Unsigned, "signature".into()));
    serves(&engine, 2);

    // Signed by a key the engine does not trust.
    let other = key([9; 32]);
    let r = engine.update_str(&other.sign(&snapshot(3, false)));
    let e = r.clone().unwrap_err();
    assert_eq!(kind_and_path(r), (K::UnknownKey, "signature.keyId".into()));
    assert_eq!(
        e.message,
        format!("key {} is not trusted (trusted: {})", other.public_key().id_hex(), k.public_key().id_hex())
    );
    serves(&engine, 2);

    // Tampered after signing: the flag turned off, the version raised.
    let tampered = k.sign(&snapshot(3, true)).replace("\"on\": true", "\"on\": false");
    assert_eq!(kind_and_path(engine.update_str(&tampered)), (K::BadSignature, "signature.value".into()));
    serves(&engine, 2);

    // Signed, but older: the version check still applies.
    assert_eq!(kind_and_path(engine.update_str(&k.sign(&snapshot(1, true)))), (K::VersionBackwards, "version".into()));
    serves(&engine, 2);

    // Signed, but not a valid snapshot: the loader's error, with the path it has in the snapshot.
    let bad = k.sign(&snapshot(3, true).replace("\"on\": true", "\"on\": 1"));
    assert_eq!(kind_and_path(engine.update_str(&bad)), (K::WrongType, "flags.f.on".into()));
    // Signed text that is not JSON: reported at its line and column in the envelope.
    let e = engine.update_str(&k.sign("{\"version\": 3,")).unwrap_err();
    assert_eq!((e.kind, e.path.as_str()), (K::InvalidJson, ""));
    assert!(e.message.contains("line 1"), "{}", e.message);
    serves(&engine, 2);

    // The next good one replaces it.
    assert_eq!(engine.update_str(&k.sign(&snapshot(3, true))), Ok(Update::Replaced { from: Some(2), to: 3 }));
}

#[test]
fn every_single_byte_change_is_refused_with_its_kind_and_path() {
    let k = key(SEED);
    let keys = Keys::new([k.public_key()]);
    let text = snapshot(2, true);
    let signed = k.sign(&text);
    let e = Envelope::parse(&signed).expect("an envelope");
    let span = signed.find(e.snapshot).expect("the snapshot is in the envelope");
    let key_id = signed.find("\"keyId\":\"").expect("keyId") + 9;
    let value = signed.find("\"value\":\"").expect("value") + 9;
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);

    let mut engine = Engine::with_keys(keys.clone());
    engine.update_str(&k.sign(&snapshot(1, true))).expect("a signed snapshot loads");
    let mut checked = 0;
    for (start, len) in [(span, e.snapshot.len()), (key_id, 16), (value, 128)] {
        for i in start..start + len {
            // Flip the lowest bit (ASCII stays ASCII), and for hex digits also try the next digit.
            let original = signed.as_bytes()[i];
            let mut changes = vec![original ^ 1];
            if hex(original) {
                changes.push(if original == b'f' {
                    b'0'
                } else if original == b'9' {
                    b'a'
                } else {
                    original + 1
                });
            }
            for c in changes {
                let mut bytes = signed.clone().into_bytes();
                bytes[i] = c;
                let changed = String::from_utf8(bytes).expect("ASCII");
                let want = if start == span {
                    (K::BadSignature, "signature.value")
                } else if start == key_id {
                    (if hex(c) { K::UnknownKey } else { K::InvalidValue }, "signature.keyId")
                } else {
                    (if hex(c) { K::BadSignature } else { K::InvalidValue }, "signature.value")
                };
                let got = kind_and_path(engine.update_str(&changed));
                assert_eq!((got.0, got.1.as_str()), want, "byte {i} {:?} → {:?}", original as char, c as char);
                checked += 1;
            }
        }
    }
    assert!(checked > 2 * e.snapshot.len(), "{checked}");
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(1));
    // Unchanged, it loads.
    assert!(engine.update_str(&signed).is_ok());
}

#[test]
fn the_envelope_has_one_shape() {
    let k = key(SEED);
    let keys = Keys::new([k.public_key()]);
    let signed = k.sign(SMALL);
    let head = signed.find(",\"snapshot\":").expect("snapshot member");
    let signature = &signed[..head]; // `{"signature":{…}`
    let check = |text: &str| Snapshot::parse_signed(text, &keys).map(|s| s.version()).map_err(|e| (e.kind, e.path));

    // Whitespace outside the snapshot is not signed and changes nothing.
    let spaced = format!(" \n{}\t, \"snapshot\" :\r\n {SMALL} \n}}\n", signature.replacen("\":{", "\" : {", 1));
    assert_eq!(check(&spaced), Ok(1));
    // Other members, a second snapshot, escaped names, the wrong order: refused.
    let extra = format!("{signature},\"note\":1,\"snapshot\":{SMALL}}}");
    assert_eq!(check(&extra), Err((K::UnknownField, "note".into())));
    let twice = format!("{signature},\"signature\":{{}},\"snapshot\":{SMALL}}}");
    assert_eq!(check(&twice), Err((K::Duplicate, "signature".into())));
    let escaped = format!("{signature},\"snap\\u0073hot\":{SMALL}}}");
    assert_eq!(check(&escaped), Err((K::InvalidValue, "".into())));
    // Appended after the signed snapshot: the signed bytes are no longer the snapshot's.
    let appended = format!("{signature},\"snapshot\":{SMALL},\"snapshot\":{SMALL}}}");
    assert_eq!(check(&appended), Err((K::BadSignature, "signature.value".into())));
    let reversed = format!("{{\"snapshot\":{SMALL},{}}}", &signature[1..]);
    assert_eq!(check(&reversed), Err((K::Unsigned, "signature".into())));
    assert_eq!(check(&format!("{signature}}}")), Err((K::MissingField, "snapshot".into())));
    assert_eq!(check(&format!("{signature},\"snapshot\":}}")).map_err(|e| e.0), Err(K::InvalidJson));
    // The closing brace cut: the last byte of what was signed becomes the envelope's (checked
    // before anything is parsed); unverified, it is not JSON.
    let cut = &signed[..signed.len() - 1];
    assert_eq!(check(cut), Err((K::BadSignature, "signature.value".into())));
    assert_eq!(
        Snapshot::parse_signed(cut, &Keys::default()).map_err(|e| e.kind).map(|s| s.version()),
        Err(K::InvalidJson)
    );

    // The signature object.
    let with = |sig: &str| check(&format!("{{\"signature\":{sig},\"snapshot\":{SMALL}}}"));
    let value = &signed[signed.find("\"value\":\"").expect("value") + 9..][..128];
    let id = k.public_key().id_hex();
    assert_eq!(with("[]"), Err((K::WrongType, "signature".into())));
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed448","keyId":"{id}","value":"{value}"}}"#)),
        Err((K::InvalidValue, "signature.algorithm".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"keyId":"{id}","value":"{value}"}}"#)),
        Err((K::MissingField, "signature.algorithm".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed25519","keyId":"{}","value":"{value}"}}"#, id.to_uppercase())),
        Err((K::InvalidValue, "signature.keyId".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed25519","keyId":"{id}","value":"{}"}}"#, &value[2..])),
        Err((K::InvalidValue, "signature.value".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed25519","keyId":"{id}","value":7}}"#)),
        Err((K::WrongType, "signature.value".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed25519","keyId":"{id}","value":"{value}","by":"me"}}"#)),
        Err((K::UnknownField, "signature.by".into()))
    );
    assert_eq!(
        with(&format!(r#"{{"algorithm":"ed25519","keyId":"{id}","keyId":"{id}","value":"{value}"}}"#)),
        Err((K::Duplicate, "signature.keyId".into()))
    );
    assert_eq!(with(&format!(r#"{{"algorithm":"ed25519","keyId":"{id}","value":"{value}"}}"#)), Ok(1));
}

#[test]
fn keys_rotate_by_trusting_two() {
    let (old, new) = (key(SEED), key([9; 32]));
    let both = Keys::parse(&format!("{},{}", old.public_key().to_hex(), new.public_key().to_hex())).expect("keys");
    let mut engine = Engine::new();
    engine.trust(both);
    assert!(engine.update_str(&old.sign(&snapshot(1, true))).is_ok());
    assert!(engine.update_str(&new.sign(&snapshot(2, true))).is_ok());
    // The old key retired: what it signs is refused.
    engine.trust(Keys::new([new.public_key()]));
    assert_eq!(
        kind_and_path(engine.update_str(&old.sign(&snapshot(3, true)))),
        (K::UnknownKey, "signature.keyId".into())
    );
    serves(&engine, 2);
}

#[test]
fn without_keys_a_signed_snapshot_loads_unverified() {
    let k = key(SEED);
    let mut engine = Engine::new();
    assert!(engine.keys().is_empty());
    assert!(engine.update_str(&k.sign(&snapshot(1, true))).is_ok());
    // Not checked without keys (documented): signing can start before runtimes have the key.
    let tampered = k.sign(&snapshot(2, true)).replace("\"on\": true", "\"on\": false");
    assert!(engine.update_str(&tampered).is_ok());
    assert!(engine.update_str(&snapshot(3, true)).is_ok(), "plain snapshots load as before");
    // The shape still is.
    let broken = k.sign(&snapshot(4, true)).replacen("\"algorithm\":\"ed25519\"", "\"algorithm\":\"rsa\"", 1);
    assert_eq!(kind_and_path(engine.update_str(&broken)), (K::InvalidValue, "signature.algorithm".into()));
    assert_eq!(edgeflag::signature::contents(&k.sign(SMALL)), Ok(SMALL));
    assert_eq!(edgeflag::signature::contents(SMALL), Ok(SMALL));
}

#[test]
fn the_example_signs_and_verifies() {
    let example = include_str!("../examples/snapshot.json");
    let k = key(SEED);
    let keys = Keys::new([k.public_key()]);
    let signed = k.sign(example);
    assert_eq!(Envelope::parse(&signed).map(|e| e.snapshot), Ok(example.trim()));
    let s = Snapshot::parse_signed(&signed, &keys).expect("verifies");
    assert_eq!(s.version(), Snapshot::parse(example).expect("loads").version());
    // A client-safe snapshot derived from the contents, signed by another key, verifies with it.
    let client = edgeflag::client_snapshot(edgeflag::signature::contents(&signed).expect("contents")).expect("derives");
    let worker = key([5; 32]);
    let served = worker.sign(&client);
    assert!(Snapshot::parse_signed(&served, &Keys::new([worker.public_key()])).is_ok());
    assert_eq!(Snapshot::parse_signed(&served, &keys).map_err(|e| e.kind).map(|s| s.version()), Err(K::UnknownKey));
}
