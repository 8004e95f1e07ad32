/**
 * Validates FitOptions and fills in the defaults. An invalid option is the caller's
 * mistake and throws FitInputError naming the option and the bad value.
 */
import type { Approach1Options } from "./approach1-envelope.js";
import { resolveApproach2Options, type ResolvedApproach2Options } from "./approach2-isoflop.js";
import { resolveApproach3Options, type ResolvedApproach3Options } from "./approach3-parametric.js";
import { FitInputError } from "./fit-input-error.js";
import type { FitOptions } from "./types.js";

export interface ResolvedFitOptions {
  approaches: Array<1 | 2 | 3>;
  bootstrap: number;
  seed: number;
  predict: number[];
  excludeWorst: number;
  confidence: number;
  budgetTolerance: number;
  disagreementThreshold: number;
  holdout: number | "auto";
  paramConvention?: FitOptions["paramConvention"];
  approach1: Approach1Options;
  approach2: ResolvedApproach2Options;
  approach3: ResolvedApproach3Options;
  onProgress?: FitOptions["onProgress"];
}

/**
 * Most bootstrap resamples a fit accepts: Hoffmann et al. and Besiroglu et al. use ~1000-4000;
 * beyond 1e5 the intervals stop changing and the time (and memory) keep growing.
 */
export const MAX_BOOTSTRAP = 100_000;

const show = (value: unknown) => (Array.isArray(value) ? JSON.stringify(value) : String(value));

function check(condition: boolean, field: string, value: unknown, rule: string): void {
  if (!condition) throw new FitInputError(field, `${show(value)} (${rule})`);
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

export function resolveFitOptions(options: FitOptions): ResolvedFitOptions {
  const approaches = options.approaches;
  check(Array.isArray(approaches) && approaches.length > 0, "approaches", approaches, "must list at least one of 1, 2, 3");
  approaches.forEach((a, i) => check(a === 1 || a === 2 || a === 3, `approaches[${i}]`, a, "must be 1, 2 or 3"));
  const bootstrap = options.bootstrap ?? 0;
  check(isCount(bootstrap), "bootstrap", bootstrap, "must be an integer ≥ 0");
  check(bootstrap <= MAX_BOOTSTRAP, "bootstrap", bootstrap, `at most ${MAX_BOOTSTRAP} resamples`);
  const seed = options.seed ?? 0;
  check(typeof seed === "number" && Number.isFinite(seed), "seed", seed, "must be a finite number");
  const predict = options.predict ?? [];
  check(Array.isArray(predict), "predict", predict, "must be a list of budgets in FLOPs");
  predict.forEach((c, i) => check(typeof c === "number" && Number.isFinite(c) && c > 0, `predict[${i}]`, c, "must be a budget in FLOPs > 0"));
  const excludeWorst = options.excludeWorst ?? 0;
  check(isCount(excludeWorst), "excludeWorst", excludeWorst, "must be an integer ≥ 0");
  const confidence = options.confidence ?? 0.95;
  check(typeof confidence === "number" && confidence > 0 && confidence < 1, "confidence", confidence, "must be in (0, 1)");
  const budgetTolerance = options.budgetTolerance ?? 1e-6;
  check(typeof budgetTolerance === "number" && budgetTolerance >= 0 && budgetTolerance < 1, "budgetTolerance", budgetTolerance, "must be in [0, 1)");
  const holdout = options.holdout ?? 0;
  check(holdout === "auto" || isCount(holdout), "holdout", holdout, 'must be an integer ≥ 0 or "auto"');
  const disagreementThreshold = options.disagreementThreshold ?? 0.03;
  check(typeof disagreementThreshold === "number" && disagreementThreshold >= 0, "disagreementThreshold", disagreementThreshold, "must be ≥ 0");

  const approach2 = resolveApproach2Options(options.approach2);
  check(isCount(approach2.minPointsPerBudget) && approach2.minPointsPerBudget >= 3, "approach2.minPointsPerBudget", approach2.minPointsPerBudget, "must be an integer ≥ 3: a parabola has 3 coefficients");
  check(isCount(approach2.minBudgets) && approach2.minBudgets >= 2, "approach2.minBudgets", approach2.minBudgets, "must be an integer ≥ 2");
  check(approach2.nearestPoints === null || (isCount(approach2.nearestPoints) && approach2.nearestPoints >= 3), "approach2.nearestPoints", approach2.nearestPoints, "must be an integer ≥ 3");
  check(approach2.maxVertexSEFraction > 0, "approach2.maxVertexSEFraction", approach2.maxVertexSEFraction, "must be > 0 (Infinity disables the check)");
  check(approach2.edgeFraction >= 0 && approach2.edgeFraction < 0.5, "approach2.edgeFraction", approach2.edgeFraction, "must be in [0, 0.5)");

  const approach3 = resolveApproach3Options(options.approach3);
  check(approach3.huberDelta > 0 && Number.isFinite(approach3.huberDelta), "approach3.huberDelta", approach3.huberDelta, "must be a finite number > 0");
  check(approach3.method === "projected" || approach3.method === "full", "approach3.method", approach3.method, 'must be "projected" or "full"');
  check(approach3.starts.length > 0, "approach3.starts", approach3.starts, "must hold at least one start");
  approach3.starts.forEach((s, i) => check(s.length === 5 && s.every(Number.isFinite), `approach3.starts[${i}]`, s, "must be [alpha, beta, e, a, b], finite"));
  check(isCount(approach3.maxIterations) && approach3.maxIterations >= 1, "approach3.maxIterations", approach3.maxIterations, "must be an integer ≥ 1");
  check(approach3.searchRuns === Infinity || (isCount(approach3.searchRuns) && approach3.searchRuns >= 10), "approach3.searchRuns", approach3.searchRuns, "must be an integer ≥ 10, or Infinity");

  return {
    approaches: [...new Set(approaches)].sort(),
    bootstrap,
    seed,
    predict: [...predict],
    excludeWorst,
    confidence,
    budgetTolerance,
    disagreementThreshold,
    holdout,
    approach1: { minPointsPerBudget: approach2.minPointsPerBudget, minBudgets: approach2.minBudgets },
    approach2,
    approach3,
    ...(options.paramConvention ? { paramConvention: options.paramConvention } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}
