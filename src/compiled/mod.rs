//! The compiled snapshot form (`docs/compiled.md`): a validated snapshot as compact, versioned,
//! checksummed bytes that runtimes which only evaluate decode without parsing JSON. Publishers
//! (the CLI, the Worker, Node's `compile()`) write it with [`Snapshot::to_compiled`]; runtimes
//! read it with [`Snapshot::from_compiled`], which checks every length, index and reference
//! and refuses what it does not understand with a typed error.
//!
//! The form carries the digest of the JSON text it was compiled from, so signatures, ETags and
//! reports still name that document. It may be signed (`SigningKey::sign_compiled`): an engine
//! with keys checks the signature before it reads past the header (`Keys::check_compiled`).

mod bytes;
mod clause;
mod flag;
mod json;
mod segment;
mod serve;
mod snapshot;

use crate::error::{LoadError, LoadErrorKind};
use crate::eval::bucketing::Scheme;
use crate::message::message;
use crate::model::snapshot::Snapshot;
use alloc::vec::Vec;
use bytes::{Corrupt, Reader, Writer};

/// The first four bytes of every compiled snapshot.
pub const MAGIC: [u8; 4] = *b"EFCS";

/// The format version this evaluator writes and reads.
pub const FORMAT: u16 = 1;

/// Bytes before the body: magic, format, features, body length, body checksum, digest.
pub const HEADER_BYTES: usize = 52;

/// The features bit of a signed compiled snapshot: the body is followed by a key id and an
/// Ed25519 signature ([`TRAILER_BYTES`]).
pub const SIGNED: u16 = 1;

/// The features bit of a compiled snapshot with rollouts bucketed by a peer's scheme (serve tag
/// 3): an evaluator built without them refuses it as a feature it does not read.
pub const PEERS: u16 = 2;

/// The features this evaluator reads.
const READS: u16 = if cfg!(feature = "peers") { SIGNED | PEERS } else { SIGNED };

/// A signature's trailer: the signing key's id (8 bytes), then the signature (64).
pub const TRAILER_BYTES: usize = 72;

/// What is signed before the compiled snapshot's bytes: a signature over one cannot be taken for
/// one over anything else the same key signs (JSON snapshots have their own).
pub const DOMAIN: &[u8] = b"edgeflag-compiled-v1\n";

/// What bounds the indexes read in a body.
pub(crate) struct Bounds {
    pub scheme: Scheme,
    pub segments: usize,
    pub flags: usize,
    /// Whether the header announces rollouts with a peer's scheme ([`PEERS`]).
    #[cfg(feature = "peers")]
    pub peers: bool,
}

