/**
 * Point estimates with percentile bootstrap intervals for the comparison (docs/compare.md),
 * on the extended reals: a multiplier is +∞ where the baseline never reaches the variant's
 * loss, and such a replicate is a real outcome (it widens the interval to ∞), unlike a refit
 * that gave no law (NaN), which is left out and counted.
 */
import { MIN_LAW_SHARE } from "./determination.js";

/** A quantity with its interval; null where it does not exist (lo/hi: where unbounded). */
export interface Estimate {
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** True when the interval reaches +∞ (hi is then null): some replicates have no finite value. */
  unbounded: boolean;
  /** Replicates the interval is read from, of those drawn (no law: left out). */
  resamples: number;
  of: number;
}

/** Type-7 quantile of sorted values that may hold ±Infinity. */
function extendedQuantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const weight = position - lower;
  const [x, y] = [sorted[lower] as number, sorted[upper] as number];
  if (weight === 0 || x === y) return x;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return weight < 0.5 ? x : y;
  return x * (1 - weight) + y * weight;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** The point value and the percentile interval at `confidence` of the replicates (NaN = no law, left out). */
export function estimate(value: number, replicates: readonly number[], confidence: number): Estimate {
  const kept = replicates.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  const ok = kept.length >= 2;
  const hi = ok ? extendedQuantile(kept, 1 - tail) : NaN;
  return {
    value: finiteOrNull(value),
    lo: ok ? finiteOrNull(extendedQuantile(kept, tail)) : null,
    hi: finiteOrNull(hi),
    unbounded: hi === Infinity,
    resamples: kept.length,
    of: replicates.length,
  };
}

/** Whether an interval is read from too few replicates to be one at its level (determination.ts's share). */
export const fromFewResamples = (e: Estimate) => e.of > 0 && e.resamples < MIN_LAW_SHARE * e.of;

/** Whether an estimate's interval excludes `x` (both ends known). */
export const excludes = (e: Estimate, x: number) => e.lo !== null && e.hi !== null && (x < e.lo || x > e.hi);
