// The Worker's GET /health: the version this isolate serves, the writer's and KV's, the pushed
// clients, and why it is degraded when it is.
import { health, type Health } from '../../lib/admin';
import Unavailable from './Unavailable';
import When from './When';

export default async function HealthPanel() {
  let h: Health;
  try {
    h = await health();
  } catch (e) {
    return (
      <section className="card" data-testid="health">
        <h2>Health</h2>
        <Unavailable error={e} />
      </section>
    );
  }
  const problems = (['refused', 'kvError'] as const).filter((k) => h[k]);
  const writerError = (h.writer as { error?: unknown } | undefined)?.error;
  return (
    <section className="card" data-testid="health" data-status={h.status}>
      <h2>
        Health <span className={`badge ${h.status === 'ok' ? 'on' : 'warn'}`}>{h.status ?? 'unknown'}</span>
      </h2>
      <dl className="facts">
        <dt>serving</dt>
        <dd data-testid="health-serving">
          {h.snapshot ? (
            <>
              version {h.snapshot.version}
              {h.snapshot.origin ? ` · from ${h.snapshot.origin}` : ''}
              {h.snapshot.loadedAt ? <> · loaded <When at={h.snapshot.loadedAt} now={h.now} /></> : null}
              {h.snapshot.flagCount !== undefined ? ` · ${h.snapshot.flagCount} flags` : ''}
            </>
          ) : (
            'nothing'
          )}
        </dd>
        <dt>writer</dt>
        <dd data-testid="health-writer">
          {h.writer ? (
            <>
              version {h.writer.version}
              {h.writer.kv ? ` · KV at ${h.writer.kv.version}${h.writer.kv.written ? '' : ' (behind)'}` : ''}
              {h.writer.subscribers !== undefined ? ` · ${h.writer.subscribers} pushed clients` : ''}
            </>
          ) : (
            '–'
          )}
          {writerError ? <span className="error"> · {String(JSON.stringify(writerError))}</span> : null}
        </dd>
        {problems.map((k) => (
          <FragmentRow key={k} name={k} value={h[k]} />
        ))}
      </dl>
    </section>
  );
}

function FragmentRow({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="error">
        <code>{JSON.stringify(value)}</code>
      </dd>
    </>
  );
}
