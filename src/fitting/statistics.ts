/**
 * Summary statistics used for bootstrap intervals and Monte Carlo checks.
 */
import type { Interval } from "./types.js";

/** Quantile of sorted values by linear interpolation between order statistics (type 7, as numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const weight = position - lower;
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function standardDeviation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((values[i] as number) - m) ** 2;
  return Math.sqrt(sum / (n - 1));
}

/**
 * Percentile bootstrap interval at `confidence` (e.g. 0.95 → 2.5th and 97.5th percentiles),
 * with se = the standard deviation of the replicates. Non-finite replicates are ignored;
 * null when fewer than two remain.
 */
export function percentileInterval(replicates: ArrayLike<number>, confidence: number): Interval | null {
  const finite: number[] = [];
  for (let i = 0; i < replicates.length; i++) {
    const value = replicates[i] as number;
    if (Number.isFinite(value)) finite.push(value);
  }
  if (finite.length < 2) return null;
  const sorted = Float64Array.from(finite).sort();
  const tail = (1 - confidence) / 2;
  return { lo: quantileSorted(sorted, tail), hi: quantileSorted(sorted, 1 - tail), se: standardDeviation(sorted) };
}
