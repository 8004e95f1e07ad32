/**
 * The multi-start search for the Approach 3 minimum.
 *
 * "projected" (default): L-BFGS over (alpha, beta) on the variable-projection objective
 * (variable-projection.ts). A start's (e, a, b) do not matter there, since they are solved
 * for at every (alpha, beta), so the 4500-start grid collapses to its 25 distinct
 * (alpha, beta) pairs; the report says so (starts vs distinct_starts).
 *
 * "full": L-BFGS over all five parameters from every start, the procedure of Hoffmann et
 * al. 2022 (§D.2). Kept as a cross-check: it is ill conditioned and much slower.
 *
 * Many runs: every objective evaluation is a pass over all runs, so beyond SEARCH_RUNS
 * runs the starts are searched on a fixed random subsample of SEARCH_RUNS runs (which
 * locates the basin as well: five parameters, thousands of runs), and the best
 * REFINED_STARTS distinct minima found there are refined on every run; the best refined
 * minimum is the fit. 100k runs then cost seconds instead of minutes (bench/fit-scale.ts).
 */
import { minimizeLbfgs, type LbfgsStatus } from "./lbfgs.js";
import { createRandom } from "./random.js";
import type { FitProgress } from "./types.js";
import type { Objective } from "./line-search.js";
import { parametricObjective, type ParametricData } from "./parametric-objective.js";
import { distinctExponentStarts, type Start } from "./start-grid.js";
import { projectedObjective, solveLinearParameters } from "./variable-projection.js";

export interface ParametricSearchOptions {
  delta: number;
  method: "projected" | "full";
  starts: readonly Start[];
  maxIterations?: number;
  /** Search the starts on a subsample of this many runs when there are more (default SEARCH_RUNS). */
  searchRuns?: number;
  onProgress?: (progress: FitProgress) => void;
}

/** Above this many runs, starts are searched on a random subsample of this size. */
export const SEARCH_RUNS = 1000;
/** Distinct subsample minima refined on every run. */
export const REFINED_STARTS = 3;
/** Minima whose exponents agree to this are the same minimum. */
const SAME_EXPONENTS = 1e-3;

export interface ParametricMinimum {
  /** [e, a, b, alpha, beta]. */
  theta: Float64Array;
  value: number;
  status: LbfgsStatus;
  iterations: number;
  evaluations: number;
  starts: number;
  distinctStarts: number;
  convergedStarts: number;
  /** Runs the starts were searched on (all, or a subsample). */
  searchRuns: number;
  /** Subsample minima refined on all runs (0: the search used all runs). */
  refinedStarts: number;
  /** Max-norm of the 5-parameter gradient at theta. */
  gradientNorm: number;
  /** The largest value any gradient component can take on these data (gradientScale). */
  gradientScale: number;
}

/** Outer tolerances: the objective is ~1e-3 on real data and → 0 on noiseless data. */
const GRADIENT_TOLERANCE = 1e-11;
const RELATIVE_TOLERANCE = 1e-14;
/**
 * A run whose line search finds no lower objective has converged when its gradient's
 * max-norm is at most this fraction of gradientScale. Such stalls happen at the limit of
 * floating-point resolution: on losses stored to 6 significant digits the objective's
 * rounding error (~ε·Σ|r_i|) hides any further decrease once the gradient is ~1e-10..2e-9 of
 * its scale; on Epoch's data, its bootstrap resamples and noisy synthetic sweeps stalls
 * occurred at ≤ 2e-9. At 1e-7 of the scale, alpha and beta are within ~1e-7 of the minimum,
 * far inside any interval.
 */
const STALL_RELATIVE_GRADIENT = 1e-7;
/** The first outer step changes alpha or beta by at most this (their grid spacing is 0.5). */
const FIRST_EXPONENT_STEP = 0.1;

interface StartOutcome {
  theta: Float64Array;
  value: number;
  status: LbfgsStatus;
  iterations: number;
  evaluations: number;
}

/**
 * An upper bound on every component of the objective's gradient, full or projected:
 * δ·Σ_i w_i·max(1, |ln N_i|, |ln D_i|), since |Huber'| ≤ δ and each residual's derivative
 * is a softmax weight (≤ 1) times 1, ln N or ln D. It is the scale against which a
 * gradient is small: the gradient if every run pulled the same way at the Huber threshold.
 */
export function gradientScale(data: ParametricData, delta: number): number {
  let scale = 0;
  for (let i = 0; i < data.lnN.length; i++) {
    scale += (data.weight[i] as number) * Math.max(1, Math.abs(data.lnN[i] as number), Math.abs(data.lnD[i] as number));
  }
  return delta * scale;
}

const stallTolerance = (data: ParametricData, delta: number) => Math.max(GRADIENT_TOLERANCE, STALL_RELATIVE_GRADIENT * gradientScale(data, delta));

