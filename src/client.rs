//! Client-safe snapshots: the part of a snapshot a browser may receive (`docs/snapshot.md`,
//! "Client-safe snapshots").
//!
//! A host that evaluates in the browser needs a snapshot, but the full one names server-only
//! flags, their audiences and who owns what. The derived snapshot keeps what the client-visible
//! flags need to evaluate exactly as they do on the server, and nothing else.

use crate::error::LoadError;
use crate::hashed::{self, Salt};
use crate::json::document as parse_document;
use crate::json::schema::map;
use crate::json::schema::unit_text;
use crate::json::write::{comma, member, write};
use crate::json::Json;
use crate::model::clause::{Clause, Test};
use crate::model::snapshot::Snapshot;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The client-safe snapshot of `text`, as compact JSON text.
///
/// `text` is loaded first, as [`Snapshot::parse`] loads it, so a snapshot that does not load
/// gives exactly that [`LoadError`] (only what loads may be sent on). The result holds:
///
/// - `formatVersion`, `version`, `generatedAt` and `bucketing` as `text` has them;
/// - every flag with `clientVisible: true` and, transitively, the flags they name as
///   prerequisites, which a client-visible flag needs to evaluate identically; those are kept
///   with `clientVisible: false`, so hosts neither list nor serve them;
/// - only the segments those flags use through `segmentMatch`, directly or through other kept
///   segments;
/// - no `metadata.description`, `metadata.owner` or rule or variation `description`: people's
///   notes, never read by evaluation (`tags`, dates and `trackEvents` stay);
/// - no target key or segment member: targets' `values` become `hashes`, segments' `included`
///   and `excluded` become `includedHashes` and `excludedHashes` (sorted), salted with the
///   snapshot's `keyHashing.salt` if it has one, else with a salt derived from `text` (written
///   as `keyHashing`), so membership evaluates as before and each published snapshot hashes
///   differently.
///
/// Flags and segments come out sorted by key, every other member in document order, so the
/// same snapshot always gives the same bytes (an ETag over them is stable).
pub fn client_snapshot(text: &str) -> Result<String, LoadError> {
    let doc = parse_document(text)?;
    let snapshot = Snapshot::from_json(&doc)?;
    // What is kept, by index (flags and segments are sorted by key): `SHOWN` the client-visible
    // flags, `NEEDED` the flags and segments they need, found pass after pass until one adds
    // nothing (as many passes as prerequisites or segments nest deep, at most 64, plus one).
    let mut flags: Vec<u8> = snapshot.flags.iter().map(|f| if f.client_visible { SHOWN } else { 0 }).collect();
    let mut segments = vec![0; snapshot.segments.len()];
    let mut more = true;
    while more {
        more = false;
        for (i, f) in snapshot.flags.iter().enumerate() {
            if flags[i] > 0 {
                for p in &f.prerequisites {
                    more |= need(&mut flags, p.flag);
                }
                for r in &f.rules {
                    more |= mark(&r.clauses, &mut segments);
                    #[cfg(feature = "peers")]
                    for p in &r.prerequisites {
                        more |= need(&mut flags, p.flag);
                    }
                }
            }
        }
        for (i, s) in snapshot.segments.iter().enumerate() {
            if segments[i] > 0 {
                for clauses in &s.rules {
                    more |= mark(clauses, &mut segments);
                }
            }
        }
    }

    let salt = snapshot.salt.unwrap_or_else(|| derived_salt(&doc.to_text()));
    let mut out = String::from("{");
    if let Json::Object(top) = &doc {
        // Besides these the loader allows only formatVersion, version, generatedAt, bucketing.
        for (name, v) in top.iter().filter(|(name, _)| !matches!(&**name, "$schema" | "segments" | "flags")) {
            member(&mut out, name);
            write(v, &mut out);
        }
    }
    if snapshot.salt.is_none() {
        member(&mut out, "keyHashing");
        out.push_str("{\"algorithm\":\"");
        out.push_str(hashed::ALGORITHM);
        out.push_str("\",\"salt\":\"");
        out.push_str(&crate::hex::encode(&salt.0));
        out.push_str("\"}");
    }
    write_kept(&doc, "segments", &segments, &salt, &mut out);
    write_kept(&doc, "flags", &flags, &salt, &mut out);
    out.push('}');
    Ok(out)
}

/// Kept, as a prerequisite or a segment used.
const NEEDED: u8 = 1;
/// A client-visible flag.
const SHOWN: u8 = 2;

