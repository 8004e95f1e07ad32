/**
 * Approach 3's compute-optimal allocation on measured FLOPs.
 *
 * The closed form (allocation.ts) minimises L(N, D) under C = 6·N·D, which is exactly what
 * a fit without measured FLOPs counts. When every run's FLOPs were measured, a model of N
 * parameters spends φ(N)·N FLOPs per token (flops-per-token.ts), and the allocation that
 * spends a budget C as such runs do is
 *
 *   N*(C) = argmin_N L(N, C/(φ(N)·N)),   D*(C) = C/(φ(N*)·N*),   L*(C) = L(N*, D*),
 *
 * found by a grid scan in ln N and golden-section refinement. With φ a constant 6 this is
 * the closed form. a and b are then not constants: `allocationExponents` gives the
 * least-squares slopes of ln N*, ln D* against ln C over the observed budgets, the quantity
 * Approach 2's a and b measure.
 */
import { lossSurface, type LossSurface } from "./allocation.js";
import { phiAt, type FlopsPerTokenModel } from "./flops-per-token.js";
import { goldenSectionMinimum } from "./golden-section.js";
import { fitLine } from "./small-linear-algebra.js";
import type { Approach3Result } from "./types.js";

/** A grid step and span in ln N for the bracket search (then golden-section refinement). */
const GRID_STEP = 0.05;
const GRID_HALF_SPAN = 12;

/** N*, D*, L* at budget C (FLOPs) spending φ(N)·N FLOPs per token; NaN fields without an interior optimum. */
export function measuredAllocation(surface: LossSurface, phi: FlopsPerTokenModel, budgetFlops: number): { n_params: number; n_tokens: number; loss: number } {
  const { A, B, alpha, beta } = surface;
  const none = { n_params: NaN, n_tokens: NaN, loss: NaN };
  if (!(alpha > 0 && beta > 0 && A > 0 && B > 0 && budgetFlops > 0)) return none;
  const lnC = Math.log(budgetFlops);
  const lnA = Math.log(A);
  const lnB = Math.log(B);
  const lnPhi = (x: number) => {
    const value = phiAt(phi, Math.exp(x));
    return value > 0 ? Math.log(value) : NaN;
  };
  // The reducible loss A/N^α + B/D^β with D = C/(φ(N)·N), in ln N; Infinity where φ is not positive.
  const reducible = (x: number) => {
    const value = Math.exp(lnA - alpha * x) + Math.exp(lnB - beta * (lnC - x - lnPhi(x)));
    return Number.isFinite(value) ? value : Infinity;
  };
  // Start from the closed form at φ in the middle of the measured sizes, then scan a wide bracket.
  const lnPhi0 = lnPhi((Math.log(phi.n_range[0]) + Math.log(phi.n_range[1])) / 2);
  const x0 = (Math.log(alpha * A) - Math.log(beta * B) + beta * (lnC - (Number.isFinite(lnPhi0) ? lnPhi0 : Math.log(6)))) / (alpha + beta);
  let best = x0;
  let bestValue = Infinity;
  for (let x = x0 - GRID_HALF_SPAN; x <= x0 + GRID_HALF_SPAN; x += GRID_STEP) {
    const value = reducible(x);
    if (value < bestValue) {
      bestValue = value;
      best = x;
    }
  }
  if (!Number.isFinite(bestValue)) return none;
  const lnN = goldenSectionMinimum(reducible, best - GRID_STEP, best + GRID_STEP);
  const nParams = Math.exp(lnN);
  const nTokens = Math.exp(lnC - lnN - lnPhi(lnN));
  return Number.isFinite(nTokens) ? { n_params: nParams, n_tokens: nTokens, loss: lossSurface(surface, nParams, nTokens) } : none;
}

/** Budgets at which the exponents are measured: 9 log-spaced over the observed compute [lo, hi] (a decade around one budget). */
export function exponentBudgets(observed: readonly number[]): number[] {
  if (observed.length === 0) return [];
  let lo = Math.min(...observed);
  let hi = Math.max(...observed);
  if (!(hi > lo * 1.01)) {
    lo /= Math.sqrt(10);
    hi *= Math.sqrt(10);
  }
  return Array.from({ length: 9 }, (_, i) => lo * (hi / lo) ** (i / 8));
}

/** a, b: least-squares slopes of ln N*(C), ln D*(C) against ln C over `budgets`; null when not finite. */
export function allocationExponents(surface: LossSurface, phi: FlopsPerTokenModel, budgets: readonly number[]): { a: number; b: number } | null {
  const optima = budgets.map((c) => measuredAllocation(surface, phi, c));
  if (optima.some((o) => !Number.isFinite(o.n_params) || !Number.isFinite(o.n_tokens))) return null;
  const lnC = budgets.map(Math.log);
  const n = fitLine(lnC, optima.map((o) => Math.log(o.n_params)));
  const d = fitLine(lnC, optima.map((o) => Math.log(o.n_tokens)));
  return n && d && Number.isFinite(n.slope) && Number.isFinite(d.slope) ? { a: n.slope, b: d.slope } : null;
}

/** What a fit on measured FLOPs carries into its bootstrap: the φ model and the budgets a, b are measured over. */
export interface MeasuredCompute {
  phi: FlopsPerTokenModel;
  budgets: number[];
}

/**
 * Switches a fitted Approach 3 to measured FLOPs: sets `allocation` and replaces a, b by
 * their slopes over the observed budgets. Null (the result untouched) when the surface has
 * no allocation there.
 */
export function measuredCompute(result: Approach3Result, phi: FlopsPerTokenModel, observedBudgets: readonly number[]): MeasuredCompute | null {
  const { E, A, B, alpha, beta, a, b } = result;
  if (E === null || A === null || B === null || alpha === null || beta === null || a === null || b === null) return null;
  const budgets = exponentBudgets(observedBudgets);
  const exponents = allocationExponents({ E, A, B, alpha, beta }, phi, budgets);
  if (!exponents) return null;
  result.allocation = {
    compute: "measured",
    exponent_budgets: [budgets[0] as number, budgets[budgets.length - 1] as number],
    a_6nd: a,
    b_6nd: b,
  };
  result.a = exponents.a;
  result.b = exponents.b;
  return { phi, budgets };
}
