// The ramps a flag's dashboard form offers: each rollout or experiment lib/rollouts.ts finds in
// the flag (a rule's or the fallthrough's), with the variations a two-way ramp may raise, the
// percent it serves now, and a context for the Worker's sample that reaches that rule.
import { rolloutsOf, type RolloutAt } from './rollouts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RampOption {
  /** The rule's id, or '' for the fallthrough. */
  rule: string;
  label: string;
  kind: RolloutAt['kind'];
  /** A two-way rollout's variations, the ramped one first; empty for an experiment. */
  variations: string[];
  /** The ramped variation's percent (the first of `variations`), or an experiment's traffic. */
  percent: number;
  /** Other variations' percents, by name (a rollout's). */
  percents: Record<string, number>;
  /** JSON text: attributes that make a sampled user match the rule (its `in` clauses' first values). */
  context: string;
}

export function rampOptions(key: string, flag: Json): RampOption[] {
  const names: string[] = (flag.variations ?? []).map((v: Json) => String(v.name));
  const nameOf = (ref: unknown) => (typeof ref === 'number' ? names[ref] : String(ref));
  const off = flag.offVariation === undefined ? undefined : nameOf(flag.offVariation);
  return rolloutsOf({ flags: { [key]: flag } }).map((at) => {
    const rule = at.rule === null ? null : (flag.rules as Json[]).find((r) => String(r.id) === at.rule);
    const serve: Json = (rule ? rule.serve : flag.fallthrough) ?? {};
    const percents: Record<string, number> = {};
    for (const v of serve.rollout?.variations ?? []) percents[nameOf(v.variation)] = v.weight / 1000;
    // The side that is not the off variation first: the one a ramp raises (as the Worker picks).
    const variations = Object.keys(percents).sort((a, b) => Number(a === off) - Number(b === off));
    const context: Record<string, unknown> = {};
    for (const c of (rule?.clauses ?? []) as Json[]) {
      if (c.op === 'in' && typeof c.attribute === 'string' && c.attribute !== 'key' && Array.isArray(c.values) && c.values.length && !c.negate) {
        context[c.attribute] = c.values[0];
      }
    }
    const where = at.rule === null ? 'fallthrough' : `rule ${at.rule}`;
    const percent = at.kind === 'rollout' ? percents[variations[0]] : at.percent;
    return {
      rule: at.rule ?? '',
      label: `${where} · ${at.kind === 'rollout' ? `${variations[0]} at ${percent} %` : `experiment traffic at ${percent} %`}`,
      kind: at.kind,
      variations: at.kind === 'rollout' && variations.length === 2 ? variations : [],
      percent,
      percents,
      context: JSON.stringify(context),
    };
  });
}
