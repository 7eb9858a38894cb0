// What a dashboard write reports back: its server action redirects to the flag's page with the
// outcome in one query parameter (`?r=`), so the answer survives the redirect and a reload shows
// it again, without a session. Only what the Worker answered travels: never a token.
import type { RampReport } from './admin';

export interface Flash {
  kind: 'ok' | 'error' | 'stale';
  message: string;
  /** The version the write committed. */
  version?: number;
  /** A ramp's move: the Worker's report, the versions before and after, the sample's context. */
  ramp?: { report: RampReport; previous: number; version: number; context: Record<string, unknown>; sample: number };
}

export const FLASH_PARAM = 'r';

export function encodeFlash(flash: Flash): string {
  return Buffer.from(JSON.stringify(flash)).toString('base64url');
}

/** The flash in a page's search parameter, or null when absent or not one. */
export function decodeFlash(param: string | string[] | undefined): Flash | null {
  if (typeof param !== 'string') return null;
  try {
    const f = JSON.parse(Buffer.from(param, 'base64url').toString('utf8'));
    if (!['ok', 'error', 'stale'].includes(f?.kind) || typeof f.message !== 'string') return null;
    if (f.ramp && (typeof f.ramp.previous !== 'number' || typeof f.ramp.version !== 'number' || typeof f.ramp.report !== 'object')) delete f.ramp;
    return f as Flash;
  } catch {
    return null;
  }
}
