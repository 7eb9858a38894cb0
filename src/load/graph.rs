//! Reference graphs: prerequisite cycles, depth and evaluation order; segment cycles and depth.
//! Iterative depth-first search, so a hostile snapshot cannot exhaust the stack while loading.

use crate::error::LoadErrorKind as K;
use crate::json::schema::{fail, Result};
use crate::json::Json;
use crate::limits::{MAX_DEPTH, MAX_EVALUATION_COST, MAX_PREREQUISITES};
use crate::message::{message, past_limit};
use crate::model::clause::{Clause, Test};
use crate::model::flag::{Flag, TargetGroup};
use crate::model::segment::Segment;
use crate::model::serve::Serve;
use alloc::string::String;
use alloc::vec::Vec;

/// An edge, with where it is written for error paths.
struct Edge {
    to: usize,
    /// Indexes from the node down to the value holding the reference.
    at: [usize; 3],
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Open,
    Done,
}

/// Depth-first from each node in index (= key) order. Returns the post-order and each node's
/// depth, or the node and edge that close a cycle.
fn walk(edges: &[Vec<Edge>]) -> core::result::Result<(Vec<u32>, Vec<usize>), (usize, usize)> {
    let n = edges.len();
    let mut mark = alloc::vec![Mark::New; n];
    let mut depth = alloc::vec![0usize; n];
    let mut order = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        stack.push((root, 0));
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(edge) = edges[node].get(*next) {
                let e = *next;
                *next += 1;
                match mark[edge.to] {
                    Mark::Open => return Err((node, e)),
                    Mark::Done => {}
                    Mark::New => {
                        mark[edge.to] = Mark::Open;
                        stack.push((edge.to, 0));
                    }
                }
            } else {
                depth[node] = edges[node].iter().map(|e| depth[e.to] + 1).max().unwrap_or(0);
                mark[node] = Mark::Done;
                order.push(node as u32);
                stack.pop();
            }
        }
    }
    Ok((order, depth))
}

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
    let edges: Vec<Vec<Edge>> = flags
        .iter()
        .map(|f| f.prerequisites.iter().enumerate().map(|(i, p)| Edge { to: p.flag as usize, at: [i, 0, 0] }).collect())
        .collect();
    match walk(&edges) {
        Err((node, e)) => {
            let at = dig(members[node].1, &[("prerequisites", edges[node][e].at[0])]);
            let to = &flags[edges[node][e].to].key;
            fail(K::PrerequisiteCycle, at, message!("prerequisite ", quoted(to), " closes a cycle"))
        }
        Ok((order, depth)) => match depth.iter().position(|&d| d > MAX_DEPTH) {
            Some(i) => {
                let at = members[i].1.get("prerequisites").unwrap_or(members[i].1);
                fail(
                    K::TooDeep,
                    at,
                    message!(
                        "prerequisite chain of depth ",
                        itoa::Buffer::new().format(depth[i] as i64),
                        " exceeds 64"
                    ),
                )
            }
            None => Ok(order),
        },
    }
}

/// Segments referring to segments: no cycles, nesting at most `MAX_DEPTH`, each within
/// `MAX_EVALUATION_COST`. Returns each segment's cost. `members` are the segments' documents.
pub(super) fn check_segments(segments: &[Segment], members: &[(&str, &Json<'_>)]) -> Result<Vec<u64>> {
    let edges: Vec<Vec<Edge>> = segments
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            for (r, clauses) in s.rules.iter().enumerate() {
                for (c, clause) in clauses.iter().enumerate() {
                    if let Test::Segment(targets) = &clause.test {
                        out.extend(targets.iter().enumerate().map(|(v, &t)| Edge { to: t as usize, at: [r, c, v] }));
                    }
                }
            }
            out
        })
        .collect();
    match walk(&edges) {
        Err((node, e)) => {
            let [r, c, v] = edges[node][e].at;
            let at = dig(members[node].1, &[("rules", r), ("clauses", c), ("values", v)]);
            let to = &segments[edges[node][e].to].key;
            fail(K::SegmentCycle, at, message!("segment ", quoted(to), " closes a cycle"))
        }
        Ok((order, depth)) => {
            if let Some(i) = depth.iter().position(|&d| d > MAX_DEPTH) {
                let at = members[i].1.get("rules").unwrap_or(members[i].1);
                return fail(K::TooDeep, at, message!("segments nest deeper than 64"));
            }
            // Segment results are not remembered during an evaluation, so a segment costs what
            // the segments it names cost, every time it names them.
            let mut cost = alloc::vec![0u64; segments.len()];
            for &i in &order {
                let s = &segments[i as usize];
                cost[i as usize] =
                    s.rules.iter().flatten().fold(lists_cost(s), |sum, c| sum.saturating_add(clause_cost(c, &cost)));
            }
            match (0..segments.len()).find(|&i| cost[i] > MAX_EVALUATION_COST) {
                Some(i) => {
                    too_costly(members[i].1, "matching this segment", cost[i], MAX_EVALUATION_COST, "clause tests")
                }
                None => Ok(cost),
            }
        }
    }
}

