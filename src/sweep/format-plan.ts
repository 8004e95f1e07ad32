/** The plan as a terminal table. */
import type { SweepPlan } from "../planning/iso-flop.js";
import { renderTable, sci } from "../util/table.js";
import type { Experiment } from "./experiments.js";

export function formatPlan(name: string, plan: SweepPlan, experiments: Experiment[]): string {
  const rows = experiments.map((e) => [
    sci(e.budget_flops),
    String(e.size_value),
    sci(e.n_params),
    sci(e.n_tokens),
    e.tokens_per_param.toFixed(1),
    e.epochs === null ? "-" : e.epochs.toFixed(e.epochs < 10 ? 2 : 0),
    sci(e.flops_per_token * e.n_tokens),
    String(e.training.batch_size),
    e.training.lr.toExponential(1),
    e.experiment_id,
  ]);
  const header = ["budget C", "size", "N", "D", "D/N", "epochs", "FLOPs", "batch", "lr", "experiment"];
  return `IsoFLOP plan ${name}: ${plan.budgets.length} budgets, ${experiments.length} experiments\n` + renderTable(header, rows);
}
