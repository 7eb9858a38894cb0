// How should a context cross into Wasm? Measures JSON text (JSON.stringify + one string) against
// a JS object read through serde-wasm-bindgen, on the peer-bench contexts, each followed by one
// evaluation of all flags. Needs the measurement crate beside this file, built for Wasm:
//
//   cargo build -p edgeflag-context-transport --profile wasm --target wasm32-unknown-unknown
//   wasm-bindgen --target web --out-dir /tmp/swb --out-name edgeflag \
//     target/wasm32-unknown-unknown/wasm/edgeflag_context_transport.wasm
//   node benches/context-transport.mjs /tmp/swb ../shared/bench/peers
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [glueDir, peersDir] = process.argv.slice(2).map((p) => resolve(p));
const glue = await import(pathToFileURL(`${glueDir}/edgeflag.js`).href);
glue.initSync({ module: readFileSync(`${glueDir}/edgeflag_bg.wasm`) });
const { makeScenario, makeContexts } = await import(pathToFileURL(`${peersDir}/scenario.mjs`).href);
const { snapshot } = await import('./peers-adapter.mjs');

const engine = new glue.Transport();
if (!engine.update(JSON.stringify(snapshot(makeScenario())))) throw new Error('snapshot refused');
const contexts = makeContexts(20000);
const ways = {
  'JSON text': (c) => engine.set_context(JSON.stringify(c)),
  'serde-wasm-bindgen': (c) => engine.set_context_value(c),
};
// Both ways must give the same results (each flag's variation).
for (const c of contexts.slice(0, 2000)) {
  const [a, b] = Object.values(ways).map((set) => {
    set(c);
    return engine.evaluate_all(0).join();
  });
  if (a !== b) throw new Error(`the two ways disagree for ${JSON.stringify(c)}`);
}
const cpu = () => process.cpuUsage().user * 1000;
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round < 7; round++) {
  for (const [name, set] of Object.entries(ways)) {
    const t0 = cpu();
    for (const c of contexts) {
      set(c);
      engine.evaluate_all(0);
    }
    times[name].push((cpu() - t0) / contexts.length);
  }
}
for (const [name, list] of Object.entries(times)) {
  list.sort((a, b) => a - b);
  console.log(`${name.padEnd(20)} ${Math.round(list[3])} ns per context (median of 7, CPU time), incl. evaluating 7 flags`);
}
