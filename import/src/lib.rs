//! Converters from a peer's SDK payload to an edgeflag snapshot (`docs/import.md`).
//!
//! Each peer has its own module with one `convert`: it reads the payload the peer's SDKs read,
//! and writes an ordinary snapshot whose rollouts name the peer's bucketing scheme, so every
//! unit keeps the bucket the peer gives it. A construct with no exact equivalent is refused with
//! its path (`ImportErrorKind::Unsupported`), or, with `Options::skip_unsupported`, left out and
//! listed in `Imported::skipped`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod error;
pub mod flagd;
pub mod growthbook;
mod json;
pub mod launchdarkly;
mod out;
pub mod unleash;

pub use error::{ImportError, ImportErrorKind};
pub use out::Skips;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// The peers a configuration can come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// flagd's flag file (`flags`, `$evaluators`).
    Flagd,
    /// Unleash's client features response (`GET /api/client/features`).
    Unleash,
    /// GrowthBook's SDK features payload (`GET /api/features/{clientKey}`).
    GrowthBook,
    /// LaunchDarkly's server-side SDK payload (`{flags, segments}`, `GET /sdk/latest-all`).
    LaunchDarkly,
}

impl Peer {
    /// Every peer, with its name on the command line.
    pub const ALL: [(&'static str, Peer); 4] = [
        ("flagd", Peer::Flagd),
        ("unleash", Peer::Unleash),
        ("growthbook", Peer::GrowthBook),
        ("launchdarkly", Peer::LaunchDarkly),
    ];

    /// The peer called `name` (`flagd`, `unleash`, `growthbook`, `launchdarkly`).
    pub fn named(name: &str) -> Option<Peer> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, p)| p)
    }
}

/// What an import needs beyond the payload.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The snapshot's `version` (monotonic; the host picks it, e.g. the peer's own revision).
    pub version: u64,
    /// The snapshot's `generatedAt` (RFC 3339), from the host's clock: the library reads none.
    pub generated_at: String,
    /// Leave out what has no exact equivalent, listing it, instead of refusing the payload.
    pub skip_unsupported: bool,
    /// GrowthBook: the SDK connection's decryption key, for encrypted payloads.
    pub decryption_key: Option<String>,
    /// Which of the peer's SDKs the snapshot answers as, where they differ; `None` is the peer's
    /// reference engine. flagd: `flagd` (its Go evaluator, the default) or `flagd-core`
    /// (JavaScript); Unleash: `yggdrasil` (the default) or `node` (unleash-client for Node);
    /// GrowthBook: `javascript` (its JavaScript SDK, the default and only one); LaunchDarkly:
    /// `go` (its Go SDK, which the Relay Proxy runs: the default) or `node` (its JavaScript SDKs). A name the
    /// peer's converter does not know is `invalid` (docs/import.md).
    pub reference: Option<String>,
}

/// A converted configuration.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The edgeflag snapshot.
    pub snapshot: Json<'static>,
    /// What `Options::skip_unsupported` left out, each with its path and why.
    pub skipped: Vec<ImportError>,
}

/// Converts `text`, a payload of `peer`, into an edgeflag snapshot.
pub fn import(peer: Peer, text: &str, options: &Options) -> Result<Imported, ImportError> {
    let doc = Json::parse(text).map_err(|e| ImportError::invalid("", e.to_string()))?;
    let mut skips = Skips::new(options.skip_unsupported);
    let snapshot = match peer {
        Peer::Flagd => flagd::convert(&doc, options, &mut skips)?,
        Peer::Unleash => unleash::convert(&doc, options, &mut skips)?,
        Peer::GrowthBook => match options.reference.as_deref() {
            None | Some("javascript") => growthbook::convert(&doc, options, &mut skips)?,
            Some(other) => {
                let why = alloc::format!("reference {other:?}: GrowthBook's is javascript");
                return Err(ImportError::invalid("", why));
            }
        },
        Peer::LaunchDarkly => launchdarkly::convert(&doc, options, &mut skips)?,
    };
    // What every caller would do next, done once here: a conversion that does not load is a
    // converter's fault, reported with the snapshot's own path rather than handed on.
    if let Err(e) = edgeflag::Snapshot::from_json(&snapshot) {
        let message = [e.message.as_str(), " (", e.kind.code(), ")"].concat();
        return Err(ImportError { kind: ImportErrorKind::Snapshot, path: e.path, message });
    }
    Ok(Imported { snapshot, skipped: skips.into_list() })
}
