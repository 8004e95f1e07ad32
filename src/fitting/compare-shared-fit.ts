/**
 * The shared-exponent fit of two sweeps (`flops-fit compare`, docs/compare.md): one surface
 * per sweep, L_g(N, D) = E + A_g/N^alpha + B_g/D^beta, with E, alpha, beta common and A_g, B_g
 * each sweep's own (Volkova et al., arXiv:2602.07712: shared exponents, per-variant factors).
 * Fitted by Approach 3's objective summed over both sweeps' runs, with variable projection
 * over (alpha, beta) from the same 25 exponent starts as Approach 3 (grouped-projection.ts).
 *
 * Under this model the effective-compute multiplier is a constant: with C = 6·N·D,
 * L*_g(C) − E = K_g·(C/6)^−γ, γ = αβ/(α+β), so the baseline reaches the variant's L*(C) at
 * k·C with k = (A_0/A_1)^(1/α)·(B_0/B_1)^(1/β) at every C; a variant whose surface is the
 * baseline's with N → mN and D → mD has k = m².
 */
import type { LossSurface } from "./allocation.js";
import { groupedData, groupedProjectedObjective, solveGroupedCoefficients, type GroupedData } from "./grouped-projection.js";
import { minimizeLbfgs, type LbfgsStatus } from "./lbfgs.js";
import { gradientScale } from "./parametric-search.js";
import { chinchillaStartGrid, distinctExponentStarts } from "./start-grid.js";
import type { FitPoint } from "./types.js";

/** theta = [e, a_0, b_0, a_1, b_1, alpha, beta] (logs of E, A_g, B_g). */
export interface SharedMinimum {
  theta: Float64Array;
  value: number;
  status: LbfgsStatus;
  iterations: number;
}

export interface SharedFit extends SharedMinimum {
  /** Each sweep's surface (baseline first). */
  surfaces: [LossSurface, LossSurface];
  /** Whether both surfaces have a compute-optimal allocation (alpha, beta > 0, finite A, B). */
  lawful: boolean;
}

const FIRST_EXPONENT_STEP = 0.1;

/** One projected L-BFGS run from (alpha, beta), warm-starting the coefficients when given. */
export function sharedSearch(data: GroupedData, delta: number, alpha: number, beta: number, linear: Float64Array | null, maxIterations = 500): SharedMinimum {
  const projected = groupedProjectedObjective(data, delta, linear);
  const run = minimizeLbfgs(projected.objective, [alpha, beta], {
    maxIterations,
    gradientTolerance: 1e-11,
    relativeTolerance: 1e-14,
    firstStepLength: FIRST_EXPONENT_STEP,
    // As Approach 3's search (parametric-search.ts): a stall at 1e-7 of the gradient's scale is floating-point resolution.
    stallGradientTolerance: Math.max(1e-11, 1e-7 * gradientScale(data, delta)),
  });
  const [alphaHat, betaHat] = [run.x[0] as number, run.x[1] as number];
  const inner = solveGroupedCoefficients(data, alphaHat, betaHat, delta, projected.lastLinear());
  return { theta: Float64Array.from([...inner.linear, alphaHat, betaHat]), value: inner.value, status: run.status, iterations: run.iterations };
}

/** The two surfaces of a shared minimum. */
export function sharedSurfaces(theta: ArrayLike<number>): [LossSurface, LossSurface] {
  const [e, a0, b0, a1, b1, alpha, beta] = Array.from(theta);
  const E = Math.exp(e as number);
  return [
    { E, A: Math.exp(a0 as number), B: Math.exp(b0 as number), alpha: alpha as number, beta: beta as number },
    { E, A: Math.exp(a1 as number), B: Math.exp(b1 as number), alpha: alpha as number, beta: beta as number },
  ];
}

const lawful = (s: LossSurface) => s.alpha > 0 && s.beta > 0 && s.A > 0 && s.B > 0 && Number.isFinite(s.A) && Number.isFinite(s.B) && Number.isFinite(s.E);

function withSurfaces(minimum: SharedMinimum): SharedFit {
  const surfaces = sharedSurfaces(minimum.theta);
  return { ...minimum, surfaces, lawful: Number.isFinite(minimum.value) && surfaces.every(lawful) };
}

/**
 * The shared fit of the baseline's and the variant's runs: the best minimum over Approach 3's
 * distinct exponent starts and `extraStarts` (e.g. the two free fits' exponents); null when no
 * start reaches a finite objective.
 */
export function fitSharedSurfaces(baseline: readonly FitPoint[], variant: readonly FitPoint[], delta: number, extraStarts: ReadonlyArray<[number, number]> = []): SharedFit | null {
  const data = groupedData([baseline, variant]);
  let best: SharedMinimum | null = null;
  for (const [alpha, beta] of [...distinctExponentStarts(chinchillaStartGrid()), ...extraStarts]) {
    const outcome = sharedSearch(data, delta, alpha, beta, null);
    if (Number.isFinite(outcome.value) && outcome.theta.every(Number.isFinite) && (!best || outcome.value < best.value)) best = outcome;
  }
  return best ? withSurfaces(best) : null;
}

/** A bootstrap refit: the runs weighted by each sweep's resample counts, warm-started at the full-data minimum. */
export function refitShared(baseline: readonly FitPoint[], variant: readonly FitPoint[], counts: [ArrayLike<number>, ArrayLike<number>], delta: number, theta: ArrayLike<number>): SharedFit {
  const data = groupedData([baseline, variant], counts);
  const linear = Float64Array.from(Array.from(theta).slice(0, 5));
  return withSurfaces(sharedSearch(data, delta, theta[5] as number, theta[6] as number, linear));
}
