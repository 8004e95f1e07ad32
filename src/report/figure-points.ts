/**
 * The runs a figure draws: one per experiment (its final attempt), completed with a
 * held-out loss, N under the fit's parameter convention (docs/methods.md §5.5). Pure.
 */
import { latestPerExperiment } from "../store/record-selection.js";
import type { ParamConvention } from "../fitting/index.js";
import type { ResultRecord } from "../store/record.js";

export interface FigurePoint {
  experiment_id: string;
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss: number;
}

export type { ParamConvention };

export function figurePoints(records: ResultRecord[], convention: ParamConvention = "total"): FigurePoint[] {
  const points: FigurePoint[] = [];
  for (const r of latestPerExperiment(records)) {
    const n = convention === "non_embedding" ? r.n_params_non_embedding : r.n_params;
    const d = r.n_tokens ?? r.n_tokens_planned;
    if (r.status !== "completed" || r.loss === null || !Number.isFinite(r.loss) || !n || !(n > 0) || !(d > 0)) continue;
    points.push({ experiment_id: r.experiment_id, budget_flops: r.budget_flops, n_params: n, n_tokens: d, loss: r.loss });
  }
  return points.sort((a, b) => a.budget_flops - b.budget_flops || a.n_params - b.n_params);
}
