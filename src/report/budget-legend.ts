/**
 * A colour legend for compute budgets drawn with marks in the right margin, so it lives
 * inside the SVG (Plot's own legends are separate HTML elements). Pure.
 */
import * as Plot from "@observablehq/plot";
import { formatBudget } from "./budget-color.js";

/** Width of the right margin the legend needs. */
export const LEGEND_MARGIN = 86;

export function budgetLegend(budgets: number[], title = "C (FLOPs)"): Plot.Markish[] {
  const sorted = [...new Set(budgets)].sort((a, b) => a - b);
  const marks: Plot.Markish[] = [Plot.text([title], { text: (d: string) => d, frameAnchor: "top-right", dx: 14, dy: 4, textAnchor: "start", lineAnchor: "middle", fontWeight: "bold" })];
  sorted.forEach((budget, i) => {
    const dy = 20 + 15 * i;
    marks.push(Plot.dot([budget], { fill: (d: number) => d, r: 4, frameAnchor: "top-right", dx: 20, dy }));
    marks.push(Plot.text([budget], { text: (d: number) => formatBudget(d), frameAnchor: "top-right", dx: 28, dy, textAnchor: "start", lineAnchor: "middle" }));
  });
  return marks;
}
