/**
 * The residual bootstrap of Approach 2 that bench/coverage.ts compares with the stratified
 * bootstrap flops-fit uses (`--approach2-resampling residual`): every budget keeps its sizes,
 * and each fitted run's loss is redrawn as its budget's parabola times e^ε, ε drawn from the
 * log-residuals of all used budgets' runs about their parabolas, pooled and inflated by
 * √(n/(n − 3·budgets)) (Davison & Hinkley 1997, §6.3). Kept here, not in src/: it covers a
 * but under-covers the extrapolated L* (docs/fitting.md, "Do the intervals cover the truth?").
 */
import { fitApproach2, type ResolvedApproach2Options } from "../src/fitting/approach2-isoflop.js";
import { parabolaResiduals } from "../src/fitting/parabola-residuals.js";
import type { Replicate } from "../src/fitting/bootstrap.js";
import type { BudgetGroup } from "../src/fitting/budget-groups.js";
import { parabolaLossAt } from "../src/fitting/isoflop-parabola.js";
import { optimumFromLaws } from "../src/fitting/predictions.js";
import { SIX_ND } from "../src/fitting/flops-per-token.js";
import { createRandom } from "../src/fitting/random.js";
import type { BudgetFit, FitPoint } from "../src/fitting/types.js";

/** Whether the budget's parabola was fitted on the run (nearestPoints trims the others). */
const fittedRun = (budget: BudgetFit, p: FitPoint) => p.n_params >= budget.n_range[0] && p.n_params <= budget.n_range[1];

/** Approach 2's refits on residual resamples (null where a refit gave no law). */
export function approach2ResidualReplicates(groups: readonly BudgetGroup[], options: ResolvedApproach2Options, resamples: number, seed: number): Array<Replicate | null> {
  const original = fitApproach2(groups, options, SIX_ND);
  const residuals = parabolaResiduals(original, groups, fittedRun);
  const out: Array<Replicate | null> = [];
  for (let r = 0; r < resamples; r++) {
    const random = createRandom(seed, 4 * r + 2);
    const redrawn = groups.map((group) => {
      const budget = original.budgets.find((b) => b.budget_flops === group.budget_flops);
      const parabola = budget?.parabola;
      if (!budget || !parabola || residuals.length === 0) return group;
      const points = group.points.map((p) => {
        const predicted = parabolaLossAt(parabola, p.n_params);
        return fittedRun(budget, p) && predicted > 0 ? { ...p, loss: predicted * Math.exp(residuals[random.int(residuals.length)] as number) } : p;
      });
      return { budget_flops: group.budget_flops, points };
    });
    const fit = fitApproach2(redrawn, options, SIX_ND);
    const laws = fit.status === "fitted" ? fit.laws : null;
    out.push(laws ? { values: { a: laws.n_opt.exponent }, predict: (budget) => optimumFromLaws(laws, budget), laws } : null);
  }
  return out;
}
