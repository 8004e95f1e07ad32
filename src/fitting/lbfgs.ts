/**
 * Limited-memory BFGS (Liu & Nocedal 1989; Nocedal & Wright, "Numerical Optimization",
 * Algorithm 7.4 for the two-loop recursion and eq. 7.20 for the initial Hessian scaling),
 * with the strong Wolfe line search of line-search.ts. Unconstrained, dense, small n.
 *
 * Stops when the gradient's max-norm is at most gradientTolerance ("converged"), when an
 * iteration lowers f by at most relativeTolerance·max(|f|, tiny) ("converged"), after
 * maxIterations ("max_iterations"), or when no step lowers f, not even along steepest
 * descent. That last stop is "converged" when the gradient's max-norm is at most
 * stallGradientTolerance: f is then at the limit of its floating-point resolution (its
 * rounding error exceeds the decrease any step could bring), which is convergence, not
 * failure. Otherwise it is "line_search_failed" (a gradient inconsistent with f, or f too
 * noisy or non-smooth at this scale). The caller sets stallGradientTolerance from the
 * problem's scale; by default it equals gradientTolerance, so only a small gradient counts.
 */
import { strongWolfeLineSearch, type Objective } from "./line-search.js";

export type LbfgsStatus = "converged" | "max_iterations" | "line_search_failed" | "non_finite";

export interface LbfgsOptions {
  /** Correction pairs kept. Default 10. */
  memory?: number;
  /** Default 1000. */
  maxIterations?: number;
  /** Max-norm of the gradient at which to stop. Default 1e-10. */
  gradientTolerance?: number;
  /** Relative decrease of f per iteration at which to stop. Default 1e-13. */
  relativeTolerance?: number;
  /** Largest coordinate change tried by the first line search (and after restarts). Default 1. */
  firstStepLength?: number;
  /**
   * When no step lowers f, the run is "converged" if the gradient's max-norm is at most this
   * (f cannot resolve a further decrease), else "line_search_failed". Default gradientTolerance.
   */
  stallGradientTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  status: LbfgsStatus;
  /** True when the run ended because no step lowered f (status "converged" or "line_search_failed"). */
  stalled: boolean;
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += (u[i] as number) * (v[i] as number);
  return sum;
}

function maxNorm(v: Float64Array): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i] as number));
  return max;
}

export function minimizeLbfgs(objective: Objective, start: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-10;
  const relativeTolerance = options.relativeTolerance ?? 1e-13;
  const firstStepLength = options.firstStepLength ?? 1;
  const stallGradientTolerance = Math.max(options.stallGradientTolerance ?? gradientTolerance, gradientTolerance);
  const n = start.length;
  let x: Float64Array = Float64Array.from(start);
  let gradient: Float64Array = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  const done = (status: LbfgsStatus, iterations: number, stalled = false): LbfgsResult => ({ x, value, gradient, iterations, evaluations, status, stalled });
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) return done("non_finite", 0);

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const alphas = new Float64Array(memory);
  const direction = new Float64Array(n);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxNorm(gradient) <= gradientTolerance) return done("converged", iteration);
    // Two-loop recursion: direction = −H·∇f, H the L-BFGS inverse Hessian approximation.
    for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
    const k = sHistory.length;
    for (let j = k - 1; j >= 0; j--) {
      const alpha = (rhoHistory[j] as number) * dot(sHistory[j] as Float64Array, direction);
      alphas[j] = alpha;
      const y = yHistory[j] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - alpha * (y[i] as number);
    }
    if (k > 0) {
      const s = sHistory[k - 1] as Float64Array;
      const y = yHistory[k - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const beta = (rhoHistory[j] as number) * dot(yHistory[j] as Float64Array, direction);
      const s = sHistory[j] as Float64Array;
      const coefficient = (alphas[j] as number) - beta;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + coefficient * (s[i] as number);
    }
    if (!(dot(direction, gradient) < 0)) {
      // Not a descent direction (a poor curvature pair): restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
    }
    // First step (and after a restart): at most firstStepLength in the largest coordinate.
    const initialStep = sHistory.length === 0 ? Math.min(1, firstStepLength / maxNorm(direction)) : 1;
    const search = strongWolfeLineSearch(objective, x, value, gradient, direction, initialStep);
    evaluations += search.evaluations;
    const point = search.point;
    if (!point) {
      // A poor quasi-Newton direction can fail where steepest descent succeeds: retry once.
      if (sHistory.length === 0) return done(maxNorm(gradient) <= stallGradientTolerance ? "converged" : "line_search_failed", iteration, true);
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      continue;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (point.x[i] as number) - (x[i] as number);
      y[i] = (point.gradient[i] as number) - (gradient[i] as number);
    }
    const previousValue = value;
    x = point.x;
    gradient = point.gradient;
    value = point.value;
    const sy = dot(s, y);
    if (sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    if (previousValue - value <= relativeTolerance * Math.max(Math.abs(previousValue), Math.abs(value), 1e-300)) {
      return done("converged", iteration + 1);
    }
  }
  return done(maxNorm(gradient) <= gradientTolerance ? "converged" : "max_iterations", maxIterations);
}
