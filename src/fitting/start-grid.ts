/**
 * The grid of starts for Approach 3 (Hoffmann et al. 2022, §D.2; docs/methods.md §2):
 * alpha, beta ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}:
 * 5·5·5·6·6 = 4500 starts, each [alpha, beta, e, a, b].
 */

export type Start = [alpha: number, beta: number, e: number, a: number, b: number];

const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

export function chinchillaStartGrid(): Start[] {
  const starts: Start[] = [];
  for (const alpha of range(0, 2, 0.5)) {
    for (const beta of range(0, 2, 0.5)) {
      for (const e of range(-1, 1, 0.5)) {
        for (const a of range(0, 25, 5)) {
          for (const b of range(0, 25, 5)) starts.push([alpha, beta, e, a, b]);
        }
      }
    }
  }
  return starts;
}

/** The distinct (alpha, beta) pairs of a grid, in first-seen order: what variable projection searches from. */
export function distinctExponentStarts(starts: readonly Start[]): Array<[number, number]> {
  const seen = new Set<string>();
  const pairs: Array<[number, number]> = [];
  for (const [alpha, beta] of starts) {
    const key = `${alpha},${beta}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([alpha, beta]);
  }
  return pairs;
}
