/**
 * A small seeded pseudo-random generator, so bootstrap intervals and synthetic data are
 * reproducible: the same seed gives the same numbers on every machine.
 *
 * Generator: SplitMix64-seeded xoshiro128** (Blackman & Vigna 2018), 32-bit state words,
 * period 2^128 − 1; uniforms have 32 bits of resolution, which is plenty for resampling.
 */

/** A stream of pseudo-random numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A generator for `seed` (the low 32 bits of its integer part) and an independent `stream` (e.g. a replicate number). */
export function createRandom(seed: number, stream = 0): Random {
  // Hash the seed, then the stream on top, so that nearby (seed, stream) pairs give unrelated states.
  const seedHash = splitMix32(Math.floor(seed) >>> 0)();
  const mix = splitMix32((seedHash + Math.imul(stream >>> 0, 0x9e3779b1)) >>> 0);
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix() | 1;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3 >>> 0, 11);
    s0 >>>= 0;
    s1 >>>= 0;
    s2 >>>= 0;
    return result;
  };
  let spareNormal: number | null = null;
  const uniform = () => next() / 4294967296;
  return {
    uniform,
    int: (n) => Math.floor(uniform() * n),
    normal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      let u = uniform();
      while (u === 0) u = uniform();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * uniform();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}