/// A lookup in a hashed list: one SHA-512 of the unit value, about as long as 16 other tests.
const HASH_COST: u64 = 16;

/// What one clause can cost, in tests of a value against an item: sets are one test, lists
/// scanned one per value, `segmentMatch` the segments' costs (`segments`, already computed).
fn clause_cost(c: &Clause, segments: &[u64]) -> u64 {
    match &c.test {
        Test::Segment(to) => {
            to.iter().fold(1, |sum, &s| sum.saturating_add(segments.get(s as usize).copied().unwrap_or(0)))
        }
        _ => c.work as u64,
    }
}

/// What checking a segment's lists costs, before its rules.
fn lists_cost(s: &Segment) -> u64 {
    let hashed = !(s.included_hashed.is_empty() && s.excluded_hashed.is_empty());
    let hashing = if hashed { HASH_COST + s.included_hashed.work() + s.excluded_hashed.work() } else { 0 };
    1 + s.included.work() + s.excluded.work() + hashing
}

/// What looking a flag's targets up costs.
fn targets_cost(f: &Flag) -> u64 {
    let group = |g: &TargetGroup| g.entries.work() + if g.hashed.is_empty() { 0 } else { HASH_COST + g.hashed.work() };
    f.targets.iter().map(group).sum()
}

/// What a serve costs: the variation found among the slices.
fn serve_cost(serve: &Serve) -> u64 {
    match serve {
        Serve::Variation(_) => 1,
        Serve::Rollout(r) => 1 + r.slices.0.len() as u64,
        Serve::Experiment(e) => 2 + e.slices.0.len() as u64,
    }
}

/// Each flag's evaluation within `MAX_EVALUATION_COST` and `MAX_PREREQUISITES`, given the
/// segments' costs and the prerequisite order. Prerequisites are counted along every path: an
/// upper bound, exact when none is shared.
pub(super) fn check_costs(
    flags: &[Flag],
    order: &[u32],
    segments: &[u64],
    members: &[(&str, &Json<'_>)],
) -> Result<()> {
    let mut cost = alloc::vec![0u64; flags.len()];
    let mut prerequisites = alloc::vec![0u64; flags.len()];
    for &i in order {
        let f = &flags[i as usize];
        let mut sum = (1 + targets_cost(f)).saturating_add(serve_cost(&f.fallthrough));
        for r in &f.rules {
            sum = r
                .clauses
                .iter()
                .fold(sum.saturating_add(serve_cost(&r.serve)), |s, c| s.saturating_add(clause_cost(c, segments)));
        }
        let mut needed = 0u64;
        for p in &f.prerequisites {
            sum = sum.saturating_add(cost[p.flag as usize]);
            needed = needed.saturating_add(1 + prerequisites[p.flag as usize]);
        }
        cost[i as usize] = sum;
        prerequisites[i as usize] = needed;
    }
    // Reported for the first flag in key order, as every other flag-level error.
    for i in 0..flags.len() {
        let at = members[i].1;
        if prerequisites[i] > MAX_PREREQUISITES {
            let at = at.get("prerequisites").unwrap_or(at);
            return too_costly(
                at,
                "evaluating this flag",
                prerequisites[i],
                MAX_PREREQUISITES,
                "prerequisite evaluations",
            );
        }
        if cost[i] > MAX_EVALUATION_COST {
            return too_costly(at, "evaluating this flag", cost[i], MAX_EVALUATION_COST, "clause tests");
        }
    }
    Ok(())
}

/// `<doing> can take up to <n> <unit>; the limit is <limit>` (`n` saturates at `u64::MAX`).
#[cold]
fn too_costly<T>(at: &Json<'_>, doing: &str, n: u64, limit: u64, unit: &str) -> Result<T> {
    let mut before = String::from(doing);
    before.push_str(" can take up to ");
    let mut after = String::from(" ");
    after.push_str(unit);
    fail(K::TooLarge, at, message!(&past_limit(&before, n, &after, limit)))
}
