// Translates an edgeflag snapshot (the one `edgeflag generate --flags N` prints, see
// src/synthetic.rs) into each peer's own configuration format, flag for flag: same keys, same
// variations, the same kinds of rules, rollouts, segments, prerequisites and experiments, as far
// as the peer can express them. Also holds a small reference reading of the snapshot
// (`distribution`) that says what a flag must serve for a context: one value when no bucketing
// decides, otherwise the share of each value. check.mjs holds every engine to it.
//
// Only what synthetic snapshots contain is translated (in, semverGte, endsWith and segmentMatch
// clauses; fixed variations, two-way rollouts and experiments; segments with `included` and
// rules; prerequisites; switched-off flags); anything else throws, so a new construct in
// src/synthetic.rs cannot be dropped silently.
//
// What could not be expressed identically:
//
// Every peer
//   - Bucketing: each peer hashes with its own function and salt (GrowthBook FNV-1a "v2" on
//     seed + id, 1/10,000 steps; flagd murmur3 on flagKey + targetingKey, exact integer weights),
//     edgeflag with its own (docs/bucketing.md). The same shares of users get each value, not
//     the same users. check.mjs checks shares, not buckets.
//   - `clientVisible` has no counterpart: every flag is in every peer's configuration.
//
// GrowthBook (SDK payload: { features, savedGroups })
//   - A rollout is a force rule with `coverage`. A unit a rule matches but whose bucket is past
//     the coverage does not get "off" from that rule: GrowthBook moves on to the next rule. Where
//     that would change the value, a complementary force rule with the same condition follows.
//     GrowthBook includes `n <= coverage`, so a p % rollout serves p + 0.01 %.
//   - An experiment is an experiment rule with `coverage` = traffic; units not enrolled fall
//     through to the feature's defaultValue, which is the experiment's fallback (edgeflag's
//     `fallback`). Enrolment and variant use one hash (edgeflag uses two salts).
//   - Prerequisites are `parentConditions` on every rule (a parent's *value* is compared; the
//     variation named in the snapshot is unique per value, so it is the same test), and the
//     defaultValue is the off value when a prerequisite exists.
//   - A switched-off flag is left out of the payload, as GrowthBook does per environment; the
//     caller's default (the flag's off value, passed by every caller here) is served.
//   - `endsWith` has no operator: `$regex` on the escaped suffix anchored with `$`.
//   - A segment is a condition saved group (`$savedGroup`, savedGroupReferencesV2) that ORs a
//     list saved group of its `included` keys (attribute `id`) with its rules.
//
// flagd (flag definition document: { flags, $evaluators })
//   - No prerequisites: the parent's targeting is inlined into the child, with the parent's
//     bucketing seed (`cat: [parentKey, targetingKey]`, flagd's default for the parent), and its
//     result compared with the required variant; a DISABLED parent is a false condition.
//   - No experiment traffic: one `fractional` split in which the fallback's share absorbs the
//     units not enrolled (control 67 %, a 16.5 %, b 16.5 % for traffic 50 % and 34/33/33). The
//     values' shares are the same; which units stay put when traffic grows is not.
//   - A DISABLED flag serves the caller's default (flagd-core's behaviour); every caller here
//     passes the flag's off value.
//   - Segments are `$evaluators` referenced with `$ref`, which flagd substitutes textually into
//     each flag at load time.

/** The edgeflag context attributes each peer reads under another name. */
export const contextFor = {
  edgeflag: (ctx) => ctx,
  growthbook: ({ key, ...rest }) => ({ attributes: { id: key, ...rest } }),
  flagd: ({ key, ...rest }) => ({ targetingKey: key, ...rest }),
  // edgeflag on GrowthBook's payload, converted: GrowthBook's attributes are the context.
  'growthbook import': ({ key, ...rest }) => ({ id: key, ...rest }),
};

const assert = (cond, what) => {
  if (!cond) throw new Error(`translate: cannot translate ${what}`);
};

const variationIndex = (flag, ref) => {
  const i = typeof ref === 'number' ? ref : flag.variations.findIndex((v) => v.name === ref);
  assert(i >= 0 && i < flag.variations.length, `variation reference ${JSON.stringify(ref)}`);
  return i;
};
const valueOf = (flag, ref) => flag.variations[variationIndex(flag, ref)].value;
const nameOf = (flag, ref) => flag.variations[variationIndex(flag, ref)].name;

