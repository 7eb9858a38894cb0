import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));

// The repository is the root, so the app embeds examples/snapshot.json from where it lives.
export default {
  turbopack: { root: repo },
  outputFileTracingRoot: repo,
  poweredByHeader: false,
};
