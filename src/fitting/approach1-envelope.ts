/**
 * Chinchilla Approach 1, the envelope (Hoffmann et al. 2022, §3.1; docs/methods.md §2): for each
 * FLOP level take the run with the lowest loss, then fit N* = k_n·C^a and D* = k_d·C^b by
 * least squares in log-log space, and L* = E + k_l·C^(−γ) above an irreducible loss
 * (loss-floor-law.ts; a pure power law with fewer than 4 budgets, with a warning).
 * Hoffmann et al. take the envelope of training curves; with final losses only, the envelope
 * at a budget is its best run.
 * D* is that run's own token count, and C its own compute (its measured FLOPs, or 6·N·D:
 * flops-per-token.ts), so a and b are fitted independently.
 *
 * Guards: a budget needs minPointsPerBudget runs to have an envelope at all; a best run
 * that is the smallest or largest size of its budget is flagged at_edge (the true optimum
 * may lie beyond the sampled sizes); fewer than minBudgets budgets give no law.
 */
import type { BudgetGroup } from "./budget-groups.js";
import { runFlops, type ComputeModel } from "./flops-per-token.js";
import { formatScientific } from "./format-number.js";
import { fitOptimumLaws, lossLawNote } from "./power-law.js";
import type { Approach1Result } from "./types.js";

export interface Approach1Options {
  minPointsPerBudget: number;
  minBudgets: number;
}

export function fitApproach1(groups: readonly BudgetGroup[], options: Approach1Options, compute: ComputeModel): Approach1Result {
  const warnings: string[] = [];
  const optima: Approach1Result["optima"] = [];
  let thin = 0;
  for (const group of groups) {
    if (group.points.length < options.minPointsPerBudget) {
      thin++;
      continue;
    }
    // Points are sorted by n_params, so the first and last are the edges of the sampled sizes.
    let bestIndex = 0;
    group.points.forEach((p, i) => {
      if (p.loss < (group.points[bestIndex]?.loss ?? Infinity)) bestIndex = i;
    });
    const best = group.points[bestIndex]!;
    const atEdge = bestIndex === 0 || bestIndex === group.points.length - 1;
    if (atEdge) {
      warnings.push(
        `approach 1: budget ${formatScientific(group.budget_flops)}: lowest loss at the ${bestIndex === 0 ? "smallest" : "largest"} size sampled; the envelope may miss the optimum`,
      );
    }
    optima.push({ budget_flops: group.budget_flops, compute_flops: runFlops(compute, best), n_params: best.n_params, n_tokens: best.n_tokens, loss: best.loss, n_points: group.points.length, at_edge: atEdge });
  }
  if (thin > 0) {
    warnings.push(`approach 1: ${thin} budget${thin === 1 ? "" : "s"} with fewer than ${options.minPointsPerBudget} runs skipped (no envelope)`);
  }
  const noLaw = (why: string): Approach1Result => ({ status: "no_law", a: null, b: null, k_n: null, k_d: null, laws: null, optima, warnings: [...warnings, why] });
  if (optima.length < options.minBudgets) {
    return noLaw(`approach 1: no law: ${optima.length} budget${optima.length === 1 ? "" : "s"} with an envelope point (need at least ${options.minBudgets})`);
  }
  const laws = fitOptimumLaws(optima.map((o) => ({ ...o, budget_flops: o.compute_flops as number })));
  if (!laws) return noLaw("approach 1: no law: the budgets do not span more than one compute level");
  const note = lossLawNote(laws, optima.length);
  if (note) warnings.push(`approach 1: ${note}`);
  return { status: "fitted", a: laws.n_opt.exponent, b: laws.d_opt.exponent, k_n: laws.n_opt.coefficient, k_d: laws.d_opt.coefficient, laws, optima, warnings };
}
