'use client';
// Pictures of one rollout over sampled users: each user is a tick at its bucket (0…99,999),
// coloured by what it was served at `from` % and at `to` %; the third row shows only those who
// changed. Below, how many users each tenth of the bucket range holds (the hash spreads them
// evenly). A ramp that only adds shows no red tick.
import type { RolloutAt } from '../lib/rollouts';

export interface Served {
  variation: string;
  /** This rollout decided (not another rule, a target or an error). */
  decided: boolean;
  /** Enrolled in the experiment. */
  enrolled: boolean;
}

export interface Sample {
  key: string;
  before: Served;
  after: Served;
  bucket: number | null;
}

const W = 860;
const X0 = 110;
const SPAN = W - X0 - 20;
const PALETTE = ['#8a94a6', '#e39b2d', '#5b7fd6', '#b565c9', '#3bb0b8'];
const RAMPED = '#2e9e5b';
const ADDED = '#2e9e5b';
const REMOVED = '#d64545';

export default function RolloutChart({ at, from, to, users }: { at: RolloutAt; from: number; to: number; users: Sample[] }) {
  const inRollout = users.filter((u) => u.bucket !== null && (u.before.decided || u.after.decided));
  const outside = users.length - inRollout.length;
  const key = (s: Served) => (at.kind === 'experiment' ? (s.enrolled ? s.variation : 'not enrolled') : s.variation);
  const names = [...new Set(inRollout.flatMap((u) => [key(u.before), key(u.after)]))].sort();
  const colour = (name: string) =>
    name === at.ramped ? RAMPED : name === 'not enrolled' ? '#d9dde5' : PALETTE[names.indexOf(name) % PALETTE.length];
  const isIn = (s: Served) => (at.kind === 'experiment' ? s.enrolled : s.variation === at.ramped);
  const added = inRollout.filter((u) => !isIn(u.before) && isIn(u.after));
  const removed = inRollout.filter((u) => isIn(u.before) && !isIn(u.after));
  const x = (bucket: number) => X0 + (bucket / 100_000) * SPAN;
  const count = (which: 'before' | 'after') => {
    const c: Record<string, number> = {};
    for (const u of inRollout) c[key(u[which])] = (c[key(u[which])] ?? 0) + 1;
    return names.filter((n) => c[n]).map((n) => `${n} ${c[n]}`).join(' · ');
  };
  const bins = Array.from({ length: 10 }, (_, i) => inRollout.filter((u) => Math.floor(u.bucket! / 10_000) === i).length);
  const peak = Math.max(1, ...bins);
  const row = (y: number, label: string, ticks: { bucket: number; fill: string }[], mark?: number) => (
    <g>
      <text x={8} y={y + 24} className="label">{label}</text>
      <rect x={X0} y={y} width={SPAN} height={40} fill="#f4f6fa" />
      {ticks.map((t, i) => (
        <rect key={i} x={x(t.bucket)} y={y} width={1.2} height={40} fill={t.fill} />
      ))}
      {mark !== undefined && <line x1={x(mark * 1000)} x2={x(mark * 1000)} y1={y - 4} y2={y + 44} stroke="#222" strokeDasharray="3 2" />}
    </g>
  );
  const mark = (p: number) => (at.kind === 'rollout' || at.kind === 'experiment' ? p : undefined);
  return (
    <figure className="chart" data-testid="rollout-chart">
      <svg viewBox={`0 0 ${W} 330`} width="100%" role="img" aria-label={`${at.flag} from ${from} to ${to} percent`}>
        {row(10, `at ${from} %`, inRollout.map((u) => ({ bucket: u.bucket!, fill: colour(key(u.before)) })), mark(from))}
        {row(70, `at ${to} %`, inRollout.map((u) => ({ bucket: u.bucket!, fill: colour(key(u.after)) })), mark(to))}
        {row(130, 'changed', [
          ...added.map((u) => ({ bucket: u.bucket!, fill: ADDED })),
          ...removed.map((u) => ({ bucket: u.bucket!, fill: REMOVED })),
        ])}
        <text x={X0} y={192} className="axis">bucket 0</text>
        <text x={X0 + SPAN} y={192} className="axis" textAnchor="end">99,999</text>
        <text x={8} y={250} className="label">users per</text>
        <text x={8} y={264} className="label">10 % of buckets</text>
        {bins.map((n, i) => (
          <g key={i}>
            <rect x={X0 + (i * SPAN) / 10 + 2} y={320 - (n / peak) * 110} width={SPAN / 10 - 4} height={(n / peak) * 110} fill="#5b7fd6" />
            <text x={X0 + (i * SPAN) / 10 + SPAN / 20} y={316 - (n / peak) * 110} className="axis" textAnchor="middle">{n}</text>
          </g>
        ))}
      </svg>
      <figcaption data-testid="ramp-summary" data-added={added.length} data-removed={removed.length}>
        <span className="swatch" style={{ background: RAMPED }} /> {at.kind === 'experiment' ? 'enrolled' : at.ramped}
        {names.filter((n) => n !== at.ramped && n !== 'not enrolled').map((n) => (
          <span key={n}> <span className="swatch" style={{ background: colour(n) }} /> {n}</span>
        ))}
        <br />
        at {from} %: {count('before')} → at {to} %: {count('after')} — <b>{added.length} added, {removed.length} removed</b>
        {outside > 0 && <> · {outside} of {users.length} sampled users are not decided by this rollout (another rule, a target, or no match)</>}
      </figcaption>
    </figure>
  );
}
