//! `edgeflag import`: a peer's configuration into an edgeflag snapshot, checked to load.

use crate::input::{format_time, now_arg, Source};
use edgeflag::{Json, Snapshot};
use edgeflag_import::{import, Options, Peer};

pub struct Request<'a> {
    pub from: &'a str,
    pub file: &'a str,
    pub skip_unsupported: bool,
    pub version: Option<u64>,
    pub decryption_key: Option<&'a str>,
    pub flagd_core: bool,
}

/// The snapshot's text and a report for stderr (what was left out), or why it was refused.
pub fn run(request: &Request<'_>) -> Result<(String, String), String> {
    let peer = Peer::named(request.from).ok_or_else(|| {
        let names: Vec<_> = Peer::ALL.iter().map(|(n, _)| *n).collect();
        format!("--from {:?}: expected one of {}", request.from, names.join(", "))
    })?;
    let text = Source::read(Some(request.file))?.text;
    let now = now_arg(None)?;
    let options = Options {
        // Without one given, the time in milliseconds: monotonic across imports, as engines require.
        version: request.version.unwrap_or(u64::try_from(now).unwrap_or_default()),
        generated_at: format_time(now),
        skip_unsupported: request.skip_unsupported,
        decryption_key: request.decryption_key.map(str::to_string),
        flagd_core: request.flagd_core,
    };
    let imported = import(peer, &text, &options).map_err(|e| format!("{}: {e}", request.file))?;
    let out = imported.snapshot.to_text();
    // The library checked it loads; read back from the text written, as a user will.
    let loaded = Snapshot::from_json(&Json::parse(&out).map_err(|e| e.to_string())?)
        .map_err(|e| format!("{}: the snapshot written does not load: {e}", request.file))?;
    let mut report = format!(
        "imported {} from {}: {} flags, {} segments",
        request.file,
        request.from,
        loaded.flags().len(),
        loaded.segment_count()
    );
    if !imported.skipped.is_empty() {
        report += &format!("; left out {} (--skip-unsupported):", imported.skipped.len());
        for s in &imported.skipped {
            report += &format!("\n  {s}");
        }
    }
    Ok((out, report))
}
