// A flag's history, newest first: who changed what and why, each version's RFC 6902 patch as
// rows, and a button per version that publishes that version's content again (a rollback: the
// whole snapshot as it was then, every flag in it, as a new version).
import { rollbackAction } from '../../app/dashboard/actions';
import type { HistoryEntry, PatchOp } from '../../lib/admin';
import When from './When';

// The bookkeeping every version changes: shown, but quietly.
const QUIET = new Set(['/version', '/generatedAt']);

export default function History({ flagKey, entries, current, now }: { flagKey: string; entries: HistoryEntry[]; current: number; now: number }) {
  if (!entries.length) return <p className="meta">No versions recorded for this flag.</p>;
  return (
    <form action={rollbackAction} className="history">
      <input type="hidden" name="key" value={flagKey} />
      <input type="hidden" name="expected" value={current} />
      {/* The form's default button, disabled: Enter in the reason field rolls nothing back. */}
      <button type="submit" disabled hidden aria-hidden />
      <p className="controls">
        <span className="meta">
          A rollback publishes the whole snapshot of that version (every flag, not only this one) as version {current + 1}.
        </span>
        <input name="reason" placeholder="reason for a rollback" className="reason" />
      </p>
      {entries.map((e) => (
        <article key={e.version} className="entry" data-testid="history-entry" data-version={e.version} data-action={e.action} data-actor={e.actor}>
          <header>
            <b>v{e.version}</b> <span className="badge">{e.action}</span> by <b>{e.actor}</b> · <When at={e.at} now={now} />
            {e.reason && <> · “{e.reason}”</>}
            {e.flags.length > 1 && <span className="meta"> · also {e.flags.filter((f) => f !== flagKey).join(', ')}</span>}
            {e.version === current ? (
              <span className="meta right">current</span>
            ) : (
              <button type="submit" name="version" value={e.version} className="right" data-testid="rollback">
                roll back to v{e.version}
              </button>
            )}
          </header>
          {e.detail && <p className="meta">{summary(e.detail)}</p>}
          <table className="diff">
            <tbody>
              {e.patch.map((op, i) => (
                <tr key={i} className={`op-${op.op}${QUIET.has(op.path) ? ' quiet' : ''}`}>
                  <td className="op">{op.op}</td>
                  <td>
                    <code>{op.path || '(the whole snapshot)'}</code>
                    {op.from !== undefined && <> from <code>{op.from}</code></>}
                  </td>
                  <td>{'value' in op ? <code>{shown(op)}</code> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </form>
  );
}

/** A value as one line, shortened: a whole snapshot replaced is thousands of characters. */
function shown(op: PatchOp): string {
  const text = JSON.stringify(op.value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

function summary(detail: Record<string, unknown>): string {
  const ramp = detail.ramp as Record<string, unknown> | undefined;
  if (ramp) {
    return `${ramp.rule ? `rule ${ramp.rule}` : 'fallthrough'}: ${ramp.variation ?? 'traffic'} ${ramp.from} → ${ramp.to}; of ${ramp.sampled} sampled, ${ramp.reached} reached, ${ramp.gained} gained, ${ramp.lost} lost`;
  }
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}
