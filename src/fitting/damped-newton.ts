/**
 * Damped Newton's method for the small smooth inner problems of variable projection (the
 * log-coefficients of Approach 3's surface, variable-projection.ts, and of the comparison's
 * shared-exponent fit, grouped-projection.ts), with the exact Hessian: Levenberg damping
 * relative to the Hessian's diagonal when it is not positive definite (Huber's linear zone
 * makes it indefinite), a trust cap on each step, and Armijo backtracking (Nocedal & Wright,
 * "Numerical Optimization", §3.1 and §3.4). Stops when the gradient's max-norm is within
 * tolerance or no step lowers F at floating-point precision.
 */
import { choleskySolve, type Matrix } from "./small-linear-algebra.js";

/** F at u, filling the gradient (length p) and the Hessian (p×p, row-major) when given. */
export type NewtonObjective = (u: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null) => number;

export interface NewtonOptions {
  gradientTolerance: number;
  maxIterations: number;
  /** No coordinate changes by more than this per iteration. */
  maxStep: number;
}

export function dampedNewton(evaluate: NewtonObjective, start: Float64Array, options: NewtonOptions): { u: Float64Array; value: number; iterations: number } {
  const size = start.length;
  let u = start;
  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  const trial = new Float64Array(size);
  let value = evaluate(u, gradient, hessian);
  let damping = 0;
  let iterations = 0;
  for (; iterations < options.maxIterations; iterations++) {
    if (Math.max(...Array.from(gradient, Math.abs)) <= options.gradientTolerance) break;
    // Damping is relative to the Hessian's size; its diagonal may be negative (linear Huber zone).
    let scale = 1e-300;
    for (let j = 0; j < size; j++) scale = Math.max(scale, Math.abs(hessian[j * size + j] as number));
    let step: number[] | null = null;
    for (let attempt = 0; attempt < 40 && !step; attempt++) {
      const shift = damping * scale;
      const matrix: Matrix = Array.from({ length: size }, (_, j) => Array.from({ length: size }, (_, k) => (j === k ? (hessian[j * size + k] as number) + shift : (hessian[j * size + k] as number))));
      step = choleskySolve(matrix, Array.from(gradient, (g) => -g));
      if (!step || !step.every(Number.isFinite)) {
        step = null;
        damping = damping === 0 ? 1e-10 : damping * 10;
      }
    }
    if (!step) break;
    const largest = Math.max(...step.map(Math.abs));
    if (largest > options.maxStep) step = step.map((v) => (v * options.maxStep) / largest);
    let slope = 0;
    for (let j = 0; j < size; j++) slope += (gradient[j] as number) * (step[j] as number);
    if (!(slope < 0)) break;
    // Armijo backtracking; a full Newton step relaxes the damping, a cut one tightens it.
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 50; halvings++) {
      for (let j = 0; j < size; j++) trial[j] = (u[j] as number) + t * (step[j] as number);
      const trialValue = evaluate(trial, null, null);
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
    value = evaluate(u, gradient, hessian);
  }
  return { u, value, iterations };
}
