'use client';
// Paste or pick a snapshot and a context: every flag's value, reason and the step that decided it,
// from the same Wasm engine the app uses, in its module that reads JSON snapshots (loaded for this
// page only: the app's other pages load the smaller one, which reads compiled snapshots). Then a
// rollout as pictures: where a sample of users fall across buckets and variations, and who
// changes when the percentage moves (a ramp only adds).
import { useEffect, useMemo, useState } from 'react';
import type { Details, Engine as EngineType, LoadError } from 'edgeflag';
import example from '../../examples/snapshot.json';
import { rolloutsOf, withPercent, type RolloutAt } from '../lib/rollouts';
import RolloutChart, { type Sample } from './RolloutChart';

type Edgeflag = typeof import('edgeflag');

const EXAMPLE = JSON.stringify(example, null, 2);
const CONTEXT = JSON.stringify({ key: 'user-1042', tier: 'pro', beta: true, app_version: '2.4.0' }, null, 2);

export default function Playground() {
  const [ef, setEf] = useState<Edgeflag | null>(null);
  const [snapshotText, setSnapshotText] = useState(EXAMPLE);
  const [contextText, setContextText] = useState(CONTEXT);
  const [at, setAt] = useState(() => new Date().toISOString().slice(0, 19) + 'Z');
  const [loadNote, setLoadNote] = useState<string | null>(null);

  useEffect(() => {
    import('edgeflag').then(async (m) => {
      await m.init(undefined, { json: true }); // snapshots here are JSON text
      setEf(m);
    });
  }, []);

  const now = Date.parse(at);
  const made = useMemo(() => build(ef, snapshotText, Number.isNaN(now) ? Date.now() : now), [ef, snapshotText, now]);
  const results = useMemo(() => {
    if (!made.engine) return null;
    return made.engine.evaluateAll(contextText, { track: false });
  }, [made, contextText]);

  const pickServed = async () => {
    const res = await fetch('/api/edgeflag/snapshot', { cache: 'no-store', headers: { accept: 'application/json' } });
    const text = await res.text();
    setSnapshotText(JSON.stringify(JSON.parse(text), null, 2));
    setLoadNote(`the client-safe snapshot this app serves (ETag ${res.headers.get('etag')})`);
  };

  return (
    <section className="playground">
      <h1>Playground</h1>
      <div className="inputs">
        <label>
          Snapshot{' '}
          <button onClick={() => (setSnapshotText(EXAMPLE), setLoadNote('the example snapshot'))}>example</button>{' '}
          <button onClick={pickServed}>served (client-safe)</button>
          {loadNote && <span className="meta"> · {loadNote}</span>}
          <textarea data-testid="snapshot" value={snapshotText} onChange={(e) => setSnapshotText(e.target.value)} rows={14} spellCheck={false} />
        </label>
        <label>
          Context
          <textarea data-testid="context" value={contextText} onChange={(e) => setContextText(e.target.value)} rows={6} spellCheck={false} />
          Time <input data-testid="time" value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
      </div>
      {!ef && <p className="meta">loading the engine…</p>}
      {made.error && (
        <p className="error" data-testid="load-error">
          refused: <code>{made.error.kind}</code> at <code>{made.error.path || '(root)'}</code>: {made.error.message}
        </p>
      )}
      {results && made.engine && (
        <table className="results" data-testid="results">
          <thead>
            <tr><th>flag</th><th>value</th><th>variation</th><th>reason</th><th>decided by</th></tr>
          </thead>
          <tbody>
            {made.engine.flags().map((f) => {
              const d = results[f.key];
              return (
                <tr key={f.key} data-flag={f.key}>
                  <td><code>{f.key}</code>{f.clientVisible ? '' : ' (server)'}</td>
                  <td><code>{JSON.stringify(d.value)}</code></td>
                  <td>{d.variation ?? '–'}</td>
                  <td>{d.reason}</td>
                  <td>{decidedBy(d)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {made.engine && made.json && <Rollouts ef={ef!} json={made.json} contextText={contextText} now={now} />}
    </section>
  );
}

function Rollouts({ ef, json, contextText, now }: { ef: Edgeflag; json: Record<string, any>; contextText: string; now: number }) {
  const list = useMemo(() => rolloutsOf(json), [json]);
  const [pick, setPick] = useState(0);
  const [from, setFrom] = useState(10);
  const [to, setTo] = useState(50);
  const [size, setSize] = useState(2000);
  const at: RolloutAt | undefined = list[pick];
  const samples = useMemo(() => (at ? sample(ef, json, at, from, to, size, contextText, now) : null), [ef, json, at, from, to, size, contextText, now]);
  if (!list.length) return <p className="meta">This snapshot has no percentage rollouts.</p>;
  return (
    <div className="rollouts">
      <h2>Rollout</h2>
      <div className="controls">
        <select data-testid="rollout" value={pick} onChange={(e) => setPick(Number(e.target.value))}>
          {list.map((r, i) => (
            <option key={i} value={i}>
              {r.flag} · {r.rule ? `rule ${r.rule}` : 'fallthrough'} · {r.kind} at {r.percent} %
            </option>
          ))}
        </select>
        <label>from <input type="number" min={0} max={100} value={from} onChange={(e) => setFrom(clamp(e.target.value))} /> %</label>
        <label>to <input type="number" min={0} max={100} value={to} onChange={(e) => setTo(clamp(e.target.value))} /> %</label>
        <label>users <input type="number" min={100} max={20000} step={100} value={size} onChange={(e) => setSize(Math.min(20000, Math.max(100, Number(e.target.value) || 100)))} /></label>
      </div>
      {samples?.error ? <p className="error">{samples.error}</p> : samples && at && <RolloutChart at={at} from={from} to={to} {...samples} />}
      <p className="meta">
        Users <code>sample-0</code>… with the context's other attributes; each evaluated by the engine on the snapshot
        with this rollout at {from} % and at {to} % (a copy, version + 1).
      </p>
    </div>
  );
}

function build(ef: Edgeflag | null, text: string, now: number) {
  if (!ef) return { engine: null, json: null, error: null };
  let json: Record<string, any> | null = null;
  try {
    json = JSON.parse(text);
  } catch {}
  try {
    return { engine: new ef.Engine(text, { now: () => now }) as EngineType, json, error: null };
  } catch (e) {
    return { engine: null, json: null, error: e as LoadError };
  }
}

function sample(ef: Edgeflag, json: Record<string, any>, at: RolloutAt, from: number, to: number, size: number, contextText: string, now: number) {
  let base: Record<string, unknown> = {};
  try {
    base = JSON.parse(contextText);
  } catch {}
  const engines: EngineType[] = [];
  try {
    for (const p of [from, to]) engines.push(new ef.Engine(withPercent(json, at, p), { now: () => now }));
  } catch (e) {
    return { error: `the snapshot with this rollout moved is refused: ${(e as Error).message}` } as const;
  }
  const users: Sample[] = [];
  for (let i = 0; i < size; i++) {
    const context = { ...base, key: `sample-${i}` };
    const [a, b] = engines.map((e) => e.evaluate(at.flag, context));
    users.push({ key: context.key, before: cell(a, at), after: cell(b, at), bucket: a.bucket ?? b.bucket ?? null });
  }
  for (const e of engines) e.free();
  return { users, error: null };
}

/** What a sampled user got: the variation when this rollout decided, else why not. */
function cell(d: Details, at: RolloutAt) {
  const here = d.reason === 'SPLIT' && (d.ruleId ?? null) === at.rule;
  return { variation: d.variation ?? '(default)', decided: here, enrolled: d.inExperiment === true };
}

function decidedBy(d: Details): string {
  if (d.reason === 'ERROR') return `error ${d.errorCode}: ${d.errorMessage}`;
  if (d.reason === 'DISABLED') return 'the flag is off → its off variation';
  if (d.reason === 'STATIC') return 'no targeting: one value for everyone';
  if (d.prerequisiteFailed) return `prerequisite ${d.prerequisiteFailed} not met → the off variation`;
  const where = d.ruleId ? `rule "${d.ruleId}" matched` : d.reason === 'TARGETING_MATCH' ? 'listed in the targets' : 'no rule matched: fallthrough';
  if (d.bucket === undefined) return `${where} → ${d.variation}`;
  const enrolled = d.inExperiment ? `, enrolled (variant bucket ${d.variantBucket})` : '';
  return `${where} → rollout bucket ${d.bucket.toLocaleString('en')} of 100,000${enrolled} → ${d.variation}`;
}

const clamp = (v: string) => Math.min(100, Math.max(0, Number(v) || 0));
