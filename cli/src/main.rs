//! `edgeflag`: validate, evaluate, explain and ramp flag snapshots from the command line.
//! Every command that takes a SNAPSHOT uses the embedded example when it is omitted.

/// `println!` that ends quietly when stdout is closed (`edgeflag demo | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod bucket;
mod conformance;
mod demo;
mod explain;
mod import;
mod input;
mod rollout;

use clap::{Parser, Subcommand};
use edgeflag::signature::{Envelope, Keys, SigningKey};
use edgeflag::{EvaluationJson, Json, Snapshot};
use input::{context_arg, keys_arg, now_arg, Source};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "edgeflag", version, about = "Feature-flag snapshots: validate, evaluate, explain, ramp")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate the embedded example for a few users and show how its ramps split traffic.
    Demo,
    /// Load a snapshot and report the first error with its path.
    Validate {
        /// Snapshot file (`-` for stdin; default: the embedded example).
        snapshot: Option<String>,
        /// The snapshot must be signed with this key (64 hex digits; repeat or comma-separate
        /// for several). Without it a signed snapshot loads unverified.
        #[arg(long)]
        public_key: Vec<String>,
    },
    /// Evaluate one flag, or all flags, for a context; prints JSON results.
    Eval {
        snapshot: Option<String>,
        /// The snapshot must be signed with this key (as for `validate`).
        #[arg(long)]
        public_key: Vec<String>,
        /// The context as JSON text, or @FILE.
        #[arg(long, default_value = "{}")]
        context: String,
        /// Only this flag.
        #[arg(long)]
        flag: Option<String>,
        /// Evaluation time: RFC 3339, a date, or epoch milliseconds (default: now).
        #[arg(long)]
        now: Option<String>,
        /// The caller's default value, as JSON (typed: a mismatch gives TYPE_MISMATCH).
        #[arg(long)]
        default: Option<String>,
    },
    /// Show how a flag was decided: each step, clause outcomes, buckets against ranges.
    Explain {
        snapshot: Option<String>,
        #[arg(long)]
        flag: String,
        #[arg(long, default_value = "{}")]
        context: String,
        #[arg(long)]
        now: Option<String>,
    },
    /// Compute a bucket from its inputs: the bytes hashed, the hash, the bucket (docs/bucketing.md).
    Bucket {
        /// The salt: a flag's key unless the snapshot sets one. For peers' schemes what is hashed
        /// before the unit: flagd-v2 the flag key (or "" for a bucketBy of its own), unleash the
        /// groupId, growthbook-* the seed, launchdarkly `flagKey.salt` or the seed.
        #[arg(long)]
        salt: String,
        /// The unit value (e.g. the user key).
        #[arg(long)]
        unit: String,
        /// The bucketBy attribute as written (edgeflag-v1).
        #[arg(long, default_value = "key")]
        attribute: String,
        /// `rollout` or `variant` (edgeflag-v1; unleash: the seed).
        #[arg(long, default_value = "rollout")]
        purpose: String,
        /// edgeflag-v1, flagd-v2, unleash, growthbook-v1, growthbook-v2 or launchdarkly.
        #[arg(long, default_value = "edgeflag-v1")]
        scheme: String,
        /// How many buckets: flagd-v2 the sum of the weights; unleash 100 for rollouts, the sum
        /// of the weights for variants (default 1000).
        #[arg(long)]
        total: Option<u32>,
        /// Where a peer's SDKs disagree (docs/import.md): flagd-v2 utf8 | utf16-imurmurhash,
        /// unleash utf8 | utf16-low-byte, growthbook-* utf16 | utf8, launchdarkly float32 | float64.
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Set a ramp to a percentage, bump the version, and report which sampled users change.
    Rollout {
        snapshot: Option<String>,
        #[arg(long)]
        flag: String,
        /// New percentage for the ramped variation (up to 3 decimals), or an experiment's traffic.
        #[arg(long)]
        percent: String,
        /// The rule whose rollout to change (default: the fallthrough).
        #[arg(long)]
        rule: Option<String>,
        /// The ramped variation (default: the one that is not the off variation).
        #[arg(long)]
        variation: Option<String>,
        /// How many users to sample.
        #[arg(long, default_value_t = 10_000)]
        sample: u32,
        /// Attributes every sampled user has, as JSON (so they reach a rule's rollout).
        #[arg(long, default_value = "{}")]
        context: String,
        /// Write the new snapshot here instead of stdout.
        #[arg(long)]
        out: Option<String>,
        #[arg(long)]
        now: Option<String>,
    },
    /// Print the client-safe snapshot a browser may receive: client-visible flags, the flags
    /// they need as prerequisites and the segments they use, without descriptions or owners.
    ClientSnapshot {
        snapshot: Option<String>,
        /// Write it here instead of stdout.
        #[arg(long)]
        out: Option<String>,
    },
    /// Compile a snapshot (checked to load first) into the compiled form that runtimes which
    /// only evaluate decode without parsing JSON (docs/compiled.md). Writes bytes, not text.
    Compile {
        /// Snapshot file (`-` for stdin). A signed one compiles its contents, verified when keys
        /// are given.
        snapshot: Option<String>,
        /// The snapshot must be signed with this key (as for `validate`).
        #[arg(long)]
        public_key: Vec<String>,
        /// Sign the compiled snapshot with the key file `keygen` wrote (runtimes given its public
        /// key then load it, and refuse it changed).
        #[arg(long)]
        key: Option<String>,
        /// Write it here instead of stdout.
        #[arg(long)]
        out: Option<String>,
    },
    /// Make an Ed25519 key for signing snapshots: the secret seed goes to a new file (never
    /// overwritten); prints the public key runtimes are given and its key id.
    Keygen {
        /// Where to write the secret key (created with mode 0600; must not exist).
        #[arg(long)]
        out: String,
    },
    /// Sign a snapshot (checked to load first): writes the signed snapshot, an envelope around
    /// the snapshot's exact bytes (docs/snapshot.md, "Signed snapshots").
    Sign {
        /// Snapshot file (`-` for stdin). A signed one is signed again, its contents with this key.
        snapshot: String,
        /// The key file `keygen` wrote.
        #[arg(long)]
        key: String,
        /// Write it here instead of stdout.
        #[arg(long)]
        out: Option<String>,
    },
    /// Check a signed snapshot: its signature against the public keys given, then that it loads.
    Verify {
        /// Signed snapshot file (`-` for stdin).
        signed: String,
        /// A trusted public key (64 hex digits; repeat or comma-separate for several).
        #[arg(long, required = true)]
        public_key: Vec<String>,
    },
    /// List flags past their `expiresAt`.
    Stale {
        snapshot: Option<String>,
        #[arg(long)]
        now: Option<String>,
    },
    /// Run the conformance vectors on the native engine and print every result as JSON (what
    /// the other runtimes must reproduce exactly).
    Conformance {
        /// The vectors folder.
        #[arg(default_value = "tests/vectors")]
        dir: String,
        /// Load each snapshot through the compiled form (compile, then decode) rather than JSON.
        #[arg(long)]
        compiled: bool,
    },
    /// Convert a peer's configuration (flagd's flag file, Unleash's client features response,
    /// GrowthBook's SDK payload, LaunchDarkly's server-side SDK payload) into a snapshot that buckets every user as the peer does
    /// (docs/import.md). The snapshot is checked to load before it is written.
    Import {
        /// flagd, unleash, growthbook or launchdarkly.
        #[arg(long)]
        from: String,
        /// The peer's payload (`-` for stdin).
        file: String,
        /// Write the snapshot here instead of stdout.
        #[arg(long)]
        out: Option<String>,
        /// Import what has an exact equivalent and list what was left out, instead of refusing.
        #[arg(long)]
        skip_unsupported: bool,
        /// The snapshot's version (default: the time in milliseconds).
        #[arg(long)]
        version: Option<u64>,
        /// GrowthBook: the SDK connection's key for an encrypted payload.
        #[arg(long)]
        decryption_key: Option<String>,
        /// Which of the peer's SDKs to answer as where they differ: flagd flagd (Go, the default) or
        /// flagd-core; unleash yggdrasil (the default) or node; growthbook javascript; launchdarkly go
        /// (the default: Go and the Relay Proxy, float32) or node (float64).
        #[arg(long)]
        reference: Option<String>,
    },
    /// Print a deterministic synthetic snapshot (for benchmarks and load tests).
    Generate {
        /// How many flags: at most the limit a snapshot may hold (50,000), so that what is
        /// generated also loads.
        #[arg(long, default_value_t = 1000, value_parser = flag_count)]
        flags: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("edgeflag: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Demo => demo::run(),
        Command::Validate { snapshot, public_key } => {
            let source = Source::read(snapshot.as_deref())?;
            let keys = keys_arg(&public_key)?;
            let s = source.load(&keys)?;
            say!(
                "ok: {} — version {}, {} flags, {} segments, bucketing {}{}",
                source.name,
                s.version(),
                s.flags().len(),
                s.segment_count(),
                s.bucketing().name(),
                signer(&source.text, &keys)
            );
            Ok(())
        }
        Command::Compile { snapshot, public_key, key, out } => {
            let source = Source::read(snapshot.as_deref())?;
            let s = source.load(&keys_arg(&public_key)?)?;
            let mut bytes = s.to_compiled(source.contents()?.as_bytes());
            if let Some(path) = key {
                let key = input::signing_key(&path)?;
                bytes = key.sign_compiled(&bytes).map_err(|e| e.to_string())?;
                eprintln!("signed with key {}", key.public_key().id_hex());
            }
            match out {
                Some(path) => std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {path}: {e}"))?,
                None => {
                    use std::io::Write as _;
                    std::io::stdout()
                        .write_all(&bytes)
                        .map_err(|e| format!("cannot write the compiled snapshot: {e}"))?;
                }
            }
            let digest = edgeflag::compiled::digest_of(&bytes).map(|d| hex(&d)).unwrap_or_default();
            eprintln!(
                "compiled {} (version {}, {} flags): {} bytes from {}, source digest {digest}",
                source.name,
                s.version(),
                s.flags().len(),
                bytes.len(),
                source.text.len()
            );
            Ok(())
        }
        Command::Keygen { out } => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| format!("no randomness for a key: {e}"))?;
            let key = SigningKey::from_seed(seed).map_err(|e| e.to_string())?;
            write_new(&out, &format!("{}\n", key.seed_hex()))?;
            let public = key.public_key();
            print(&to_pretty(&serde_json::json!({ "publicKey": public.to_hex(), "keyId": public.id_hex() })));
            eprintln!("the secret key is in {out}: keep it secret; give runtimes the public key");
            Ok(())
        }
        Command::Sign { snapshot, key, out } => {
            let source = Source::read(Some(&snapshot))?;
            let contents = source.contents()?;
            let s = Snapshot::parse(contents).map_err(|e| source.refusal(&e))?;
            let key = input::signing_key(&key)?;
            let signed = key.sign(contents);
            match out {
                Some(path) => std::fs::write(&path, &signed).map_err(|e| format!("cannot write {path}: {e}"))?,
                None => print(&signed),
            }
            eprintln!("signed {} (version {}) with key {}", source.name, s.version(), key.public_key().id_hex());
            Ok(())
        }
        Command::Verify { signed, public_key } => {
            let source = Source::read(Some(&signed))?;
            let keys = keys_arg(&public_key)?;
            let s = source.load(&keys)?;
            say!(
                "ok: {} — version {}, {} flags{}",
                source.name,
                s.version(),
                s.flags().len(),
                signer(&source.text, &keys)
            );
            Ok(())
        }
        Command::Eval { snapshot, public_key, context, flag, now, default } => {
            let s = Source::read(snapshot.as_deref())?.load(&keys_arg(&public_key)?)?;
            let ctx = context_arg(&context)?;
            let now = now_arg(now.as_deref())?;
            let default = default
                .as_deref()
                .map(|d| Json::parse(d).map_err(|e| format!("--default is not JSON: {e}")))
                .transpose()?;
            let out = match flag {
                Some(key) => {
                    let e = s.evaluate(&key, &ctx, now, default.as_ref());
                    to_pretty(&EvaluationJson { evaluation: &e, default: default.as_ref() })
                }
                None if default.is_some() => return Err("--default applies to one flag: add --flag".into()),
                None => {
                    let all = s.evaluate_all(&ctx, now);
                    let map: serde_json::Map<String, serde_json::Value> = all
                        .iter()
                        .map(|(k, e)| {
                            let v = serde_json::to_value(EvaluationJson { evaluation: e, default: None });
                            (k.to_string(), v.unwrap_or_default())
                        })
                        .collect();
                    to_pretty(&map)
                }
            };
            print(&out);
            Ok(())
        }
        Command::Explain { snapshot, flag, context, now } => {
            let s = Source::read(snapshot.as_deref())?.snapshot()?;
            let ctx = context_arg(&context)?;
            let now = now_arg(now.as_deref())?;
            print(explain::render(&s, &flag, &s.explain(&flag, &ctx, now, None), now).trim_end());
            Ok(())
        }
        Command::Bucket { salt, unit, attribute, purpose, scheme, total, encoding } => {
            let request = bucket::Request {
                scheme: &scheme,
                salt: &salt,
                unit: &unit,
                attribute: &attribute,
                purpose: &purpose,
                total,
                encoding: encoding.as_deref(),
            };
            print(&to_pretty(&bucket::run(&request)?));
            Ok(())
        }
        Command::Rollout { snapshot, flag, percent, rule, variation, sample, context, out, now } => {
            let source = Source::read(snapshot.as_deref())?;
            let request = rollout::Request {
                flag: &flag,
                percent: &percent,
                rule: rule.as_deref(),
                variation: variation.as_deref(),
                sample,
                context: &context,
                now: now_arg(now.as_deref())?,
            };
            let (text, report) = rollout::run(&source, &request)?;
            match out {
                Some(path) => std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?,
                None => print(&text),
            }
            eprintln!("{report}");
            Ok(())
        }
        Command::ClientSnapshot { snapshot, out } => {
            let source = Source::read(snapshot.as_deref())?;
            let text = edgeflag::client_snapshot(source.contents()?).map_err(|e| source.refusal(&e))?;
            match out {
                Some(path) => std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?,
                None => print(&text),
            }
            Ok(())
        }
        Command::Stale { snapshot, now } => {
            let s = Source::read(snapshot.as_deref())?.snapshot()?;
            let now = now_arg(now.as_deref())?;
            let stale: Vec<_> = s.flags().iter().filter(|f| f.metadata().expires_at.is_some_and(|t| t < now)).collect();
            for f in &stale {
                let m = f.metadata();
                say!(
                    "{}\texpired {}\towner {}\t{}",
                    f.key(),
                    input::format_time(m.expires_at.unwrap_or_default()),
                    m.owner.as_deref().unwrap_or("-"),
                    m.description.as_deref().unwrap_or("")
                );
            }
            say!("{} of {} flags are past their expiry date", stale.len(), s.flags().len());
            Ok(())
        }
        Command::Conformance { dir, compiled } => {
            print(&conformance::run(std::path::Path::new(&dir), compiled)?);
            Ok(())
        }
        Command::Import { from, file, out, skip_unsupported, version, decryption_key, reference } => {
            let request = import::Request {
                from: &from,
                file: &file,
                skip_unsupported,
                version,
                decryption_key: decryption_key.as_deref(),
                reference: reference.as_deref(),
            };
            let (text, report) = import::run(&request)?;
            match out {
                Some(path) => std::fs::write(&path, text).map_err(|e| format!("cannot write {path}: {e}"))?,
                None => print(&text),
            }
            eprintln!("{report}");
            Ok(())
        }
        Command::Generate { flags, seed } => {
            print(&edgeflag::synthetic::snapshot(flags, seed));
            Ok(())
        }
    }
}

/// Bytes as lowercase hex digits.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `, signed with key <id>` for a snapshot that verified with `keys` (none given: nothing).
fn signer(text: &str, keys: &Keys) -> String {
    match Envelope::parse(text).ok().filter(|_| !keys.is_empty()).and_then(|e| e.verify(keys).ok()) {
        Some(key) => format!(", signed with key {}", key.id_hex()),
        None => String::new(),
    }
}

/// Writes a new file only: a key file is never overwritten, and only its owner may read it.
fn write_new(path: &str, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{path} exists; not overwriting a key"),
        _ => format!("cannot create {path}: {e}"),
    })?;
    file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))
}

fn print(text: &str) {
    say!("{text}");
}

fn to_pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("\"unserializable: {e}\""))
}

/// `--flags` of `generate`: a count a snapshot may hold (`limits::MAX_FLAGS`).
fn flag_count(text: &str) -> Result<usize, String> {
    let limit = edgeflag::limits::MAX_FLAGS;
    match text.parse::<usize>() {
        Ok(n) if n <= limit => Ok(n),
        _ => Err(format!("expected a number of flags from 0 to {limit}, the most a snapshot may hold")),
    }
}
