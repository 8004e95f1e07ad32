/**
 * Approach 3 at one target budget, as the adaptive sweep reads it after every run
 * (docs/adaptive.md): the fit with its bootstrap (TARGET_RESAMPLES, the determination test's
 * minimum) and determination test, the 95% intervals of N*(C_t) and L*(C_t) with their
 * half-widths in ln, the surfaces the design policy averages over, and N*, L* at any budget
 * under the fit's compute model (measured FLOPs per token when the runs measured them).
 * Pure: points in, numbers out.
 */
import { chinchillaAllocation, type LossSurface } from "./allocation.js";
import { fitApproaches } from "./fit-approaches.js";
import { resolveFitOptions } from "./fit-options.js";
import { measuredAllocation } from "./measured-allocation.js";
import type { Approach3Result, FitPoint, Interval, Suggestion } from "./types.js";

/** Bootstrap resamples of each fit: the determination test's minimum (determination.ts MIN_RESAMPLES). */
export const TARGET_RESAMPLES = 100;
/**
 * Resamples that confirm a fit whose interval looks narrow enough to stop: a 95% percentile
 * interval from 100 resamples rests on the 2–3 most extreme of them at each end, and a sweep
 * that stopped the first time it dipped below its target would stop on that noise.
 */
export const CONFIRM_RESAMPLES = 1000;

/** Approach 3's parameters (ln E, ln A, ln B, α, β). */
const PARAMETERS = 5;

/**
 * How much wider than the bootstrap's percentile interval the sweep's interval is drawn, from
 * `runs` runs: sqrt(n / (n − p)). A bootstrap of a p-parameter fit to n points spreads its
 * refits by the plug-in residual variance (sum of squares over n), while an unbiased estimate
 * divides by n − p (Efron & Tibshirani 1993 §9.3–9.4; Hesterberg 2015, "What teachers should
 * know about the bootstrap", §3: percentile intervals are too narrow in small samples). An
 * adaptive sweep stops on its interval with few runs (14–20 on the bench, 9 + its decisions),
 * where the difference is 12–25%; on the --mock bench its uncorrected interval covered the
 * truth in 17 of 20 seeds, the misses 1.03–1.17 half-widths out (docs/adaptive.md).
 */
export function smallSampleFactor(runs: number): number {
  return runs > PARAMETERS ? Math.sqrt(runs / (runs - PARAMETERS)) : Infinity;
}

/** A 95% interval with its estimate and half-width in ln. */
export interface LnInterval {
  estimate: number;
  lo: number;
  hi: number;
  half_width: number;
}

export interface TargetFit {
  runs: number;
  resamples: number;
  /** The intervals are the bootstrap's widened by this (smallSampleFactor of the runs). */
  widened_by: number;
  n_opt: LnInterval | null;
  loss_opt: LnInterval | null;
  determined: boolean;
  /** Why approach 3 is not determined (empty when it is). */
  reasons: string[];
  /** What the determination test would run next (fitting/suggestions.ts). */
  suggestions: Suggestion[];
  /** The fitted surface first, then every bootstrap refit's (empty without a law). */
  surfaces: LossSurface[];
  /** N*, L* at a budget for a surface, as this fit counts compute. */
  optimum: (surface: LossSurface, budgetFlops: number) => { n_params: number; loss: number };
  /** The fit's N*(C) at any budget (null without a law): where the candidate cells centre. */
  fittedOptimum: (budgetFlops: number) => number | null;
}

/** The bootstrap's interval around `estimate`, each side's distance in ln scaled by `widen`. */
function lnInterval(estimate: number, interval: Interval | null | undefined, widen: number): LnInterval | null {
  if (!interval || !(interval.lo > 0) || !(interval.hi > 0) || !Number.isFinite(estimate) || !(estimate > 0) || !Number.isFinite(widen)) return null;
  const lo = estimate * Math.exp(widen * Math.min(0, Math.log(interval.lo / estimate)));
  const hi = estimate * Math.exp(widen * Math.max(0, Math.log(interval.hi / estimate)));
  return { estimate, lo, hi, half_width: Math.log(hi / lo) / 2 };
}

const surfaceOf = (r: Approach3Result): LossSurface | null =>
  r.status === "fitted" && r.E !== null && r.A !== null && r.B !== null && r.alpha !== null && r.beta !== null ? { E: r.E, A: r.A, B: r.B, alpha: r.alpha, beta: r.beta } : null;

/**
 * Approach 3 on `points`, read at `targetBudget`; `seed` seeds the bootstrap (the same points
 * give the same answer, and the first 100 of 1000 resamples are the 100 of a smaller one).
 */
export function fitAtTarget(points: readonly FitPoint[], targetBudget: number, seed = 0, resamples = TARGET_RESAMPLES): TargetFit {
  const fit = fitApproaches(points, resolveFitOptions({ approaches: [3], bootstrap: resamples, seed, predict: [targetBudget] }));
  const result = fit.result.approaches["3"] as Approach3Result | undefined;
  const surface = result ? surfaceOf(result) : null;
  const phi = fit.compute.accounting === "measured" ? fit.compute.phi : null;
  const optimum = phi
    ? (s: LossSurface, budget: number) => measuredAllocation(s, phi, budget)
    : (s: LossSurface, budget: number) => chinchillaAllocation(s, budget);
  const boot = fit.boot["3"];
  const at = surface ? optimum(surface, targetBudget) : null;
  const determination = result?.determination;
  const widen = smallSampleFactor(fit.used.length);
  return {
    runs: fit.used.length,
    resamples,
    widened_by: widen,
    n_opt: at ? lnInterval(at.n_params, boot?.determination.n_opt[0], widen) : null,
    loss_opt: at ? lnInterval(at.loss, boot?.predictions[0]?.loss, widen) : null,
    determined: determination?.determined ?? false,
    reasons: determination?.reasons ?? (result ? result.warnings : ["approach 3 was not fitted"]),
    suggestions: fit.result.determination?.suggestions ?? [],
    surfaces: surface ? [surface, ...(boot?.surfaces ?? [])] : [],
    optimum,
    fittedOptimum: (budget) => {
      const n = surface ? optimum(surface, budget).n_params : NaN;
      return Number.isFinite(n) && n > 0 ? n : null;
    },
  };
}
