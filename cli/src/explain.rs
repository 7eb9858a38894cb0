//! `edgeflag explain`: an evaluation's steps as text.

use crate::input::format_time;
use edgeflag::bucketing::Purpose;
use edgeflag::{ClauseWhy, Explanation, Json, Snapshot, Step};
use std::fmt::Write;

pub fn render(s: &Snapshot, flag: &str, x: &Explanation, now: i64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{flag} — snapshot version {}, now {}", s.version(), format_time(now));
    for (n, step) in x.steps.iter().enumerate() {
        let _ = write!(out, "  {:>2}. ", n + 1);
        let _ = match step {
            Step::Off => writeln!(out, "flag is off (kill switch)"),
            Step::Prerequisite { flag, required, flag_on, served, met } => writeln!(
                out,
                "prerequisite {flag}: needs {required}; it is {} and served {} → {}",
                if *flag_on { "on" } else { "off" },
                served.unwrap_or("nothing"),
                if *met { "met" } else { "NOT met" }
            ),
            Step::Targets { hit: Some((i, v)) } => writeln!(out, "targets: listed in target #{i} → {v}"),
            Step::Targets { hit: None } => writeln!(out, "targets: not listed"),
            Step::Rule { id, clauses, matched } => {
                let _ = writeln!(out, "rule {id:?}: {}", if *matched { "matched" } else { "no match" });
                for c in clauses {
                    let subject = c.attribute.map(|a| format!("{a} ")).unwrap_or_default();
                    let not = if c.negate { "not " } else { "" };
                    let why = match c.why {
                        ClauseWhy::Matched => "matched",
                        ClauseWhy::NotMatched => "did not match",
                        ClauseWhy::Missing => "attribute missing → no match, even negated",
                        ClauseWhy::WrongType => "wrong type for this operator → no match, even negated",
                    };
                    let _ = writeln!(out, "        clause {}: {subject}{not}{}: {why}", c.index, c.op);
                }
                Ok(())
            }
            Step::Fallthrough => writeln!(out, "no target or rule decided: fallthrough"),
            Step::Bucket { purpose, attribute, unit, bucket, ranges } => {
                let what = match purpose {
                    Purpose::Rollout => "rollout bucket",
                    Purpose::Variant => "variant bucket",
                };
                // The last range ends at the scheme's bucket count (100000 for edgeflag-v1).
                let total = ranges.last().map_or(0, |r| r.2);
                let _ = writeln!(out, "{what} of {attribute} = {unit:?}: {bucket} of {total}");
                for (name, start, end) in ranges {
                    let here = if (start..end).contains(&bucket) { "→" } else { " " };
                    let _ = writeln!(out, "        {here} {name:<12} [{start}, {end})");
                }
                Ok(())
            }
        };
    }
    let e = &x.evaluation;
    let value = e.value.map_or_else(|| "the caller's default".to_string(), Json::to_text);
    let _ = write!(out, "  result: {value}");
    if let Some((i, name)) = e.variation {
        let _ = write!(out, " (variation {name}, #{i})");
    }
    let _ = write!(out, ", reason {}", e.reason.name());
    if let Some(err) = &e.error {
        let _ = write!(out, " {}: {}", err.code.name(), err.message);
    }
    if let Some(r) = e.rule_id {
        let _ = write!(out, ", rule {r}");
    }
    if let Some(p) = e.prerequisite_failed {
        let _ = write!(out, ", prerequisite {p} failed");
    }
    if let Some(b) = e.bucket {
        let _ = write!(out, ", bucket {b}");
    }
    if let Some(b) = e.variant_bucket {
        let _ = write!(out, ", variant bucket {b} (in the experiment)");
    }
    let _ = writeln!(out);
    out
}
