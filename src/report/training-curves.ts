/**
 * Training curves: training loss against tokens seen, one line per run (its final
 * attempt's `curve`), coloured by compute budget. Pure spec builder.
 */
import * as Plot from "@observablehq/plot";
import { latestPerExperiment } from "../store/record-selection.js";
import type { ResultRecord } from "../store/record.js";
import { budgetColor, formatCount } from "./budget-color.js";
import { budgetLegend, LEGEND_MARGIN } from "./budget-legend.js";

interface CurveRow {
  experiment_id: string;
  budget_flops: number;
  tokens: number;
  train_loss: number;
}

export function curveRows(records: ResultRecord[]): CurveRow[] {
  return latestPerExperiment(records)
    .sort((a, b) => a.budget_flops - b.budget_flops || (a.n_params ?? 0) - (b.n_params ?? 0))
    .flatMap((r) =>
      (r.curve ?? [])
        .filter((p) => p.tokens > 0 && p.train_loss !== null && Number.isFinite(p.train_loss))
        .map((p) => ({ experiment_id: r.experiment_id, budget_flops: r.budget_flops, tokens: p.tokens, train_loss: p.train_loss! })),
    );
}

/** Null when no run recorded a curve. */
export function trainingCurves(records: ResultRecord[]): Plot.PlotOptions | null {
  const rows = curveRows(records);
  if (rows.length === 0) return null;
  const budgets = [...new Set(rows.map((r) => r.budget_flops))];
  // The first steps' loss is ~log(vocab): clip the y domain to what training reaches.
  const losses = rows.map((r) => r.train_loss).sort((a, b) => a - b);
  const yMax = losses[Math.floor(0.98 * (losses.length - 1))]!;
  return {
    width: 640,
    height: 400,
    marginRight: LEGEND_MARGIN,
    grid: true,
    x: { type: "log", label: "tokens seen (D) →", tickFormat: formatCount },
    y: { label: "↑ training loss", domain: [losses[0]!, yMax] },
    color: budgetColor(budgets),
    marks: [
      Plot.line(rows, { x: "tokens", y: "train_loss", z: "experiment_id", stroke: "budget_flops", strokeWidth: 1.2, strokeOpacity: 0.8, clip: true }),
      Plot.frame({ strokeOpacity: 0.2 }),
      ...budgetLegend(budgets),
    ],
  };
}
