// The Worker on workerd (miniflare), configured from wrangler.toml: the demo (dev.mjs), the
// tests and the load test run exactly the bindings and vars that deploy. Offline: the request's
// `cf` object is miniflare's built-in placeholder unless a test passes its own.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { parse } from 'smol-toml';

export { Miniflare };
export const workerDir = dirname(fileURLToPath(import.meta.url));
export const config = parse(readFileSync(join(workerDir, 'wrangler.toml'), 'utf8'));

/**
 * Miniflare options for the built Worker (worker/build.sh).
 * `vars` and `secrets` override or add to wrangler.toml's [vars]; `persist` is a folder for
 * KV, Queue and R2 state (in memory without it); `queueBatchTimeout` (seconds) shortens the
 * consumer's wait for a full batch.
 */
export function localOptions({ vars = {}, secrets = {}, persist, port, cf = false, queueBatchTimeout } = {}) {
  const scriptPath = join(workerDir, config.main);
  const persistTo = (kind) => (persist ? join(persist, kind) : undefined);
  return {
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath), // index.js imports the .wasm beside it
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: config.compatibility_date,
    bindings: { ...config.vars, ...vars, ...secrets },
    kvNamespaces: config.kv_namespaces.map((k) => k.binding),
    queueProducers: Object.fromEntries(config.queues.producers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      config.queues.consumers.map((c) => [
        c.queue,
        { maxBatchSize: c.max_batch_size, maxBatchTimeout: queueBatchTimeout ?? c.max_batch_timeout },
      ]),
    ),
    r2Buckets: config.r2_buckets.map((b) => b.binding),
    durableObjects: Object.fromEntries(
      config.durable_objects.bindings.map((d) => [
        d.name,
        { className: d.class_name, useSQLite: config.migrations.some((m) => m.new_sqlite_classes?.includes(d.class_name)) },
      ]),
    ),
    durableObjectsPersist: persistTo('do'),
    kvPersist: persistTo('kv'),
    r2Persist: persistTo('r2'),
    queuesPersist: persistTo('queues'),
    cf,
    ...(port !== undefined ? { host: '127.0.0.1', port } : {}),
  };
}

/** Puts snapshot text into the local KV, where the Worker reads it. */
export async function seedSnapshot(mf, text) {
  const kv = await mf.getKVNamespace(config.kv_namespaces[0].binding);
  await kv.put(config.vars.SNAPSHOT_KEY, text);
}