/// Keeps flag (or segment) `i`; true if it was not kept yet.
fn need(kept: &mut [u8], i: u32) -> bool {
    let k = &mut kept[i as usize];
    let new = *k == 0;
    *k = (*k).max(NEEDED);
    new
}

/// Keeps the segments `clauses` name through `segmentMatch`; true if one was not kept yet.
fn mark(clauses: &[Clause], segments: &mut [u8]) -> bool {
    let mut more = false;
    for c in clauses {
        if let Test::Segment(keys) = &c.test {
            for &s in keys {
                more |= need(segments, s);
            }
        }
    }
    more
}

/// The member `name` (`flags` or `segments`) with the entries kept: the loader's reading of it
/// is sorted by key as the compiled flags and segments are, so entry `i` is `kept[i]`. Flags get
/// `clientVisible` last, false for those kept only as prerequisites, so hosts neither list nor
/// serve them.
fn write_kept(doc: &Json<'_>, name: &str, kept: &[u8], salt: &Salt, out: &mut String) {
    member(out, name);
    out.push('{');
    let entries = doc.get(name).and_then(|v| map(v).ok()).unwrap_or_default();
    for ((key, v), &k) in entries.iter().zip(kept).filter(|(_, k)| **k > 0) {
        member(out, key);
        write_clean(v, salt, false, out);
        if name == "flags" {
            // A flag has members (`on` at least), so this follows one.
            out.pop();
            out.push_str(if k == SHOWN { ",\"clientVisible\":true}" } else { ",\"clientVisible\":false}" });
        }
    }
    out.push('}');
}

/// `v` without notes or keys: members named `description` or `owner` are dropped wherever the
/// format allows them (metadata, rules, variations), and `clientVisible`, which `write_kept`
/// writes; listed values are hashed (a target's `values`, when `target`; a segment's `included`
/// and `excluded`, the only members so named); variation values, which are data, are written as
/// they are.
fn write_clean(v: &Json<'_>, salt: &Salt, target: bool, out: &mut String) {
    match v {
        Json::Object(members) => {
            out.push('{');
            let hashed_as = |name: &str| match name {
                "values" | "hashes" if target => Some("hashes"),
                "included" | "includedHashes" => Some("includedHashes"),
                "excluded" | "excludedHashes" => Some("excludedHashes"),
                _ => None,
            };
            let mut lists: Vec<(&str, Vec<String>)> = Vec::new();
            for (name, value) in
                members.iter().filter(|(k, _)| !matches!(&**k, "description" | "owner" | "clientVisible"))
            {
                if let Some(list) = hashed_as(name) {
                    let items = match value {
                        Json::Array(items) => &items[..],
                        _ => &[],
                    };
                    // Already hashed lists are kept; values (strings or integers) are hashed.
                    let digests = items.iter().map(|v| match name.ends_with("Hashes") || *name == "hashes" {
                        true => String::from(v.as_str().unwrap_or_default()),
                        false => hashed::text(&salt.hash(&unit_text(v))),
                    });
                    match lists.iter_mut().find(|(l, _)| *l == list) {
                        Some((_, all)) => all.extend(digests),
                        None => lists.push((list, digests.collect())),
                    }
                    continue;
                }
                member(out, name);
                if name == "value" {
                    write(value, out);
                } else {
                    write_clean(value, salt, name == "targets", out);
                }
            }
            // Sorted, so that their order says nothing of the keys' (or of when they were added).
            for (list, digests) in lists {
                member(out, list);
                out.push('[');
                for i in crate::sets::order_by_key(digests.len(), &|i| &digests[i]) {
                    comma(out);
                    out.push('"');
                    out.push_str(&digests[i]);
                    out.push('"');
                }
                out.push(']');
            }
            out.push('}');
        }
        Json::Array(items) => {
            out.push('[');
            for item in items {
                comma(out);
                write_clean(item, salt, target, out);
            }
            out.push(']');
        }
        _ => write(v, out),
    }
}

/// The salt of a snapshot's client-safe derivation when it has none: the first 16 bytes of
/// SHA-512("edgeflag-client-salt\n" ‖ `compact`, the snapshot as compact JSON text), new with
/// every snapshot published and the same for the same snapshot however it is spaced (so an
/// ETag over the result is stable, and every runtime derives the same bytes).
fn derived_salt(text: &str) -> Salt {
    let mut h = ed25519_compact::sha512::Hash::new();
    h.update(b"edgeflag-client-salt\n");
    h.update(text.as_bytes());
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&h.finalize()[..16]);
    Salt(salt)
}
