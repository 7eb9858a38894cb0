//! A peer's payload as a snapshot to publish: the peer and import options that a publish's query
//! or the poller's settings name, the conversion itself by `edgeflag-import` (nothing of a peer's
//! format is read here), and which imported flags the Worker may serve to browsers.

use edgeflag::bucketing::hash;
use edgeflag::Json;
use edgeflag_import::{import, ImportError, Options, Peer};
use serde_json::{json, Value};
use worker::Url;

/// How a payload is converted: the peer, the import options, the flags made client-visible.
#[derive(Clone, Debug, PartialEq)]
pub struct How {
    pub peer: Peer,
    /// The peer's name as `?from=` and `PEER_SOURCE` spell it (`Peer::ALL`).
    pub name: &'static str,
    /// `reference` (docs/import.md): which of the peer's SDKs the snapshot answers as.
    pub reference: Option<String>,
    /// `skipUnsupported`: leave out what has no exact equivalent, listing it.
    pub skip_unsupported: bool,
    pub client_visible: Visible,
}

/// Which imported flags get `clientVisible: true`. Peers have no such notion, and `/flags` and
/// `GET /snapshot` serve client-visible flags only, so the publisher says; none by default, as
/// for any snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    None,
    All,
    /// These keys; keys the import lacks are ignored (a flag deleted at the peer must not stop
    /// the poller).
    Keys(Vec<String>),
}

impl Visible {
    /// `all`, `none`, or flag keys separated by commas.
    pub fn parse(text: &str) -> Visible {
        match text.trim() {
            "" | "none" => Visible::None,
            "all" => Visible::All,
            list => Visible::Keys(list.split(',').map(str::trim).filter(|k| !k.is_empty()).map(String::from).collect()),
        }
    }

    fn includes(&self, key: &str) -> bool {
        match self {
            Visible::None => false,
            Visible::All => true,
            Visible::Keys(keys) => keys.iter().any(|k| k == key),
        }
    }
}

/// A setting or query parameter that cannot be read: its name and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub path: String,
    pub message: String,
}

impl ParamError {
    fn new(path: &str, message: String) -> ParamError {
        ParamError { path: path.into(), message }
    }
}

/// The peer called `name`, with its name as a static string. The list is `edgeflag-import`'s, so
/// a peer added there is accepted by `?from=` and `PEER_SOURCE` as it is.
pub fn peer_named(name: &str, path: &str) -> Result<(Peer, &'static str), ParamError> {
    Peer::ALL.iter().find(|(n, _)| *n == name).map(|&(n, p)| (p, n)).ok_or_else(|| {
        let names: Vec<&str> = Peer::ALL.iter().map(|(n, _)| *n).collect();
        ParamError::new(path, format!("{name:?} is not a peer: expected one of {}", names.join(", ")))
    })
}

/// `true` or `false` (a setting or parameter named `path`).
pub fn flag(text: &str, path: &str) -> Result<bool, ParamError> {
    match text.trim() {
        "true" | "1" => Ok(true),
        "" | "false" | "0" => Ok(false),
        other => Err(ParamError::new(path, format!("{other:?}: expected true or false"))),
    }
}

/// A snapshot version: an integer every runtime holds exactly.
fn version(text: &str) -> Result<u64, ParamError> {
    let v = text.parse::<u64>().ok().filter(|&v| v <= 9_007_199_254_740_991);
    v.ok_or_else(|| ParamError::new("version", format!("{text:?}: expected an integer from 0 to 2^53 - 1")))
}

/// What `PUT /admin/snapshot?from=…` asks for.
#[derive(Debug, PartialEq)]
pub struct Params {
    pub how: How,
    /// `version`: the snapshot's version; without it, one above KV's.
    pub version: Option<u64>,
}

const PARAMS: [&str; 5] = ["from", "reference", "skipUnsupported", "clientVisible", "version"];

impl Params {
    /// The import a publish's query asks for: `None` without `from` (the body is a snapshot).
    /// Unknown or repeated parameters are refused rather than ignored: a misspelt
    /// `skipUnsuported` would otherwise publish something else than what was meant.
    pub fn from_url(url: &Url) -> Result<Option<Params>, ParamError> {
        let mut given: Vec<(String, String)> = Vec::new();
        for (name, value) in url.query_pairs() {
            if !PARAMS.contains(&name.as_ref()) {
                let message = format!("unknown parameter; a publish takes {}", PARAMS.join(", "));
                return Err(ParamError::new(&name, message));
            }
            if given.iter().any(|(n, _)| *n == name) {
                return Err(ParamError::new(&name, "given twice".into()));
            }
            given.push((name.into_owned(), value.into_owned()));
        }
        let get = |name: &str| given.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let Some(from) = get("from") else {
            return match given.first() {
                Some((name, _)) => Err(ParamError::new(name, "only with from=<peer>".into())),
                None => Ok(None),
            };
        };
        let (peer, name) = peer_named(from, "from")?;
        let version = get("version").map(version).transpose()?;
        let how = How {
            peer,
            name,
            reference: get("reference").filter(|r| !r.is_empty()).map(String::from),
            skip_unsupported: flag(get("skipUnsupported").unwrap_or_default(), "skipUnsupported")?,
            client_visible: Visible::parse(get("clientVisible").unwrap_or_default()),
        };
        Ok(Some(Params { how, version }))
    }
}

