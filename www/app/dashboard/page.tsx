// The operators' dashboard: every flag with its state, owner, staleness and last change, from
// the Worker's admin API (lib/admin.ts, with this server's token), and the Worker's health.
// Links to flags are not prefetched: each flag's page costs the Worker three requests.
import Link from 'next/link';
import HealthPanel from '../../components/dashboard/HealthPanel';
import StaleBadge from '../../components/dashboard/StaleBadge';
import Unavailable from '../../components/dashboard/Unavailable';
import When from '../../components/dashboard/When';
import { listFlags, type FlagList } from '../../lib/admin';

// Every view asks the Worker: nothing cached, Node.js runtime (the default).
export const dynamic = 'force-dynamic';
export const metadata = { title: 'edgeflag dashboard' };

export default async function Dashboard() {
  let list: FlagList;
  try {
    list = await listFlags();
  } catch (e) {
    return (
      <section className="dashboard">
        <h1>Dashboard</h1>
        <Unavailable error={e} />
      </section>
    );
  }
  const stale = list.flags.filter((f) => f.stale).length;
  return (
    <section className="dashboard">
      <h1>Dashboard</h1>
      <p className="meta" data-testid="dashboard-version">
        Snapshot version {list.version} · {list.flags.length} flags · {stale} due for clean-up
      </p>
      <table className="results flags" data-testid="flags">
        <thead>
          <tr><th>flag</th><th>state</th><th>owner</th><th>staleness</th><th>last change</th><th></th></tr>
        </thead>
        <tbody>
          {list.flags.map((f) => (
            <tr key={f.key} data-testid="flag-row" data-flag={f.key} data-on={String(f.on)}>
              <td>
                <Link href={`/dashboard/flags/${encodeURIComponent(f.key)}`} prefetch={false} data-testid="flag-link"><code>{f.key}</code></Link>
                {!f.clientVisible && <span className="meta"> (server)</span>}
                {f.description && <div className="meta clip">{f.description}</div>}
              </td>
              <td><span className={`badge ${f.on ? 'on' : 'off'}`}>{f.on ? 'on' : 'off'}</span></td>
              <td>{f.owner ?? <span className="meta">none</span>}</td>
              <td><StaleBadge flag={f} /></td>
              <td>
                {f.lastChange ? (
                  <>
                    v{f.lastChange.version} {f.lastChange.action} by <b>{f.lastChange.actor}</b>
                    <div className="meta"><When at={f.lastChange.at} now={list.now} /></div>
                  </>
                ) : (
                  <span className="meta">–</span>
                )}
              </td>
              <td>
                <Link href={`/dashboard/flags/${encodeURIComponent(f.key)}`} prefetch={false}>manage</Link>
                {' · '}
                <Link href={`/dashboard/flags/${encodeURIComponent(f.key)}#history`} prefetch={false}>history</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <HealthPanel />
    </section>
  );
}
