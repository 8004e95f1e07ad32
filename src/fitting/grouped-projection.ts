/**
 * Variable projection for several sweeps fitted at once with shared exponents: each group of
 * runs g (a sweep) has its own surface L_g(N, D) = E + A_g/N^alpha + B_g/D^beta with E,
 * alpha and beta common to all groups. This is the "shared exponents, per-variant factors"
 * model of Volkova et al. (arXiv:2602.07712); with two groups and A_1 = A_0·m^−alpha,
 * B_1 = B_0·m^−beta the second surface is the first with N → mN and D → mD.
 *
 * The objective is Approach 3's (parametric-objective.ts) summed over every run of every
 * group: w_i·Huber_delta(ln L̂_i − ln L_i). As in variable-projection.ts (Golub & Pereyra 1973)
 * the coefficients enter linearly, so for each (alpha, beta) the 1 + 2G log-coefficients
 * u = (e, a_0, b_0, a_1, b_1, …) are solved for by damped Newton with the exact Hessian, from
 * a relative-error non-negative least-squares start, and the outer search runs over (alpha,
 * beta) with the envelope theorem's gradient. That module is the one-group case written out
 * for speed; this one is general in the number of groups.
 */
import { huber, huberDerivative, huberSecondDerivative } from "./huber.js";
import { nonNegativeLeastSquares } from "./nnls.js";
import type { ParametricData } from "./parametric-objective.js";
import { dampedNewton } from "./damped-newton.js";
import type { Matrix } from "./small-linear-algebra.js";
import { projectedOver, scaledFeatures, type ProjectedObjective } from "./variable-projection.js";

/** A term NNLS sets to zero starts at this fraction of the mean loss (ln 0 is −∞). */
const ZERO_TERM_FRACTION = 1e-6;
const MAX_NEWTON_ITERATIONS = 100;
/** No coefficient changes by more than a factor e^MAX_LOG_STEP per Newton iteration. */
const MAX_LOG_STEP = 2;

/** Runs of every group in logs, with their multiplicities and the group each belongs to. */
export interface GroupedData extends ParametricData {
  group: Int32Array;
  groups: number;
}

type Run = { n_params: number; n_tokens: number; loss: number };

/** The runs of each group (a sweep), with optional multiplicities per group (bootstrap counts); runs of weight 0 are dropped. */
export function groupedData(sets: ReadonlyArray<readonly Run[]>, weights?: ReadonlyArray<ArrayLike<number>>): GroupedData {
  const rows: Array<{ run: Run; group: number; weight: number }> = [];
  sets.forEach((runs, g) => runs.forEach((run, i) => {
    const weight = weights ? (weights[g]![i] as number) : 1;
    if (weight > 0) rows.push({ run, group: g, weight });
  }));
  return {
    lnN: Float64Array.from(rows, (r) => Math.log(r.run.n_params)),
    lnD: Float64Array.from(rows, (r) => Math.log(r.run.n_tokens)),
    lnL: Float64Array.from(rows, (r) => Math.log(r.run.loss)),
    weight: Float64Array.from(rows, (r) => r.weight),
    group: Int32Array.from(rows, (r) => r.group),
    groups: sets.length,
  };
}

/** The inner problem at fixed exponents; features scaled so the largest is 1 (u = e, a_g + shiftN, b_g + shiftD). */
interface InnerProblem {
  data: GroupedData;
  featureN: Float64Array;
  featureD: Float64Array;
  shiftN: number;
  shiftD: number;
  delta: number;
  size: number;
}

function innerProblem(data: GroupedData, alpha: number, beta: number, delta: number): InnerProblem {
  return { data, ...scaledFeatures(data, alpha, beta), delta, size: 1 + 2 * data.groups };
}

/** F over scaled u, with its gradient (length p) and Hessian (p×p, row-major) when asked. */
function innerEvaluate(problem: InnerProblem, u: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null): number {
  const { featureN, featureD, delta, size } = problem;
  const { lnL, weight, group } = problem.data;
  const E = Math.exp(u[0] as number);
  if (gradient) gradient.fill(0);
  if (hessian) hessian.fill(0);
  let value = 0;
  for (let i = 0; i < lnL.length; i++) {
    const ja = 1 + 2 * (group[i] as number);
    const jb = ja + 1;
    const q1 = Math.exp(u[ja] as number) * (featureN[i] as number);
    const q2 = Math.exp(u[jb] as number) * (featureD[i] as number);
    const sum = E + q1 + q2;
    const r = Math.log(sum) - (lnL[i] as number);
    const w = weight[i] as number;
    value += w * huber(r, delta);
    if (!gradient) continue;
    const p = [E / sum, q1 / sum, q2 / sum];
    const index = [0, ja, jb];
    const d1 = w * huberDerivative(r, delta);
    for (let k = 0; k < 3; k++) gradient[index[k] as number] = (gradient[index[k] as number] as number) + d1 * (p[k] as number);
    if (!hessian) continue;
    // ∇²LSE = diag p − p·pᵀ; ∇²F = H''·p·pᵀ + H'·∇²LSE (weights included).
    const outer = w * huberSecondDerivative(r, delta) - d1;
    for (let k = 0; k < 3; k++) {
      for (let l = 0; l < 3; l++) {
        const at = (index[k] as number) * size + (index[l] as number);
        hessian[at] = (hessian[at] as number) + outer * (p[k] as number) * (p[l] as number) + (k === l ? d1 * (p[k] as number) : 0);
      }
    }
  }
  return value;
}

