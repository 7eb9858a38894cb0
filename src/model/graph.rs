//! The reference graphs of a snapshot: prerequisites (evaluation order, depth, how many
//! evaluations a flag can need) and segments naming segments (cycles, depth), and what an
//! evaluation can cost. Both loaders check them: the JSON loader reports a problem with its path
//! (`crate::load`), the compiled form's decoder refuses it (`crate::compiled`). Iterative
//! depth-first search, so a hostile snapshot cannot exhaust the stack.

use crate::limits::{MAX_DEPTH, MAX_EVALUATION_COST, MAX_PREREQUISITES};
use crate::model::clause::{Clause, Test};
use crate::model::flag::{Flag, TargetGroup};
use crate::model::segment::Segment;
use crate::model::serve::Serve;
use alloc::vec::Vec;

/// What is wrong with a graph, by node (flag or segment index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The reference written `at` in `node` (prerequisite; or rule, clause, value) leads back.
    Cycle { node: usize, at: [usize; 3], to: usize },
    /// Nested deeper than `MAX_DEPTH`; `depth` is how deep.
    TooDeep { node: usize, depth: usize },
    /// More than `MAX_PREREQUISITES` prerequisite evaluations.
    TooManyPrerequisites { node: usize, count: u64 },
    /// An evaluation of more than `MAX_EVALUATION_COST` clause tests.
    TooCostly { node: usize, cost: u64 },
}

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

/// Flag indexes with every flag after its prerequisites.
pub(crate) fn prerequisite_order(flags: &[Flag]) -> Result<Vec<u32>, Problem> {
    // `at`: [i, 0, 0] the flag's prerequisite i; [i, r + 1, 0] rule r's.
    let edges: Vec<Vec<Edge>> = flags
        .iter()
        .map(|f| {
            let own = f.prerequisites.iter().enumerate().map(|(i, p)| Edge { to: p.flag as usize, at: [i, 0, 0] });
            #[cfg(feature = "peers")]
            let own = own.chain(f.rules.iter().enumerate().flat_map(|(r, rule)| {
                rule.prerequisites.iter().enumerate().map(move |(i, p)| Edge { to: p.flag as usize, at: [i, r + 1, 0] })
            }));
            own.collect()
        })
        .collect();
    let (order, depth) = walk(&edges).map_err(|(node, e)| cycle(&edges, node, e))?;
    match depth.iter().position(|&d| d > MAX_DEPTH) {
        Some(node) => Err(Problem::TooDeep { node, depth: depth[node] }),
        None => Ok(order),
    }
}

fn cycle(edges: &[Vec<Edge>], node: usize, e: usize) -> Problem {
    let edge = &edges[node][e];
    Problem::Cycle { node, at: edge.at, to: edge.to }
}

/// Segments referring to segments: no cycles, nesting at most `MAX_DEPTH`, each within
/// `MAX_EVALUATION_COST`. Returns each segment's cost.
pub(crate) fn segment_costs(segments: &[Segment]) -> Result<Vec<u64>, Problem> {
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
    let (order, depth) = walk(&edges).map_err(|(node, e)| cycle(&edges, node, e))?;
    if let Some(node) = depth.iter().position(|&d| d > MAX_DEPTH) {
        return Err(Problem::TooDeep { node, depth: depth[node] });
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
        Some(node) => Err(Problem::TooCostly { node, cost: cost[node] }),
        None => Ok(cost),
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
        #[cfg(feature = "peers")]
        Serve::Peer(r) => 1 + r.slices.0.len() as u64,
    }
}

/// Each flag's evaluation within `MAX_EVALUATION_COST` and `MAX_PREREQUISITES`, given the
/// segments' costs and the prerequisite order. Prerequisites are counted along every path: an
/// upper bound, exact when none is shared. Reported for the first flag in key order.
pub(crate) fn check_costs(flags: &[Flag], order: &[u32], segments: &[u64]) -> Result<(), Problem> {
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
        for p in f.prerequisite_flags() {
            sum = sum.saturating_add(cost[p]);
            needed = needed.saturating_add(1 + prerequisites[p]);
        }
        cost[i as usize] = sum;
        prerequisites[i as usize] = needed;
    }
    for node in 0..flags.len() {
        if prerequisites[node] > MAX_PREREQUISITES {
            return Err(Problem::TooManyPrerequisites { node, count: prerequisites[node] });
        }
        if cost[node] > MAX_EVALUATION_COST {
            return Err(Problem::TooCostly { node, cost: cost[node] });
        }
    }
    Ok(())
}