/** The value a flag serves when off or when a prerequisite fails (every caller's default here). */
export const offValue = (flag) => (flag.offVariation === undefined ? null : valueOf(flag, flag.offVariation));

function checkFlag(key, flag) {
  const known = new Set(['on', 'variations', 'offVariation', 'rules', 'fallthrough', 'prerequisites', 'clientVisible']);
  for (const m of Object.keys(flag)) assert(known.has(m), `flags.${key}.${m}`);
  assert(flag.offVariation !== undefined, `flags.${key} without offVariation`);
  for (const s of [flag.fallthrough, ...(flag.rules ?? []).map((r) => r.serve)]) {
    if (s.rollout) {
      assert(s.rollout.variations.length === 2 && !s.rollout.bucketBy && !s.rollout.salt, `flags.${key}: a rollout that is not a two-way ramp`);
    }
    if (s.experiment) assert(!s.experiment.bucketBy && !s.experiment.salt, `flags.${key}: experiment bucketBy/salt`);
  }
}

// ---------------------------------------------------------------------------------------------
// GrowthBook

const gbAttr = (a) => (a === 'key' ? 'id' : a);
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function gbClause(c) {
  switch (c.op) {
    case 'in':
      return { [gbAttr(c.attribute)]: { $in: c.values } };
    case 'semverGte':
      assert(c.values.length === 1, 'semverGte with several values');
      return { [gbAttr(c.attribute)]: { $vgte: c.values[0] } };
    case 'endsWith':
      return { [gbAttr(c.attribute)]: { $regex: c.values.length === 1 ? `${escapeRegex(c.values[0])}$` : `(${c.values.map(escapeRegex).join('|')})$` } };
    case 'segmentMatch':
      return c.values.length === 1
        ? { $savedGroup: { id: c.values[0] } }
        : { $or: c.values.map((id) => ({ $savedGroup: { id } })) };
    default:
      assert(false, `operator ${c.op}`);
  }
}

/** Clauses (ANDed) as one GrowthBook condition; merged into one object while no member repeats. */
function gbCondition(clauses) {
  assert(clauses.every((c) => !c.negate), 'negated clauses');
  const parts = clauses.map(gbClause);
  const keys = parts.flatMap((p) => Object.keys(p));
  if (new Set(keys).size === keys.length) return Object.assign({}, ...parts);
  return { $and: parts };
}

/** edgeflag snapshot → GrowthBook SDK payload ({ features, savedGroups }). */
export function toGrowthBook(snapshot) {
  const savedGroups = {};
  for (const [key, seg] of Object.entries(snapshot.segments ?? {})) {
    assert(!seg.excluded && !seg.attribute && !seg.includedHashes, `segments.${key} members`);
    const listId = `${key}:included`;
    savedGroups[listId] = { type: 'list', attributeKey: 'id', values: seg.included ?? [] };
    const rules = (seg.rules ?? []).map((r) => gbCondition(r.clauses));
    savedGroups[key] = { type: 'condition', condition: { $or: [{ $savedGroup: { id: listId } }, ...rules] } };
  }

  const features = {};
  for (const [key, flag] of Object.entries(snapshot.flags)) {
    checkFlag(key, flag);
    if (!flag.on) continue; // switched off: left out of the payload, the caller's default is served
    const parentConditions = (flag.prerequisites ?? []).map((p) => ({
      id: p.flag,
      condition: { value: valueOf(snapshot.flags[p.flag], p.variation) },
    }));
    const pc = parentConditions.length ? { parentConditions } : {};
    // The value served when no rule applies: with prerequisites, the off value (each rule, the
    // fallthrough included, carries the prerequisites); otherwise what the fallthrough leaves.
    const ft = flag.fallthrough;
    const defaultValue = parentConditions.length
      ? offValue(flag)
      : ft.variation !== undefined
        ? valueOf(flag, ft.variation)
        : ft.rollout
          ? valueOf(flag, ft.rollout.variations[1].variation)
          : valueOf(flag, ft.experiment.fallback);

    const rules = [];
    // One serve as GrowthBook rules. A split is followed by a force rule with the same condition
    // for the units it does not pick (GrowthBook would otherwise try the next rule).
    const emit = (id, s, condition) => {
      const base = { id, ...(condition ? { condition } : {}), ...pc };
      if (s.variation !== undefined) {
        rules.push({ ...base, force: valueOf(flag, s.variation) });
        return;
      }
      let rest;
      if (s.rollout) {
        const [a, b] = s.rollout.variations;
        rules.push({ ...base, force: valueOf(flag, a.variation), coverage: a.weight / 100000, hashAttribute: 'id', hashVersion: 2 });
        rest = valueOf(flag, b.variation);
      } else {
        const e = s.experiment;
        const total = e.variations.reduce((n, v) => n + v.weight, 0);
        rules.push({
          ...base,
          key,
          variations: e.variations.map((v) => valueOf(flag, v.variation)),
          weights: e.variations.map((v) => v.weight / total),
          coverage: e.traffic / 100000,
          hashAttribute: 'id',
          hashVersion: 2,
          meta: e.variations.map((v) => ({ key: nameOf(flag, v.variation) })),
        });
        rest = valueOf(flag, e.fallback);
      }
      rules.push({ ...base, id: `${id}:rest`, force: rest });
    };
    for (const r of flag.rules ?? []) emit(r.id, r.serve, gbCondition(r.clauses));
    if (parentConditions.length || ft.variation === undefined) emit('fallthrough', ft);
    // A last rule that forces the defaultValue changes nothing: drop it (GrowthBook's own payloads
    // have no such rules either).
    while (rules.length && 'force' in rules.at(-1) && rules.at(-1).coverage === undefined && rules.at(-1).force === defaultValue) rules.pop();
    features[key] = rules.length ? { defaultValue, rules } : { defaultValue };
  }
  return { features, savedGroups };
}

