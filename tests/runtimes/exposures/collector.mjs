// A collector for exposure batches, as a user could run it: a Node HTTP server on 127.0.0.1.
//
//   POST /events   the body (JSON text, any content type) is validated against
//                  docs/exposures.schema.json: 400 + { "error": "<path>: <message>" } when it is
//                  malformed, 200 otherwise. A (source, sequence) already stored is answered 200
//                  and not stored again (a retried batch whose first answer was lost).
//   GET /received  everything stored so far, as JSON (for tests outside this process).
//   OPTIONS        CORS preflight; every answer carries CORS headers, so pages on other origins
//                  can post with fetch (sendBeacon with text/plain needs none).
//
// Run on its own: `node tests/runtimes/exposures/collector.mjs [port]` (default 8787) logs each
// batch it stores or refuses.
//
// Test knobs (startCollector options, also changeable later with `collector.set({...})`):
//   failFirst: K      answer 503 to the first K POSTs (before looking at them)
//   loseAckFirst: K   store the first K valid batches, then destroy the connection unanswered
//   status: n         answer n (without storing) to every valid batch, e.g. 400
//   hold: true        keep answers to POSTs back until `collector.release()` (or hold: false)
//   delayMs: n        answer every POST n ms late
//
// The in-process API keeps every stored batch and a log of every request for the tests.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const schemaPath = join(root, 'docs/exposures.schema.json');
const MAX_BODY = 1 << 20;

/** The validator for docs/exposures.schema.json: `(value) => null | "<path>: <message>"`. */
export function batchValidator(path = schemaPath) {
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  const draft = String(schema.$schema ?? '');
  const Impl = draft.includes('2020-12') ? Ajv2020 : draft.includes('2019-09') ? Ajv2019 : Ajv;
  // Strict mode catches mistakes in the schema itself; formats are annotations here (the core
  // writes none a collector has to parse).
  const ajv = new Impl({ strict: true, strictRequired: false, allowUnionTypes: true, validateFormats: false });
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return null;
    const e = validate.errors[0];
    const extra = e.params?.additionalProperty ?? e.params?.unevaluatedProperty;
    return `${e.instancePath || '/'}: ${e.message}${extra !== undefined ? ` (${JSON.stringify(extra)})` : ''}`;
  };
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-max-age': '600',
};

/**
 * Starts a collector on 127.0.0.1 (a free port). Resolves to its in-process API:
 * `url` (the POST /events address), `origin`, `batches` (stored, parsed, in arrival order),
 * `log` (every POST: { at, post, status, outcome, source, sequence, bytes, contentType, mode, key (the x-collector-key header), error }),
 * `preflights`, `exposures()`, `summaries()`, `dropped()`, `unsummarized()`, `duplicates()`,
 * `set(options)`, `release()`, `waitFor(predicate, timeoutMs)`, `close()`.
 */
export async function startCollector(options = {}) {
  const validate = batchValidator(options.schema);
  const knobs = { failFirst: 0, loseAckFirst: 0, status: 0, hold: false, delayMs: 0, ...options };
  const events = new EventEmitter();
  const batches = [];
  const log = [];
  const seen = new Map(); // `${source}\u0000${sequence}` -> stored batch
  let preflights = 0;
  let posts = 0;
  let stored = 0;
  let held = [];

  const answer = (res, status, body) => {
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (knobs.hold) held.push(send);
    else if (knobs.delayMs) setTimeout(send, knobs.delayMs);
    else send();
  };
  const note = (entry) => {
    log.push({ at: Date.now(), ...entry });
    events.emit('change');
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://collector');
    if (req.method === 'OPTIONS') {
      preflights++;
      const headers = req.headers['access-control-request-headers'];
      res.writeHead(204, { ...cors, ...(headers ? { 'access-control-allow-headers': headers } : {}) }).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/received') {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify({ batches, log, preflights }));
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/events') {
      res.writeHead(404, cors).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const n = ++posts;
      const contentType = req.headers['content-type'] ?? null;
      // sendBeacon with a text body is a no-cors request; fetch from a page, cors.
      const base = { post: n, bytes: size, contentType, mode: req.headers['sec-fetch-mode'] ?? null, key: req.headers['x-collector-key'] ?? null };
      if (n <= knobs.failFirst) {
        note({ ...base, status: 503, outcome: 'failed' });
        return answer(res, 503, { error: 'failing on purpose (failFirst)' });
      }
      if (size > MAX_BODY) {
        note({ ...base, status: 413, outcome: 'rejected', error: 'body too large' });
        return answer(res, 413, { error: `/: body larger than ${MAX_BODY} bytes` });
      }
      let batch;
      try {
        batch = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        const error = `/: not JSON: ${e.message}`;
        note({ ...base, status: 400, outcome: 'rejected', error });
        return answer(res, 400, { error });
      }
      const error = validate(batch);
      if (error) {
        note({ ...base, status: 400, outcome: 'rejected', error });
        return answer(res, 400, { error });
      }
      const id = { source: batch.source, sequence: batch.sequence };
      if (knobs.status) {
        note({ ...base, ...id, status: knobs.status, outcome: 'refused' });
        return answer(res, knobs.status, { error: `answering ${knobs.status} on purpose` });
      }
      const idKey = `${batch.source}\u0000${batch.sequence}`;
      if (seen.has(idKey)) {
        note({ ...base, ...id, status: 200, outcome: 'duplicate' });
        return answer(res, 200, { ok: true, duplicate: true });
      }
      seen.set(idKey, batch);
      batches.push(batch);
      stored++;
      if (stored <= knobs.loseAckFirst) {
        note({ ...base, ...id, status: null, outcome: 'stored, answer lost' });
        res.destroy();
        return;
      }
      note({ ...base, ...id, status: 200, outcome: 'stored' });
      return answer(res, 200, { ok: true });
    });
  });
  await new Promise((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const sum = (field) => batches.reduce((s, b) => s + b[field], 0);
  return {
    url: `${origin}/events`,
    origin,
    batches,
    log,
    get preflights() {
      return preflights;
    },
    exposures: () => batches.flatMap((b) => b.exposures),
    summaries: () => batches.flatMap((b) => b.summaries),
    dropped: () => sum('dropped'),
    unsummarized: () => sum('unsummarized'),
    duplicates: () => log.filter((l) => l.outcome === 'duplicate').length,
    set(changes) {
      Object.assign(knobs, changes);
      if (!knobs.hold) this.release();
    },
    release() {
      const pending = held;
      held = [];
      for (const send of pending) send();
    },
    /** Resolves when `predicate(collector)` is true (checked on every POST), rejects after timeoutMs. */
    waitFor(predicate, timeoutMs = 10_000, what = 'the collector') {
      return new Promise((ok, fail) => {
        const check = () => {
          if (!predicate(this)) return false;
          clearTimeout(timer);
          events.off('change', check);
          ok();
          return true;
        };
        const timer = setTimeout(() => {
          events.off('change', check);
          fail(new Error(`${what}: not reached within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) events.on('change', check);
      });
    },
    close() {
      this.release();
      server.closeAllConnections?.();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const collector = await startCollector({ port: Number(process.argv[2] ?? 8787) });
  console.log(`collector: POST ${collector.url}`);
  let logged = 0;
  collector.waitFor(() => {
    for (const l of collector.log.slice(logged)) {
      console.log(`${l.status} ${l.outcome} source=${l.source ?? '-'} sequence=${l.sequence ?? '-'} ${l.bytes} bytes${l.error ? ` ${l.error}` : ''}`);
    }
    logged = collector.log.length;
    return false;
  }, 2 ** 31 - 1).catch(() => {});
}