/** One projected L-BFGS run from (alpha, beta), optionally warm-starting the inner solve. */
export function projectedSearch(data: ParametricData, delta: number, alpha: number, beta: number, linear: Float64Array | null, maxIterations = 500): StartOutcome {
  const projected = projectedObjective(data, delta, linear);
  const run = minimizeLbfgs(projected.objective, [alpha, beta], {
    maxIterations,
    gradientTolerance: GRADIENT_TOLERANCE,
    relativeTolerance: RELATIVE_TOLERANCE,
    firstStepLength: FIRST_EXPONENT_STEP,
    stallGradientTolerance: stallTolerance(data, delta),
  });
  const [alphaHat, betaHat] = run.x as unknown as [number, number];
  // The last inner solution belongs to the last point evaluated, not always the accepted one: re-solve.
  const inner = solveLinearParameters(data, alphaHat, betaHat, delta, projected.lastLinear());
  const theta = Float64Array.from([inner.linear[0] as number, inner.linear[1] as number, inner.linear[2] as number, alphaHat, betaHat]);
  return { theta, value: inner.value, status: run.status, iterations: run.iterations, evaluations: run.evaluations };
}

/** One full 5-parameter L-BFGS run from theta = [e, a, b, alpha, beta]. */
function fullSearch(data: ParametricData, delta: number, theta0: Float64Array, maxIterations = 5000): StartOutcome {
  const objective: Objective = (x, gradient) => parametricObjective(data, x, gradient, delta);
  const run = minimizeLbfgs(objective, theta0, {
    maxIterations,
    gradientTolerance: GRADIENT_TOLERANCE,
    relativeTolerance: RELATIVE_TOLERANCE,
    stallGradientTolerance: stallTolerance(data, delta),
  });
  return { theta: run.x, value: run.value, status: run.status, iterations: run.iterations, evaluations: run.evaluations };
}

function gradientMaxNorm(data: ParametricData, theta: Float64Array, delta: number): number {
  const gradient = new Float64Array(5);
  parametricObjective(data, theta, gradient, delta);
  return Math.max(...Array.from(gradient, Math.abs));
}

/** A fixed random subsample of `size` runs (seeded: the same data give the same subsample). */
export function subsampleRuns(data: ParametricData, size: number): ParametricData {
  const n = data.lnL.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const random = createRandom(0, 5);
  for (let i = 0; i < size; i++) {
    const j = i + random.int(n - i);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  const chosen = order.subarray(0, size).sort();
  const pick = (column: Float64Array) => Float64Array.from(chosen, (i) => column[i] as number);
  return { lnN: pick(data.lnN), lnD: pick(data.lnD), lnL: pick(data.lnL), weight: pick(data.weight) };
}

const isFinite = (o: StartOutcome) => Number.isFinite(o.value) && o.theta.every(Number.isFinite);

/** The best `count` finite outcomes whose (alpha, beta) differ. */
function distinctBest(outcomes: readonly StartOutcome[], count: number): StartOutcome[] {
  const chosen: StartOutcome[] = [];
  for (const outcome of [...outcomes].filter(isFinite).sort((x, y) => x.value - y.value)) {
    const same = chosen.some((c) => Math.abs((c.theta[3] as number) - (outcome.theta[3] as number)) < SAME_EXPONENTS && Math.abs((c.theta[4] as number) - (outcome.theta[4] as number)) < SAME_EXPONENTS);
    if (!same) chosen.push(outcome);
    if (chosen.length === count) break;
  }
  return chosen;
}

/** The best minimum over the starts; null when no start reached a finite objective. */
export function searchParametricMinimum(data: ParametricData, options: ParametricSearchOptions): ParametricMinimum | null {
  const runs = data.lnL.length;
  const limit = options.searchRuns ?? SEARCH_RUNS;
  const search = runs > limit ? subsampleRuns(data, limit) : data;
  const searchRuns = search.lnL.length;
  const starts = options.method === "projected" ? distinctExponentStarts(options.starts) : options.starts.map((s) => [...s]);
  const outcomes: StartOutcome[] = [];
  starts.forEach((start, i) => {
    if (options.method === "projected") outcomes.push(projectedSearch(search, options.delta, start[0] as number, start[1] as number, null, options.maxIterations));
    else {
      const [alpha, beta, e, a, b] = start as number[];
      outcomes.push(fullSearch(search, options.delta, Float64Array.from([e as number, a as number, b as number, alpha as number, beta as number]), options.maxIterations));
    }
    options.onProgress?.({ stage: "approach3_search", done: i + 1, total: starts.length, runs: searchRuns });
  });
  let candidates = outcomes;
  let refinedStarts = 0;
  if (search !== data) {
    // Refine the subsample's best minima on every run.
    const best = distinctBest(outcomes, REFINED_STARTS);
    refinedStarts = best.length;
    candidates = best.map((outcome, i) => {
      const theta = outcome.theta;
      const refined = options.method === "projected"
        ? projectedSearch(data, options.delta, theta[3] as number, theta[4] as number, theta.slice(0, 3), options.maxIterations)
        : fullSearch(data, options.delta, theta, options.maxIterations);
      options.onProgress?.({ stage: "approach3_refine", done: i + 1, total: best.length, runs });
      return refined;
    });
  }
  let best: StartOutcome | null = null;
  for (const outcome of candidates) if (isFinite(outcome) && (!best || outcome.value < best.value)) best = outcome;
  if (!best) return null;
  return {
    ...best,
    starts: options.starts.length,
    distinctStarts: starts.length,
    convergedStarts: outcomes.filter((o) => o.status === "converged").length,
    searchRuns,
    refinedStarts,
    gradientNorm: gradientMaxNorm(data, best.theta, options.delta),
    gradientScale: gradientScale(data, options.delta),
  };
}
