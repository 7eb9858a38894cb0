//! The isolate's snapshot: loaded from KV on first use, read again once the TTL has passed, and
//! replaced only by a snapshot that loads and is newer. A refused snapshot leaves the last good
//! one serving and is reported by `/health` until a good one arrives.

use edgeflag::signature::{self, Keys, SigningKey};
use edgeflag::{bucketing::hash, client_snapshot, Engine, LoadError, Snapshot, Update};

/// Where the serving snapshot came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Kv,
    Admin,
    /// Published by the peer source's poller (`peer_source.rs`).
    Peer,
    /// The copy `PUT /admin/snapshot` keeps, loaded by an isolate that started while KV's
    /// snapshot was refused.
    LastGood,
}

/// A snapshot that was offered and refused.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub at: i64,
    /// A load error code (`docs/snapshot.md`) or `version_unchanged`.
    pub kind: &'static str,
    pub path: String,
    pub message: String,
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A load error as a refusal at `now`.
fn refusal(LoadError { kind, path, message }: LoadError, now: i64) -> Refusal {
    Refusal { at: now, kind: kind.code(), path, message }
}

/// Why KV could not be read (the snapshot serving, if any, keeps serving).
#[derive(Clone, Debug)]
pub struct KvTrouble {
    pub at: i64,
    pub message: String,
}

/// A snapshot as `GET /snapshot` and `GET /admin/snapshot` serve it (JSON text, or the compiled
/// form's bytes), with its strong ETag: the version and the hash of the bytes served
/// (`"7-0123456789abcdef"`), so each representation has its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served<B = String> {
    pub body: B,
    pub etag: String,
}

impl<B: AsRef<[u8]>> Served<B> {
    fn new(version: u64, body: B) -> Served<B> {
        let etag = etag(version, body.as_ref());
        Served { body, etag }
    }
}

/// The strong ETag of a snapshot's bytes as served: `"<version>-<XXH64 in hex>"`.
pub fn etag(version: u64, body: &[u8]) -> String {
    format!("\"{version}-{:016x}\"", hash(body))
}

/// The compiled form (docs/compiled.md) of a client-safe snapshot's JSON text (of its contents
/// when signed), named by that text's digest, and signed with `key` as the JSON is. `Err` only if
/// the text does not load again, which a derived one always does.
fn compile(client: &Served, key: Option<&SigningKey>) -> Result<Served<Vec<u8>>, LoadError> {
    let text = signature::contents(&client.body)?;
    let snapshot = Snapshot::parse(text)?;
    let bytes = snapshot.to_compiled(text.as_bytes());
    let bytes = match key {
        Some(k) => k.sign_compiled(&bytes)?,
        None => bytes,
    };
    Ok(Served::new(snapshot.version(), bytes))
}

/// Signed snapshots (docs/snapshot.md, "Signed snapshots"): the keys what is loaded must be
/// signed with, and the key that signs the client-safe snapshot served to browsers.
#[derive(Debug, Default)]
pub struct Signing {
    /// `EDGEFLAG_PUBLIC_KEYS`: snapshots must be signed with one of them; none, plain ones load.
    pub keys: Keys,
    /// Why `EDGEFLAG_PUBLIC_KEYS` could not be read (the setting is the refusal's path): every
    /// snapshot is then refused, never loaded unverified.
    pub keys_error: Option<String>,
    /// `EDGEFLAG_CLIENT_SIGNING_KEY`: signs the client-safe snapshot; none, it is served unsigned.
    pub client_key: Option<SigningKey>,
    /// Why it could not be read: `GET /snapshot` then fails rather than serve it unsigned.
    pub client_key_error: Option<String>,
}

impl Signing {
    /// From the two settings' text (public keys comma-separated; the signing key's seed in hex).
    pub fn read(public_keys: Option<&str>, client_key: Option<&str>) -> Signing {
        let (keys, keys_error) = match Keys::parse(public_keys.unwrap_or_default()) {
            Ok(keys) => (keys, None),
            Err(e) => (Keys::default(), Some(e.to_string())),
        };
        let (client_key, client_key_error) = match client_key.map(SigningKey::from_hex) {
            None => (None, None),
            Some(Ok(key)) => (Some(key), None),
            Some(Err(e)) => (None, Some(e.to_string())),
        };
        Signing { keys, keys_error, client_key, client_key_error }
    }
}

