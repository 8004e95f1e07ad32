/**
 * Approach 3's residuals joined to their IsoFLOP budget (for colour): the budget of the
 * run with the same N and D, else the nearest measured budget to 6·N·D. Pure.
 */
import type { FigurePoint } from "./figure-points.js";
import type { FitView } from "./fit-view.js";

export interface ResidualPoint {
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss: number;
  predicted: number;
  /** (observed − predicted) / predicted, in percent. */
  residual_pct: number;
}

export function approach3Points(fit: FitView, runs: FigurePoint[]): ResidualPoint[] {
  const budgets = [...new Set(runs.map((r) => r.budget_flops))];
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  return (fit.approaches["3"]?.residuals ?? []).map((r) => {
    const run = runs.find((p) => close(p.n_params, r.n_params) && close(p.n_tokens, r.n_tokens));
    const approx = 6 * r.n_params * r.n_tokens;
    const nearest = budgets.reduce((best, b) => (Math.abs(Math.log(b / approx)) < Math.abs(Math.log(best / approx)) ? b : best), budgets[0] ?? approx);
    return { ...r, budget_flops: run?.budget_flops ?? nearest, residual_pct: (100 * (r.loss - r.predicted)) / r.predicted };
  });
}
