/**
 * Bootstrap over runs (Efron & Tibshirani 1993, ch. 6 and 13; docs/methods.md §5.7): resample
 * runs with replacement, refit, and report percentile intervals and standard errors of
 * the fitted quantities and of N*(C), D*(C), L*(C) at every predicted budget.
 *
 * - Approach 3 resamples all runs (multinomial counts become weights of the sum-Huber
 *   objective) and refits by variable projection warm-started at the full-data optimum:
 *   one start per resample, since the full-data grid search has already located the basin.
 * - Approaches 1 and 2 resample runs within each IsoFLOP budget (a stratified bootstrap),
 *   so every resample keeps the sweep's design of sizes per budget.
 *
 * Replicate r of approach k draws from its own stream (seed, 4·r + k), so intervals are
 * reproducible and do not depend on which other approaches were requested. A resample
 * whose refit gives no law is counted in `failed` and left out of the intervals.
 */
import { fitApproach1, type Approach1Options } from "./approach1-envelope.js";
import { fitApproach2, type ResolvedApproach2Options } from "./approach2-isoflop.js";
import { hasAllocation, surfaceFromTheta } from "./approach3-parametric.js";
import type { BudgetGroup } from "./budget-groups.js";
import { chinchillaAllocation, type LossSurface } from "./allocation.js";
import type { ComputeModel } from "./flops-per-token.js";
import { allocationExponents, measuredAllocation, type MeasuredCompute } from "./measured-allocation.js";
import { parametricData } from "./parametric-objective.js";
import { projectedSearch } from "./parametric-search.js";
import { optimumFromLaws, type Optimum } from "./predictions.js";
import { createRandom, type Random } from "./random.js";
import { percentileInterval } from "./statistics.js";
import type { FitPoint, Interval, OptimumLaws } from "./types.js";

/** One refit: named scalars, the optimum it predicts at any budget, and its surface or laws. */
export interface Replicate {
  values: Record<string, number>;
  predict: (budgetFlops: number) => Optimum;
  /** Approach 3: the refitted loss surface. */
  surface?: LossSurface;
  /** Approaches 1–2: the refitted laws. */
  laws?: OptimumLaws;
  /** Approach 3: the refit's objective (its sum of Huber terms on the resample). */
  objective?: number;
}

export interface BootstrapSettings {
  resamples: number;
  seed: number;
  confidence: number;
  predict: readonly number[];
  /** Budgets at which the determination test reads N*(C)'s interval (determination.ts). */
  testBudgets?: readonly number[];
  /** Called after every resample (progress). */
  onResample?: () => void;
}

export interface PredictionIntervals {
  n_params: Interval;
  n_tokens: Interval;
  loss: Interval;
}

/** The yardsticks of the determination test, at 95% whatever the fit's confidence (determination.ts). */
export interface DeterminationIntervals {
  a: Interval | null;
  alpha: Interval | null;
  beta: Interval | null;
  /** N*(C) at each test budget. */
  n_opt: Array<Interval | null>;
}

/** The level of the determination test's intervals. */
export const DETERMINATION_CONFIDENCE = 0.95;

export interface ApproachBootstrap {
  intervals: Record<string, Interval>;
  /** One entry per predicted budget (null where too few resamples gave a prediction). */
  predictions: Array<PredictionIntervals | null>;
  failed: number;
  resamples: number;
  determination: DeterminationIntervals;
  /** Approach 3: each refit's surface (those that gave a law), for the adaptive sweep's policy (planning/adaptive-policy.ts). */
  surfaces?: LossSurface[];
}

function summarise(replicates: Array<Replicate | null>, settings: BootstrapSettings): ApproachBootstrap {
  const ok = replicates.filter((r): r is Replicate => r !== null);
  const intervals: Record<string, Interval> = {};
  // A refit with fewer budgets may lack a quantity (L*'s floor): each interval is over the refits that have it.
  const keys = [...new Set(ok.flatMap((r) => Object.keys(r.values)))];
  for (const key of keys) {
    const interval = percentileInterval(
      ok.flatMap((r) => {
        const value = r.values[key];
        return value === undefined ? [] : [value];
      }),
      settings.confidence,
    );
    if (interval) intervals[key] = interval;
  }
  const predictions = settings.predict.map((budget) => {
    const optima = ok.map((r) => r.predict(budget));
    const n = percentileInterval(optima.map((o) => o.n_params), settings.confidence);
    const d = percentileInterval(optima.map((o) => o.n_tokens), settings.confidence);
    const l = percentileInterval(optima.map((o) => o.loss), settings.confidence);
    return n && d && l ? { n_params: n, n_tokens: d, loss: l } : null;
  });
  const at95 = (key: string) => percentileInterval(ok.flatMap((r) => (r.values[key] === undefined ? [] : [r.values[key] as number])), DETERMINATION_CONFIDENCE);
  const determination: DeterminationIntervals = {
    a: at95("a"),
    alpha: at95("alpha"),
    beta: at95("beta"),
    n_opt: (settings.testBudgets ?? []).map((budget) => percentileInterval(ok.map((r) => r.predict(budget).n_params), DETERMINATION_CONFIDENCE)),
  };
  return { intervals, predictions, failed: replicates.length - ok.length, resamples: replicates.length, determination };
}

