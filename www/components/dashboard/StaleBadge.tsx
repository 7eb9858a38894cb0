// Why the Worker calls a flag stale: past its expiresAt, or unchanged for 30 days at 100 % (one
// variation for everyone): either way, due for removal from the code.
import type { FlagSummary } from '../../lib/admin';

export default function StaleBadge({ flag }: { flag: FlagSummary }) {
  if (flag.stale === 'expired') {
    const when = flag.expiresAt ? new Date(flag.expiresAt).toISOString().slice(0, 10) : 'its date';
    return <span className="badge warn" data-testid="stale" data-stale="expired" title="past its expiresAt: remove the flag from the code">expired {when}</span>;
  }
  if (flag.stale === 'unchanged-30-days') {
    return <span className="badge warn" data-testid="stale" data-stale="unchanged-30-days" title="at 100 % with no change for 30 days: ready to remove">unchanged 30 days at 100 %</span>;
  }
  return <span className="meta">{flag.expiresAt ? `expires ${new Date(flag.expiresAt).toISOString().slice(0, 10)}` : 'fresh'}</span>;
}
