/**
 * The bootstrap of a comparison (docs/compare.md): each sweep's runs are resampled
 * independently, as `fit` resamples one sweep (bootstrap.ts: Approach 3 draws all of a
 * sweep's runs with replacement, Approach 2 draws within each budget), and every model of the
 * comparison is refitted on the same resample: each sweep's free Approach 3 surface, the
 * shared-exponent fit of both (warm-started at its full-data minimum), and each sweep's
 * Approach 2 laws. The baseline's resamples draw from `seed` (replicate r of Approach 3 is
 * `fit`'s replicate r), the variant's from `seed + 1`, so the two are independent.
 */
import { approach2Replicates, approach3Replicates, resampleCounts, type Replicate } from "./bootstrap.js";
import type { ResolvedApproach2Options } from "./approach2-isoflop.js";
import type { BudgetGroup } from "./budget-groups.js";
import { refitShared, type SharedFit } from "./compare-shared-fit.js";
import type { ComputeModel } from "./flops-per-token.js";
import type { MeasuredCompute } from "./measured-allocation.js";
import { createRandom } from "./random.js";
import type { FitPoint, OptimumLaws } from "./types.js";

/** One sweep as the bootstrap needs it. */
export interface ResampledSweep {
  points: readonly FitPoint[];
  groups: readonly BudgetGroup[];
  compute: ComputeModel;
  /** Approach 3's full-data minimiser [e, a, b, alpha, beta]; null without a law. */
  theta: Float64Array | null;
  /** Measured FLOPs: φ and the budgets a is measured over (bootstrap.ts); absent under 6·N·D. */
  measured?: MeasuredCompute;
  /** Whether Approach 2 has a law to refit. */
  approach2: boolean;
}

/** Replicate r of a comparison: every refit on the same two resamples (null where a refit gave no law). */
export interface PairReplicate {
  free: { baseline: Replicate; variant: Replicate } | null;
  shared: SharedFit | null;
  approach2: { baseline: OptimumLaws; variant: OptimumLaws } | null;
}

export interface CompareBootstrapSettings {
  resamples: number;
  seed: number;
  delta: number;
  approach2: ResolvedApproach2Options;
  /** The shared fit's full-data minimiser [e, a_0, b_0, a_1, b_1, alpha, beta]; null without one. */
  sharedTheta: Float64Array | null;
  /** Called after every refit, REFITS_PER_REPLICATE per replicate at most (progress). */
  onRefit?: () => void;
}

const seeds = (seed: number) => [seed, seed + 1] as const;

function approach3Refits(sweep: ResampledSweep, resamples: number, seed: number, settings: CompareBootstrapSettings): Array<Replicate | null> {
  if (!sweep.theta) return new Array<Replicate | null>(resamples).fill(null);
  return approach3Replicates(sweep.points, sweep.theta, settings.delta, { resamples, seed, confidence: 0.95, predict: [], onResample: settings.onRefit }, sweep.measured);
}

function approach2Refits(sweep: ResampledSweep, resamples: number, seed: number, settings: CompareBootstrapSettings): Array<Replicate | null> {
  if (!sweep.approach2) return new Array<Replicate | null>(resamples).fill(null);
  return approach2Replicates(sweep.groups, settings.approach2, sweep.compute, { resamples, seed, confidence: 0.95, predict: [], onResample: settings.onRefit });
}

/** Refits per replicate (progress counts them): two free surfaces, the shared fit, two Approach 2 laws. */
export const REFITS_PER_REPLICATE = 5;

export function compareReplicates(baseline: ResampledSweep, variant: ResampledSweep, settings: CompareBootstrapSettings): PairReplicate[] {
  const { resamples, delta } = settings;
  const [seedA, seedB] = seeds(settings.seed);
  const free = [approach3Refits(baseline, resamples, seedA, settings), approach3Refits(variant, resamples, seedB, settings)] as const;
  const laws = [approach2Refits(baseline, resamples, seedA, settings), approach2Refits(variant, resamples, seedB, settings)] as const;
  const replicates: PairReplicate[] = [];
  for (let r = 0; r < resamples; r++) {
    let shared: SharedFit | null = null;
    if (settings.sharedTheta) {
      // The very resamples approach3Replicates drew for replicate r (stream 4·r + 3 of each sweep's seed).
      const counts: [Float64Array, Float64Array] = [resampleCounts(baseline.points.length, createRandom(seedA, 4 * r + 3)), resampleCounts(variant.points.length, createRandom(seedB, 4 * r + 3))];
      const refit = refitShared(baseline.points, variant.points, counts, delta, settings.sharedTheta);
      shared = refit.lawful ? refit : null;
      settings.onRefit?.();
    }
    const [a, b] = [free[0][r] ?? null, free[1][r] ?? null];
    const [la, lb] = [laws[0][r]?.laws ?? null, laws[1][r]?.laws ?? null];
    replicates.push({ free: a && b ? { baseline: a, variant: b } : null, shared, approach2: la && lb ? { baseline: la, variant: lb } : null });
  }
  return replicates;
}
