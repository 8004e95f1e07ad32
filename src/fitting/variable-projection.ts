/**
 * Variable projection for Approach 3 (Golub & Pereyra 1973, applied to the Chinchilla
 * surface as REFERENCE §2 describes). E, A, B enter L = E + A/N^alpha + B/D^beta
 * linearly, so for each (alpha, beta) they are solved for, and the outer search runs over
 * (alpha, beta) only:
 *
 *   f(alpha, beta) = min over (e, a, b) of F(e, a, b, alpha, beta)
 *
 * with F the sum-Huber objective of parametric-objective.ts. By the envelope theorem
 * ∇f = (∂F/∂alpha, ∂F/∂beta) at the inner minimiser, so f has an exact analytic gradient.
 * The 2-D problem is far better conditioned than the 5-D one (REFERENCE §2: Hessian
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
import { choleskySolve, type Matrix } from "./small-linear-algebra.js";

/** A term NNLS sets to zero starts at this fraction of the mean loss (ln of zero is −∞). */
const ZERO_TERM_FRACTION = 1e-6;
const MAX_NEWTON_ITERATIONS = 100;

export interface InnerSolution {
  /** [e, a, b] = ln [E, A, B]. */
  linear: Float64Array;
  value: number;
  iterations: number;
}

/** F and its gradient and Hessian over (e, a, b) for fixed exponents; shiftN = −alpha·lnN, shiftD = −beta·lnD. */
function innerEvaluate(
  data: ParametricData,
  shiftN: Float64Array,
  shiftD: Float64Array,
  u: Float64Array,
  delta: number,
  gradient: Float64Array | null,
  hessian: Float64Array | null,
): number {
  const e = u[0] as number;
  const a = u[1] as number;
  const b = u[2] as number;
  const { lnL, weight } = data;
  let value = 0;
  let g0 = 0, g1 = 0, g2 = 0;
  let h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
  for (let i = 0; i < lnL.length; i++) {
    const t1 = a + (shiftN[i] as number);
    const t2 = b + (shiftD[i] as number);
    const m = Math.max(e, t1, t2);
    const q0 = Math.exp(e - m);
    const q1 = Math.exp(t1 - m);
    const q2 = Math.exp(t2 - m);
    const sum = q0 + q1 + q2;
    const r = m + Math.log(sum) - (lnL[i] as number);
    const w = weight[i] as number;
    value += w * huber(r, delta);
    if (!gradient) continue;
    const p0 = q0 / sum, p1 = q1 / sum, p2 = q2 / sum;
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

/** ln E, ln A, ln B from relative-error NNLS at fixed exponents (the inner cold start). */
function coldStart(data: ParametricData, shiftN: Float64Array, shiftD: Float64Array): Float64Array {
  const normal: Matrix = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const rhs = [0, 0, 0];
  const n = data.lnL.length;
  // Features scaled per column by exp(−max shift) so that N^-alpha of 1e-20 or 1e20 stays representable.
  let maxN = -Infinity;
  let maxD = -Infinity;
  for (let i = 0; i < n; i++) {
    maxN = Math.max(maxN, shiftN[i] as number);
    maxD = Math.max(maxD, shiftD[i] as number);
  }
  let meanLoss = 0;
  let meanFeatureN = 0;
  let meanFeatureD = 0;
  for (let i = 0; i < n; i++) {
    const loss = Math.exp(data.lnL[i] as number);
    const feature = [1 / loss, Math.exp((shiftN[i] as number) - maxN) / loss, Math.exp((shiftD[i] as number) - maxD) / loss];
    const w = data.weight[i] as number;
    for (let j = 0; j < 3; j++) {
      rhs[j] = (rhs[j] as number) + w * (feature[j] as number);
      for (let k = 0; k < 3; k++) (normal[j] as number[])[k] = ((normal[j] as number[])[k] as number) + w * (feature[j] as number) * (feature[k] as number);
    }
    meanLoss += loss / n;
    meanFeatureN += Math.exp((shiftN[i] as number) - maxN) / n;
    meanFeatureD += Math.exp((shiftD[i] as number) - maxD) / n;
  }
  const theta = nonNegativeLeastSquares(normal, rhs);
  const floor = [ZERO_TERM_FRACTION * meanLoss, (ZERO_TERM_FRACTION * meanLoss) / meanFeatureN, (ZERO_TERM_FRACTION * meanLoss) / meanFeatureD];
  const linear = new Float64Array(3);
  for (let j = 0; j < 3; j++) linear[j] = Math.log(Math.max(theta[j] as number, floor[j] as number));
  linear[1] = (linear[1] as number) - maxN;
  linear[2] = (linear[2] as number) - maxD;
  return linear;
}

/** The inner minimiser over (e, a, b) at fixed (alpha, beta). */
export function solveLinearParameters(data: ParametricData, alpha: number, beta: number, delta: number, warmStart: Float64Array | null): InnerSolution {
  const n = data.lnL.length;
  const shiftN = new Float64Array(n);
  const shiftD = new Float64Array(n);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    shiftN[i] = -alpha * (data.lnN[i] as number);
    shiftD[i] = -beta * (data.lnD[i] as number);
    totalWeight += data.weight[i] as number;
  }
  let u = warmStart && warmStart.every(Number.isFinite) ? Float64Array.from(warmStart) : coldStart(data, shiftN, shiftD);
  const gradient = new Float64Array(3);
  const hessian = new Float64Array(9);
  const trial = new Float64Array(3);
  const gradientTolerance = 1e-14 * Math.max(1, totalWeight);
  let value = innerEvaluate(data, shiftN, shiftD, u, delta, gradient, hessian);
  let damping = 0;
  let iterations = 0;
  for (; iterations < MAX_NEWTON_ITERATIONS; iterations++) {
    if (Math.max(Math.abs(gradient[0] as number), Math.abs(gradient[1] as number), Math.abs(gradient[2] as number)) <= gradientTolerance) break;
    const scale = Math.max(hessian[0] as number, hessian[4] as number, hessian[8] as number, 1e-300);
    let step: number[] | null = null;
    for (let attempt = 0; attempt < 40 && !step; attempt++) {
      const shift = damping * scale;
      const matrix: Matrix = [
        [(hessian[0] as number) + shift, hessian[1] as number, hessian[2] as number],
        [hessian[3] as number, (hessian[4] as number) + shift, hessian[5] as number],
        [hessian[6] as number, hessian[7] as number, (hessian[8] as number) + shift],
      ];
      step = choleskySolve(matrix, [-(gradient[0] as number), -(gradient[1] as number), -(gradient[2] as number)]);
      if (!step || !step.every(Number.isFinite)) {
        step = null;
        damping = damping === 0 ? 1e-10 : damping * 10;
      }
    }
    if (!step) break;
    const slope = (gradient[0] as number) * (step[0] as number) + (gradient[1] as number) * (step[1] as number) + (gradient[2] as number) * (step[2] as number);
    if (!(slope < 0)) break;
    // Armijo backtracking; a full Newton step relaxes the damping, a cut one tightens it.
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 50; halvings++) {
      for (let j = 0; j < 3; j++) trial[j] = (u[j] as number) + t * (step[j] as number);
      const trialValue = innerEvaluate(data, shiftN, shiftD, trial, delta, null, null);
      if (trialValue <= value + 1e-4 * t * slope && trialValue < value) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break; // no decrease at floating-point precision: u is the minimiser
    u = Float64Array.from(trial);
    damping = t === 1 ? damping / 10 : Math.max(damping * 10, 1e-10);
    if (damping < 1e-14) damping = 0;
    value = innerEvaluate(data, shiftN, shiftD, u, delta, gradient, hessian);
  }
  return { linear: u, value, iterations };
}

/** The projected objective f(alpha, beta) as an L-BFGS objective over x = [alpha, beta]. */
export interface ProjectedObjective {
  objective: Objective;
  /** [e, a, b] at the last point evaluated. */
  lastLinear(): Float64Array | null;
}

export function projectedObjective(data: ParametricData, delta: number, initialLinear: Float64Array | null = null): ProjectedObjective {
  let last: Float64Array | null = initialLinear;
  const objective: Objective = (x, gradient) => {
    const alpha = x[0] as number;
    const beta = x[1] as number;
    const inner = solveLinearParameters(data, alpha, beta, delta, last);
    if (inner.linear.every(Number.isFinite)) last = inner.linear;
    const [e, a, b] = inner.linear as unknown as [number, number, number];
    // Envelope theorem: ∂f/∂alpha = ∂F/∂alpha at the inner minimiser (same for beta).
    let gAlpha = 0;
    let gBeta = 0;
    let value = 0;
    const { lnN, lnD, lnL, weight } = data;
    for (let i = 0; i < lnL.length; i++) {
      const xN = lnN[i] as number;
      const xD = lnD[i] as number;
      const t1 = a - alpha * xN;
      const t2 = b - beta * xD;
      const m = Math.max(e, t1, t2);
      const q0 = Math.exp(e - m);
      const q1 = Math.exp(t1 - m);
      const q2 = Math.exp(t2 - m);
      const sum = q0 + q1 + q2;
      const r = m + Math.log(sum) - (lnL[i] as number);
      const w = weight[i] as number;
      value += w * huber(r, delta);
      const scale = (w * huberDerivative(r, delta)) / sum;
      gAlpha -= scale * q1 * xN;
      gBeta -= scale * q2 * xD;
    }
    gradient[0] = gAlpha;
    gradient[1] = gBeta;
    return value;
  };
  return { objective, lastLinear: () => last };
}
