/**
 * Chinchilla Approach 3, the parametric fit (Hoffmann et al. 2022, §3.3 and §D.2;
 * docs/methods.md §2): L(N, D) = E + A/N^alpha + B/D^beta, minimising the sum over runs of
 * Huber_delta(ln L̂ − ln L) (delta = 1e-3) from a grid of starts, then the compute-optimal
 * allocation in closed form (allocation.ts).
 *
 * Guards: fewer than MIN_POINTS runs give no fit (five parameters need more than five
 * runs); a fit with alpha ≤ 0 or beta ≤ 0 has no compute-optimal allocation and gives no
 * law (its parameters are still reported); an optimiser that did not converge is flagged.
 * A start whose line search finds no lower objective while its gradient is below 1e-7 of
 * the gradient's scale has converged at the limit of floating-point precision, and is
 * reported "converged" (parametric-search.ts).
 *
 * The closed-form allocation counts compute as C = 6·N·D. When the runs' budgets are
 * measured FLOPs (FLOPs per token ≠ 6N), Approach 3's C is still 6·N·D: its predictions
 * say so (compute "6ND"), and fitScalingLaws warns when the budgets differ from 6·N·D.
 */
import { chinchillaAllocation, type LossSurface } from "./allocation.js";
import { parametricData, predictedLogLoss } from "./parametric-objective.js";
import { SEARCH_RUNS, searchParametricMinimum } from "./parametric-search.js";
import { chinchillaStartGrid, type Start } from "./start-grid.js";
import type { Approach3Options, Approach3Result, FitPoint, FitProgress, Residual } from "./types.js";

/** Fewest runs for a fit of five parameters. */
export const MIN_POINTS = 6;

export interface ResolvedApproach3Options {
  huberDelta: number;
  method: "projected" | "full";
  starts: Start[];
  maxIterations: number;
  searchRuns: number;
}

export function resolveApproach3Options(options: Approach3Options = {}): ResolvedApproach3Options {
  const method = options.method ?? "projected";
  return {
    huberDelta: options.huberDelta ?? 1e-3,
    method,
    starts: options.starts ? options.starts.map((s) => [...s] as Start) : chinchillaStartGrid(),
    maxIterations: options.maxIterations ?? (method === "projected" ? 500 : 5000),
    searchRuns: options.searchRuns ?? SEARCH_RUNS,
  };
}

/** theta = [e, a, b, alpha, beta] → the surface's parameters. */
export function surfaceFromTheta(theta: ArrayLike<number>): LossSurface {
  return { E: Math.exp(theta[0] as number), A: Math.exp(theta[1] as number), B: Math.exp(theta[2] as number), alpha: theta[3] as number, beta: theta[4] as number };
}

/** Whether a fitted surface has a compute-optimal allocation (the closed form of docs/methods.md §1 needs alpha, beta > 0). */
export function hasAllocation(surface: LossSurface): boolean {
  return surface.alpha > 0 && surface.beta > 0 && Number.isFinite(surface.A) && Number.isFinite(surface.B) && surface.A > 0 && surface.B > 0;
}

function emptyResult(delta: number, warnings: string[]): Approach3Result {
  return {
    status: "no_law",
    E: null,
    A: null,
    B: null,
    alpha: null,
    beta: null,
    a: null,
    b: null,
    G: null,
    objective: null,
    huber_delta: delta,
    optimizer: null,
    residuals: [],
    warnings,
  };
}

export interface Approach3Fit {
  result: Approach3Result;
  /** The minimiser [e, a, b, alpha, beta], for warm-started bootstrap refits; null when none. */
  theta: Float64Array | null;
}

export function fitApproach3(points: readonly FitPoint[], options: ResolvedApproach3Options, onProgress?: (progress: FitProgress) => void): Approach3Fit {
  const delta = options.huberDelta;
  if (points.length < MIN_POINTS) {
    return { result: emptyResult(delta, [`approach 3: no fit: ${points.length} run${points.length === 1 ? "" : "s"} (need at least ${MIN_POINTS} for five parameters)`]), theta: null };
  }
  const data = parametricData(points);
  const minimum = searchParametricMinimum(data, { delta, method: options.method, starts: options.starts, maxIterations: options.maxIterations, searchRuns: options.searchRuns, onProgress });
  if (!minimum) return { result: emptyResult(delta, ["approach 3: no fit: the optimiser found no finite objective from any start"]), theta: null };

  const warnings: string[] = [];
  if (minimum.status !== "converged") {
    const relative = minimum.gradientNorm / minimum.gradientScale;
    warnings.push(
      `approach 3: the optimiser stopped with status ${minimum.status} after ${minimum.iterations} iterations (gradient max-norm ${minimum.gradientNorm.toExponential(2)}, ${relative.toExponential(1)} of its scale ${minimum.gradientScale.toExponential(2)}); the fit may not be at a minimum`,
    );
  }
  const surface = surfaceFromTheta(minimum.theta);
  const allocation = hasAllocation(surface) ? chinchillaAllocation(surface, 6) : null;
  if (!allocation) {
    warnings.push(`approach 3: no law: fitted alpha = ${surface.alpha.toPrecision(4)}, beta = ${surface.beta.toPrecision(4)}; a compute-optimal allocation needs both > 0`);
  }
  const residuals: Residual[] = points.map((p) => ({
    ...(p.experiment_id === undefined ? {} : { experiment_id: p.experiment_id }),
    budget_flops: p.budget_flops,
    n_params: p.n_params,
    n_tokens: p.n_tokens,
    loss: p.loss,
    predicted: Math.exp(predictedLogLoss(minimum.theta, Math.log(p.n_params), Math.log(p.n_tokens))),
  }));
  const result: Approach3Result = {
    status: allocation ? "fitted" : "no_law",
    E: surface.E,
    A: surface.A,
    B: surface.B,
    alpha: surface.alpha,
    beta: surface.beta,
    a: allocation?.a ?? null,
    b: allocation?.b ?? null,
    G: allocation?.G ?? null,
    objective: minimum.value,
    huber_delta: delta,
    optimizer: {
      method: options.method,
      status: minimum.status,
      iterations: minimum.iterations,
      evaluations: minimum.evaluations,
      starts: minimum.starts,
      distinct_starts: minimum.distinctStarts,
      converged_starts: minimum.convergedStarts,
      search_runs: minimum.searchRuns,
      refined_starts: minimum.refinedStarts,
      gradient_norm: minimum.gradientNorm,
      gradient_scale: minimum.gradientScale,
    },
    residuals,
    warnings,
  };
  return { result, theta: minimum.theta };
}
