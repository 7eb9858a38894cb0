// The Worker's admin API, called from the dashboard's server components and actions only: the
// token (EDGEFLAG_DASHBOARD_TOKEN) and the Worker's address (EDGEFLAG_ADMIN_URL) are read from
// the environment per request and never leave the server. `server-only` fails the build if a
// client component imports this module.
import 'server-only';

/** Why a flag is due for clean-up, as the Worker judges it. */
export type Staleness = 'expired' | 'unchanged-30-days' | null;

export interface LastChange {
  version: number;
  at: number;
  actor: string;
  action: string;
}

export interface FlagSummary {
  key: string;
  on: boolean;
  clientVisible: boolean;
  variations: string[];
  owner: string | null;
  description: string | null;
  tags: string[];
  /** Milliseconds since the epoch, or null. */
  expiresAt: number | null;
  lastChange: LastChange | null;
  stale: Staleness;
}

export interface FlagList {
  version: number;
  now: number;
  flags: FlagSummary[];
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A flag's snapshot document (docs/snapshot.md), at `version`. */
export interface FlagDocument {
  version: number;
  key: string;
  flag: Json;
}

/** Who a ramp's move gained and lost, in the Worker's sample. */
export interface RampReport {
  rule: string | null;
  variation: string | null;
  kind: 'ramp' | 'experiment traffic';
  /** "10%" */
  from: string;
  to: string;
  bucketBy: string;
  sampled: number;
  reached: number;
  gained: number;
  lost: number;
  changedOtherwise: number;
  onlyAdditions: boolean;
}

/** A committed write's answer. */
export interface Committed {
  version: number;
  previous: number;
  changed: string[];
  flagCount: number;
  kv: { version: number; written: boolean };
  serving: number;
  ramp?: RampReport;
  added?: number;
  removed?: number;
  rolledBackTo?: number;
}

/** One RFC 6902 operation. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

export interface HistoryEntry {
  version: number;
  at: number;
  actor: string;
  action: string;
  reason: string | null;
  flags: string[];
  patch: PatchOp[];
  detail: Json | null;
}

export interface History {
  entries: HistoryEntry[];
  nextBefore: number | null;
}

/** GET /health; members the Worker may leave out are optional. */
export interface Health {
  status: string;
  now: number;
  snapshot?: { version: number; origin?: string; ageMs?: number; flagCount?: number; loadedAt?: number };
  writer?: { version: number; kv?: { version: number; written: boolean }; subscribers?: number };
  flags?: Record<string, boolean>;
  refused?: unknown;
  kvError?: unknown;
  [member: string]: unknown;
}

/** An error answer (`{error, message, path?, current?}`), or a failure to reach the Worker. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** With 412 `version_mismatch`: the version now current. */
    readonly current?: number,
  ) {
    super(message);
  }

  get stale(): boolean {
    return this.status === 412;
  }
}

/** What every write may say: the version the operator saw, and why. */
export interface WriteOptions {
  /** Sent as `If-Match: "<version>"`: refused with 412 if another version is current. */
  expected?: number;
  reason?: string;
}

function config() {
  const url = process.env.EDGEFLAG_ADMIN_URL;
  const token = process.env.EDGEFLAG_DASHBOARD_TOKEN;
  if (!url || !token) throw new AdminError(0, 'not_configured', 'The dashboard needs EDGEFLAG_ADMIN_URL and EDGEFLAG_DASHBOARD_TOKEN.');
  return { url: url.replace(/\/+$/, ''), token };
}

interface CallOptions {
  body?: unknown;
  write?: WriteOptions;
  /** The answer as text, not parsed. */
  text?: boolean;
  /** Error statuses whose JSON body is still the answer (`/health`'s 503). */
  answers?: number[];
}

async function call<T>(method: string, path: string, { body, write, text, answers = [] }: CallOptions = {}): Promise<T> {
  const { url, token } = config();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (write?.expected !== undefined) headers['if-match'] = `"${write.expected}"`;
  // In the body rather than `x-edgeflag-reason`: header values cannot carry any text typed.
  const reason = write?.reason?.trim();
  if (reason) body = { ...(body as Json), reason };
  let res: Response;
  try {
    res = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new AdminError(0, 'unreachable', `the Worker did not answer: ${(e as Error).message}`);
  }
  const answer = await res.text();
  if (!res.ok && !answers.includes(res.status)) {
    let e: Json = {};
    try {
      e = JSON.parse(answer);
    } catch {}
    throw new AdminError(res.status, String(e.error ?? `http_${res.status}`), String(e.message ?? (answer.slice(0, 300) || res.statusText)), e.path, typeof e.current === 'number' ? e.current : undefined);
  }
  return (text ? answer : JSON.parse(answer)) as T;
}

const flagPath = (key: string) => `/admin/flags/${encodeURIComponent(key)}`;

export const listFlags = () => call<FlagList>('GET', '/admin/flags');

export const getFlag = (key: string) => call<FlagDocument>('GET', flagPath(key));

/** The full snapshot text at `version` (the head without one). */
export const snapshotText = (version?: number) => call<string>('GET', `/admin/snapshot${version === undefined ? '' : `?version=${version}`}`, { text: true });

export const history = (q: { flag?: string; limit?: number; before?: number } = {}) => {
  const params = new URLSearchParams();
  if (q.flag) params.set('flag', q.flag);
  if (q.limit) params.set('limit', String(q.limit));
  if (q.before) params.set('before', String(q.before));
  return call<History>('GET', `/admin/history?${params}`);
};

/** GET /health (its 503 `unavailable` too): public, but the Worker's address is the dashboard's setting. */
export const health = () => call<Health>('GET', '/health', { answers: [503] });

export const switchFlag = (key: string, on: boolean, write: WriteOptions) => call<Committed>('POST', `${flagPath(key)}/switch`, { body: { on }, write });

export interface RampMove {
  percent: number;
  /** A rule's id; none for the fallthrough. */
  rule?: string;
  /** The ramped variation of a two-way rollout; none for an experiment's traffic. */
  variation?: string;
  /** The attributes every sampled user has besides its key (so that it reaches the rule). */
  context?: Json;
  sample?: number;
}

export const ramp = (key: string, move: RampMove, write: WriteOptions) => call<Committed>('POST', `${flagPath(key)}/ramp`, { body: move, write });

export interface TargetsChange {
  variation: string;
  attribute?: string;
  add?: string[];
  remove?: string[];
}

export const editTargets = (key: string, change: TargetsChange, write: WriteOptions) => call<Committed>('POST', `${flagPath(key)}/targets`, { body: change, write });

/** Publishes version `version`'s content as a new version (admin role). */
export const rollback = (version: number, write: WriteOptions) => call<Committed>('POST', '/admin/rollback', { body: { version }, write });
