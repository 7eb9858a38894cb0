// edgeflag in the peer benchmark with exposures recorded (see peers-adapter.mjs): pass both
// adapters to one run to compare with exposures off and on.
process.env.EDGEFLAG_EXPOSURES = 'on';
const adapter = await import('./peers-adapter.mjs?exposures');
export const { name, version, setup } = adapter;
