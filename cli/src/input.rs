//! Reading command-line inputs: snapshots, contexts, times.

use edgeflag::signature::{Keys, SigningKey};
use edgeflag::{parse_timestamp, Context, Json, LoadError, Snapshot};
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

/// The example snapshot shipped in the binary.
pub const EXAMPLE: &str = include_str!("../../examples/snapshot.json");

/// Snapshot text and where it came from.
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn read(path: Option<&str>) -> Result<Source, String> {
        match path {
            None => Ok(Source { name: "embedded example".into(), text: EXAMPLE.into() }),
            Some("-") => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|e| format!("stdin: {e}"))?;
                Ok(Source { name: "stdin".into(), text })
            }
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"))?;
                Ok(Source { name: p.into(), text })
            }
        }
    }

    /// The snapshot, plain or signed (a signed one's signature unchecked: see [`Source::load`]).
    pub fn snapshot(&self) -> Result<Snapshot, String> {
        self.load(&Keys::default())
    }

    /// The snapshot, which must be signed with one of `keys` when there are any.
    pub fn load(&self, keys: &Keys) -> Result<Snapshot, String> {
        Snapshot::parse_signed(&self.text, keys).map_err(|e| self.refusal(&e))
    }

    /// The snapshot's text: a signed snapshot's contents, else the text read.
    pub fn contents(&self) -> Result<&str, String> {
        edgeflag::signature::contents(&self.text).map_err(|e| self.refusal(&e))
    }

    /// How a load error reads: `file: path: message [kind]`.
    pub fn refusal(&self, e: &LoadError) -> String {
        format!("{}: {} [{}]", self.name, e, e.kind.code())
    }
}

/// `--context`: JSON text, or `@FILE`. An unusable context is an error here (the library would
/// return it as an error result for every flag).
pub fn context_arg(arg: &str) -> Result<Context<'static>, String> {
    let text = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?,
        None => arg.into(),
    };
    let ctx = Context::parse(&text);
    match ctx.error() {
        Some(e) => Err(format!("--context: {} [{}]", e.message, e.code.name())),
        None => Ok(ctx.into_owned()),
    }
}

/// `--public-key`, repeated or comma-separated: the keys a snapshot must be signed with.
pub fn keys_arg(args: &[String]) -> Result<Keys, String> {
    Keys::parse(&args.join(",")).map_err(|e| format!("--public-key: {e}"))
}

/// A key file written by `edgeflag keygen`: the secret seed as 64 hex digits.
pub fn signing_key(path: &str) -> Result<SigningKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    SigningKey::from_hex(&text).map_err(|e| format!("{path}: {e}"))
}

pub fn json_arg<'a>(name: &str, arg: &'a str) -> Result<Json<'a>, String> {
    Json::parse(arg).map_err(|e| format!("{name} is not JSON: {e}"))
}

/// `--now`: RFC 3339, a date, or epoch milliseconds; the clock when absent.
pub fn now_arg(arg: Option<&str>) -> Result<i64, String> {
    match arg {
        None => {
            let since = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
            Ok(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
        }
        Some(s) => s
            .parse::<i64>()
            .ok()
            .or_else(|| parse_timestamp(s))
            .ok_or(format!("--now {s:?} is not RFC 3339, a date or epoch milliseconds")),
    }
}

/// Milliseconds since the epoch as RFC 3339.
pub fn format_time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| format!("{ms} ms"))
}
