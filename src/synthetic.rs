//! Deterministic synthetic snapshots of any size, for benchmarks and load tests
//! (`edgeflag generate --flags 1000`). The flag mix follows the rollout playbooks: tier rules,
//! ramps, segments, semver gates, prerequisites and experiments.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A snapshot with `flags` flags and three 100-member segments, as JSON text.
pub fn snapshot(flags: usize, seed: u64) -> String {
    let mut rng = SplitMix(seed);
    let mut segments = Vec::new();
    for s in 0..3 {
        let keys: Vec<String> = (0..100).map(|_| format!("\"user-{}\"", rng.below(100_000))).collect();
        segments.push(format!(
            "\"segment-{s}\":{{\"included\":[{}],\"rules\":[{{\"id\":\"staff\",\"clauses\":[{{\"attribute\":\"email\",\"op\":\"endsWith\",\"values\":[\"@corp-{s}.example\"]}}]}}]}}",
            keys.join(",")
        ));
    }
    let mut out = Vec::with_capacity(flags);
    for i in 0..flags {
        let percent = 1 + rng.below(99) as u32;
        let on = percent * 1000;
        let ramp = format!(
            "{{\"rollout\":{{\"variations\":[{{\"variation\":\"on\",\"weight\":{on}}},{{\"variation\":\"off\",\"weight\":{}}}]}}}}",
            100_000 - on
        );
        let bool_variations = "[{\"name\":\"off\",\"value\":false},{\"name\":\"on\",\"value\":true}]";
        let (variations, rules, fallthrough, prerequisites) = match i % 10 {
            0 | 1 => (bool_variations, tier_rule("{\"variation\":\"on\"}"), String::from("{\"variation\":\"off\"}"), String::new()),
            2 | 3 => (bool_variations, tier_rule(&ramp), String::from("{\"variation\":\"off\"}"), String::new()),
            4 | 5 => (
                bool_variations,
                format!(
                    "[{{\"id\":\"segment\",\"clauses\":[{{\"op\":\"segmentMatch\",\"values\":[\"segment-{}\"]}}],\"serve\":{{\"variation\":\"on\"}}}}]",
                    i % 3
                ),
                ramp,
                String::new(),
            ),
            6 => (
                bool_variations,
                String::from("[{\"id\":\"new-app\",\"clauses\":[{\"attribute\":\"app_version\",\"op\":\"semverGte\",\"values\":[\"2.3.0\"]},{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"GB\",\"IE\"]}],\"serve\":{\"variation\":\"on\"}}]"),
                String::from("{\"variation\":\"off\"}"),
                String::new(),
            ),
            7 if i > 10 => (
                bool_variations,
                String::from("[]"),
                ramp,
                format!(",\"prerequisites\":[{{\"flag\":\"{}\",\"variation\":\"on\"}}]", key(i - 5)),
            ),
            8 => (
                "[{\"name\":\"control\",\"value\":\"control\"},{\"name\":\"a\",\"value\":\"a\"},{\"name\":\"b\",\"value\":\"b\"}]",
                String::from("[]"),
                String::from("{\"experiment\":{\"traffic\":50000,\"fallback\":\"control\",\"variations\":[{\"variation\":\"control\",\"weight\":34000},{\"variation\":\"a\",\"weight\":33000},{\"variation\":\"b\",\"weight\":33000}]}}"),
                String::new(),
            ),
            _ => (bool_variations, String::from("[]"), String::from("{\"variation\":\"on\"}"), String::new()),
        };
        let on = if rng.below(20) == 0 { "false" } else { "true" };
        out.push(format!(
            "\"{}\":{{\"on\":{on},\"variations\":{variations},\"offVariation\":0,\"rules\":{rules},\"fallthrough\":{fallthrough}{prerequisites},\"clientVisible\":{}}}",
            key(i),
            i % 2 == 0
        ));
    }
    format!(
        "{{\"version\":1,\"generatedAt\":\"2026-11-20T00:00:00Z\",\"segments\":{{{}}},\"flags\":{{{}}}}}",
        segments.join(","),
        out.join(",")
    )
}

fn key(i: usize) -> String {
    format!("flag-{i:05}")
}

fn tier_rule(serve: &str) -> String {
    format!("[{{\"id\":\"paid\",\"clauses\":[{{\"attribute\":\"tier\",\"op\":\"in\",\"values\":[\"pro\",\"enterprise\"]}}],\"serve\":{serve}}}]")
}

/// SplitMix64: a tiny deterministic generator, so generated snapshots are reproducible.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    #[test]
    fn generated_snapshots_load() {
        for n in [1, 10, 100, 1000] {
            let s = crate::Snapshot::parse(&super::snapshot(n, 7)).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert_eq!(s.flags().len(), n);
        }
    }
}
