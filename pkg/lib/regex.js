// JavaScript's RegExp for the regular expressions of imported snapshots (`jsRegex`,
// docs/snapshot.md), as the servers' module imports it (pkg/src/regex.rs): each compiled RegExp
// kept by handle until the snapshot holding it is dropped. Only the servers' module calls these;
// browsers import this file only with the module that reads JSON snapshots.

/** The module's `js.regex`, `js.test` and `js.release` imports, for `instance` (its `exports` set later). */
export function js(instance) {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const text = (ptr, len) => decoder.decode(new Uint8Array(instance.exports.memory.buffer, ptr, len));
  const table = [];
  const free = [];
  return {
    regex: (ptr, len, ignoreCase) => {
      let re;
      try {
        re = new RegExp(text(ptr, len), ignoreCase ? 'i' : '');
      } catch {
        return -1;
      }
      const handle = free.length > 0 ? free.pop() : table.length;
      table[handle] = re;
      return handle;
    },
    test: (handle, ptr, len) => (table[handle].test(text(ptr, len)) ? 1 : 0),
    release: (handle) => {
      table[handle] = undefined;
      free.push(handle);
    },
  };
}
