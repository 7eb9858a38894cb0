//! Limits on hostile input. A snapshot past one is refused with a typed error naming the limit
//! (`too_large` or `too_deep`), so that loading stays linear in the text and one evaluation
//! within a bound computed at load; a context of any size is evaluated within
//! `MAX_EVALUATION_WORK` (`docs/hardening.md`, "Limits").

/// Largest snapshot text, in bytes (16 MiB).
pub const MAX_SNAPSHOT_BYTES: usize = 16 << 20;
/// Deepest nesting of arrays and objects in any JSON text the core parses.
pub const MAX_NESTING: usize = 127;
/// Deepest nesting of `any` / `all` clauses in imported snapshots.
pub const MAX_CLAUSE_NESTING: usize = 16;
/// Most flags in a snapshot.
pub const MAX_FLAGS: usize = 50_000;
/// Most segments in a snapshot.
pub const MAX_SEGMENTS: usize = 50_000;
/// Most variations of one flag.
pub const MAX_VARIATIONS: usize = 1_000;
/// Most rules of one flag or one segment.
pub const MAX_RULES: usize = 1_000;
/// Most clauses of one rule.
pub const MAX_CLAUSES: usize = 100;
/// Longest array the loader reads: clause values, target values, segment lists, prerequisites,
/// tags, windows.
pub const MAX_LIST_ITEMS: usize = 100_000;
/// Longest string the loader reads, in bytes: keys, names, ids, attributes, salts, clause and
/// target values, descriptions. Variation values (any JSON) are bounded only by the text.
pub const MAX_STRING_BYTES: usize = 8_192;
/// Deepest prerequisite chain (a flag without prerequisites has depth 0), and deepest nesting
/// of segments through `segmentMatch`.
pub const MAX_DEPTH: usize = 64;
/// Most prerequisite evaluations one flag's evaluation can need, counted along every path (each
/// prerequisite is evaluated once per evaluation, so this also bounds the ones remembered). A
/// chain as deep as `MAX_DEPTH` needs as many.
pub const MAX_PREREQUISITES: u64 = 64;
/// Most work one flag's evaluation can need, in tests of a clause value against an item:
/// computed at load over its targets, rules, the segments they reach and its prerequisites,
/// every path counted (`docs/hardening.md`, "Evaluation bound").
pub const MAX_EVALUATION_COST: u64 = 100_000;
/// Most work one flag's evaluation may do with a given context, in the same tests, each item of
/// an array attribute counted and long strings counted per 64 bytes scanned. Past it the flag
/// evaluates to a `GENERAL` error. A context without arrays and with strings shorter than 64
/// bytes never reaches it: `MAX_EVALUATION_COST` is lower.
pub const MAX_EVALUATION_WORK: u64 = 250_000;
