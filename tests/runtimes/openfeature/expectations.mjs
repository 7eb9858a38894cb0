// What the providers should return for a case, from the CLI's result (see run.mjs). No Node APIs:
// also loaded by the Chromium page.

/** The client getter for a case's type. */
export const getter = {
  boolean: 'getBooleanDetails',
  string: 'getStringDetails',
  number: 'getNumberDetails',
  object: 'getObjectDetails',
};

/** The flagMetadata the providers promise: scalars only. */
export function expectedMetadata(expected, flag, cli, version) {
  const md = expected.metadata[flag] ?? {};
  const m = {};
  if (md.description !== undefined) m.description = md.description;
  if (md.owner !== undefined) m.owner = md.owner;
  if (md.tags !== undefined) m.tags = md.tags.join(',');
  m.snapshotVersion = version;
  for (const k of ['ruleId', 'prerequisiteFailed', 'bucket', 'variantBucket', 'inExperiment']) {
    if (cli[k] !== undefined) m[k] = cli[k];
  }
  return m;
}

/**
 * The SDK's EvaluationDetails for a case whose CLI result is `cli`: the CLI ran with the same
 * default, so on errors its value is already the default. A context the CLI refuses up front
 * (`cli.refused`) is an error result per evaluation, with a message the caller checks apart.
 */
export function expectedDetails(expected, c, cli, version) {
  const d = { flagKey: c.flag, flagMetadata: expectedMetadata(expected, c.flag, cli, version) };
  if (cli.refused) return { ...d, value: c.defaultValue, reason: 'ERROR', errorCode: cli.refused };
  d.value = cli.value;
  d.reason = cli.reason;
  if (cli.variation !== null) d.variant = cli.variation;
  if (cli.errorCode !== undefined) {
    d.errorCode = cli.errorCode;
    d.errorMessage = cli.errorMessage;
  }
  return d;
}
