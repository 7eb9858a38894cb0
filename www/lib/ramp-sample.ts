// Who a committed ramp move gained and lost, as the playground pictures it: the flag evaluated on
// the versions before and after the move for users that differ only in the attribute the
// rollout buckets by (`sample-0`, `sample-1`, …, as the Worker samples for its report), by the
// servers' engine in this Node process. Only the outcomes go to the page, never the snapshots.
import 'server-only';
import type { Context, Details } from 'edgeflag';
import type { Served } from '../components/RolloutChart';
import type { SampledRamp } from '../components/dashboard/RampPicture';
import type { RolloutAt } from './rollouts';

export interface RampSampleInput {
  flag: string;
  at: RolloutAt;
  from: number;
  to: number;
  before: string;
  after: string;
  bucketBy: string;
  context: Record<string, unknown>;
  size: number;
  now: number;
}

// Imported by Node at run time, not bundled: the package's Node entry reads its .wasm from beside
// itself (a bundled copy cannot), and only its Node entry is wanted here.
const edgeflag = (): Promise<typeof import('edgeflag')> => import(/* turbopackIgnore: true */ 'edgeflag');

export async function sampleRamp(input: RampSampleInput): Promise<SampledRamp> {
  const { Engine } = await edgeflag();
  const engines = [input.before, input.after].map((text) => new Engine(text, { now: () => input.now }));
  const served: Served[] = [];
  const index = new Map<string, number>();
  const slot = (s: Served) => {
    const id = JSON.stringify(s);
    if (!index.has(id)) index.set(id, served.push(s) - 1);
    return index.get(id)!;
  };
  const out: SampledRamp = { at: input.at, from: input.from, to: input.to, bucketBy: input.bucketBy, served, before: [], after: [], buckets: [] };
  try {
    for (let i = 0; i < input.size; i++) {
      const context = withUnit(input.context, input.bucketBy, `sample-${i}`);
      const [a, b] = engines.map((e) => e.evaluate(input.flag, context as Context, undefined, { track: false }));
      out.before.push(slot(cell(a, input.at)));
      out.after.push(slot(cell(b, input.at)));
      out.buckets.push(a.bucket ?? b.bucket ?? null);
    }
  } finally {
    for (const e of engines) e.free();
  }
  return out;
}

/** What a sampled user got: the variation when this rollout decided, else why not (as the playground). */
function cell(d: Details, at: RolloutAt): Served {
  const decided = d.reason === 'SPLIT' && (d.ruleId ?? null) === at.rule;
  return { variation: d.variation ?? '(default)', decided, enrolled: d.inExperiment === true };
}

/** `context` with `attribute` (a name, or a JSON Pointer into nested objects) set to `unit`. */
function withUnit(context: Record<string, unknown>, attribute: string, unit: string): Record<string, unknown> {
  const copy = structuredClone(context);
  if (!attribute.startsWith('/')) {
    copy[attribute] = unit;
    return copy;
  }
  const names = attribute.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let at: Record<string, unknown> = copy;
  for (const name of names.slice(0, -1)) {
    if (typeof at[name] !== 'object' || at[name] === null) at[name] = {};
    at = at[name] as Record<string, unknown>;
  }
  at[names[names.length - 1]] = unit;
  return copy;
}
