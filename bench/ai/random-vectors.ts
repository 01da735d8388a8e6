// Seeded uniform random vectors for the HNSW benchmarks (hnsw-recall, hnsw-sql): the same data in
// both, so their recall figures compare. Random high-dimensional data is the hard case for HNSW.

/** A linear congruential generator in [0, 1): deterministic for a seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `n` vectors of `dims` floats uniform in [-1, 1), row after row. */
export function uniformVectors(n: number, dims: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < out.length; i++) out[i] = r() * 2 - 1;
  return out;
}