/** Scaled u from relative-error NNLS: min Σ w·((E + A_g·fN + B_g·fD)/L − 1)² over non-negative coefficients. */
function coldStart(problem: InnerProblem): Float64Array {
  const { featureN, featureD, size, data } = problem;
  const normal: Matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const rhs = new Array<number>(size).fill(0);
  const n = data.lnL.length;
  let meanLoss = 0;
  let meanFeatureN = 0;
  let meanFeatureD = 0;
  for (let i = 0; i < n; i++) {
    const inverseLoss = Math.exp(-(data.lnL[i] as number));
    const ja = 1 + 2 * (data.group[i] as number);
    const index = [0, ja, ja + 1];
    const f = [inverseLoss, (featureN[i] as number) * inverseLoss, (featureD[i] as number) * inverseLoss];
    const w = data.weight[i] as number;
    for (let k = 0; k < 3; k++) {
      rhs[index[k] as number] = (rhs[index[k] as number] as number) + w * (f[k] as number);
      for (let l = 0; l < 3; l++) {
        const row = normal[index[k] as number] as number[];
        row[index[l] as number] = (row[index[l] as number] as number) + w * (f[k] as number) * (f[l] as number);
      }
    }
    meanLoss += 1 / inverseLoss / n;
    meanFeatureN += (featureN[i] as number) / n;
    meanFeatureD += (featureD[i] as number) / n;
  }
  const theta = nonNegativeLeastSquares(normal, rhs);
  return Float64Array.from({ length: size }, (_, j) => {
    const floor = j === 0 ? ZERO_TERM_FRACTION * meanLoss : (ZERO_TERM_FRACTION * meanLoss) / (j % 2 === 1 ? meanFeatureN : meanFeatureD);
    return Math.log(Math.max(theta[j] as number, floor));
  });
}

/** Damped Newton from scaled u (damped-newton.ts). */
function newtonMinimize(problem: InnerProblem, start: Float64Array): { u: Float64Array; value: number } {
  let totalWeight = 0;
  for (const w of problem.data.weight) totalWeight += w;
  const evaluate = (u: Float64Array, gradient: Float64Array | null, hessian: Float64Array | null) => innerEvaluate(problem, u, gradient, hessian);
  return dampedNewton(evaluate, start, { gradientTolerance: 1e-14 * Math.max(1, totalWeight), maxIterations: MAX_NEWTON_ITERATIONS, maxStep: MAX_LOG_STEP });
}

const scaled = (problem: InnerProblem, linear: Float64Array) => Float64Array.from(linear, (v, j) => (j === 0 ? v : v + (j % 2 === 1 ? problem.shiftN : problem.shiftD)));
const unscaled = (problem: InnerProblem, u: Float64Array) => Float64Array.from(u, (v, j) => (j === 0 ? v : v - (j % 2 === 1 ? problem.shiftN : problem.shiftD)));

/** The better of the NNLS cold start and a warm start (unscaled log-coefficients). */
function innerStart(problem: InnerProblem, warm: Float64Array | null): Float64Array {
  const cold = coldStart(problem);
  if (!warm || warm.length !== problem.size || !warm.every(Number.isFinite)) return cold;
  const fromWarm = scaled(problem, warm);
  return innerEvaluate(problem, fromWarm, null, null) < innerEvaluate(problem, cold, null, null) ? fromWarm : cold;
}

/** The inner minimiser at fixed exponents: unscaled log-coefficients [e, a_0, b_0, a_1, b_1, …] and F there. */
export function solveGroupedCoefficients(data: GroupedData, alpha: number, beta: number, delta: number, warm: Float64Array | null): { linear: Float64Array; value: number } {
  const problem = innerProblem(data, alpha, beta, delta);
  const solved = newtonMinimize(problem, innerStart(problem, warm));
  return { linear: unscaled(problem, solved.u), value: solved.value };
}

/** ∂F/∂alpha, ∂F/∂beta at scaled u (the projected objective's gradient at the inner minimiser, by the envelope theorem). */
function exponentGradient(problem: InnerProblem, u: Float64Array): [number, number] {
  const { featureN, featureD, delta } = problem;
  const { lnN, lnD, lnL, weight, group } = problem.data;
  const E = Math.exp(u[0] as number);
  let gAlpha = 0;
  let gBeta = 0;
  for (let i = 0; i < lnL.length; i++) {
    const ja = 1 + 2 * (group[i] as number);
    const q1 = Math.exp(u[ja] as number) * (featureN[i] as number);
    const q2 = Math.exp(u[ja + 1] as number) * (featureD[i] as number);
    const sum = E + q1 + q2;
    const scale = ((weight[i] as number) * huberDerivative(Math.log(sum) - (lnL[i] as number), delta)) / sum;
    gAlpha -= scale * q1 * (lnN[i] as number);
    gBeta -= scale * q2 * (lnD[i] as number);
  }
  return [gAlpha, gBeta];
}

/** The projected objective f(alpha, beta) for L-BFGS, warm-starting each inner solve from the last (variable-projection.ts). */
export function groupedProjectedObjective(data: GroupedData, delta: number, initial: Float64Array | null): ProjectedObjective {
  return projectedOver({
    problem: (alpha, beta) => innerProblem(data, alpha, beta, delta),
    solve: (problem, warm) => newtonMinimize(problem, innerStart(problem, warm)),
    unscale: unscaled,
    exponentGradient,
  }, initial);
}
