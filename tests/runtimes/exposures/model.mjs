// What a collector must end up with, computed independently of the recorder: every evaluation a
// test makes is fed here with the details the engine returned for it, and the rules of
// docs/exposures.md (tracked calls, `trackEvents`, dedupe per (key, flag, variation index)
// within a window, no exposure without a served variation, summaries per (flag, version,
// variation)) give the exposures and summary counts. `compare` then matches them with what a
// collector stored, one by one.

/** The expected exposures and summaries of one engine. */
export class Expected {
  /**
   * @param version the snapshot version the evaluations ran against
   * @param untracked flag keys with `trackEvents: false`
   * @param attributes the recorder's `attributes` option
   * @param keyHash with a `keySalt`: the expected `keyHash` of a context key
   */
  constructor({ version, untracked = [], attributes = [], dedupeWindowMs = 3_600_000, keyHash }) {
    this.keyHash = keyHash;
    this.version = version;
    this.untracked = new Set(untracked);
    this.attributes = attributes;
    this.window = dedupeWindowMs;
    this.exposures = [];
    this.summaries = new Map();
    this.evaluations = 0; // every call fed here
    this.tracked = 0; // of which recorded (summary counts)
    this.errors = 0; // of which reason ERROR
    this.suppressed = 0; // tracked, a variation served, not produced again (dedupe)
    this.last = new Map(); // `${key}\0${flag}\0${index}` -> time of the last exposure produced
    this.candidates = new Set(); // every exposure an evaluation could produce, deduplicated or not
  }

  /** One evaluation: `details` as the engine returned it, `time` the host clock it ran at. */
  evaluation({ flagKey, context, details, time, track = true }) {
    this.evaluations++;
    if (!track) return;
    this.tracked++;
    const served = details.variationIndex !== null && details.variationIndex !== undefined;
    if (details.reason === 'ERROR') this.errors++;
    const sk = summaryKey(flagKey, this.version, served ? details.variationIndex : null);
    const s = this.summaries.get(sk);
    if (s) {
      s.count++;
      if (details.reason === 'ERROR') s.errors++;
      s.start = Math.min(s.start, time);
      s.end = Math.max(s.end, time);
    } else {
      this.summaries.set(sk, {
        flagKey,
        version: this.version,
        variationIndex: served ? details.variationIndex : null,
        variation: served ? details.variation : null,
        count: 1,
        errors: details.reason === 'ERROR' ? 1 : 0,
        start: time,
        end: time,
      });
    }
    if (!served || this.untracked.has(flagKey) || details.reason === 'ERROR') return;
    const key = typeof context === 'object' && context !== null ? context.key : undefined;
    const e = this.#exposure(flagKey, context, key, details, time);
    this.candidates.add(JSON.stringify(e));
    if (key !== undefined) {
      const dk = `${key}\u0000${flagKey}\u0000${details.variationIndex}`;
      const last = this.last.get(dk);
      if (last !== undefined && time - last < this.window) {
        this.suppressed++;
        return;
      }
      this.last.set(dk, time);
    }
    this.exposures.push(e);
  }

  #exposure(flagKey, context, key, details, time) {
    // Members in the order of docs/exposures.md.
    const e = { flagKey, variationIndex: details.variationIndex, variation: details.variation, reason: details.reason };
    if (details.ruleId !== undefined) e.ruleId = details.ruleId;
    if (details.inExperiment === true) e.inExperiment = true;
    e.version = this.version;
    if (key !== undefined && this.keyHash) e.keyHash = this.keyHash(key);
    else if (key !== undefined) e.key = key;
    const attributes = {};
    for (const a of this.attributes) {
      const v = lookup(context, a);
      const scalar =
        (typeof v === 'string' && Buffer.byteLength(v, 'utf8') <= 256) || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (scalar) attributes[a] = v;
    }
    if (Object.keys(attributes).length) e.attributes = attributes;
    e.timestamp = time;
    return e;
  }
}

