// edgeflag on Unleash's own bench configuration (adapter.mjs).
import { importedAdapter } from './adapter.mjs';

const a = await importedAdapter({
  peer: 'unleash',
  adapter: 'unleash.mjs',
  // The bench runs unleash-client for Node: the snapshot answers as it does.
  options: { reference: 'node' },
  context: (ctx) => ({ userId: ctx.key, properties: { tier: ctx.tier, country: ctx.country, app_version: ctx.app_version } }),
  // The value is getVariant's answer (docs/import.md, Unleash): isEnabled is its feature_enabled;
  // a string flag is the variant's name when enabled, as the bench's Unleash adapter reads it.
  value: (flag, v, fallback) => {
    if (!v) return fallback;
    if (flag.type === 'string') return v.enabled ? v.name : fallback;
    return v.feature_enabled;
  },
});
export const { name, version, setup } = a;
