// Edge middleware (Next.js 16 still runs `middleware.ts` on the edge runtime; `proxy.ts` would
// run on Node). For every page request: the snapshot (lib/snapshot.ts), the request's context
// (the demo sign-in's persona, else a stable anonymous key in a cookie), every flag evaluated
// once, and the results handed to the server components in a request header. The checkout
// experiment is served by rewriting /checkout to the variant's page; a variant's own URL
// redirects back to /checkout, so a visitor cannot pick an arm.
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { source } from './lib/snapshot';
import { KEY_COOKIE, PERSONAS, USER_COOKIE } from './lib/personas';
import { HEADER, encode, type Served } from './lib/served';

// Every page, so the results header server components read is always this middleware's (an
// incoming one is replaced); not the API routes or static files.
export const config = { matcher: ['/((?!api/|_next/|favicon.ico).*)'] };

const YEAR = 60 * 60 * 24 * 365;
const REWRITE = 'x-edgeflag-rewrite';
const TOKEN = crypto.randomUUID();

export async function middleware(request: NextRequest, event: NextFetchEvent) {
  const { pathname } = request.nextUrl;
  // Next.js runs the middleware again for its own rewrite: that request already carries the
  // results, marked with this isolate's token (a visitor cannot forge it).
  if (request.headers.get(REWRITE) === TOKEN) return NextResponse.next();
  if (pathname.startsWith('/checkout/')) return NextResponse.redirect(new URL('/checkout', request.url));

  const engine = await source.current((p) => event.waitUntil(p));
  const persona = PERSONAS[request.cookies.get(USER_COOKIE)?.value ?? ''];
  const known = request.cookies.get(KEY_COOKIE)?.value;
  const key = known ?? `anon-${crypto.randomUUID().replaceAll('-', '')}`;
  const context = persona ? persona.context : { key, anonymous: true };

  const evaluatedAt = Date.now();
  const flags = engine.evaluateAll(context, { track: false });
  const served: Served = {
    version: engine.version,
    evaluatedAt,
    origin: source.origin,
    runtime: String((globalThis as { EdgeRuntime?: string }).EdgeRuntime ?? 'node'),
    context,
    flags,
    clientVisible: engine.flags().filter((f) => f.clientVisible).map((f) => f.key),
  };
  const headers = new Headers(request.headers);
  headers.set(HEADER, encode(served));
  headers.delete(REWRITE);
  // A new visitor's key goes on with the request too, as if the cookie had been sent.
  if (!known) headers.set('cookie', [request.headers.get('cookie'), `${KEY_COOKIE}=${key}`].filter(Boolean).join('; '));

  const variant = flags.checkout_experiment?.value;
  let response;
  if (pathname === '/checkout' && typeof variant === 'string') {
    headers.set(REWRITE, TOKEN);
    response = NextResponse.rewrite(new URL(`/checkout/${encodeURIComponent(variant)}`, request.url), { request: { headers } });
  } else {
    response = NextResponse.next({ request: { headers } });
  }
  if (!known) response.cookies.set(KEY_COOKIE, key, { path: '/', maxAge: YEAR, sameSite: 'lax', httpOnly: true });
  response.headers.set('x-edgeflag-version', String(engine.version));
  response.headers.set('x-edgeflag-runtime', served.runtime);
  return response;
}
