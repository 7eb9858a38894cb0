//! Reference graphs (`crate::model::graph`) as the JSON loader reports their problems: at the
//! path of the value that causes them.

use crate::error::LoadErrorKind as K;
use crate::json::schema::{fail, Result};
use crate::json::Json;
use crate::limits::{MAX_DEPTH, MAX_EVALUATION_COST, MAX_PREREQUISITES};
use crate::message::{message, past_limit};
use crate::model::flag::Flag;
use crate::model::graph::{self, Problem};
use crate::model::segment::Segment;
use alloc::string::String;
use alloc::vec::Vec;

// The messages below write the limit out.
const _: () = assert!(MAX_DEPTH == 64);

/// The value reached from `v` through object members and array positions, for problems found
/// on the compiled form (`null` if the document had no such value, which cannot happen).
fn dig<'j>(mut v: &'j Json<'j>, steps: &[(&str, usize)]) -> &'j Json<'j> {
    for &(name, i) in steps {
        v = match v.get(name) {
            Some(Json::Array(items)) => items.get(i).unwrap_or(&Json::Null),
            _ => &Json::Null,
        };
    }
    v
}

/// Flag indexes with every flag after its prerequisites. `members` are the flags' documents.
pub(super) fn prerequisite_order(flags: &[Flag], members: &[(&str, &Json<'_>)]) -> Result<Vec<u32>> {
    graph::prerequisite_order(flags).or_else(|p| report(p, &|i| &flags[i].key, members, true).map(|()| Vec::new()))
}

/// Segments referring to segments (`graph::segment_costs`). Returns each segment's cost.
/// `members` are the segments' documents.
pub(super) fn check_segments(segments: &[Segment], members: &[(&str, &Json<'_>)]) -> Result<Vec<u64>> {
    graph::segment_costs(segments).or_else(|p| report(p, &|i| &segments[i].key, members, false).map(|()| Vec::new()))
}

/// Each flag's evaluation within `MAX_EVALUATION_COST` and `MAX_PREREQUISITES`.
pub(super) fn check_costs(
    flags: &[Flag],
    order: &[u32],
    segments: &[u64],
    members: &[(&str, &Json<'_>)],
) -> Result<()> {
    graph::check_costs(flags, order, segments).or_else(|p| report(p, &|i| &flags[i].key, members, true))
}

/// A problem of the flags' graph (`flags`) or the segments', at the value that causes it:
/// always an error (one function rather than one per result type: a smaller module).
fn report<'k>(p: Problem, key: &dyn Fn(usize) -> &'k str, members: &[(&str, &Json<'_>)], flags: bool) -> Result<()> {
    let doc = |node: usize| members[node].1;
    match p {
        Problem::Cycle { node, at: [i, rule, _], to } if flags => fail(
            K::PrerequisiteCycle,
            match rule {
                0 => dig(doc(node), &[("prerequisites", i)]),
                r => dig(doc(node), &[("rules", r - 1), ("prerequisites", i)]),
            },
            message!("prerequisite ", quoted(key(to)), " closes a cycle"),
        ),
        Problem::Cycle { node, at: [r, c, v], to } => fail(
            K::SegmentCycle,
            dig(doc(node), &[("rules", r), ("clauses", c), ("values", v)]),
            message!("segment ", quoted(key(to)), " closes a cycle"),
        ),
        Problem::TooDeep { node, depth } if flags => fail(
            K::TooDeep,
            doc(node).get("prerequisites").unwrap_or(doc(node)),
            message!("prerequisite chain of depth ", itoa::Buffer::new().format(depth as i64), " exceeds 64"),
        ),
        Problem::TooDeep { node, .. } => {
            fail(K::TooDeep, doc(node).get("rules").unwrap_or(doc(node)), message!("segments nest deeper than 64"))
        }
        Problem::TooManyPrerequisites { node, count } => too_costly(
            doc(node).get("prerequisites").unwrap_or(doc(node)),
            "evaluating this flag",
            count,
            MAX_PREREQUISITES,
            "prerequisite evaluations",
        ),
        Problem::TooCostly { node, cost } => {
            let doing = if flags { "evaluating this flag" } else { "matching this segment" };
            too_costly(doc(node), doing, cost, MAX_EVALUATION_COST, "clause tests")
        }
    }
}

/// `<doing> can take up to <n> <unit>; the limit is <limit>` (`n` saturates at `u64::MAX`).
#[cold]
fn too_costly(at: &Json<'_>, doing: &str, n: u64, limit: u64, unit: &str) -> Result<()> {
    let mut before = String::from(doing);
    before.push_str(" can take up to ");
    let mut after = String::from(" ");
    after.push_str(unit);
    fail(K::TooLarge, at, message!(&past_limit(&before, n, &after, limit)))
}
