// What the middleware hands the server components of one request: every flag's result for the
// request's context, in a request header. The browser never sees this header; it gets only the
// client-visible part (the bootstrap).
import type { Bootstrap } from 'edgeflag/client';
import type { Context, Details } from 'edgeflag';

export const HEADER = 'x-edgeflag';

export interface Served {
  version: number | null;
  /** The engine's clock at evaluation, ms. */
  evaluatedAt: number;
  /** Where the snapshot came from: `url`, `config`, `example`, or a fallback to one of them. */
  origin: string;
  /** The middleware's runtime (`edge-runtime` on the edge). */
  runtime: string;
  context: Context;
  flags: Record<string, Details>;
  /** The flags a browser may see. */
  clientVisible: string[];
}

/** Header values are bytes: JSON as percent-encoded UTF-8. */
export function encode(served: Served): string {
  return encodeURIComponent(JSON.stringify(served));
}

export function decode(value: string | null): Served | null {
  if (!value) return null;
  try {
    return JSON.parse(decodeURIComponent(value)) as Served;
  } catch {
    return null;
  }
}

/** The client-visible results only: what the page may print. */
export function bootstrapOf(served: Served): Bootstrap {
  const flags: Record<string, Details> = {};
  for (const k of served.clientVisible) if (served.flags[k]) flags[k] = served.flags[k];
  return { version: served.version, context: served.context, flags };
}