// ---------------------------------------------------------------------------------------------
// flagd

const fdAttr = (a) => (a === 'key' ? 'targetingKey' : a);

function fdClause(c) {
  const v = { var: fdAttr(c.attribute) };
  switch (c.op) {
    case 'in':
      return { in: [v, c.values] };
    case 'semverGte':
      assert(c.values.length === 1, 'semverGte with several values');
      return { sem_ver: [v, '>=', c.values[0]] };
    case 'endsWith':
      return c.values.length === 1 ? { ends_with: [v, c.values[0]] } : { or: c.values.map((s) => ({ ends_with: [v, s] })) };
    case 'segmentMatch':
      return c.values.length === 1 ? { $ref: c.values[0] } : { or: c.values.map((s) => ({ $ref: s })) };
    default:
      assert(false, `operator ${c.op}`);
  }
}

function fdCondition(clauses) {
  assert(clauses.every((c) => !c.negate), 'negated clauses');
  return clauses.length === 1 ? fdClause(clauses[0]) : { and: clauses.map(fdClause) };
}

/**
 * A flag's targeting as a JsonLogic expression giving a variant name (or the name itself when it
 * needs none). `seedKey` makes `fractional` seed explicitly with that flag's key (flagd's default
 * seed is the key of the flag being evaluated, so an inlined parent must say its own).
 */
function fdTargeting(snapshot, key, seedKey) {
  const flag = snapshot.flags[key];
  const seed = seedKey ? [{ cat: [seedKey, { var: 'targetingKey' }] }] : [];
  const serve = (s) => {
    if (s.variation !== undefined) return nameOf(flag, s.variation);
    if (s.rollout) return { fractional: [...seed, ...s.rollout.variations.map((v) => [nameOf(flag, v.variation), v.weight])] };
    // Experiment: one split; the fallback's share absorbs the units not enrolled (exact integers).
    const e = s.experiment;
    const total = e.variations.reduce((n, v) => n + v.weight, 0);
    const shares = new Map(e.variations.map((v) => [nameOf(flag, v.variation), e.traffic * v.weight]));
    const fb = nameOf(flag, e.fallback);
    shares.set(fb, (shares.get(fb) ?? 0) + (100000 - e.traffic) * total);
    const weights = [...shares].map(([name, w]) => [name, w / 100000]);
    assert(weights.every(([, w]) => Number.isInteger(w)), `flags.${key}: experiment shares that are not whole 1/100,000ths`);
    return { fractional: [...seed, ...weights] };
  };
  let t = serve(flag.fallthrough);
  const rules = flag.rules ?? [];
  if (rules.length) t = { if: [...rules.flatMap((r) => [fdCondition(r.clauses), serve(r.serve)]), t] };
  const prereqs = flag.prerequisites ?? [];
  if (prereqs.length) {
    const holds = prereqs.map((p) => {
      const parent = snapshot.flags[p.flag];
      if (!parent.on) return false;
      return { '==': [fdTargeting(snapshot, p.flag, p.flag), nameOf(parent, p.variation)] };
    });
    t = { if: [holds.length === 1 ? holds[0] : { and: holds }, t, nameOf(flag, flag.offVariation)] };
  }
  return t;
}