/// A converted payload: the snapshot, the hash of its content (all but `version` and
/// `generatedAt`, so the poller sees whether the peer's flags changed), what was left out.
pub struct Converted {
    snapshot: Json<'static>,
    pub content_hash: u64,
    pub skipped: Vec<ImportError>,
}

impl Converted {
    /// The snapshot's text with its `version` and `generatedAt` (RFC 3339).
    pub fn text(mut self, version: u64, generated_at: &str) -> String {
        self.snapshot.set("version", Json::Number(version as f64));
        self.snapshot.set("generatedAt", Json::String(generated_at.to_string().into()));
        self.snapshot.to_text()
    }
}

/// Converts `payload` as `how` says.
pub fn convert(how: &How, payload: &str, decryption_key: Option<String>) -> Result<Converted, ImportError> {
    // A fixed version and time until the caller sets them: the hash depends on the flags only.
    let options = Options {
        version: 0,
        generated_at: "1970-01-01T00:00:00Z".into(),
        skip_unsupported: how.skip_unsupported,
        decryption_key,
        reference: how.reference.clone(),
    };
    let imported = import(how.peer, payload, &options)?;
    let mut snapshot = imported.snapshot;
    if let Some(Json::Object(flags)) = snapshot.get_mut("flags") {
        for (_, flag) in flags.iter_mut().filter(|(k, _)| how.client_visible.includes(k)) {
            flag.set("clientVisible", Json::Bool(true));
        }
    }
    let content_hash = hash(snapshot.to_text().as_bytes());
    Ok(Converted { snapshot, content_hash, skipped: imported.skipped })
}

/// What `skipUnsupported` left out, as responses and `/health` list it.
pub fn skipped_json(skipped: &[ImportError]) -> Value {
    skipped.iter().map(|s| json!({ "kind": s.kind.code(), "path": s.path, "message": s.message })).collect()
}

/// The host's clock as RFC 3339 (`generatedAt`).
pub fn now_rfc3339() -> String {
    worker::js_sys::Date::new_0().to_iso_string().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> Result<Option<Params>, ParamError> {
        Params::from_url(&Url::parse(&format!("http://w/admin/snapshot{query}")).unwrap())
    }

    #[test]
    fn publish_parameters() {
        assert_eq!(params(""), Ok(None));
        let p = params("?from=growthbook&skipUnsupported=true&clientVisible=a,%20b&version=9").unwrap().unwrap();
        assert_eq!((p.how.name, p.how.skip_unsupported, p.version), ("growthbook", true, Some(9)));
        assert_eq!(p.how.client_visible, Visible::Keys(vec!["a".into(), "b".into()]));
        let p = params("?from=unleash&reference=node").unwrap().unwrap();
        assert_eq!((p.how.reference.as_deref(), p.how.client_visible, p.version), (Some("node"), Visible::None, None));
        assert_eq!(params("?from=launchdarkly2").unwrap_err().path, "from");
        assert_eq!(params("?from=flagd&skipUnsuported=true").unwrap_err().path, "skipUnsuported");
        assert_eq!(params("?from=flagd&from=unleash").unwrap_err().path, "from");
        assert_eq!(params("?skipUnsupported=true").unwrap_err().path, "skipUnsupported");
        assert_eq!(params("?from=flagd&version=-1").unwrap_err().path, "version");
        assert_eq!(params("?from=flagd&skipUnsupported=yes").unwrap_err().path, "skipUnsupported");
    }

    #[test]
    fn content_hash_ignores_version_and_time() {
        let how = How {
            peer: Peer::Flagd,
            name: "flagd",
            reference: None,
            skip_unsupported: false,
            client_visible: Visible::All,
        };
        let payload =
            r#"{"flags":{"banner":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}}}"#;
        let at = |payload: &str| convert(&how, payload, None).unwrap();
        let (a, b) = (at(payload), at(payload));
        assert_eq!(a.content_hash, b.content_hash);
        let (a_hash, a) = (a.content_hash, a.text(1, "2026-12-01T00:00:00Z"));
        assert_ne!(a, b.text(2, "2026-12-02T00:00:00Z"));
        assert!(a.contains("\"clientVisible\":true") && a.contains("\"version\":1,"), "{a}");
        let off = payload.replace("\"on\"}", "\"off\"}");
        assert_ne!(at(&off).content_hash, a_hash);
        let hidden = How { client_visible: Visible::None, ..how };
        assert_ne!(convert(&hidden, payload, None).unwrap().content_hash, a_hash);
    }
}
