/**
 * The effective-compute multiplier between two sweeps (docs/compare.md): k(C) = C_A/C, where
 * C_A is the compute at which the baseline's compute-optimal loss L*_A equals the variant's
 * L*_B(C). "The variant is worth k× compute at C." It needs each sweep's L*(C) and the
 * inverse of the baseline's:
 *
 * - Approach 3's surface under C = 6·N·D (allocation.ts): L*(C) = E + K·(C/6)^−γ with
 *   γ = αβ/(α+β) and K = A·G^−α + B·G^β, so C = 6·((L − E)/K)^(−1/γ) in closed form;
 * - Approach 3's surface on measured FLOPs (measured-allocation.ts): L*(C) by its allocation,
 *   inverted by bisection in ln C (L* falls monotonically with C);
 * - Approach 2's law L*(C) = E + k·C^(−γ) (loss-floor-law.ts), inverted in closed form.
 *
 * A loss at or below the baseline's floor E is never reached by the baseline at any compute:
 * there k does not exist (ln C_A = +∞) and is never printed as a number.
 */
import type { LossSurface } from "./allocation.js";
import { chinchillaAllocation } from "./allocation.js";
import { phiAt, type FlopsPerTokenModel } from "./flops-per-token.js";
import { evaluateLossLaw } from "./loss-floor-law.js";
import { measuredAllocation } from "./measured-allocation.js";

/** A sweep's compute-optimal loss as a function of compute C (FLOPs). */
export type OptimalLossLaw =
  | { kind: "surface"; surface: LossSurface; phi: FlopsPerTokenModel | null }
  | { kind: "floor"; law: { coefficient: number; exponent: number; floor?: number | undefined } };

/** Brackets and bisection steps for the inverse on measured FLOPs: ln C to 1e-12. */
const BISECTION_STEPS = 200;
const BRACKET_STEP = 2;
const BRACKET_TRIES = 60;

/** ln K and γ of the closed form L*(C) = E + K·(C/6)^−γ; null without an allocation. */
function closedForm(s: LossSurface): { lnK: number; gamma: number } | null {
  if (!(s.alpha > 0 && s.beta > 0 && s.A > 0 && s.B > 0)) return null;
  const lnG = (Math.log(s.alpha * s.A) - Math.log(s.beta * s.B)) / (s.alpha + s.beta);
  const [x, y] = [Math.log(s.A) - s.alpha * lnG, Math.log(s.B) + s.beta * lnG];
  const top = Math.max(x, y);
  return { lnK: top + Math.log(Math.exp(x - top) + Math.exp(y - top)), gamma: (s.alpha * s.beta) / (s.alpha + s.beta) };
}

/** L*(C); NaN without a law. */
export function optimalLoss(law: OptimalLossLaw, budgetFlops: number): number {
  if (law.kind === "floor") return evaluateLossLaw(law.law, budgetFlops);
  return law.phi ? measuredAllocation(law.surface, law.phi, budgetFlops).loss : chinchillaAllocation(law.surface, budgetFlops).loss;
}

/** The floor L*(C) tends to as C grows (E; a pure power law's 0). */
export function lossFloor(law: OptimalLossLaw): number {
  return law.kind === "surface" ? law.surface.E : law.law.floor ?? 0;
}

/**
 * ln of the compute at which L*(C) = loss: +Infinity when the loss is at or below the law's
 * floor (never reached), NaN when the law cannot be inverted (no allocation, a flat law).
 */
export function lnComputeForLoss(law: OptimalLossLaw, loss: number): number {
  if (!Number.isFinite(loss)) return NaN;
  if (loss <= lossFloor(law)) return Infinity;
  if (law.kind === "floor") {
    const { coefficient, exponent } = law.law;
    if (!(coefficient > 0 && exponent < 0)) return NaN;
    return (Math.log(loss - lossFloor(law)) - Math.log(coefficient)) / exponent;
  }
  const form = closedForm(law.surface);
  if (!form) return NaN;
  // Under 6·N·D the closed form; on measured FLOPs it starts the bracket at φ in the middle of the measured sizes.
  const phi = law.phi ? phiAt(law.phi, Math.sqrt(law.phi.n_range[0] * law.phi.n_range[1])) : 6;
  const guess = Math.log(phi) + (form.lnK - Math.log(loss - law.surface.E)) / form.gamma;
  return law.phi ? bisect((x) => optimalLoss(law, Math.exp(x)) - loss, guess) : guess;
}

/** The root of a decreasing f in ln C, bracketed outward from `guess`; NaN when no bracket is found. */
function bisect(f: (x: number) => number, guess: number): number {
  let lo = guess - BRACKET_STEP;
  let hi = guess + BRACKET_STEP;
  for (let i = 0; i < BRACKET_TRIES && !(f(lo) > 0); i++) lo -= BRACKET_STEP * (i + 1);
  for (let i = 0; i < BRACKET_TRIES && !(f(hi) < 0); i++) hi += BRACKET_STEP * (i + 1);
  if (!(f(lo) > 0 && f(hi) < 0)) return NaN;
  for (let step = 0; step < BISECTION_STEPS && hi - lo > 1e-12; step++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** k(C) = C_A/C: +Infinity where the baseline never reaches the variant's L*(C), NaN without laws. */
export function computeMultiplier(baseline: OptimalLossLaw, variant: OptimalLossLaw, budgetFlops: number): number {
  const lnCA = lnComputeForLoss(baseline, optimalLoss(variant, budgetFlops));
  return lnCA === Infinity ? Infinity : Math.exp(lnCA - Math.log(budgetFlops));
}

/** Points per decade of the scan for crossings. */
const CROSSING_GRID_PER_DECADE = 20;

/** The budgets in [lo, hi] where the two L*(C) cross (k = 1), ascending. */
export function crossings(baseline: OptimalLossLaw, variant: OptimalLossLaw, lo: number, hi: number): number[] {
  const gap = (x: number) => optimalLoss(variant, Math.exp(x)) - optimalLoss(baseline, Math.exp(x));
  const [a, b] = [Math.log(lo), Math.log(hi)];
  const steps = Math.max(2, Math.ceil(((b - a) / Math.LN10) * CROSSING_GRID_PER_DECADE));
  const found: number[] = [];
  let previous = gap(a);
  for (let i = 1; i <= steps; i++) {
    const x = a + ((b - a) * i) / steps;
    const value = gap(x);
    if (Number.isFinite(previous) && Number.isFinite(value) && Math.sign(previous) !== Math.sign(value) && value !== 0) {
      let [left, right, leftValue] = [a + ((b - a) * (i - 1)) / steps, x, previous];
      for (let step = 0; step < 100 && right - left > 1e-10; step++) {
        const mid = (left + right) / 2;
        const midValue = gap(mid);
        if (Math.sign(midValue) === Math.sign(leftValue)) [left, leftValue] = [mid, midValue];
        else right = mid;
      }
      found.push(Math.exp((left + right) / 2));
    }
    previous = value;
  }
  return found;
}
