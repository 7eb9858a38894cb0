//! Snapshot loading on arbitrary bytes. Whatever the text, loading returns a snapshot or a load
//! error (no panic, no hang); the engine agrees with `Snapshot::parse`; and for a snapshot that
//! loads, the client-safe snapshot (docs/snapshot.md, "Client-safe snapshots") loads too, derives
//! to the same bytes again, and serves its client-visible flags exactly as the full snapshot.
//! A text that does not load gives `client_snapshot` the same error.
#![no_main]

use edgeflag::{client_snapshot, Context, Engine, Json, Snapshot, Update};
use edgeflag_fuzz::BASE_NOW;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The parser under the loader: compact text reads back as the same value.
    if let Ok(v) = Json::parse(text) {
        let compact = v.to_text();
        assert_eq!(Json::parse(&compact).as_ref(), Ok(&v), "{compact}");
    }
    let loaded = Snapshot::parse(text);
    let mut engine = Engine::new();
    let updated = engine.update_str(text);
    match (&loaded, &updated) {
        (Ok(s), Ok(u)) => assert_eq!(*u, Update::Replaced { from: None, to: s.version() }),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("Snapshot::parse and Engine::update_str disagree: {loaded:?} / {updated:?}"),
    }
    // Every error reads as `path: message`.
    if let Err(e) = &loaded {
        let _ = e.to_string();
        return;
    }
    let Ok(full) = loaded else { return };
    // The same version again is kept, not an error.
    assert_eq!(engine.update_str(text), Ok(Update::Unchanged { version: full.version() }));

    let client = match client_snapshot(text) {
        Ok(c) => c,
        Err(e) => panic!("client_snapshot refuses a snapshot that loads: {e}"),
    };
    let derived = match Snapshot::parse(&client) {
        Ok(s) => s,
        Err(e) => panic!("the client-safe snapshot does not load: {e}\n{client}"),
    };
    assert_eq!(client_snapshot(&client).as_deref(), Ok(client.as_str()), "deriving again changes it");
    assert_eq!(derived.version(), full.version());

    // Client-visible flags evaluate alike in both, for a keyed and a keyless context.
    let contexts = [r#"{"key":"user-1","tier":"pro","email":"a@example.com"}"#, "{}"];
    for ctx in contexts.map(Context::parse) {
        for flag in full.flags().iter().filter(|f| f.client_visible()) {
            let (a, b) =
                (full.evaluate(flag.key(), &ctx, BASE_NOW, None), derived.evaluate(flag.key(), &ctx, BASE_NOW, None));
            assert_eq!(a, b, "{} differs in the client-safe snapshot", flag.key());
        }
    }
    for flag in derived.flags() {
        let visible = full.flag(flag.key()).is_some_and(|f| f.client_visible());
        assert_eq!(flag.client_visible(), visible, "{} changed clientVisible", flag.key());
    }
});