/// Whether `bytes` begin as a compiled snapshot does (any format version).
pub fn is_compiled(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// The first 32 bytes of the SHA-512 of the JSON text a snapshot was compiled from: how the
/// compiled form names its source.
pub fn source_digest(json: &[u8]) -> [u8; 32] {
    let mut d = [0; 32];
    d.copy_from_slice(&ed25519_compact::sha512::Hash::hash(json)[..32]);
    d
}

/// A signed compiled snapshot's parts: the bytes signed (after [`DOMAIN`]), the key id and the
/// signature; `None` when `bytes` are not marked signed or too short to be.
pub fn signed_parts(bytes: &[u8]) -> Option<(&[u8], [u8; 8], [u8; 64])> {
    let signed = features(bytes)? & SIGNED != 0;
    let at = bytes.len().checked_sub(TRAILER_BYTES).filter(|&at| signed && at >= HEADER_BYTES)?;
    let (message, trailer) = bytes.split_at(at);
    let mut id = [0; 8];
    id.copy_from_slice(&trailer[..8]);
    let mut signature = [0; 64];
    signature.copy_from_slice(&trailer[8..]);
    Some((message, id, signature))
}

/// The header's features word, if `bytes` have a header.
fn features(bytes: &[u8]) -> Option<u16> {
    let h = bytes.get(..HEADER_BYTES).filter(|_| is_compiled(bytes))?;
    Some(u16::from_le_bytes([h[6], h[7]]))
}

/// That `bytes` are an unsigned compiled snapshot this evaluator reads (what signing takes).
#[cfg(feature = "sign")]
pub(crate) fn check_unsigned(bytes: &[u8]) -> Result<(), LoadError> {
    Snapshot::from_compiled(bytes)?;
    match features(bytes) {
        Some(f) if f & SIGNED == 0 => Ok(()),
        _ => Err(LoadError {
            kind: LoadErrorKind::UnsupportedFormat,
            path: alloc::string::String::new(),
            message: alloc::string::String::from("the compiled snapshot is signed already"),
        }),
    }
}

/// The source digest a compiled snapshot's header carries, if it has a header.
pub fn digest_of(bytes: &[u8]) -> Option<[u8; 32]> {
    let d = bytes.get(20..HEADER_BYTES).filter(|_| is_compiled(bytes))?;
    let mut out = [0; 32];
    out.copy_from_slice(d);
    Some(out)
}

/// The checksum of a body (not a hash for bucketing: it only detects damage).
fn checksum(body: &[u8]) -> u64 {
    xxhash_rust::xxh64::xxh64(body, 0)
}

impl Snapshot {
    /// This snapshot in the compiled form, naming `source` (the JSON text it was loaded from)
    /// by its digest. The same snapshot and source always give the same bytes.
    pub fn to_compiled(&self, source: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.out.resize(HEADER_BYTES, 0);
        snapshot::write(&mut w, self);
        let mut out = w.out;
        let body = out.len() - HEADER_BYTES;
        let sum = checksum(&out[HEADER_BYTES..]);
        out[..4].copy_from_slice(&MAGIC);
        out[4..6].copy_from_slice(&FORMAT.to_le_bytes());
        out[6..8].copy_from_slice(&snapshot::features(self).to_le_bytes());
        out[8..12].copy_from_slice(&(body as u32).to_le_bytes());
        out[12..20].copy_from_slice(&sum.to_le_bytes());
        out[20..HEADER_BYTES].copy_from_slice(&source_digest(source));
        out
    }

    /// Decodes a compiled snapshot. Bytes that are not one, of another format version, truncated
    /// or damaged are refused (`unsupported_format`, `corrupt`); nothing in them can make the
    /// decoder or a later evaluation panic or loop.
    pub fn from_compiled(bytes: &[u8]) -> Result<Snapshot, LoadError> {
        let error =
            |kind, message: alloc::string::String| LoadError { kind, path: alloc::string::String::new(), message };
        if !is_compiled(bytes) {
            return Err(error(LoadErrorKind::UnsupportedFormat, message!("not a compiled snapshot").text()));
        }
        let Some(header) = bytes.get(..HEADER_BYTES) else {
            return Err(corrupt(Corrupt { at: bytes.len(), why: "truncated" }));
        };
        let word = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]);
        if word(4) != FORMAT || word(6) & !READS != 0 {
            // Both numbers: a newer publisher may keep the format and add a feature.
            let (mut n, mut f) = (itoa::Buffer::new(), itoa::Buffer::new());
            let (n, f) = (n.format(i64::from(word(4))), f.format(i64::from(word(6))));
            #[cfg(feature = "peers")]
            let m = message!(
                "compiled format ",
                n,
                " with features ",
                f,
                " is not supported (this evaluator reads 1 with features 0 to 3)"
            );
            #[cfg(not(feature = "peers"))]
            let m = message!(
                "compiled format ",
                n,
                " with features ",
                f,
                " is not supported (this evaluator reads 1 with 0 or 1)"
            );
            return Err(error(LoadErrorKind::UnsupportedFormat, m.text()));
        }
        let mut length = [0; 4];
        length.copy_from_slice(&header[8..12]);
        let mut sum = [0; 8];
        sum.copy_from_slice(&header[12..20]);
        // A signature (checked by an engine with keys, before this) follows the body.
        let trailer = if word(6) & SIGNED != 0 { TRAILER_BYTES } else { 0 };
        let Some(body) = bytes.len().checked_sub(trailer).and_then(|end| bytes.get(HEADER_BYTES..end)) else {
            return Err(corrupt(Corrupt { at: 0, why: "truncated" }));
        };
        if u32::from_le_bytes(length) as usize != body.len() {
            let why =
                if (u32::from_le_bytes(length) as usize) > body.len() { "truncated" } else { "bytes after the end" };
            return Err(corrupt(Corrupt { at: body.len(), why }));
        }
        if checksum(body) != u64::from_le_bytes(sum) {
            return Err(corrupt(Corrupt { at: 0, why: "checksum mismatch" }));
        }
        let mut r = Reader::new(body);
        let s = snapshot::read(&mut r, word(6)).map_err(corrupt)?;
        match r.at_end() {
            true => Ok(s),
            false => Err(corrupt(Corrupt { at: body.len(), why: "bytes after the end" })),
        }
    }
}

#[cold]
fn corrupt(c: Corrupt) -> LoadError {
    LoadError {
        kind: LoadErrorKind::Corrupt,
        path: alloc::string::String::new(),
        message: message!(
            "compiled snapshot damaged at byte ",
            itoa::Buffer::new().format((HEADER_BYTES + c.at) as i64),
            ": ",
            c.why
        )
        .text(),
    }
}
