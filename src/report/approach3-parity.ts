/**
 * Approach 3's fit quality: L(N, D) predicted against observed loss for every run, on the
 * diagonal when the parametric surface fits. Pure spec builder.
 */
import * as Plot from "@observablehq/plot";
import type { ResidualPoint } from "./approach3-points.js";
import { budgetColor } from "./budget-color.js";
import { budgetLegend, LEGEND_MARGIN } from "./budget-legend.js";

export function approach3Parity(points: ResidualPoint[]): Plot.PlotOptions | null {
  if (points.length === 0) return null;
  const values = points.flatMap((p) => [p.loss, p.predicted]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.05 || 0.01;
  const domain = [lo - pad, hi + pad];
  const budgets = points.map((p) => p.budget_flops);
  return {
    width: 520,
    height: 440,
    marginRight: LEGEND_MARGIN,
    grid: true,
    x: { label: "observed held-out loss →", domain },
    y: { label: "↑ predicted by Approach 3 L(N, D)", domain },
    color: budgetColor(budgets),
    marks: [
      Plot.line([domain.map((v) => [v, v])].flat(), { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.dot(points, { x: "loss", y: "predicted", fill: "budget_flops", r: 3.5 }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...budgetLegend(budgets),
    ],
  };
}
