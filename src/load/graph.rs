//! Reference graphs: prerequisite cycles, depth and evaluation order; segment cycles and depth.
//! Iterative depth-first search, so a hostile snapshot cannot exhaust the stack while loading.

use super::reader::{fail, Result};
use crate::error::LoadErrorKind as K;
use crate::flag::Flag;
use crate::limits::MAX_DEPTH;
use crate::message::Part::*;
use crate::operators::Test;
use crate::path::Path;
use crate::segment::Segment;
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
    let mut order = Vec::with_capacity(n);
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
pub(super) fn prerequisite_order(flags: &[Flag]) -> Result<Vec<u32>> {
    let edges: Vec<Vec<Edge>> = flags
        .iter()
        .map(|f| f.prerequisites.iter().enumerate().map(|(i, p)| Edge { to: p.flag as usize, at: [i, 0, 0] }).collect())
        .collect();
    let root = Path::Root;
    let all = root.key("flags");
    match walk(&edges) {
        Err((node, e)) => {
            let flag = all.key(&flags[node].key);
            let list = flag.key("prerequisites");
            let to = &flags[edges[node][e].to].key;
            fail(
                K::PrerequisiteCycle,
                &list.index(edges[node][e].at[0]),
                &[Text("prerequisite "), Quoted(to), Text(" closes a cycle")],
            )
        }
        Ok((order, depth)) => match depth.iter().position(|&d| d > MAX_DEPTH) {
            Some(i) => {
                let flag = all.key(&flags[i].key);
                fail(
                    K::TooDeep,
                    &flag.key("prerequisites"),
                    &[
                        Text("prerequisite chain of depth "),
                        Int(depth[i] as i64),
                        Text(" exceeds "),
                        Int(MAX_DEPTH as i64),
                    ],
                )
            }
            None => Ok(order),
        },
    }
}

/// Segments referring to segments: no cycles, nesting at most `MAX_DEPTH`.
pub(super) fn check_segments(segments: &[Segment]) -> Result<()> {
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
    let root = Path::Root;
    let all = root.key("segments");
    match walk(&edges) {
        Err((node, e)) => {
            let [r, c, v] = edges[node][e].at;
            let seg = all.key(&segments[node].key);
            let rules = seg.key("rules");
            let rule = rules.index(r);
            let clauses = rule.key("clauses");
            let clause = clauses.index(c);
            let values = clause.key("values");
            let to: &String = &segments[edges[node][e].to].key;
            fail(K::SegmentCycle, &values.index(v), &[Text("segment "), Quoted(to), Text(" closes a cycle")])
        }
        Ok((_, depth)) => match depth.iter().position(|&d| d > MAX_DEPTH) {
            Some(i) => fail(
                K::TooDeep,
                &all.key(&segments[i].key).key("rules"),
                &[Text("segments nest deeper than "), Int(MAX_DEPTH as i64)],
            ),
            None => Ok(()),
        },
    }
}
