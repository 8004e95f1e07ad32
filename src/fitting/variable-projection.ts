/**
 * Variable projection for Approach 3 (Golub & Pereyra 1973, applied to the Chinchilla
 * surface as docs/methods.md §2 describes). E, A, B enter L = E + A/N^alpha + B/D^beta
 * linearly, so for each (alpha, beta) they are solved for, and the outer search runs over
 * (alpha, beta) only:
 *
 *   f(alpha, beta) = min over (e, a, b) of F(e, a, b, alpha, beta)
 *
 * with F the sum-Huber objective of parametric-objective.ts. By the envelope theorem
 * ∇f = (∂F/∂alpha, ∂F/∂beta) at the inner minimiser, so f has an exact analytic gradient.
 * The 2-D problem is far better conditioned than the 5-D one (docs/methods.md §2: Hessian
 * condition number ~11 instead of ~3.5e11) and the joint minimum is the same point.
 *
 * Inner solve, for fixed (alpha, beta):
 *   1. start: relative-error non-negative least squares, min Σ w·((E + A·N^-alpha +
 *      B·D^-beta)/L − 1)² over E, A, B ≥ 0 (relative error ≈ log error), or the previous
 *      inner solution when the outer search has one (warm start);
 *   2. Newton's method on F in (e, a, b) = ln(E, A, B) with the exact Hessian
 *      Σ w·[H''(r)·p·pᵀ + H'(r)·(diag p − p·pᵀ)], Levenberg damping when it is not
 *      positive definite, and Armijo backtracking.
 */
import { huber, huberDerivative, huberSecondDerivative } from "./huber.js";
import type { Objective } from "./line-search.js";
import { nonNegativeLeastSquares } from "./nnls.js";
import type { ParametricData } from "./parametric-objective.js";
import { dampedNewton } from "./damped-newton.js";
import type { Matrix } from "./small-linear-algebra.js";

/** A term NNLS sets to zero starts at this fraction of the mean loss (ln of zero is −∞). */
const ZERO_TERM_FRACTION = 1e-6;
const MAX_NEWTON_ITERATIONS = 100;
const MAX_LOG_STEP = 2;

export interface InnerSolution {
  /** [e, a, b] = ln [E, A, B]. */
  linear: Float64Array;
  value: number;
  iterations: number;
}

/**
 * The inner problem at fixed exponents. Features are stored scaled so the largest is 1:
 * featureN_i = exp(−alpha·lnN_i − shiftN), so A/N^alpha = exp(a + shiftN)·featureN_i and
 * the inner variables are u = (e, a + shiftN, b + shiftD). Each pass then costs one log
 * per run, and exponents of any size neither overflow nor underflow.
 */
interface InnerProblem {
  data: ParametricData;
  featureN: Float64Array;
  featureD: Float64Array;
  shiftN: number;
  shiftD: number;
  delta: number;
  totalWeight: number;
}

/** exp(−alpha·lnN − shiftN) and exp(−beta·lnD − shiftD) per run, each shift making the largest 1. */
export function scaledFeatures(data: ParametricData, alpha: number, beta: number): { featureN: Float64Array; featureD: Float64Array; shiftN: number; shiftD: number } {
  const n = data.lnL.length;
  let shiftN = -Infinity;
  let shiftD = -Infinity;
  for (let i = 0; i < n; i++) {
    shiftN = Math.max(shiftN, -alpha * (data.lnN[i] as number));
    shiftD = Math.max(shiftD, -beta * (data.lnD[i] as number));
  }
  const featureN = new Float64Array(n);
  const featureD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    featureN[i] = Math.exp(-alpha * (data.lnN[i] as number) - shiftN);
    featureD[i] = Math.exp(-beta * (data.lnD[i] as number) - shiftD);
  }
  return { featureN, featureD, shiftN, shiftD };
}

function innerProblem(data: ParametricData, alpha: number, beta: number, delta: number): InnerProblem {
  let totalWeight = 0;
  for (let i = 0; i < data.weight.length; i++) totalWeight += data.weight[i] as number;
  return { data, ...scaledFeatures(data, alpha, beta), delta, totalWeight };
}

