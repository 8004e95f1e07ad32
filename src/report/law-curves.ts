/**
 * Points along the fitted laws, for drawing (pure): power laws y = k·C^e of Approaches 1
 * and 2, and Approach 3's closed-form optimum (REFERENCE §1):
 * N*(C) = G·(C/6)^a, D*(C) = (C/6)^b / G, L*(C) = E + A/N*^alpha + B/D*^beta.
 */
import { measuredAllocation } from "../fitting/measured-allocation.js";
import type { LnPhiCurve } from "../fitting/vertex-tokens.js";
import type { PowerLaw } from "./fit-view.js";

export interface OptimumAt {
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss: number;
}

/** `count` budgets log-spaced over [lo, hi]. */
export function logSpace(lo: number, hi: number, count = 40): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (lo === hi) return [lo];
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

export function powerLawAt(law: PowerLaw, budget: number): number {
  return law.coefficient * budget ** law.exponent;
}

/**
 * Approach 3's compute-optimal point at budget C, or undefined without all parameters;
 * `flopsPerND`: spent at the runs' measured FLOPs per token (the fit's allocation), not 6·N·D.
 */
export function approach3Optimum(params: Record<string, number>, budget: number, flopsPerND?: LnPhiCurve): OptimumAt | undefined {
  const { E, A, B, alpha, beta } = params;
  if (E === undefined || A === undefined || B === undefined || alpha === undefined || beta === undefined) return undefined;
  if (flopsPerND) {
    const optimum = measuredAllocation({ E, A, B, alpha, beta }, flopsPerND, budget);
    return Number.isFinite(optimum.n_params) ? { budget_flops: budget, ...optimum } : undefined;
  }
  const G = params.G ?? ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const a = beta / (alpha + beta);
  const b = alpha / (alpha + beta);
  const n = G * (budget / 6) ** a;
  const d = (budget / 6) ** b / G;
  return { budget_flops: budget, n_params: n, n_tokens: d, loss: E + A / n ** alpha + B / d ** beta };
}
