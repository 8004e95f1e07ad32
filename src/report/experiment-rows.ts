/**
 * One row per experiment for the report's table and the sweep's closing summary: the
 * final attempt's status, N, D, loss, FLOPs, wall time and error; experiments planned but
 * not yet recorded (a report written mid-sweep) are `pending`. Pure.
 */
import { latestPerExperiment } from "../store/record-selection.js";
import type { ResultRecord } from "../store/record.js";
import { errorLine } from "../util/error-line.js";

export interface ExperimentRow {
  experiment_id: string;
  status: ResultRecord["status"] | "pending";
  attempts: number;
  budget_flops: number;
  n_params: number | null;
  n_tokens: number | null;
  loss: number | null;
  /** Measured training FLOPs, else 6·N·D. */
  flops: number | null;
  wall_s: number | null;
  /** The exception line of the error (last line of a traceback), for failed runs. */
  error: string | null;
}

/** What a plan.json experiment must have for a pending row. */
export interface PlannedRow {
  experiment_id: string;
  budget_flops: number;
  n_params_total?: number;
  n_params?: number;
  n_tokens: number;
}

export function experimentRows(records: ResultRecord[], planned: PlannedRow[] = []): ExperimentRow[] {
  const attempts = new Map<string, number>();
  for (const r of records) attempts.set(r.experiment_id, Math.max(attempts.get(r.experiment_id) ?? 0, r.attempt));
  const rows: ExperimentRow[] = latestPerExperiment(records).map((r) => ({
    experiment_id: r.experiment_id,
    status: r.status,
    attempts: attempts.get(r.experiment_id) ?? r.attempt,
    budget_flops: r.budget_flops,
    n_params: r.n_params,
    n_tokens: r.n_tokens ?? r.n_tokens_planned,
    loss: r.loss,
    flops: r.flops_measured ?? r.flops_6nd,
    wall_s: r.wall_s,
    error: r.error ? errorLine(r.error) : null,
  }));
  const seen = new Set(rows.map((r) => r.experiment_id));
  for (const p of planned) {
    if (seen.has(p.experiment_id)) continue;
    rows.push({
      experiment_id: p.experiment_id, status: "pending", attempts: 0, budget_flops: p.budget_flops,
      n_params: p.n_params_total ?? p.n_params ?? null, n_tokens: p.n_tokens, loss: null, flops: null, wall_s: null, error: null,
    });
  }
  return rows.sort((a, b) => a.budget_flops - b.budget_flops || (a.n_params ?? 0) - (b.n_params ?? 0));
}

/** Counts by status, in a fixed order: completed, failed, diverged, oom, cancelled, pending. */
export function statusCounts(rows: ExperimentRow[]): Array<[ExperimentRow["status"], number]> {
  const order: Array<ExperimentRow["status"]> = ["completed", "failed", "diverged", "oom", "cancelled", "pending"];
  return order.map((s) => [s, rows.filter((r) => r.status === s).length] as [ExperimentRow["status"], number]).filter(([, n]) => n > 0);
}
