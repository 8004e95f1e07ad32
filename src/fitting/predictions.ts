/**
 * Compute-optimal predictions N*(C), D*(C), L*(C) from a fitted approach: the closed form
 * of the loss surface for Approach 3 (allocation.ts), the fitted laws for Approaches 1 and 2
 * (power laws for N*, D*; a power law above a floor for L*).
 */
import { chinchillaAllocation } from "./allocation.js";
import { evaluateLossLaw } from "./loss-floor-law.js";
import { measuredAllocation } from "./measured-allocation.js";
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
    loss: evaluateLossLaw(laws.loss_opt, budgetFlops),
  };
}

export function optimumFromSurface(result: Approach3Result, budgetFlops: number): Optimum | null {
  const { E, A, B, alpha, beta } = result;
  if (result.status !== "fitted" || E === null || A === null || B === null || alpha === null || beta === null) return null;
  const surface = { E, A, B, alpha, beta };
  const allocation = result.allocation ? measuredAllocation(surface, result.allocation.flops_per_nd, budgetFlops) : chinchillaAllocation(surface, budgetFlops);
  return { n_params: allocation.n_params, n_tokens: allocation.n_tokens, loss: allocation.loss };
}

/** The optimum an approach's fit predicts at C (FLOPs), or null when it has no law. */
export function predictOptimum(approach: 1 | 2 | 3, result: Approach1Result | Approach2Result | Approach3Result, budgetFlops: number): Optimum | null {
  if (approach === 3) return optimumFromSurface(result as Approach3Result, budgetFlops);
  const laws = (result as Approach1Result | Approach2Result).laws;
  return result.status === "fitted" && laws ? optimumFromLaws(laws, budgetFlops) : null;
}

/**
 * The approach that answers (the Chinchilla table and the predictions), and why: 3 when it
 * fitted and passed its checks (approach3-checks.ts), else 2, else 1; null when none fitted.
 */
export function preferredApproach(approaches: FitResult["approaches"]): { approach: 1 | 2 | 3 | null; reason: string } {
  const a3 = approaches["3"];
  const failed3 = a3?.status === "fitted" && a3.checks && !a3.checks.passed;
  for (const approach of [3, 2, 1] as const) {
    const result = approaches[String(approach) as "1" | "2" | "3"];
    if (result?.status !== "fitted" || (approach === 3 && failed3)) continue;
    if (approach === 3) return { approach, reason: "approach 3 fitted and passed its checks (converged, plausible exponents, identified coefficients)" };
    const why = failed3 ? `approach 3 failed its checks (${a3.checks!.problems.join("; ")})` : a3 ? "approach 3 gave no law" : "approach 3 was not run";
    if (approach === 2) return { approach, reason: `${why}; approach 2 fitted` };
    const why2 = approaches["2"] ? "approach 2 gave no law" : "approach 2 was not run";
    return { approach, reason: `${why}; ${why2}; approach 1 (the envelope) fitted` };
  }
  return { approach: null, reason: "no approach gave a law" };
}
