// What every counting test evaluates: the example snapshot with one flag that opts out of
// exposures (`trackEvents: false`), and users whose attributes reach every kind of decision
// (rules, ramps, segments, an experiment, prerequisites, targets).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../project.mjs';

/** examples/snapshot.json, with `new_editor` counted in summaries only. */
export function testSnapshot() {
  const s = JSON.parse(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'));
  s.flags.new_editor.trackEvents = false;
  return s;
}
export const VERSION = 7;
export const UNTRACKED = ['new_editor'];
/** Attributes copied into exposures: strings, booleans, numbers, a pointer, an object (never copied). */
export const ATTRIBUTES = ['tier', 'beta_opt_in', 'accountId', '/address/city', 'address'];

/** User `i` of the test population (plain JSON). */
export function user(i) {
  const u = { key: `user-${i}` };
  const tier = ['free', 'pro', 'enterprise', undefined][i % 4];
  if (tier) u.tier = tier;
  if (i % 3 === 0) u.beta_opt_in = true;
  if (i % 4 === 1) u.beta = true;
  if (i % 25 === 7) u.email = `person-${i}@example.com`;
  const account = ['acme', 'globex', 4711, 'initech', undefined][i % 5];
  if (account !== undefined) u.accountId = account;
  u.app_version = ['2.2.0', '2.3.1', '3.0.0'][i % 3];
  if (i % 6 === 2) u.address = { city: ['Lisbon', 'Oslo', 'Zürich'][i % 3] };
  if (i === 5) u.tier = 'x'.repeat(300); // longer than an attribute may be: not copied
  return u;
}

/** Flags and the default each is asked with. */
export const FLAGS = {
  conversations_enabled: false,
  enhanced_metadata_context: false,
  ai_search: false,
  sentiment_analysis: false,
  response_suggestions: false,
  auto_escalation: false,
  retry_logic: false,
  checkout_experiment: 'control',
  plan_limits: {},
  new_editor: false,
};

/** A small deterministic PRNG (mulberry32): the same run every time. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
