/**
 * Approach 3's compute-optimal allocation on the compute the runs actually spend.
 *
 * The closed form (allocation.ts) minimises L(N, D) under C = 6·N·D. flops-fit's budgets
 * are measured FLOPs: a run of N parameters spends φ(N)·N FLOPs per token, φ = C/(N·D),
 * and for small models φ is 7–13 rather than 6 and falls with N (attention, embeddings and
 * the output layer weigh less as the model grows). The allocation that spends a budget C as
 * the runs do is
 *
 *   N*(C) = argmin_N L(N, C/(φ(N)·N)),   D*(C) = C/(φ(N*)·N*),   L*(C) = L(N*, D*),
 *
 * with ln φ fitted to every run's ln(C/(N·D)) as a quadratic in ln N, continued along its
 * tangent beyond the sampled sizes (vertex-tokens.ts: the curve Approach 2 reads D* with).
 * When φ is a constant 6 this is exactly the closed form. The exponents a, b are then no
 * longer constants: `allocationExponents` gives the least-squares slopes of ln N*, ln D*
 * against ln C over the observed budgets, the quantity Approach 2's a and b measure.
 */
import { lossSurface, type LossSurface } from "./allocation.js";
import { fitLine } from "./small-linear-algebra.js";
import type { Approach3Result, FitPoint } from "./types.js";
import { lnPhiCurveOf, lnPhiOn, type LnPhiCurve } from "./vertex-tokens.js";

/** A grid step and span in ln N for the bracket search (then golden-section refinement). */
const GRID_STEP = 0.05;
const GRID_HALF_SPAN = 12;

function goldenMinimum(f: (x: number) => number, lo: number, hi: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80 && b - a > 1e-12; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** N*, D*, L* at budget C (FLOPs) spending φ(N)·N FLOPs per token; NaN fields without an interior optimum. */
export function measuredAllocation(surface: LossSurface, curve: LnPhiCurve, budgetFlops: number): { n_params: number; n_tokens: number; loss: number } {
  const { A, B, alpha, beta } = surface;
  const none = { n_params: NaN, n_tokens: NaN, loss: NaN };
  if (!(alpha > 0 && beta > 0 && A > 0 && B > 0 && budgetFlops > 0)) return none;
  const lnC = Math.log(budgetFlops);
  const lnA = Math.log(A);
  const lnB = Math.log(B);
  // The reducible loss A/N^α + B/D^β with D = C/(φ(N)·N), in ln N; compared through logs of its terms.
  const reducible = (x: number) => Math.exp(lnA - alpha * x) + Math.exp(lnB - beta * (lnC - x - lnPhiOn(curve, x)));
  // Start from the closed form at the curve's φ at its centre, then scan a wide bracket.
  const lnPhi0 = lnPhiOn(curve, curve.centre);
  const x0 = (Math.log(alpha * A) - Math.log(beta * B) + beta * (lnC - lnPhi0)) / (alpha + beta);
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
  const lnN = goldenMinimum(reducible, best - GRID_STEP, best + GRID_STEP);
  const nParams = Math.exp(lnN);
  const nTokens = Math.exp(lnC - lnN - lnPhiOn(curve, lnN));
  return { n_params: nParams, n_tokens: nTokens, loss: lossSurface(surface, nParams, nTokens) };
}

/** Budgets at which the exponents are measured: 9 log-spaced over [lo, hi] (a decade around one budget). */
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
export function allocationExponents(surface: LossSurface, curve: LnPhiCurve, budgets: readonly number[]): { a: number; b: number } | null {
  const optima = budgets.map((c) => measuredAllocation(surface, curve, c));
  if (optima.some((o) => !Number.isFinite(o.n_params) || !Number.isFinite(o.n_tokens))) return null;
  const lnC = budgets.map(Math.log);
  const n = fitLine(lnC, optima.map((o) => Math.log(o.n_params)));
  const d = fitLine(lnC, optima.map((o) => Math.log(o.n_tokens)));
  return n && d && Number.isFinite(n.slope) && Number.isFinite(d.slope) ? { a: n.slope, b: d.slope } : null;
}

/** What a fit on measured FLOPs carries into its bootstrap: the φ curve and the budgets a, b are measured over. */
export interface MeasuredCompute {
  curve: LnPhiCurve;
  budgets: number[];
}

/**
 * Switches a fitted Approach 3 to the runs' measured compute: sets `allocation` and replaces
 * a, b by their slopes over the observed budgets. Null (the result untouched) when the
 * surface has no allocation there.
 */
export function measuredCompute(result: Approach3Result, points: readonly FitPoint[], observedBudgets: readonly number[]): MeasuredCompute | null {
  const { E, A, B, alpha, beta, a, b } = result;
  if (E === null || A === null || B === null || alpha === null || beta === null || a === null || b === null) return null;
  const curve = lnPhiCurveOf(points);
  const budgets = exponentBudgets(observedBudgets);
  const exponents = allocationExponents({ E, A, B, alpha, beta }, curve, budgets);
  if (!exponents) return null;
  result.allocation = {
    compute: "budget_flops",
    flops_per_nd: { ...curve, x: "ln" },
    exponent_budgets: [budgets[0] as number, budgets[budgets.length - 1] as number],
    a_6nd: a,
    b_6nd: b,
  };
  result.a = exponents.a;
  result.b = exponents.b;
  return { curve, budgets };
}
