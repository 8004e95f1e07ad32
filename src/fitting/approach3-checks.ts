/**
 * The checks of an Approach-3 fit's point estimate, part of its determination test
 * (determination.ts). A parametric fit can reach a low objective with parameters the data do
 * not determine — α = 4.3 with A = 4e13, say — and then its N*(C) is an artefact.
 *
 * The checks (Besiroglu et al. 2024, arXiv:2404.10102, on how under-determined Chinchilla's
 * own fit was; docs/methods.md §5.7: A and B alone are poorly identified):
 * - the optimiser converged;
 * - 0 < alpha, beta ≤ MAX_EXPONENT: published fits give 0.28–0.37; an exponent past 2 means
 *   its term vanishes within the sampled range, so the data cannot tell its size;
 * - ln A, ln B ≤ MAX_LOG_COEFFICIENT, the largest start of the grid (Hoffmann et al. 2022):
 *   a coefficient beyond every start was extrapolated to, not found.
 * What the bootstrap says (the intervals of a, α, β) is judged in determination.ts.
 */
import { curveCompute, type BudgetGroup } from "./budget-groups.js";
import { SIX_ND, type FlopsPerTokenModel } from "./flops-per-token.js";
import { optimumFromSurface } from "./predictions.js";
import type { Approach3Result } from "./types.js";

export const MAX_EXPONENT = 2;
export const MAX_LOG_COEFFICIENT = 25;

/** What fails, in words; empty when the fit passes (or has no fit to check). */
export function approach3Problems(result: Approach3Result): string[] {
  if (result.status !== "fitted") return [];
  const problems: string[] = [];
  const { alpha, beta, A, B } = result;
  if (result.optimizer && result.optimizer.status !== "converged") problems.push(`the optimiser did not converge (${result.optimizer.status})`);
  for (const [name, value] of [["alpha", alpha], ["beta", beta]] as const) {
    if (value !== null && value > MAX_EXPONENT) problems.push(`implausible exponent ${name} = ${value.toPrecision(3)} (> ${MAX_EXPONENT}: its term vanishes within the sampled range)`);
  }
  for (const [name, value] of [["A", A], ["B", B]] as const) {
    if (value !== null && Math.log(value) > MAX_LOG_COEFFICIENT) {
      problems.push(`${name} = ${value.toExponential(2)} is not identified (ln ${name} = ${Math.log(value).toFixed(1)} > ${MAX_LOG_COEFFICIENT}, beyond every start)`);
    }
  }
  return problems;
}

/** The observed budgets at which approach 3's N*(C) lies outside the budget's sampled sizes, and on which side. */
export function optimaOutsideSizes(fit: Approach3Result, input: { groups: readonly BudgetGroup[]; phi: FlopsPerTokenModel | null }): Array<{ budget_flops: number; side: "below" | "above" }> {
  const out: Array<{ budget_flops: number; side: "below" | "above" }> = [];
  for (const group of input.groups) {
    if (group.points.length === 0) continue;
    const optimum = optimumFromSurface(fit, curveCompute(group.points, input.phi ? { accounting: "measured", phi: input.phi } : SIX_ND), input.phi);
    if (!optimum || !Number.isFinite(optimum.n_params)) continue;
    const lo = group.points[0]!.n_params;
    const hi = group.points[group.points.length - 1]!.n_params;
    if (optimum.n_params < lo) out.push({ budget_flops: group.budget_flops, side: "below" });
    else if (optimum.n_params > hi) out.push({ budget_flops: group.budget_flops, side: "above" });
  }
  return out;
}
