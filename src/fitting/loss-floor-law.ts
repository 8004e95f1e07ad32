/**
 * The law of the optimal loss through per-budget optima: L*(C) = E + k·C^(−γ), a power law
 * above an irreducible loss E (docs/methods.md §2). Under the surface
 * L = E + A/N^α + B/D^β spent at the optimum, both reducible terms scale as C^(−αβ/(α+β)),
 * so L*(C) has exactly this form; a pure power law L* = k·C^c (E = 0) falls too fast when
 * extrapolated (docs/fitting.md, "Do the intervals cover the truth?").
 *
 * Fitted by least squares on relative residuals (L_i − E − k·C_i^(−γ))/L_i with E ≥ 0 and
 * k ≥ 0: for each γ the law is linear in (E, k), solved by non-negative least squares
 * (variable projection; Golub & Pereyra 1973), and γ is searched on a log-spaced grid over
 * [GAMMA_MIN, GAMMA_MAX] and refined by golden section. Three parameters need at least
 * FLOOR_LAW_MIN_BUDGETS budgets (one degree of freedom left); with fewer, fitOptimumLaws
 * (power-law.ts) falls back to the pure power law and says so.
 */
import { nonNegativeLeastSquares } from "./nnls.js";

/** L*(C) = floor + coefficient · C^exponent (exponent < 0), C in FLOPs. */
export interface FloorLaw {
  coefficient: number;
  exponent: number;
  floor: number;
}

/** Budgets the floor law needs: its three parameters and one more. */
export const FLOOR_LAW_MIN_BUDGETS = 4;

/** The range searched for γ = −exponent: from nearly flat in ln C to a term that vanishes within a decade. */
export const GAMMA_MIN = 1e-3;
export const GAMMA_MAX = 3;
const GRID = 120;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

interface Profile {
  floor: number;
  scaledCoefficient: number;
  /** Sum of squared relative residuals. */
  sse: number;
}

/** Best (E, k) ≥ 0 for one γ; C is divided by `reference` (the budgets' geometric mean) to keep C^(−γ) near 1. */
function profile(scaled: readonly number[], losses: readonly number[], gamma: number): Profile {
  // Rows (1/L_i, x_i/L_i), target 1: the relative residual of L_i.
  let m00 = 0;
  let m01 = 0;
  let m11 = 0;
  let v0 = 0;
  let v1 = 0;
  scaled.forEach((c, i) => {
    const w = 1 / (losses[i] as number);
    const x = c ** -gamma;
    m00 += w * w;
    m01 += w * w * x;
    m11 += w * w * x * x;
    v0 += w;
    v1 += w * x;
  });
  const [floor, scaledCoefficient] = nonNegativeLeastSquares([[m00, m01], [m01, m11]], [v0, v1]) as [number, number];
  let sse = 0;
  scaled.forEach((c, i) => {
    const loss = losses[i] as number;
    sse += ((loss - floor - scaledCoefficient * c ** -gamma) / loss) ** 2;
  });
  return { floor, scaledCoefficient, sse };
}

/**
 * The floor law through (C, L*) pairs, or null for fewer than FLOOR_LAW_MIN_BUDGETS distinct
 * budgets or a non-positive value. E lands on 0 when the data favour no floor (the law is
 * then a power law fitted on relative residuals); γ at GAMMA_MIN or GAMMA_MAX means the data
 * hold no curvature in ln C to measure it by.
 */
export function fitFloorLaw(budgets: readonly number[], losses: readonly number[]): FloorLaw | null {
  if (budgets.length !== losses.length || budgets.some((c) => !(c > 0)) || losses.some((l) => !(l > 0) || !Number.isFinite(l))) return null;
  if (new Set(budgets).size < FLOOR_LAW_MIN_BUDGETS) return null;
  const reference = Math.exp(budgets.reduce((s, c) => s + Math.log(c), 0) / budgets.length);
  const scaled = budgets.map((c) => c / reference);
  const lnMin = Math.log(GAMMA_MIN);
  const step = (Math.log(GAMMA_MAX) - lnMin) / (GRID - 1);
  const at = (lnGamma: number) => profile(scaled, losses, Math.exp(lnGamma));
  let best = 0;
  let bestSse = Infinity;
  for (let i = 0; i < GRID; i++) {
    const { sse } = at(lnMin + i * step);
    if (sse < bestSse) {
      bestSse = sse;
      best = i;
    }
  }
  // Golden section on ln γ between the best grid point's neighbours.
  let lo = lnMin + Math.max(0, best - 1) * step;
  let hi = lnMin + Math.min(GRID - 1, best + 1) * step;
  let x1 = hi - GOLDEN * (hi - lo);
  let x2 = lo + GOLDEN * (hi - lo);
  let f1 = at(x1).sse;
  let f2 = at(x2).sse;
  for (let iteration = 0; iteration < 60 && hi - lo > 1e-10; iteration++) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLDEN * (hi - lo);
      f1 = at(x1).sse;
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLDEN * (hi - lo);
      f2 = at(x2).sse;
    }
  }
  const candidates = [lnMin + best * step, (lo + hi) / 2];
  const lnGamma = candidates.reduce((b, x) => (at(x).sse < at(b).sse ? x : b));
  const gamma = Math.exp(lnGamma);
  const fit = at(lnGamma);
  // k·(C/reference)^(−γ) = (k·reference^γ)·C^(−γ).
  return { floor: fit.floor, coefficient: fit.scaledCoefficient * reference ** gamma, exponent: -gamma };
}

/** L* at budget C (FLOPs); a law without a floor (a pure power law: an older fit.json, or too few budgets) has E = 0. */
export function evaluateLossLaw(law: { coefficient: number; exponent: number; floor?: number | undefined }, budgetFlops: number): number {
  return (law.floor ?? 0) + law.coefficient * budgetFlops ** law.exponent;
}