/** Multinomial counts of n draws with replacement from n runs (approach 3 draws replicate r's from stream 4·r + 3). */
export function resampleCounts(n: number, random: Random): Float64Array {
  const counts = new Float64Array(n);
  for (let draw = 0; draw < n; draw++) {
    const i = random.int(n);
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** Each budget's runs drawn with replacement, same count per budget. */
function resampleWithinBudgets(groups: readonly BudgetGroup[], random: Random): BudgetGroup[] {
  return groups.map((group) => {
    const drawn = Array.from({ length: group.points.length }, () => group.points[random.int(group.points.length)] as FitPoint);
    return { budget_flops: group.budget_flops, points: drawn.sort((p, q) => p.n_params - q.n_params) };
  });
}

function lawReplicate(laws: OptimumLaws): Replicate {
  return {
    values: {
      a: laws.n_opt.exponent,
      b: laws.d_opt.exponent,
      n_opt_coefficient: laws.n_opt.coefficient,
      d_opt_coefficient: laws.d_opt.coefficient,
      loss_opt_coefficient: laws.loss_opt.coefficient,
      loss_opt_exponent: laws.loss_opt.exponent,
      ...(laws.loss_opt.floor !== undefined ? { loss_opt_floor: laws.loss_opt.floor } : {}),
    },
    predict: (budget) => optimumFromLaws(laws, budget),
    laws,
  };
}

/** `measured`: allocate at the runs' measured FLOPs per token (measured-allocation.ts) rather than under C = 6·N·D. */
export function bootstrapApproach3(points: readonly FitPoint[], theta: Float64Array, delta: number, settings: BootstrapSettings, measured?: MeasuredCompute): ApproachBootstrap {
  const replicates = approach3Replicates(points, theta, delta, settings, measured);
  return { ...summarise(replicates, settings), surfaces: replicates.flatMap((r) => (r?.surface ? [r.surface] : [])) };
}

/** Approach 3's refits, one per resample (null where a refit gave no law). */
export function approach3Replicates(points: readonly FitPoint[], theta: ArrayLike<number>, delta: number, settings: BootstrapSettings, measured?: MeasuredCompute): Array<Replicate | null> {
  const replicates: Array<Replicate | null> = [];
  const linear = Float64Array.from([theta[0] as number, theta[1] as number, theta[2] as number]);
  for (let r = 0; r < settings.resamples; r++) {
    const counts = resampleCounts(points.length, createRandom(settings.seed, 4 * r + 3));
    const data = parametricData(points, counts);
    const refit = projectedSearch(data, delta, theta[3] as number, theta[4] as number, linear);
    settings.onResample?.();
    const surface = surfaceFromTheta(refit.theta);
    if (!Number.isFinite(refit.value) || !hasAllocation(surface)) {
      replicates.push(null);
      continue;
    }
    const unit = chinchillaAllocation(surface, 6);
    const exponents = measured ? allocationExponents(surface, measured.phi, measured.budgets) : { a: unit.a, b: unit.b };
    if (!exponents) {
      replicates.push(null);
      continue;
    }
    replicates.push({
      values: { alpha: surface.alpha, beta: surface.beta, E: surface.E, A: surface.A, B: surface.B, a: exponents.a, b: exponents.b, G: unit.G },
      predict: measured ? (budget) => measuredAllocation(surface, measured.phi, budget) : (budget) => chinchillaAllocation(surface, budget),
      surface,
      objective: refit.value,
    });
  }
  return replicates;
}

export function bootstrapApproach2(groups: readonly BudgetGroup[], options: ResolvedApproach2Options, compute: ComputeModel, settings: BootstrapSettings): ApproachBootstrap {
  return summarise(approach2Replicates(groups, options, compute, settings), settings);
}

/** Approach 2's refits, one per resample within budgets (null where a refit gave no law). */
export function approach2Replicates(groups: readonly BudgetGroup[], options: ResolvedApproach2Options, compute: ComputeModel, settings: BootstrapSettings): Array<Replicate | null> {
  const replicates: Array<Replicate | null> = [];
  for (let r = 0; r < settings.resamples; r++) {
    const fit = fitApproach2(resampleWithinBudgets(groups, createRandom(settings.seed, 4 * r + 2)), options, compute);
    settings.onResample?.();
    replicates.push(fit.status === "fitted" && fit.laws ? lawReplicate(fit.laws) : null);
  }
  return replicates;
}

export function bootstrapApproach1(groups: readonly BudgetGroup[], options: Approach1Options, compute: ComputeModel, settings: BootstrapSettings): ApproachBootstrap {
  return summarise(approach1Replicates(groups, options, compute, settings), settings);
}

/** Approach 1's refits, one per resample within budgets (null where a refit gave no law). */
export function approach1Replicates(groups: readonly BudgetGroup[], options: Approach1Options, compute: ComputeModel, settings: BootstrapSettings): Array<Replicate | null> {
  const replicates: Array<Replicate | null> = [];
  for (let r = 0; r < settings.resamples; r++) {
    const fit = fitApproach1(resampleWithinBudgets(groups, createRandom(settings.seed, 4 * r + 1)), options, compute);
    settings.onResample?.();
    replicates.push(fit.status === "fitted" && fit.laws ? lawReplicate(fit.laws) : null);
  }
  return replicates;
}
