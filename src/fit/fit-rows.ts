/**
 * Bridges recorded runs to the pure fitting engine: chooses N by the parameter
 * convention, leaves out runs that did not complete or belong to another sweep
 * definition (reported, never silent) and runs the requested approaches. The input's
 * notes (left-out definitions, re-runs, derived budgets) lead the fit's warnings.
 */
import { runBacktest, type Backtest } from "../fitting/backtest.js";
import { fitScalingLaws, type FitOptions, type FitPoint, type FitResult } from "../fitting/index.js";
import type { FitRow } from "../store/fit-input.js";
import { epochsWarning } from "./epochs.js";

export interface FitRequest extends FitOptions {
  paramConvention: "total" | "non_embedding";
  /**
   * Backtest: hold out the K largest budgets, fit the rest and predict them (fitting/backtest.ts).
   * "auto": 1 when the runs have at least one budget more than a fit needs (≥ 4), else none.
   */
  holdout?: number | "auto";
}

export interface FitOutput extends FitResult {
  param_convention: "total" | "non_embedding";
  /** Runs left out before fitting (not completed, or no loss), with the reason. */
  left_out: Array<{ experiment_id?: string; status: string; reason: string }>;
  /** The backtest, when one was asked for (holdout). */
  backtest?: Backtest;
}

/** The backtest alone (holding out the K largest budgets) of the rows fitRows would fit. */
export function backtestRows(rows: FitRow[], request: FitRequest, holdout: number): Backtest {
  const points = rows.flatMap((row) => {
    if (row.left_out || row.status !== "completed" || row.loss === null || !Number.isFinite(row.loss)) return [];
    const n = request.paramConvention === "non_embedding" ? row.n_params_non_embedding : row.n_params;
    return n !== null && n > 0 ? [{ n_params: n, n_tokens: row.n_tokens, loss: row.loss, budget_flops: row.budget_flops, experiment_id: row.experiment_id }] : [];
  });
  const { paramConvention: _convention, holdout: _holdout, ...options } = request;
  return runBacktest(points, options, holdout);
}

export function fitRows(rows: FitRow[], request: FitRequest, notes: readonly string[] = []): FitOutput {
  const leftOut: FitOutput["left_out"] = [];
  const points: FitPoint[] = [];
  const kinds = new Map<string, number>();
  const count = (kind: string) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  for (const row of rows) {
    if (row.left_out) {
      leftOut.push({ experiment_id: row.experiment_id, status: row.status, reason: row.left_out });
      count("of another sweep definition");
      continue;
    }
    if (row.status !== "completed" || row.loss === null || !Number.isFinite(row.loss)) {
      leftOut.push({ experiment_id: row.experiment_id, status: row.status, reason: row.status === "completed" ? "no held-out loss" : `run ${row.status}` });
      count(row.status);
      continue;
    }
    const n = request.paramConvention === "non_embedding" ? row.n_params_non_embedding : row.n_params;
    if (n === null || !(n > 0)) {
      leftOut.push({ experiment_id: row.experiment_id, status: row.status, reason: `no ${request.paramConvention} parameter count` });
      count(row.status);
      continue;
    }
    points.push({ n_params: n, n_tokens: row.n_tokens, loss: row.loss, budget_flops: row.budget_flops, experiment_id: row.experiment_id });
  }
  const { paramConvention, holdout, ...options } = request;
  const result = fitScalingLaws(points, options);
  const minimum = (options.approach2?.minBudgets ?? 3) + 1;
  const k = holdout === "auto" ? (result.n_budgets >= minimum ? 1 : 0) : (holdout ?? 0);
  const backtest = k > 0 ? runBacktest(points, options, k) : undefined;
  const repeated = epochsWarning(rows.filter((r) => r.status === "completed"), null, "completed runs");
  if (repeated) result.warnings.push(repeated);
  if (leftOut.length > 0) {
    const summary = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
    result.warnings.unshift(`${leftOut.length} run${leftOut.length === 1 ? "" : "s"} left out of the fit (${summary}); see left_out`);
  }
  result.warnings.unshift(...notes);
  return { ...result, param_convention: paramConvention, left_out: leftOut, ...(backtest ? { backtest } : {}) };
}
