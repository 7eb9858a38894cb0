//! The clauses of imported snapshots (docs/snapshot.md, "Clauses"): `any` and `all` over nested
//! clauses, and `inBucket`, a share of units by a peer's scheme.

use super::{clause, scheme, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::launchdarkly::weight_bound;
use crate::eval::bucketing::PeerKey;
use crate::json::schema::{fail, members, At, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_CLAUSE_NESTING;
use crate::message::message;
use crate::model::clause::{Clause, InBucket, Operator, Test};
use alloc::boxed::Box;

members! {
    struct CompositeDoc<'j> {
        _op "op": req Str,
        clauses: req List(&Object) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
    }
}
members! {
    struct InBucketDoc<'j> {
        _op "op": req Str,
        bucket_by "bucketBy": opt Any,
        scheme: req Object,
        buckets: opt Integer(&(1, i32::MAX as i64)) => i64,
        range: req List(&Integer(&(0, i32::MAX as i64))) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
        context_kind "contextKind": opt Any,
    }
}

/// The clause `v`, whose operator `op` is one of `PEER_OPERATORS`, nested `depth` deep.
pub(super) fn clause(
    names: &Names,
    v: &Json<'_>,
    op: &'static str,
    operator: Operator,
    depth: usize,
) -> Result<Clause> {
    let (test, negate) = match operator {
        Operator::InBucket => {
            let o = InBucketDoc::read(v)?;
            let key = scheme::scheme(o.scheme)?;
            if let PeerKey::LaunchDarkly { .. } = key {
                launchdarkly(v, o, key)?
            } else {
                if let Some(at) = o.context_kind {
                    return fail(K::UnknownField, at, message!("contextKind is for the launchdarkly scheme"));
                }
                let buckets = match o.buckets {
                    Some(n) => n as u32,
                    // GrowthBook's schemes have one scale; the others need it said.
                    None => key.growthbook_scale().map_or_else(
                        || fail(K::MissingField, v, message!("inBucket needs \"buckets\" with this scheme")),
                        Ok,
                    )?,
                };
                if !key.accepts_total(buckets) {
                    let at = v.get("buckets").unwrap_or(v);
                    return fail(
                        K::InvalidValue,
                        at,
                        message!("buckets is ", itoa::Buffer::new().format(buckets), key.totals()),
                    );
                }
                let (range, at) = o.range;
                let bound = |i: usize| range.get(i).and_then(Json::as_integer).unwrap_or(-1);
                let (from, to) = (bound(0), bound(1));
                if range.len() != 2 || from > to || to > buckets as i64 {
                    return fail(
                        K::InvalidValue,
                        at,
                        message!("range must be [from, to] with 0 ≤ from ≤ to ≤ buckets"),
                    );
                }
                let by = scheme::bucket_by(o.bucket_by)?;
                let b = InBucket { by, key, buckets, from: from as u32, to: to as u32 };
                (Test::InBucket(Box::new(b)), o.negate == Some(true))
            }
        }
        _ => {
            let o = CompositeDoc::read(v)?;
            let (items, at) = o.clauses;
            if depth >= MAX_CLAUSE_NESTING {
                return fail(K::TooDeep, at, message!("clauses nested past the limit (docs/hardening.md)"));
            }
            let inner = clause::clauses_at(names, at, items, depth + 1)?;
            // Segment references are one level deep, where the reference graph looks for them.
            if let Some(i) = inner.iter().position(|c| matches!(c.test, Test::Segment(_))) {
                let at = items.get(i).and_then(|c| c.get("op")).unwrap_or(at);
                return fail(K::InvalidValue, at, message!("segmentMatch cannot be nested in ", quoted(op)));
            }
            let test = if matches!(operator, Operator::Any) { Test::Any(inner) } else { Test::All(inner) };
            (test, o.negate == Some(true))
        }
    };
    let work = test.work().min(u32::MAX as u64) as u32;
    Ok(Clause { op, attr: None, test, negate, work })
}

/// `inBucket` with LaunchDarkly's scheme (a segment rule's `weight`): `range` is in its weight
/// units, the SDK's `from / 100000 ≤ bucket < to / 100000` as bounds on the hash; the bucket is
/// then 0 below the range, 1 in it, 2 above it.
fn launchdarkly(v: &Json<'_>, o: InBucketDoc<'_>, mut key: PeerKey) -> Result<(Test, bool)> {
    if let Some(at) = v.get("buckets") {
        return fail(K::UnknownField, at, message!("launchdarkly's range is in weight units (of 100000)"));
    }
    let (range, at) = o.range;
    let bound = |i: usize| range.get(i).and_then(Json::as_integer).unwrap_or(-1);
    let (from, to) = (bound(0), bound(1));
    if range.len() != 2 || from < 0 || from > to {
        return fail(K::InvalidValue, at, message!("range must be [from, to] with 0 ≤ from ≤ to"));
    }
    if let PeerKey::LaunchDarkly { float, bounds, .. } = &mut key {
        *bounds = alloc::vec![weight_bound(from as u32, *float), weight_bound(to as u32, *float)].into();
    }
    let by = scheme::bucket_by_of(o.bucket_by, o.context_kind)?;
    let b = InBucket { by, key, buckets: 3, from: 1, to: 2 };
    Ok((Test::InBucket(Box::new(b)), o.negate == Some(true)))
}
