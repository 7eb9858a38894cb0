// A committed ramp move: the Worker's report (its sample, counted on the snapshots before and
// after) and the playground's picture of the same sample, evaluated here on those two versions.
import { snapshotText } from '../../lib/admin';
import type { Flash } from '../../lib/flash';
import { sampleRamp } from '../../lib/ramp-sample';
import RampPicture from './RampPicture';
import type { SampledRamp } from './RampPicture';

export default async function RampResult({ flagKey, ramp }: { flagKey: string; ramp: NonNullable<Flash['ramp']> }) {
  const r = ramp.report;
  const from = parseFloat(r.from);
  const to = parseFloat(r.to);
  let sampled: SampledRamp | null = null;
  let problem: string | null = null;
  try {
    const [before, after] = await Promise.all([snapshotText(ramp.previous), snapshotText(ramp.version)]);
    sampled = await sampleRamp({
      flag: flagKey,
      at: { flag: flagKey, rule: r.rule, kind: r.kind === 'ramp' ? 'rollout' : 'experiment', ramped: r.variation, percent: to },
      from,
      to,
      before,
      after,
      bucketBy: r.bucketBy,
      context: ramp.context,
      size: ramp.sample,
      now: Date.now(),
    });
  } catch (e) {
    problem = (e as Error).message;
  }
  return (
    <div className="ramp-result">
      <table className="results report" data-testid="ramp-report" data-gained={r.gained} data-lost={r.lost} data-reached={r.reached}>
        <tbody>
          <tr><th>moved</th><td>{r.rule ? <>rule <code>{r.rule}</code></> : 'the fallthrough'} · {r.kind === 'ramp' ? <>variation <code>{r.variation}</code></> : 'experiment traffic'} · {r.from} → {r.to} (v{ramp.previous} → v{ramp.version})</td></tr>
          <tr><th>sampled</th><td>{r.sampled.toLocaleString('en')} users differing in <code>{r.bucketBy}</code>, each with <code>{JSON.stringify(ramp.context)}</code></td></tr>
          <tr><th>reached the ramp</th><td>{r.reached.toLocaleString('en')}</td></tr>
          <tr><th>gained</th><td data-testid="ramp-gained"><b>{r.gained.toLocaleString('en')}</b></td></tr>
          <tr><th>lost</th><td data-testid="ramp-lost"><b className={r.lost ? 'error' : ''}>{r.lost.toLocaleString('en')}</b></td></tr>
          <tr><th>changed otherwise</th><td>{r.changedOtherwise.toLocaleString('en')}</td></tr>
          <tr><th>only additions</th><td>{r.onlyAdditions ? 'yes' : r.reached === 0 ? 'no one in the sample reached this rule: give the sample a context that matches it' : 'no'}</td></tr>
        </tbody>
      </table>
      {sampled ? <RampPicture sampled={sampled} /> : <p className="meta">No picture: {problem}</p>}
    </div>
  );
}
