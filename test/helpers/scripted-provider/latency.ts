/** Deterministic latencies for tests and benchmarks. */

/** mulberry32: a small deterministic PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A function drawing an integer latency in [minMs, maxMs] per call, the same sequence for the same seed. */
export function seededLatency(seed: number, minMs: number, maxMs: number): () => number {
  const next = mulberry32(seed);
  return () => minMs + Math.floor(next() * (maxMs - minMs + 1));
}
