'use client';
// The ramp control: pick one of the flag's rollouts (a rule's or the fallthrough), the variation
// it raises and the new percent; the sample's context defaults to what reaches that rule. The
// write itself is a server action (app/dashboard/actions.ts): nothing here talks to the Worker.
import { useState } from 'react';
import { rampAction } from '../../app/dashboard/actions';
import type { RampOption } from '../../lib/ramp-options';

export default function RampForm({ flag, version, options }: { flag: string; version: number; options: RampOption[] }) {
  const [pick, setPick] = useState(0);
  const [variation, setVariation] = useState(options[0]?.variations[0] ?? '');
  if (!options.length) return <p className="meta">This flag has no percentage rollout or experiment to move.</p>;
  const o = options[pick];
  const current = o.kind === 'rollout' ? (o.percents[variation] ?? o.percent) : o.percent;
  return (
    <form action={rampAction} className="stack" data-testid="ramp-form">
      <input type="hidden" name="key" value={flag} />
      <input type="hidden" name="expected" value={version} />
      <div className="controls">
        <label>
          Rollout{' '}
          <select
            name="rule"
            data-testid="ramp-rule"
            value={o.rule}
            onChange={(e) => {
              const i = options.findIndex((x) => x.rule === e.target.value);
              setPick(i);
              setVariation(options[i].variations[0] ?? '');
            }}
          >
            {options.map((x) => (
              <option key={x.rule} value={x.rule}>{x.label}</option>
            ))}
          </select>
        </label>
        {o.variations.length > 0 && (
          <label>
            raise{' '}
            <select name="variation" value={variation} onChange={(e) => setVariation(e.target.value)} data-testid="ramp-variation">
              {o.variations.map((v) => (
                <option key={v} value={v}>{v}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          from {current} % to{' '}
          <input key={`${pick}-${variation}`} name="percent" type="number" min={0} max={100} step={0.001} defaultValue={current} required data-testid="ramp-percent" /> %
        </label>
      </div>
      <label className="wide">
        Sample context (JSON: what every sampled user has besides its key, so that it reaches the rule)
        <textarea key={pick} name="context" rows={2} defaultValue={o.context} spellCheck={false} data-testid="ramp-context" />
      </label>
      <div className="controls">
        <input name="reason" placeholder="reason (for the history)" className="reason" />
        <button type="submit" data-testid="ramp-submit">Move the ramp</button>
      </div>
    </form>
  );
}
