/**
 * Approach 3's residuals, (observed − predicted) / predicted in percent, against N on a log
 * axis and coloured by budget: structure here (a trend with N or with C) means the
 * parametric form misses something the IsoFLOP curves see. Pure spec builder.
 */
import * as Plot from "@observablehq/plot";
import type { ResidualPoint } from "./approach3-points.js";
import { budgetColor, formatCount } from "./budget-color.js";
import { budgetLegend, LEGEND_MARGIN } from "./budget-legend.js";

/** `noiseFloorPct`: the seed-to-seed SD in percent (noise-floor.ts), drawn as ±1 and ±2 SD lines. */
export function approach3Residuals(points: ResidualPoint[], noiseFloorPct: number | null = null): Plot.PlotOptions | null {
  if (points.length === 0) return null;
  const budgets = points.map((p) => p.budget_flops);
  const floor = noiseFloorPct ? [-2, -1, 1, 2].map((m) => m * noiseFloorPct) : [];
  const extent = Math.max(0.1, ...points.map((p) => Math.abs(p.residual_pct)), ...floor.map(Math.abs)) * 1.15;
  return {
    width: 640,
    height: 400,
    marginRight: LEGEND_MARGIN,
    grid: true,
    x: { type: "log", label: "parameters N →", tickFormat: formatCount, insetLeft: 8, insetRight: 8 },
    y: { label: "↑ residual (observed − predicted) / predicted, %", domain: [-extent, extent] },
    color: budgetColor(budgets),
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.ruleY(floor, { stroke: "#b00020", strokeDasharray: "4,3", strokeOpacity: 0.6 }),
      Plot.ruleX(points, { x: "n_params", y1: 0, y2: "residual_pct", stroke: "budget_flops", strokeOpacity: 0.5 }),
      Plot.dot(points, { x: "n_params", y: "residual_pct", fill: "budget_flops", r: 3.5 }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...budgetLegend(budgets),
    ],
  };
}