/** An attribute reference as in clauses: a plain name, or a JSON pointer starting with `/`. */
function lookup(context, ref) {
  if (!ref.startsWith('/')) return context?.[ref];
  let v = context;
  for (const part of ref.slice(1).split('/')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = v[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return v;
}

const summaryKey = (flagKey, version, index) => JSON.stringify([flagKey, version, index]);

/**
 * Matches what `batches` (stored by a collector, in order) hold against `expected`. Returns the
 * numbers and a list of problems (empty when everything matches exactly).
 * `dropped`: the total of the batches' `dropped` the test expects (default 0); `firstSequence`:
 * the sequence of the first batch stored (batches before it definitively failed); `repeats`:
 * exposures produced again because deduplication forgot them (bounded memory) are allowed, if
 * an evaluation could have produced them; `unsummarized`: evaluations the summaries could not
 * hold are allowed, when reported (summary counts + unsummarized = tracked evaluations).
 */
export function compare(batches, expected, { dropped = 0, firstSequence = 1, repeats = false, unsummarized = false } = {}) {
  const problems = [];
  const exposures = batches.flatMap((b) => b.exposures);
  const summaries = batches.flatMap((b) => b.summaries);

  // Exposures: the same multiset, compared as JSON text (members and their order included).
  const want = new Map();
  for (const e of expected.exposures) want.set(JSON.stringify(e), (want.get(JSON.stringify(e)) ?? 0) + 1);
  const got = new Map();
  for (const e of exposures) got.set(JSON.stringify(e), (got.get(JSON.stringify(e)) ?? 0) + 1);
  let missing = 0;
  let unexpected = 0;
  for (const [k, n] of want) {
    const m = got.get(k) ?? 0;
    if (m < n) {
      missing += n - m;
      if (problems.length < 20) problems.push(`missing exposure ${k}`);
    }
  }
  let repeated = 0;
  for (const [k, n] of got) {
    const m = want.get(k) ?? 0;
    if (n > m && repeats && m === 0 && n === 1 && expected.candidates.has(k)) repeated++;
    else if (n > m) {
      unexpected += n - m;
      if (problems.length < 20) problems.push(`${m ? 'duplicated' : 'unexpected'} exposure ${k} (${n}× stored, ${m}× expected)`);
    }
  }
  // Dedupe, counted on its own: the same (key, flag, variation index) stored again within the
  // window is a duplicate whatever the other members say.
  const times = new Map();
  for (const e of exposures) {
    const who = e.key ?? e.keyHash;
    if (who === undefined) continue;
    const t = `${who}\u0000${e.flagKey}\u0000${e.variationIndex}`;
    times.set(t, [...(times.get(t) ?? []), e.timestamp]);
  }
  let duplicates = 0;
  for (const list of times.values()) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) if (list[i] - list[i - 1] < expected.window) duplicates++;
  }
  if (duplicates && !repeats) problems.push(`${duplicates} exposures stored again within the dedupe window`);

  // Summaries: summed per (flag, version, variation) over every batch.
  const sums = new Map();
  for (const s of summaries) {
    const k = summaryKey(s.flagKey, s.version, s.variationIndex);
    const t = sums.get(k);
    if (!t) sums.set(k, { ...s });
    else {
      if (t.variation !== s.variation) problems.push(`summary ${k}: variation ${JSON.stringify(t.variation)} then ${JSON.stringify(s.variation)}`);
      t.count += s.count;
      t.errors += s.errors;
      t.start = Math.min(t.start, s.start);
      t.end = Math.max(t.end, s.end);
    }
  }
  for (const [k, w] of expected.summaries) {
    const g = sums.get(k);
    if (unsummarized) {
      // Only counts the table could hold: never more than expected, never another variation.
      if (g && (g.count > w.count || g.errors > w.errors || g.variation !== w.variation)) problems.push(`summary ${k}: stored ${JSON.stringify(g)}, expected at most ${JSON.stringify(w)}`);
    } else if (!g) problems.push(`summary ${k}: none stored, expected count ${w.count}`);
    else if (JSON.stringify(g) !== JSON.stringify(w)) problems.push(`summary ${k}: stored ${JSON.stringify(g)}, expected ${JSON.stringify(w)}`);
  }
  for (const [k, g] of sums) if (!expected.summaries.has(k)) problems.push(`summary ${k}: unexpected ${JSON.stringify(g)}`);
  const counted = summaries.reduce((s, x) => s + x.count, 0);
  const errors = summaries.reduce((s, x) => s + x.errors, 0);
  const unsummarizedSum = batches.reduce((s, b) => s + b.unsummarized, 0);
  if (counted + unsummarizedSum !== expected.tracked) {
    problems.push(`summary counts sum to ${counted} (+ ${unsummarizedSum} unsummarized), tracked evaluations: ${expected.tracked}`);
  }
  if (unsummarizedSum !== 0 && !unsummarized) problems.push(`unsummarized: ${unsummarizedSum}`);

  // Batches: (source, sequence) 1, 2, 3, ... per source, dropped and unsummarized as expected.
  const bySource = new Map();
  for (const b of batches) bySource.set(b.source, [...(bySource.get(b.source) ?? []), b.sequence]);
  for (const [source, seqs] of bySource) {
    const ok = seqs.every((s, i) => s === i + firstSequence);
    if (!ok) problems.push(`source ${source}: sequences ${seqs.join(',')} (expected ${firstSequence}, ${firstSequence + 1}, ... in order)`);
  }
  const droppedSum = batches.reduce((s, b) => s + b.dropped, 0);
  if (droppedSum !== dropped) problems.push(`dropped: ${droppedSum} reported, expected ${dropped}`);

  return {
    numbers: {
      evaluations: expected.evaluations,
      tracked: expected.tracked,
      errors,
      batches: batches.length,
      sources: bySource.size,
      exposuresExpected: expected.exposures.length,
      exposuresStored: exposures.length,
      dedupeSuppressed: expected.suppressed,
      missing,
      unexpected,
      duplicates,
      ...(repeats ? { repeated } : {}),
      summaryRows: summaries.length,
      summaryCount: counted,
      ...(unsummarized ? { unsummarized: unsummarizedSum } : {}),
      dropped: droppedSum,
    },
    problems,
  };
}

/** `{ ok, problems }` as one line of numbers for the log. */
export function describe(name, { numbers }) {
  return `${name}: ${Object.entries(numbers)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
}
