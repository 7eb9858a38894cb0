// The playground's what-if: where a snapshot has percentage rollouts, and a copy with one of them
// moved. Only the snapshot's JSON is edited here; every value still comes from the engine.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RolloutAt {
  flag: string;
  /** The rule id, or null for the fallthrough. */
  rule: string | null;
  kind: 'rollout' | 'experiment';
  /** The variation a ramp raises (the first listed), for a rollout. */
  ramped: string | null;
  /** The current percentage: the ramped variation's weight, or an experiment's traffic. */
  percent: number;
}

const serves = (flag: Json): { rule: string | null; serve: Json }[] => [
  ...((flag.rules ?? []) as Json[]).map((r) => ({ rule: String(r.id), serve: r.serve ?? {} })),
  { rule: null, serve: flag.fallthrough ?? {} },
];

export function rolloutsOf(snapshot: Json): RolloutAt[] {
  const out: RolloutAt[] = [];
  for (const [key, flag] of Object.entries((snapshot.flags ?? {}) as Record<string, Json>)) {
    for (const { rule, serve } of serves(flag)) {
      if (serve.rollout?.variations?.length) {
        const first = serve.rollout.variations[0];
        out.push({ flag: key, rule, kind: 'rollout', ramped: String(first.variation), percent: first.weight / 1000 });
      } else if (serve.experiment) {
        out.push({ flag: key, rule, kind: 'experiment', ramped: null, percent: serve.experiment.traffic / 1000 });
      }
    }
  }
  return out;
}

/**
 * A copy of `snapshot` with the rollout at `at` set to `percent`: the ramped variation's weight
 * (the others share the rest in their old proportions, in integers summing to 100,000), or the
 * experiment's traffic.
 */
export function withPercent(snapshot: Json, at: RolloutAt, percent: number): Json {
  const copy = structuredClone(snapshot);
  copy.version = Number(copy.version) + 1;
  const flag = copy.flags[at.flag];
  const { serve } = serves(flag).find((s) => s.rule === at.rule)!;
  const units = Math.round(percent * 1000);
  if (at.kind === 'experiment') {
    serve.experiment.traffic = units;
    return copy;
  }
  const [first, ...rest] = serve.rollout.variations as { weight: number }[];
  first.weight = units;
  const left = 100_000 - units;
  const old = rest.reduce((s, v) => s + v.weight, 0);
  let given = 0;
  rest.forEach((v, i) => {
    v.weight = i === rest.length - 1 ? left - given : old > 0 ? Math.floor((v.weight * left) / old) : 0;
    given += v.weight;
  });
  return copy;
}
