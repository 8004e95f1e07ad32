/** The per-experiment table as plain text (the sweep's closing summary on stderr). Pure. */
import { duration, renderTable, sci } from "../util/table.js";
import type { ExperimentRow } from "./experiment-rows.js";

export function formatExperimentsTable(rows: ExperimentRow[]): string {
  const body = rows.map((r) => [
    r.experiment_id,
    r.status,
    sci(r.budget_flops),
    sci(r.n_params),
    sci(r.n_tokens),
    r.loss === null ? "-" : r.loss.toFixed(4),
    sci(r.flops),
    r.wall_s === null ? "-" : duration(r.wall_s),
    r.error ? (r.error.length > 60 ? `${r.error.slice(0, 59)}…` : r.error) : "",
  ]);
  return renderTable(["experiment", "status", "C", "N", "D", "loss", "FLOPs", "wall", "error"], body);
}