/** F over scaled u, with its gradient and Hessian when asked. */
function innerEvaluate(problem: InnerProblem, u: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null): number {
  const { featureN, featureD, delta } = problem;
  const { lnL, weight } = problem.data;
  const E = Math.exp(u[0] as number);
  const A = Math.exp(u[1] as number);
  const B = Math.exp(u[2] as number);
  let value = 0;
  let g0 = 0, g1 = 0, g2 = 0;
  let h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
  for (let i = 0; i < lnL.length; i++) {
    const q1 = A * (featureN[i] as number);
    const q2 = B * (featureD[i] as number);
    const sum = E + q1 + q2;
    const r = Math.log(sum) - (lnL[i] as number);
    const w = weight[i] as number;
    value += w * huber(r, delta);
    if (!gradient) continue;
    const p0 = E / sum, p1 = q1 / sum, p2 = q2 / sum;
    const d1 = w * huberDerivative(r, delta);
    g0 += d1 * p0;
    g1 += d1 * p1;
    g2 += d1 * p2;
    if (!hessian) continue;
    // ∇²LSE = diag p − p·pᵀ; ∇²F = H''·p·pᵀ + H'·∇²LSE (weights included).
    const outer = w * huberSecondDerivative(r, delta) - d1;
    h00 += outer * p0 * p0 + d1 * p0;
    h11 += outer * p1 * p1 + d1 * p1;
    h22 += outer * p2 * p2 + d1 * p2;
    h01 += outer * p0 * p1;
    h02 += outer * p0 * p2;
    h12 += outer * p1 * p2;
  }
  if (gradient) {
    gradient[0] = g0;
    gradient[1] = g1;
    gradient[2] = g2;
  }
  if (hessian) hessian.set([h00, h01, h02, h01, h11, h12, h02, h12, h22]);
  return value;
}

/** Scaled u from relative-error NNLS (the inner cold start). */
function coldStart(problem: InnerProblem): Float64Array {
  const { featureN, featureD, data } = problem;
  const normal: Matrix = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const rhs = [0, 0, 0];
  const n = data.lnL.length;
  let meanLoss = 0;
  let meanFeatureN = 0;
  let meanFeatureD = 0;
  for (let i = 0; i < n; i++) {
    const inverseLoss = Math.exp(-(data.lnL[i] as number));
    const f0 = inverseLoss;
    const f1 = (featureN[i] as number) * inverseLoss;
    const f2 = (featureD[i] as number) * inverseLoss;
    const w = data.weight[i] as number;
    const row0 = normal[0] as number[], row1 = normal[1] as number[], row2 = normal[2] as number[];
    rhs[0] = (rhs[0] as number) + w * f0;
    rhs[1] = (rhs[1] as number) + w * f1;
    rhs[2] = (rhs[2] as number) + w * f2;
    row0[0] = (row0[0] as number) + w * f0 * f0;
    row0[1] = (row0[1] as number) + w * f0 * f1;
    row0[2] = (row0[2] as number) + w * f0 * f2;
    row1[1] = (row1[1] as number) + w * f1 * f1;
    row1[2] = (row1[2] as number) + w * f1 * f2;
    row2[2] = (row2[2] as number) + w * f2 * f2;
    meanLoss += 1 / inverseLoss / n;
    meanFeatureN += (featureN[i] as number) / n;
    meanFeatureD += (featureD[i] as number) / n;
  }
  for (let j = 0; j < 3; j++) for (let k = 0; k < j; k++) (normal[j] as number[])[k] = (normal[k] as number[])[j] as number;
  const theta = nonNegativeLeastSquares(normal, rhs);
  const floor = [ZERO_TERM_FRACTION * meanLoss, (ZERO_TERM_FRACTION * meanLoss) / meanFeatureN, (ZERO_TERM_FRACTION * meanLoss) / meanFeatureD];
  return Float64Array.from([0, 1, 2], (j) => Math.log(Math.max(theta[j] as number, floor[j] as number)));
}

/** Damped Newton on the inner problem from scaled u (damped-newton.ts); returns the minimiser (scaled) and F there. */
function newtonMinimize(problem: InnerProblem, start: Float64Array): { u: Float64Array; value: number; iterations: number } {
  const evaluate = (u: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null) => innerEvaluate(problem, u, gradient, hessian);
  return dampedNewton(evaluate, start, { gradientTolerance: 1e-14 * Math.max(1, problem.totalWeight), maxIterations: MAX_NEWTON_ITERATIONS, maxStep: MAX_LOG_STEP });
}

