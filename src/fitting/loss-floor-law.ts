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
import { fitOffsetPowerLaw } from "./offset-power-law.js";

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

/**
 * The floor law through (C, L*) pairs, or null for fewer than FLOOR_LAW_MIN_BUDGETS distinct
 * budgets or a non-positive value. E lands on 0 when the data favour no floor (the law is
 * then a power law fitted on relative residuals); γ at GAMMA_MIN or GAMMA_MAX means the data
 * hold no curvature in ln C to measure it by.
 */
export function fitFloorLaw(budgets: readonly number[], losses: readonly number[]): FloorLaw | null {
  if (budgets.length !== losses.length || budgets.some((c) => !(c > 0)) || losses.some((l) => !(l > 0) || !Number.isFinite(l))) return null;
  if (new Set(budgets).size < FLOOR_LAW_MIN_BUDGETS) return null;
  // C over the budgets' geometric mean keeps C^(−γ) near 1.
  const reference = Math.exp(budgets.reduce((s, c) => s + Math.log(c), 0) / budgets.length);
  const fit = fitOffsetPowerLaw(budgets.map((c) => c / reference), losses, { gammaMin: GAMMA_MIN, gammaMax: GAMMA_MAX, grid: GRID, coefficient: "nonnegative" });
  // k·(C/reference)^(−γ) = (k·reference^γ)·C^(−γ).
  return { floor: fit.offset, coefficient: fit.coefficient * reference ** fit.gamma, exponent: -fit.gamma };
}

/** L* at budget C (FLOPs); a law without a floor (a pure power law: an older fit.json, or too few budgets) has E = 0. */
export function evaluateLossLaw(law: { coefficient: number; exponent: number; floor?: number | undefined }, budgetFlops: number): number {
  return (law.floor ?? 0) + law.coefficient * budgetFlops ** law.exponent;
}
