// The client-safe snapshot for browsers (only client-visible flags and what they need), in two
// representations of the same document: compiled (docs/compiled.md) for a request whose Accept
// names `application/vnd.edgeflag.compiled`, as edgeflag/client asks unless its engine reads JSON;
// else JSON text. Each has its own strong ETag, and a browser that has the current one gets 304
// and no body. `Vary: Accept` on every answer, so no cache hands one representation to the other.
import { COMPILED } from 'edgeflag/client';
import { source } from '../../../../lib/snapshot';

export const runtime = 'edge';

export async function GET(request: Request) {
  // `?minVersion=N`: the client was pushed version N; an older copy is revalidated first.
  const min = Number(new URL(request.url).searchParams.get('minVersion'));
  await source.current(undefined, Number.isSafeInteger(min) && min > 0 ? min : undefined);
  const copy = await source.clientCopy();
  const vary = { vary: 'Accept' };
  if (!copy) return Response.json({ error: 'unavailable', message: source.lastError }, { status: 503, headers: vary });
  // A compiled copy that is not faithful is never served: the JSON one is, which a compiled-only
  // engine refuses while its last good snapshot keeps serving.
  const compiled = accepts(request.headers.get('accept'), COMPILED) ? await source.compiledCopy() : null;
  const etag = compiled?.etag ?? copy.etag;
  const headers = { ...vary, etag, 'cache-control': 'no-cache' };
  if (matches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  if (compiled) return new Response(compiled.bytes as Uint8Array<ArrayBuffer>, { headers: { ...headers, 'content-type': COMPILED } });
  return new Response(copy.text, { headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
}

/** Whether an Accept header names `type` with a quality above 0 (wildcards do not count). */
function accepts(accept: string | null, type: string): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [name, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return name === type && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** If-None-Match against a strong ETag: `*`, or a list of tags compared weakly (RFC 9110). */
function matches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
