// edgeflag on LaunchDarkly's own bench configuration (adapter.mjs).
import { importedAdapter } from './adapter.mjs';

const byKey = (items) => Object.fromEntries(items.map((i) => [i.key, i]));
const a = await importedAdapter({
  peer: 'launchdarkly',
  adapter: 'launchdarkly.mjs',
  // The bench runs the Node server SDK: the snapshot answers as it does (binary64 bucketing).
  options: { reference: 'node' },
  // The bench's translate() gives the flags and segments the SDK's TestData takes, as lists; the
  // SDK payload holds them by key.
  payload: ({ flags, segments }) => JSON.stringify({ flags: byKey(flags), segments: byKey(segments) }),
  context: (ctx) => ({ kind: 'user', key: ctx.key, tier: ctx.tier, country: ctx.country, app_version: ctx.app_version }),
  // A flag's value is the variation's value edgeflag serves (docs/import.md, LaunchDarkly).
  value: (_flag, v, fallback) => v ?? fallback,
});
export const { name, version, setup } = a;