/** edgeflag snapshot → flagd flag definition document (an object; JSON.stringify it). */
export function toFlagd(snapshot) {
  const $evaluators = {};
  for (const [key, seg] of Object.entries(snapshot.segments ?? {})) {
    assert(!seg.excluded && !seg.attribute && !seg.includedHashes, `segments.${key} members`);
    const parts = [{ in: [{ var: 'targetingKey' }, seg.included ?? []] }, ...(seg.rules ?? []).map((r) => fdCondition(r.clauses))];
    $evaluators[key] = parts.length === 1 ? parts[0] : { or: parts };
  }
  const flags = {};
  for (const [key, flag] of Object.entries(snapshot.flags)) {
    checkFlag(key, flag);
    const targeting = fdTargeting(snapshot, key);
    flags[key] = {
      state: flag.on ? 'ENABLED' : 'DISABLED',
      variants: Object.fromEntries(flag.variations.map((v) => [v.name, v.value])),
      defaultVariant: typeof targeting === 'string' ? targeting : nameOf(flag, flag.offVariation),
      ...(typeof targeting === 'string' ? {} : { targeting }),
    };
  }
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', flags, $evaluators };
}

// ---------------------------------------------------------------------------------------------
// Reference reading of the snapshot: what each engine must serve

const semver = (s) => {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(s));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
};
const semverGte = (a, b) => {
  const x = semver(a);
  const y = semver(b);
  if (!x || !y) return false;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
};

function clauseMatches(snapshot, c, ctx) {
  const item = ctx[c.attribute];
  switch (c.op) {
    case 'in':
      return c.values.includes(item);
    case 'semverGte':
      return c.values.some((v) => semverGte(item, v));
    case 'endsWith':
      return typeof item === 'string' && c.values.some((v) => item.endsWith(v));
    case 'segmentMatch':
      return c.values.some((s) => {
        const seg = snapshot.segments[s];
        if ((seg.included ?? []).includes(ctx.key)) return true;
        return (seg.rules ?? []).some((r) => r.clauses.every((cl) => clauseMatches(snapshot, cl, ctx)));
      });
    default:
      assert(false, `operator ${c.op}`);
  }
}

/**
 * What `flagKey` serves for `ctx` according to the snapshot's meaning: a Map value → probability
 * over the unit's buckets (one entry with probability 1 when no bucketing decides). Buckets of
 * different flags are taken as independent (each engine salts by flag key).
 */
export function distribution(snapshot, flagKey, ctx) {
  const flag = snapshot.flags[flagKey];
  const off = offValue(flag);
  if (!flag.on) return new Map([[off, 1]]);
  let pass = 1;
  for (const p of flag.prerequisites ?? []) {
    pass *= distribution(snapshot, p.flag, ctx).get(valueOf(snapshot.flags[p.flag], p.variation)) ?? 0;
  }
  const rule = (flag.rules ?? []).find((r) => r.clauses.every((c) => clauseMatches(snapshot, c, ctx)));
  const s = rule ? rule.serve : flag.fallthrough;
  const out = new Map();
  const add = (v, p) => p > 0 && out.set(v, (out.get(v) ?? 0) + p);
  if (s.variation !== undefined) add(valueOf(flag, s.variation), pass);
  else if (s.rollout) for (const v of s.rollout.variations) add(valueOf(flag, v.variation), (pass * v.weight) / 100000);
  else {
    const e = s.experiment;
    const total = e.variations.reduce((n, v) => n + v.weight, 0);
    add(valueOf(flag, e.fallback), (pass * (100000 - e.traffic)) / 100000);
    for (const v of e.variations) add(valueOf(flag, v.variation), (pass * e.traffic * v.weight) / 100000 / total);
  }
  add(off, 1 - pass);
  return out;
}

/** The one value a flag must serve for a context, or undefined when bucketing decides. */
export function deterministic(snapshot, flagKey, ctx) {
  const d = distribution(snapshot, flagKey, ctx);
  return d.size === 1 ? [...d.keys()][0] : undefined;
}
