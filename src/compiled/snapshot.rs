//! The body: version, `generatedAt`, bucketing scheme, the hashed lists' salt, segments, flags.
//! What loading derives (the prerequisite order, costs; `Snapshot::from_parts` the rest) is
//! derived again here from what is read, and checked as the JSON loader checks it.

use super::bytes::{Reader, Result, Writer};
use super::{flag, segment, Bounds};
use crate::eval::bucketing::Scheme;
use crate::hashed::Salt;
use crate::json::MAX_SAFE_INTEGER;
use crate::limits::{MAX_FLAGS, MAX_SEGMENTS};
use crate::model::graph::{self, Problem};
use crate::model::snapshot::{Parts, Snapshot};

pub(super) fn write(w: &mut Writer, s: &Snapshot) {
    w.uint(s.version);
    w.int(s.generated_at);
    w.u8(match s.scheme {
        Scheme::EdgeflagV1 => 0,
    });
    match &s.salt {
        Some(salt) => {
            w.u8(1);
            w.out.extend_from_slice(&salt.0);
        }
        None => w.u8(0),
    }
    w.list(&s.segments, segment::write);
    // What only imported snapshots hold is written under the header's PEERS bit, as read.
    let peers = features(s) & super::PEERS != 0;
    w.list(&s.flags, |w, f| flag::write(w, f, peers));
}

/// The header's features a snapshot needs: [`super::PEERS`] when a rollout names a peer's scheme,
/// a clause is one of imports' (`any`, `all`, `inBucket`, …) or an attribute is read in the context
/// of a kind (`contextKind`: an evaluator without kinds would read the stored form as a name).
pub(super) fn features(s: &Snapshot) -> u16 {
    #[cfg(feature = "peers")]
    {
        use crate::model::clause::{Clause, PEER_OPERATORS};
        let imported = |c: &Clause| {
            PEER_OPERATORS.iter().any(|(name, _)| *name == c.op) || c.attr.as_ref().is_some_and(|a| a.kind.is_some())
        };
        let kinded_targets = s.flags.iter().flat_map(|f| &f.targets).any(|g| g.attr.kind.is_some());
        if kinded_targets || s.segments.iter().any(|g| g.attr.kind.is_some()) {
            return super::PEERS;
        }
        let flags = s.flags.iter().any(|f| {
            let serves = f.rules.iter().map(|r| &r.serve).chain([&f.fallthrough]);
            serves.clone().any(|s| matches!(s, crate::model::serve::Serve::Peer(_)))
                || f.rules.iter().flat_map(|r| &r.clauses).any(imported)
                || f.rules.iter().any(|r| !r.prerequisites.is_empty())
        });
        if flags || s.segments.iter().flat_map(|g| g.rules.iter().flatten()).any(imported) {
            return super::PEERS;
        }
    }
    let _ = s;
    0
}

/// The body, under the header's `features`.
pub(super) fn read(r: &mut Reader<'_>, features: u16) -> Result<Snapshot> {
    let version = r.uint()?;
    if version > MAX_SAFE_INTEGER as u64 {
        return r.fail("version out of range");
    }
    let generated_at = r.int()?;
    let scheme = match r.u8()? {
        0 => Scheme::EdgeflagV1,
        _ => return r.fail("unknown bucketing scheme"),
    };
    let salt = match r.bool()? {
        true => {
            let mut salt = [0; 16];
            for b in &mut salt {
                *b = r.u8()?;
            }
            Some(Salt(salt))
        }
        false => None,
    };
    // Segments come first, so their count bounds the references to them; flags' references to
    // flags are bounded by the count written before them.
    let segment_count = r.count(MAX_SEGMENTS)?;
    let _ = features;
    let mut b = Bounds {
        scheme,
        segments: segment_count,
        flags: 0,
        #[cfg(feature = "peers")]
        peers: features & super::PEERS != 0,
    };
    let mut segments = alloc::vec::Vec::with_capacity(segment_count);
    for _ in 0..segment_count {
        segments.push(segment::read(r, &b)?);
    }
    b.flags = r.count(MAX_FLAGS)?;
    let mut flags = alloc::vec::Vec::with_capacity(b.flags);
    for _ in 0..b.flags {
        flags.push(flag::read(r, &b)?);
    }
    // Evaluation finds flags by binary search over their keys.
    if !flags.windows(2).all(|w| w[0].key < w[1].key) {
        return r.fail("flags out of key order");
    }
    flag::check_prerequisites(r, &flags)?;
    let problem = |p: Problem| match p {
        Problem::Cycle { .. } => "a reference cycle",
        Problem::TooDeep { .. } => "references nested too deep",
        Problem::TooManyPrerequisites { .. } | Problem::TooCostly { .. } => "an evaluation over its cost limit",
    };
    let costs = graph::segment_costs(&segments).or_else(|p| r.fail(problem(p)))?;
    let order = graph::prerequisite_order(&flags).or_else(|p| r.fail(problem(p)))?;
    graph::check_costs(&flags, &order, &costs).or_else(|p| r.fail(problem(p)))?;
    Ok(Snapshot::from_parts(Parts { version, generated_at, scheme, salt, flags, segments, order }))
}
