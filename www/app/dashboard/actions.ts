'use server';
// The dashboard's writes, run on this server: each sends the version the operator was looking at
// (If-Match) and their reason to the Worker's admin API through lib/admin.ts, then goes back to
// the flag's page with the outcome (lib/flash.ts).
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { AdminError, editTargets, ramp, rollback, switchFlag, type WriteOptions } from '../../lib/admin';
import { FLASH_PARAM, encodeFlash, type Flash } from '../../lib/flash';

/** Users sampled for a ramp's report and picture (the playground's default). */
const SAMPLE = 2000;

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

function common(form: FormData): { key: string; write: WriteOptions } {
  const expected = Number(field(form, 'expected'));
  return {
    key: field(form, 'key'),
    write: { expected: Number.isSafeInteger(expected) && expected > 0 ? expected : undefined, reason: field(form, 'reason') || undefined },
  };
}

/** The Worker's refusal as the operator reads it; 412 is a page that went stale. */
function refused(e: unknown, write: WriteOptions): Flash {
  if (!(e instanceof AdminError)) throw e;
  if (e.stale) {
    const now = e.current === undefined ? 'another version' : `version ${e.current}`;
    return { kind: 'stale', message: `Changed since you loaded it: you saw version ${write.expected}, ${now} is current. Nothing was written; look at the page again and retry.` };
  }
  const where = e.path ? ` (at ${e.path})` : '';
  return { kind: 'error', message: `${e.status ? `HTTP ${e.status} ` : ''}${e.code}: ${e.message}${where}` };
}

function back(key: string, flash: Flash): never {
  // Every dashboard page the browser's router holds is fetched again (the list's states too).
  revalidatePath('/dashboard', 'layout');
  redirect(`/dashboard/flags/${encodeURIComponent(key)}?${FLASH_PARAM}=${encodeFlash(flash)}`);
}

const keys = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export async function switchAction(form: FormData) {
  const { key, write } = common(form);
  const on = field(form, 'on') === 'true';
  let flash: Flash;
  try {
    const c = await switchFlag(key, on, write);
    flash = { kind: 'ok', message: `${key} switched ${on ? 'on' : 'off'}: version ${c.version}.`, version: c.version };
  } catch (e) {
    flash = refused(e, write);
  }
  back(key, flash);
}

export async function rampAction(form: FormData) {
  const { key, write } = common(form);
  const rule = field(form, 'rule') || undefined;
  const variation = field(form, 'variation') || undefined;
  const percent = Number(field(form, 'percent'));
  let context: Record<string, unknown> = {};
  const text = field(form, 'context');
  if (text) {
    try {
      context = JSON.parse(text);
    } catch (e) {
      back(key, { kind: 'error', message: `The sample's context is not JSON: ${(e as Error).message}` });
    }
    if (typeof context !== 'object' || context === null || Array.isArray(context)) back(key, { kind: 'error', message: "The sample's context is a JSON object, e.g. {\"tier\": \"pro\"}." });
  }
  if (field(form, 'percent') === '' || !Number.isFinite(percent)) back(key, { kind: 'error', message: 'The percent is a number from 0 to 100.' });
  let flash: Flash;
  try {
    const c = await ramp(key, { percent, rule, variation, context, sample: SAMPLE }, write);
    const r = c.ramp!;
    flash = {
      kind: 'ok',
      message: `${key}: ${rule ? `rule ${rule}` : 'the fallthrough'} moved from ${r.from} to ${r.to}: version ${c.version}.`,
      version: c.version,
      ramp: { report: r, previous: c.previous, version: c.version, context, sample: SAMPLE },
    };
  } catch (e) {
    flash = refused(e, write);
  }
  back(key, flash);
}

export async function targetsAction(form: FormData) {
  const { key, write } = common(form);
  const variation = field(form, 'variation');
  const attribute = field(form, 'attribute') || undefined;
  // `remove`: the ticked keys of a list (one entry each), or keys typed.
  const add = keys(field(form, 'add'));
  const remove = form.getAll('remove').flatMap((v) => (typeof v === 'string' ? keys(v) : []));
  if (!add.length && !remove.length) back(key, { kind: 'error', message: 'Name at least one key to add or remove.' });
  let flash: Flash;
  try {
    const c = await editTargets(key, { variation, attribute, add, remove }, write);
    const what = [add.length && `added ${c.added ?? 0}`, remove.length && `removed ${c.removed ?? 0}`].filter(Boolean).join(', ');
    flash = { kind: 'ok', message: `${key}: ${variation}'s targets ${what}: version ${c.version}.`, version: c.version };
  } catch (e) {
    flash = refused(e, write);
  }
  back(key, flash);
}

export async function rollbackAction(form: FormData) {
  const { key, write } = common(form);
  const version = Number(field(form, 'version'));
  let flash: Flash;
  try {
    const c = await rollback(version, write);
    flash = { kind: 'ok', message: `Rolled back to version ${version}: its content is published as version ${c.version}.`, version: c.version };
  } catch (e) {
    flash = refused(e, write);
  }
  back(key, flash);
}
