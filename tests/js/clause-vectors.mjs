// What the generated "does this clause hold" vector files share (js-operators, unleash-semver,
// flagd-core-semver, matches): flags that serve `yes` when their one rule's clause holds and
// `no` otherwise, one case per value of the context member `x`, and the file's text.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A flag serving `yes` when `clause` holds. */
export const clauseFlag = (clause) => ({
  on: true,
  variations: [{ name: 'no', value: false }, { name: 'yes', value: true }],
  rules: [{ id: 'r', clauses: [clause], serve: { variation: 'yes' } }],
  fallthrough: { variation: 'no' },
});

/** The case of flag `key` for `x = v` (undefined: missing), expecting `yes` when `hit`. */
export function clauseCase(key, v, hit) {
  const expect = hit
    ? { value: true, variation: 'yes', variationIndex: 1, reason: 'TARGETING_MATCH', ruleId: 'r' }
    : { value: false, variation: 'no', variationIndex: 0, reason: 'DEFAULT' };
  const text = v === undefined ? 'missing' : Object.is(v, -0) ? '-0' : JSON.stringify(v);
  const shown = text.length > 40 ? `${text.slice(0, 30)}… (${text.length})` : text;
  return { name: `${key}: x = ${shown}`, flag: key, context: v === undefined ? {} : { x: v }, expect };
}

/** A vector file of the peers' operators. */
export const clauseDocument = (description, flags, cases) => ({
  description,
  requires: 'peers',
  snapshot: { formatVersion: 1, version: 1, generatedAt: '2026-01-01T00:00:00Z', flags },
  cases,
});

export const render = (doc) => `${JSON.stringify(doc, null, 1)}\n`;

/** `tests/vectors/NAME`: its committed text, and (with `--write`) `generate`'s written there. */
export function vectorFile(name, generate) {
  const path = fileURLToPath(new URL(`../vectors/${name}`, import.meta.url));
  return {
    committed: () => readFileSync(path, 'utf8'),
    writeIfAsked: () => process.argv.includes('--write') && writeFileSync(path, render(generate())),
  };
}
