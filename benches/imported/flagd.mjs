// edgeflag on flagd's own bench configuration (adapter.mjs).
import { importedAdapter } from './adapter.mjs';

const a = await importedAdapter({
  peer: 'flagd',
  adapter: 'flagd-core.mjs',
  context: (ctx) => ({ targetingKey: ctx.key, tier: ctx.tier, country: ctx.country, app_version: ctx.app_version }),
  // A flagd variant's value is the value edgeflag serves (null: the caller's default).
  value: (_flag, v, fallback) => v ?? fallback,
  // The bench runs flagd-core: its cat, its sem_ver.
  options: { reference: 'flagd-core' },
});
export const { name, version, setup } = a;
