/**
 * Compute-optimal predictions N*(C), D*(C), L*(C) from a fitted approach: the closed form
 * of the loss surface for Approach 3 (allocation.ts), the fitted power laws for
 * Approaches 1 and 2.
 */
import { chinchillaAllocation } from "./allocation.js";
import { evaluatePowerLaw } from "./power-law.js";
import type { Approach1Result, Approach2Result, Approach3Result, FitResult, OptimumLaws } from "./types.js";

/** N* (params), D* (tokens), L* (loss) at one budget. */
export interface Optimum {
  n_params: number;
  n_tokens: number;
  loss: number;
}

export function optimumFromLaws(laws: OptimumLaws, budgetFlops: number): Optimum {
  return {
    n_params: evaluatePowerLaw(laws.n_opt, budgetFlops),
    n_tokens: evaluatePowerLaw(laws.d_opt, budgetFlops),
    loss: evaluatePowerLaw(laws.loss_opt, budgetFlops),
  };
}

export function optimumFromSurface(result: Approach3Result, budgetFlops: number): Optimum | null {
  const { E, A, B, alpha, beta } = result;
  if (result.status !== "fitted" || E === null || A === null || B === null || alpha === null || beta === null) return null;
  const allocation = chinchillaAllocation({ E, A, B, alpha, beta }, budgetFlops);
  return { n_params: allocation.n_params, n_tokens: allocation.n_tokens, loss: allocation.loss };
}

/** The optimum an approach's fit predicts at C (FLOPs), or null when it has no law. */
export function predictOptimum(approach: 1 | 2 | 3, result: Approach1Result | Approach2Result | Approach3Result, budgetFlops: number): Optimum | null {
  if (approach === 3) return optimumFromSurface(result as Approach3Result, budgetFlops);
  const laws = (result as Approach1Result | Approach2Result).laws;
  return result.status === "fitted" && laws ? optimumFromLaws(laws, budgetFlops) : null;
}

/** The approach predictions come from: 3 if fitted, else 2, else 1. */
export function preferredApproach(approaches: FitResult["approaches"]): 1 | 2 | 3 | null {
  for (const approach of [3, 2, 1] as const) {
    if (approaches[String(approach) as "1" | "2" | "3"]?.status === "fitted") return approach;
  }
  return null;
}
