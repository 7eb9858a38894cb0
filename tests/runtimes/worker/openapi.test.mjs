// worker/openapi.json against the Worker on workerd: every documented operation, called with its
// examples and a token of the role it names, answers with a documented status (and JSON where
// the document says JSON); without a token, every operation that needs one answers 401. That
// every route the Worker serves is documented is checked natively (worker/src/control/mod.rs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { identitySnapshot, startWorker } from './helpers.mjs';

const doc = JSON.parse(readFileSync(new URL('../../../worker/openapi.json', import.meta.url), 'utf8'));
let w;
const tokens = {};
before(async () => {
  w = await startWorker({ snapshot: identitySnapshot(1) });
  for (const role of ['read', 'write', 'admin']) {
    tokens[role] = (await w.request('/admin/tokens', { method: 'POST', admin: true, body: JSON.stringify({ name: `oa-${role}`, role }) })).json.token;
  }
});
after(() => w.mf.dispose());

const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

function url({ path, op }) {
  let p = path;
  for (const param of op.parameters ?? []) if (param.in === 'path') p = p.replace(`{${param.name}}`, encodeURIComponent(param.example));
  const query = (op.parameters ?? []).filter((q) => q.in === 'query' && q.example !== undefined);
  return p + (query.length ? `?${query.map((q) => `${q.name}=${encodeURIComponent(q.example)}`).join('&')}` : '');
}

test('every documented operation answers with a documented status', async () => {
  assert.ok(operations.length >= 23, `${operations.length} operations`);
  for (const o of operations) {
    const body = o.op.requestBody && Object.values(o.op.requestBody.content)[0].example;
    const headers = o.path === '/subscribe' ? { upgrade: 'websocket' } : {};
    const r = o.path === '/subscribe'
      ? await w.mf.dispatchFetch(`http://localhost${url(o)}`, { headers })
      : await w.request(url(o), { method: o.method.toUpperCase(), body: body === undefined ? undefined : JSON.stringify(body), admin: o.op['x-role'] ? tokens[o.op['x-role']] : undefined, headers });
    if (o.path === '/subscribe') {
      assert.equal(r.status, 101);
      r.webSocket.accept();
      r.webSocket.close();
      continue;
    }
    const documented = Object.keys(o.op.responses).map(Number);
    assert.ok(documented.includes(r.status), `${o.method} ${o.path}: ${r.status} is not documented (${documented}): ${r.text}`);
    const content = o.op.responses[r.status]?.content ?? (o.op.responses[r.status]?.$ref ? { 'application/json': {} } : undefined);
    if (content?.['application/json']) assert.match(r.headers.get('content-type') ?? '', /^application\/json/, `${o.method} ${o.path}`);
  }
});

test('every operation that needs a role refuses a request without a token with 401', async () => {
  for (const o of operations.filter((o) => o.op['x-role'])) {
    const r = await w.request(url(o), { method: o.method.toUpperCase(), headers: { 'cf-connecting-ip': `192.0.2.${operations.indexOf(o)}` } });
    assert.equal(r.status, 401, `${o.method} ${o.path}`);
    assert.ok(o.op.responses['401'], `${o.method} ${o.path} documents its 401`);
  }
});
