//! Reference graphs: prerequisite cycles, depth and evaluation order; segment cycles and depth.
//! Iterative depth-first search, so a hostile snapshot cannot exhaust the stack while loading.

use super::reader::{fail, Result};
use crate::error::LoadErrorKind as K;
use crate::flag::Flag;
use crate::json::Json;
use crate::limits::MAX_DEPTH;
use crate::operators::Test;
use crate::segment::Segment;
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
            fail(K::PrerequisiteCycle, at, "prerequisite \u{1} closes a cycle", to, "")
        }
        Ok((order, depth)) => match depth.iter().position(|&d| d > MAX_DEPTH) {
            Some(i) => {
                let at = members[i].1.get("prerequisites").unwrap_or(members[i].1);
                let template = "prerequisite chain of depth \u{2} exceeds 64";
                fail(K::TooDeep, at, template, itoa::Buffer::new().format(depth[i] as i64), "")
            }
            None => Ok(order),
        },
    }
}

/// Segments referring to segments: no cycles, nesting at most `MAX_DEPTH`. `members` are the
/// segments' documents.
pub(super) fn check_segments(segments: &[Segment], members: &[(&str, &Json<'_>)]) -> Result<()> {
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
            fail(K::SegmentCycle, at, "segment \u{1} closes a cycle", to, "")
        }
        Ok((_, depth)) => match depth.iter().position(|&d| d > MAX_DEPTH) {
            Some(i) => {
                let at = members[i].1.get("rules").unwrap_or(members[i].1);
                fail(K::TooDeep, at, "segments nest deeper than 64", "", "")
            }
            None => Ok(()),
        },
    }
}
