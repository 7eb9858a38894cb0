// edgeflag on GrowthBook's own bench configuration (adapter.mjs).
import { importedAdapter } from './adapter.mjs';

const a = await importedAdapter({
  peer: 'growthbook',
  adapter: 'growthbook.mjs',
  context: (ctx) => ({ id: ctx.key, tier: ctx.tier, country: ctx.country, app_version: ctx.app_version }),
  // A GrowthBook feature's value is the value edgeflag serves (null: the default).
  value: (_flag, v, fallback) => v ?? fallback,
});
export const { name, version, setup } = a;
