/**
 * Approach 2's noise as its parabolas see it: the log-residuals of the runs about their
 * budget's IsoFLOP parabola, pooled over the used budgets (the backtest draws from them; the
 * determination test compares their spread with the seed-to-seed noise).
 */
import type { BudgetGroup } from "./budget-groups.js";
import { parabolaLossAt } from "./isoflop-parabola.js";
import type { Approach2Result, BudgetFit, FitPoint } from "./types.js";

/**
 * Log-residuals of the used budgets' runs about their own parabolas, pooled and inflated by
 * √(n/(n − 3·budgets)) for the parameters fitted; `include` picks the runs (default: the runs
 * within the budget's fitted range of sizes).
 */
export function parabolaResiduals(fit: Approach2Result, groups: readonly BudgetGroup[],
  include: (budget: BudgetFit, point: FitPoint) => boolean = (budget, p) => p.n_params >= budget.n_range[0] && p.n_params <= budget.n_range[1]): number[] {
  const residuals: number[] = [];
  let parameters = 0;
  for (const budget of fit.budgets) {
    const group = groups.find((g) => g.budget_flops === budget.budget_flops);
    if (budget.status !== "used" || !budget.parabola || !group) continue;
    parameters += 3;
    for (const p of group.points) {
      const predicted = parabolaLossAt(budget.parabola, p.n_params);
      if (include(budget, p) && predicted > 0) residuals.push(Math.log(p.loss / predicted));
    }
  }
  const n = residuals.length;
  return n > parameters ? residuals.map((r) => r * Math.sqrt(n / (n - parameters))) : residuals;
}