/** The inner minimiser over (e, a, b) at fixed (alpha, beta); warmStart is an unscaled [e, a, b]. */
export function solveLinearParameters(data: ParametricData, alpha: number, beta: number, delta: number, warmStart: Float64Array | null): InnerSolution {
  const problem = innerProblem(data, alpha, beta, delta);
  const solved = newtonMinimize(problem, innerStart(problem, warmStart));
  return { linear: unscale(problem, solved.u), value: solved.value, iterations: solved.iterations };
}

/**
 * The better of the NNLS cold start and the warm start (an unscaled [e, a, b]): far from
 * the previous exponents a warm start can sit where every residual is in Huber's linear zone.
 */
function innerStart(problem: InnerProblem, warmStart: Float64Array | null): Float64Array {
  const cold = coldStart(problem);
  if (!warmStart || !warmStart.every(Number.isFinite)) return cold;
  const warm = Float64Array.from([warmStart[0] as number, (warmStart[1] as number) + problem.shiftN, (warmStart[2] as number) + problem.shiftD]);
  return innerEvaluate(problem, warm, null, null) < innerEvaluate(problem, cold, null, null) ? warm : cold;
}

const unscale = (problem: InnerProblem, u: Float64Array) => Float64Array.from([u[0] as number, (u[1] as number) - problem.shiftN, (u[2] as number) - problem.shiftD]);

/**
 * ∂F/∂alpha and ∂F/∂beta at scaled u: −Σ w·H'(r)·p1·ln N and −Σ w·H'(r)·p2·ln D
 * (at the inner minimiser these are ∂f/∂alpha, ∂f/∂beta by the envelope theorem).
 */
function exponentGradient(problem: InnerProblem, u: Float64Array): [number, number] {
  const { featureN, featureD, delta } = problem;
  const { lnN, lnD, lnL, weight } = problem.data;
  const E = Math.exp(u[0] as number);
  const A = Math.exp(u[1] as number);
  const B = Math.exp(u[2] as number);
  let gAlpha = 0;
  let gBeta = 0;
  for (let i = 0; i < lnL.length; i++) {
    const q1 = A * (featureN[i] as number);
    const q2 = B * (featureD[i] as number);
    const sum = E + q1 + q2;
    const scale = ((weight[i] as number) * huberDerivative(Math.log(sum) - (lnL[i] as number), delta)) / sum;
    gAlpha -= scale * q1 * (lnN[i] as number);
    gBeta -= scale * q2 * (lnD[i] as number);
  }
  return [gAlpha, gBeta];
}

/** The projected objective f(alpha, beta) as an L-BFGS objective over x = [alpha, beta]. */
export interface ProjectedObjective {
  objective: Objective;
  /** Unscaled [e, a, b] at the last point evaluated. */
  lastLinear(): Float64Array | null;
}

/** The steps of an inner problem at fixed exponents, as the projected objective uses them. */
export interface InnerSteps<P> {
  problem(alpha: number, beta: number): P;
  /** The inner minimiser (scaled) and F there, from a warm start (unscaled) when there is one. */
  solve(problem: P, warm: Float64Array | null): { u: Float64Array; value: number };
  unscale(problem: P, u: Float64Array): Float64Array;
  exponentGradient(problem: P, u: Float64Array): [number, number];
}

/** f(alpha, beta) = min over the coefficients, warm-starting each inner solve from the last point's. */
export function projectedOver<P>(steps: InnerSteps<P>, initialLinear: Float64Array | null): ProjectedObjective {
  let last: Float64Array | null = initialLinear;
  const objective: Objective = (x, gradient) => {
    const problem = steps.problem(x[0] as number, x[1] as number);
    const solved = steps.solve(problem, last);
    const linear = steps.unscale(problem, solved.u);
    if (linear.every(Number.isFinite)) last = linear;
    const [gAlpha, gBeta] = steps.exponentGradient(problem, solved.u);
    gradient[0] = gAlpha;
    gradient[1] = gBeta;
    return solved.value;
  };
  return { objective, lastLinear: () => last };
}

export function projectedObjective(data: ParametricData, delta: number, initialLinear: Float64Array | null = null): ProjectedObjective {
  return projectedOver({
    problem: (alpha, beta) => innerProblem(data, alpha, beta, delta),
    solve: (problem, warm) => newtonMinimize(problem, innerStart(problem, warm)),
    unscale,
    exponentGradient,
  }, initialLinear);
}
