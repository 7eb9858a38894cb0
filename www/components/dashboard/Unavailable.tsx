// What a dashboard page shows instead when the Worker cannot be asked: not configured, not
// reachable, or an error answer.
import { AdminError } from '../../lib/admin';

export default function Unavailable({ error }: { error: unknown }) {
  if (error instanceof AdminError && error.code === 'not_configured') {
    return (
      <p className="flash error" data-testid="unavailable">
        The dashboard is not configured: set <code>EDGEFLAG_ADMIN_URL</code> (the Worker) and <code>EDGEFLAG_DASHBOARD_TOKEN</code> (a
        named token) in this server&apos;s environment.
      </p>
    );
  }
  const e = error instanceof AdminError ? error : null;
  return (
    <p className="flash error" data-testid="unavailable">
      The Worker&apos;s admin API answered {e?.status ? `HTTP ${e.status} ` : ''}
      <code>{e?.code ?? 'error'}</code>: {e?.message ?? String(error)}
      {e?.path ? <> (at <code>{e.path}</code>)</> : null}
    </p>
  );
}