#[derive(Default)]
pub struct Cache {
    pub engine: Engine,
    pub signing: Signing,
    pub origin: Option<Origin>,
    pub loaded_at: Option<i64>,
    /// When KV was last read (or a read began: concurrent requests do not all read it).
    pub checked_at: Option<i64>,
    pub refused: Option<Refusal>,
    pub kv_trouble: Option<KvTrouble>,
    /// Hash of the text last offered, so an unchanged KV value is not parsed again.
    offered: Option<u64>,
    /// The text of the snapshot serving.
    full: Option<Served>,
    /// Its client-safe snapshot, derived on first use after each accepted snapshot.
    client: Option<Served>,
    /// The compiled form of `client`, derived on its first request after each accepted snapshot
    /// (JSON-only clients never pay for it); kept when it fails, so that is not retried each time.
    compiled: Option<Result<Served<Vec<u8>>, LoadError>>,
}

impl Cache {
    pub fn new(signing: Signing) -> Cache {
        Cache { signing, ..Cache::default() }
    }

    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.engine.snapshot()
    }

    /// Loads snapshot text: signed with a trusted key when keys are set (verified before it is
    /// parsed), plain or signed otherwise. `Err` as a refusal at `now`.
    pub fn load(&self, text: &str, now: i64) -> Result<Snapshot, Refusal> {
        if let Some(message) = &self.signing.keys_error {
            let path = "EDGEFLAG_PUBLIC_KEYS".into();
            return Err(Refusal { at: now, kind: "invalid_setting", path, message: message.clone() });
        }
        Snapshot::parse_signed(text, &self.signing.keys).map_err(|e| refusal(e, now))
    }

    /// Whether KV should be read now.
    pub fn due(&self, now: i64, ttl_ms: i64) -> bool {
        self.checked_at.is_none_or(|t| now.saturating_sub(t) >= ttl_ms || now < t)
    }

    /// Offers snapshot text; `Err` when it was refused (also kept in `refused`).
    pub fn offer(&mut self, text: &str, now: i64, origin: Origin) -> Result<Update, Refusal> {
        let digest = hash(text.as_bytes());
        if self.offered == Some(digest) {
            return match &self.refused {
                Some(r) => Err(r.clone()),
                None => Ok(Update::Unchanged { version: self.snapshot().map_or(0, Snapshot::version) }),
            };
        }
        self.offered = Some(digest);
        let result = self.load(text, now).and_then(|s| self.engine.update(s).map_err(|e| refusal(e, now)));
        let refusal = match result {
            Ok(Update::Replaced { from, to }) => {
                (self.origin, self.loaded_at, self.refused) = (Some(origin), Some(now), None);
                self.serving(to, text);
                return Ok(Update::Replaced { from, to });
            }
            // Different text under the version serving: the change would silently not apply.
            Ok(Update::Unchanged { version }) => Refusal {
                at: now,
                kind: "version_unchanged",
                path: "version".into(),
                message: format!("version {version} is already serving with different content; raise the version"),
            },
            Err(refused) => refused,
        };
        self.refused = Some(refusal.clone());
        Err(refusal)
    }

    /// Loads the last good copy when nothing serves (a new isolate facing a refused snapshot),
    /// leaving the refusal reported: what KV holds is still wrong.
    pub fn fall_back(&mut self, text: &str, now: i64) -> bool {
        if self.snapshot().is_some() {
            return false;
        }
        let loaded = self.load(text, now).ok().and_then(|s| self.engine.update(s).ok());
        if let Some(Update::Replaced { to, .. }) = loaded {
            (self.origin, self.loaded_at) = (Some(Origin::LastGood), Some(now));
            self.serving(to, text);
        }
        loaded.is_some()
    }

    /// Keeps the text of the snapshot now serving; its client-safe snapshot is derived again.
    fn serving(&mut self, version: u64, text: &str) {
        self.full = Some(Served::new(version, text.into()));
        (self.client, self.compiled) = (None, None);
    }

    /// The text of the snapshot serving (its ETag is the one `GET /snapshot`'s differs from).
    #[cfg(test)]
    pub fn full(&self) -> Option<&Served> {
        self.full.as_ref()
    }

    /// The client-safe snapshot of the one serving (`GET /snapshot`), derived once per accepted
    /// snapshot, on first use, from the snapshot inside when it is signed (verified when it was
    /// accepted), and signed with the client key when there is one. It cannot fail (the text
    /// loaded); `None` if nothing serves.
    pub fn client(&mut self) -> Option<&Served> {
        if self.client.is_none() {
            let full = self.full.as_ref()?;
            let version = self.engine.snapshot().map_or(0, Snapshot::version);
            let text = signature::contents(&full.body).ok()?;
            let key = self.signing.client_key.as_ref();
            let derived = client_snapshot(text).ok().map(|text| match key {
                Some(k) => k.sign(&text),
                None => text,
            });
            self.client = derived.map(|text| Served::new(version, text));
        }
        self.client.as_ref()
    }

    /// The compiled form of the client-safe snapshot (`GET /snapshot` asked for
    /// `application/vnd.edgeflag.compiled`), derived once per accepted snapshot, on first use,
    /// signed with the client key when there is one. `None` if nothing serves, and when the
    /// client key is unreadable (no unsigned copy may stand in for a signed one).
    pub fn client_compiled(&mut self) -> Option<Result<&Served<Vec<u8>>, &LoadError>> {
        if self.signing.client_key_error.is_some() {
            return None;
        }
        if self.compiled.is_none() {
            self.client()?;
            let client = self.client.as_ref()?;
            self.compiled = Some(compile(client, self.signing.client_key.as_ref()));
        }
        self.compiled.as_ref().map(Result::as_ref)
    }

    /// Health: `ok`, `degraded` (serving, but the latest snapshot or KV read failed) or
    /// `unavailable` (nothing to serve).
    pub fn status(&self) -> &'static str {
        match (self.snapshot(), &self.refused, &self.kv_trouble) {
            (None, ..) => "unavailable",
            (Some(_), None, None) => "ok",
            _ => "degraded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(version: u64, on: bool) -> String {
        format!(
            r#"{{"version":{version},"generatedAt":"2026-11-20T00:00:00Z","flags":{{"f":{{"on":{on},"variations":[{{"name":"off","value":false}},{{"name":"on","value":true}}],"offVariation":"off","fallthrough":{{"variation":"on"}}}}}}}}"#
        )
    }

    #[test]
    fn last_good_keeps_serving() {
        let mut c = Cache::default();
        assert_eq!(c.status(), "unavailable");
        assert!(c.offer(&snapshot(3, true), 10, Origin::Kv).is_ok());
        assert_eq!((c.status(), c.loaded_at), ("ok", Some(10)));
        let r = c.offer(&snapshot(4, true).replace("\"on\":true", "\"on\":1"), 20, Origin::Kv).unwrap_err();
        assert_eq!((r.kind, r.path.as_str()), ("wrong_type", "flags.f.on"));
        assert_eq!((c.status(), c.snapshot().map(Snapshot::version)), ("degraded", Some(3)));
        // The same bad text again is not parsed again, and still refused.
        assert!(c.offer(&snapshot(4, true).replace("\"on\":true", "\"on\":1"), 30, Origin::Kv).is_err());
        assert_eq!(c.offer(&snapshot(2, true), 40, Origin::Kv).unwrap_err().kind, "version_backwards");
        assert_eq!(c.offer(&snapshot(3, false), 50, Origin::Kv).unwrap_err().kind, "version_unchanged");
        // The kill switch: a newer version with the flag off.
        assert!(c.offer(&snapshot(5, false), 60, Origin::Admin).is_ok());
        assert_eq!((c.status(), c.origin, c.loaded_at), ("ok", Some(Origin::Admin), Some(60)));
        assert!(!c.snapshot().unwrap().flags()[0].is_on());
    }

    #[test]
    fn a_new_isolate_falls_back_to_the_last_good_copy() {
        let mut c = Cache::default();
        assert!(c.offer("{\"version\": 9, ", 10, Origin::Kv).is_err());
        assert!(c.fall_back(&snapshot(8, true), 10));
        assert_eq!(
            (c.status(), c.origin, c.snapshot().map(Snapshot::version)),
            ("degraded", Some(Origin::LastGood), Some(8))
        );
        assert!(!c.fall_back(&snapshot(7, true), 20), "only when nothing serves");
        // KV fixed: the next read replaces the copy and the refusal.
        assert!(c.offer(&snapshot(9, true), 30, Origin::Kv).is_ok());
        assert_eq!((c.status(), c.origin), ("ok", Some(Origin::Kv)));
    }

    #[test]
    fn the_serving_text_and_its_client_snapshot_follow_each_accepted_snapshot() {
        let mut c = Cache::default();
        assert!(c.full().is_none() && c.client().is_none());
        let server_only = r#"{"version":3,"generatedAt":"2026-11-20T00:00:00Z","flags":{
          "f":{"on":true,"clientVisible":true,"variations":[{"name":"on","value":true}],"fallthrough":{"variation":"on"}},
          "s":{"on":true,"variations":[{"name":"a","value":1}],"fallthrough":{"variation":"a"},"metadata":{"owner":"x"}}}}"#;
        assert!(c.offer(server_only, 10, Origin::Kv).is_ok());
        let full = c.full().cloned().expect("serving");
        assert_eq!(full.body, server_only);
        assert!(full.etag.starts_with("\"3-") && full.etag.ends_with('"') && full.etag.len() == 20, "{}", full.etag);
        let client = c.client().cloned().expect("derived");
        assert_eq!(Ok(client.body.clone()), client_snapshot(server_only));
        assert!(client.body.contains("\"f\"") && !client.body.contains("\"s\"") && !client.body.contains("owner"));
        assert_ne!(client.etag, full.etag);
        // A refused snapshot changes neither; the next accepted one changes both.
        assert!(c.offer("{", 20, Origin::Kv).is_err());
        assert_eq!((c.client().cloned(), c.full()), (Some(client.clone()), Some(&full)));
        assert!(c.offer(&snapshot(4, false), 30, Origin::Admin).is_ok());
        assert_eq!(c.full().map(|s| s.body.as_str()), Some(snapshot(4, false).as_str()));
        let next = c.client().cloned().expect("derived");
        assert!(next.etag.starts_with("\"4-") && next.etag != client.etag);
        assert_eq!(Ok(next.body), client_snapshot(&snapshot(4, false)));
    }

    #[test]
    fn with_public_keys_only_signed_snapshots_load_and_the_client_snapshot_is_signed() {
        let (publisher, worker) = (SigningKey::from_seed([1; 32]).unwrap(), SigningKey::from_seed([2; 32]).unwrap());
        let signing = Signing::read(Some(&publisher.public_key().to_hex()), Some(&worker.seed_hex()));
        let mut c = Cache::new(signing);
        let r = c.offer(&snapshot(3, true), 10, Origin::Kv).unwrap_err();
        assert_eq!((r.kind, r.path.as_str()), ("unsigned", "signature"));
        assert!(c.offer(&publisher.sign(&snapshot(3, true)), 20, Origin::Kv).is_ok());
        let tampered = publisher.sign(&snapshot(4, true)).replace("\"on\":true", "\"on\":false");
        let r = c.offer(&tampered, 30, Origin::Admin).unwrap_err();
        assert_eq!((r.kind, r.path.as_str()), ("bad_signature", "signature.value"));
        assert_eq!((c.status(), c.snapshot().map(Snapshot::version)), ("degraded", Some(3)));
        // The full text serves as published; the client-safe one is derived from the snapshot
        // inside and signed with the Worker's key.
        assert_eq!(c.full().map(|s| s.body.clone()), Some(publisher.sign(&snapshot(3, true))));
        let client = c.client().cloned().expect("derived");
        assert_eq!(client.body, worker.sign(&client_snapshot(&snapshot(3, true)).unwrap()));
        let keys = Keys::new([worker.public_key()]);
        assert_eq!(Snapshot::parse_signed(&client.body, &keys).map(|s| s.version()), Ok(3));
        assert!(!c.fall_back(&snapshot(2, true), 40), "only when nothing serves");
    }

    #[test]
    fn the_compiled_client_snapshot_is_derived_once_per_accepted_snapshot() {
        use edgeflag::compiled::{digest_of, source_digest};
        let visible = |version, on| snapshot(version, on).replace("{\"on\"", "{\"clientVisible\":true,\"on\"");
        let mut c = Cache::default();
        assert!(c.client_compiled().is_none(), "nothing serves");
        assert!(c.offer(&visible(3, true), 10, Origin::Kv).is_ok());
        let compiled = c.client_compiled().expect("serving").cloned().expect("derived");
        let json = c.client().cloned().expect("derived");
        // The client-safe JSON compiled, named by its digest, with an ETag of its own.
        assert_eq!(digest_of(&compiled.body), Some(source_digest(json.body.as_bytes())));
        let decoded = Snapshot::from_compiled(&compiled.body).expect("decodes");
        assert_eq!(decoded.version(), 3);
        assert_eq!(decoded.to_compiled(json.body.as_bytes()), compiled.body, "the same snapshot");
        assert!(compiled.etag.starts_with("\"3-") && compiled.etag != json.etag, "{}", compiled.etag);
        assert_eq!(c.client_compiled(), Some(Ok(&compiled)), "kept, not derived again");
        // The kill switch: the next accepted snapshot derives it again.
        assert!(c.offer(&visible(4, false), 20, Origin::Admin).is_ok());
        let next = c.client_compiled().expect("serving").cloned().expect("derived");
        assert!(next.etag.starts_with("\"4-") && next.body != compiled.body);
        let flags =
            Snapshot::from_compiled(&next.body).map(|s| s.flags().iter().map(|f| f.is_on()).collect::<Vec<_>>());
        assert_eq!(flags, Ok(vec![false]));
    }

    #[test]
    fn a_signed_client_snapshot_is_compiled_signed_with_the_same_key() {
        let key = SigningKey::from_seed([2; 32]).unwrap();
        let mut c = Cache::new(Signing::read(None, Some(&key.seed_hex())));
        assert!(c.offer(&snapshot(3, true), 10, Origin::Kv).is_ok());
        assert!(c.client().is_some_and(|s| s.body.contains("\"signature\"")));
        let compiled = c.client_compiled().expect("serving").cloned().expect("derived");
        let mut engine = Engine::with_keys(Keys::new([key.public_key()]));
        assert!(engine.update_bytes(&compiled.body).is_ok(), "verifies with the client key");
        let unsigned = Snapshot::from_compiled(&compiled.body).unwrap().to_compiled(b"");
        assert_eq!(engine.update_bytes(&unsigned).map_err(|e| e.kind), Err(edgeflag::LoadErrorKind::Unsigned));
    }

    #[test]
    fn unreadable_keys_refuse_every_snapshot() {
        let mut c = Cache::new(Signing::read(Some("not-a-key"), Some("zz")));
        let r = c.offer(&snapshot(1, true), 10, Origin::Kv).unwrap_err();
        assert_eq!((r.kind, r.path.as_str()), ("invalid_setting", "EDGEFLAG_PUBLIC_KEYS"));
        assert!(!c.fall_back(&snapshot(1, true), 10));
        assert!(c.signing.client_key_error.as_deref().is_some_and(|e| e.contains("64 hex digits")), "{:?}", c.signing);
        assert_eq!(Signing::read(None, None).keys, Keys::default());
    }

    #[test]
    fn due_after_the_ttl() {
        let mut c = Cache::default();
        assert!(c.due(0, 1000));
        c.checked_at = Some(5000);
        assert!(!c.due(5999, 1000));
        assert!(c.due(6000, 1000));
        assert!(c.due(4000, 1000), "a clock that went back");
    }
}
