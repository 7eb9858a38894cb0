//! What an isolate keeps between requests: settings read once from the environment, the
//! snapshot cache and the exposure recorder. Workers run one request handler at a time per
//! isolate (JavaScript's single thread), so a thread-local `RefCell` is the whole story; no
//! borrow is held across an `await`.

use crate::cache::{Cache, Signing};
use crate::exposures::Exposures;
use crate::peer_source::PeerSettings;
use std::cell::RefCell;
use worker::Env;

/// Binding names (wrangler.toml): KV with the snapshot, the exposure Queue, the archive bucket.
pub const FLAGS_KV: &str = "FLAGS";
pub const EXPOSURE_QUEUE: &str = "EXPOSURES";
pub const EXPOSURE_ARCHIVE: &str = "EXPOSURE_ARCHIVE";

/// Settings from `[vars]` and secrets, with their defaults (worker/README.md lists them).
pub struct Settings {
    /// KV key of the snapshot (`SNAPSHOT_KEY`, default `snapshot`).
    pub snapshot_key: String,
    /// How long a snapshot is served before KV is read again (`SNAPSHOT_TTL_SECONDS`, default 30).
    pub ttl_ms: i64,
    /// Bearer token of the admin endpoints (`ADMIN_TOKEN` secret); none disables them.
    pub admin_token: Option<String>,
    /// HMAC key of signed contexts (`CONTEXT_SECRET` secret); none refuses signed contexts.
    pub context_secret: Option<String>,
    /// How long exposures wait so that one Queue message carries many requests' worth
    /// (`EXPOSURE_FLUSH_MS`, default 1000).
    pub flush_ms: u64,
    /// Context attributes copied into exposures (`EXPOSURE_ATTRIBUTES`, comma-separated,
    /// default `country`).
    pub exposure_attributes: Vec<String>,
    /// Exposures held between sends (`EXPOSURE_QUEUE_CAPACITY`, default 10,000; beyond it they
    /// are counted as dropped) and (context, flag, variation) triples remembered for
    /// deduplication (`EXPOSURE_DEDUPE_CAPACITY`, default 100,000).
    pub exposure_queue_capacity: usize,
    pub exposure_dedupe_capacity: usize,
    /// Salt for hashing context keys in exposures (`EXPOSURE_KEY_SALT` secret); none sends keys.
    pub exposure_key_salt: Option<String>,
    /// Origins allowed to call from browsers (`ALLOWED_ORIGINS`, comma-separated or `*`).
    pub allowed_origins: Vec<String>,
    /// Public keys snapshots must be signed with (`EDGEFLAG_PUBLIC_KEYS`, comma-separated hex);
    /// none: plain snapshots load.
    pub public_keys: Option<String>,
    /// The seed (64 hex digits) of the key that signs the client-safe snapshot
    /// (`EDGEFLAG_CLIENT_SIGNING_KEY` secret); none: it is served unsigned.
    pub client_signing_key: Option<String>,
    /// A peer's SDK endpoint polled as the snapshot's source (`PEER_*`), and the GrowthBook
    /// decryption key imports use.
    pub peer: PeerSettings,
}

impl Settings {
    pub fn read(env: &Env) -> Settings {
        let text = |name: &str| env.var(name).ok().map(|v| v.to_string()).filter(|s| !s.is_empty());
        let list = |name: &str, default: &str| -> Vec<String> {
            let value = text(name).unwrap_or_else(|| default.into());
            value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let number = |name: &str, default: f64| text(name).and_then(|s| s.parse::<f64>().ok()).unwrap_or(default);
        Settings {
            snapshot_key: text("SNAPSHOT_KEY").unwrap_or_else(|| "snapshot".into()),
            ttl_ms: (number("SNAPSHOT_TTL_SECONDS", 30.0).clamp(0.0, 86_400.0) * 1000.0) as i64,
            admin_token: text("ADMIN_TOKEN"),
            context_secret: text("CONTEXT_SECRET"),
            flush_ms: number("EXPOSURE_FLUSH_MS", 1000.0).clamp(0.0, 10_000.0) as u64,
            exposure_attributes: list("EXPOSURE_ATTRIBUTES", "country"),
            exposure_queue_capacity: number("EXPOSURE_QUEUE_CAPACITY", 10_000.0) as usize,
            exposure_dedupe_capacity: number("EXPOSURE_DEDUPE_CAPACITY", 100_000.0) as usize,
            exposure_key_salt: text("EXPOSURE_KEY_SALT"),
            allowed_origins: list("ALLOWED_ORIGINS", "*"),
            public_keys: text("EDGEFLAG_PUBLIC_KEYS"),
            client_signing_key: text("EDGEFLAG_CLIENT_SIGNING_KEY"),
            peer: PeerSettings::read(text),
        }
    }
}

pub struct Isolate {
    pub settings: Settings,
    pub cache: Cache,
    pub exposures: Exposures,
}

thread_local! {
    static ISOLATE: RefCell<Option<Isolate>> = const { RefCell::new(None) };
}

/// Runs `f` on the isolate's state, creating it from `env` on first use.
pub fn with<R>(env: &Env, f: impl FnOnce(&mut Isolate) -> R) -> R {
    ISOLATE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let isolate = slot.get_or_insert_with(|| {
            let settings = Settings::read(env);
            let exposures = Exposures::new(&settings);
            let signing = Signing::read(settings.public_keys.as_deref(), settings.client_signing_key.as_deref());
            let problems = [
                ("EDGEFLAG_PUBLIC_KEYS", &signing.keys_error),
                ("EDGEFLAG_CLIENT_SIGNING_KEY", &signing.client_key_error),
            ];
            for (setting, problem) in problems.iter().filter_map(|(s, p)| Some((s, p.as_ref()?))) {
                worker::console_error!("{setting}: {problem}");
            }
            Isolate { settings, cache: Cache::new(signing), exposures }
        });
        f(isolate)
    })
}
