// The client-safe snapshot for browsers (only client-visible flags and what they need), with an
// ETag: a browser that has the current one gets 304 and no body.
import { source } from '../../../../lib/snapshot';

export const runtime = 'edge';

export async function GET(request: Request) {
  await source.current();
  const copy = await source.clientCopy();
  if (!copy) return Response.json({ error: 'unavailable', message: source.lastError }, { status: 503 });
  const headers = { etag: copy.etag, 'cache-control': 'no-cache' };
  if (request.headers.get('if-none-match') === copy.etag) return new Response(null, { status: 304, headers });
  return new Response(copy.text, { headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
}
