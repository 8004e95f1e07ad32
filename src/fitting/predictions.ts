/**
 * Compute-optimal predictions N*(C), D*(C), L*(C) from a fitted approach: Approach 3's
 * surface allocated in closed form under 6·N·D (allocation.ts) or at the measured FLOPs per
 * token (measured-allocation.ts), the fitted laws for Approaches 1 and 2 (power laws for N*,
 * D*; a power law above a floor for L*).
 */
import { chinchillaAllocation } from "./allocation.js";
import type { FlopsPerTokenModel } from "./flops-per-token.js";
import { evaluateLossLaw } from "./loss-floor-law.js";
import { measuredAllocation } from "./measured-allocation.js";
import { evaluatePowerLaw } from "./power-law.js";
import type { Approach1Result, Approach2Result, Approach3Result, OptimumLaws } from "./types.js";

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
    loss: evaluateLossLaw(laws.loss_opt, budgetFlops),
  };
}

/**
 * Approach 3's optimum at C: at φ(N)·N FLOPs per token when the fit allocated on measured
 * FLOPs and `phi` is given, else the closed form under 6·N·D. (A fit.json of fitter 2 or
 * earlier, whose allocation read φ off budget labels, is never predicted from: it is refitted.)
 */
export function optimumFromSurface(result: Approach3Result, budgetFlops: number, phi?: FlopsPerTokenModel | null): Optimum | null {
  const { E, A, B, alpha, beta } = result;
  if (result.status !== "fitted" || E === null || A === null || B === null || alpha === null || beta === null) return null;
  const surface = { E, A, B, alpha, beta };
  const allocation = result.allocation?.compute === "measured" && phi ? measuredAllocation(surface, phi, budgetFlops) : chinchillaAllocation(surface, budgetFlops);
  return { n_params: allocation.n_params, n_tokens: allocation.n_tokens, loss: allocation.loss };
}

/** The optimum an approach's fit predicts at C (FLOPs), or null when it has no law. */
export function predictOptimum(approach: 1 | 2 | 3, result: Approach1Result | Approach2Result | Approach3Result, budgetFlops: number, phi?: FlopsPerTokenModel | null): Optimum | null {
  if (approach === 3) return optimumFromSurface(result as Approach3Result, budgetFlops, phi);
  const laws = (result as Approach1Result | Approach2Result).laws;
  return result.status === "fitted" && laws ? optimumFromLaws(laws, budgetFlops) : null;
}
