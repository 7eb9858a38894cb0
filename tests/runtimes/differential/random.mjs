// What the differential generators share: a seeded generator (mulberry32), picks, and texts
// with the characters peers encode differently (non-ASCII, astral, combining, separators).

export function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (random, list) => list[Math.floor(random() * list.length)];
export const int = (random, min, max) => min + Math.floor(random() * (max - min + 1));

const PIECES = ['a', 'Z', '0', '7', '-', '_', '.', ':', '@', ' ', 'user-', '42', 'é', 'ß', 'ÿ', 'Ā', '用户', 'josé', '😀', '\u0301', 'flag-key'];

/** A text of 0–7 pieces (`min` at least). */
export function text(random, min = 0) {
  let s = '';
  const n = min + Math.floor(random() * (8 - min));
  for (let j = 0; j < n; j++) s += pick(random, PIECES);
  return s;
}
