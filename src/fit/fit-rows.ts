/**
 * Bridges recorded runs to the pure fitting engine: chooses N by the parameter
 * convention, leaves out runs that did not complete or belong to another sweep
 * definition and runs the requested approaches. Every run not fitted, left out here or
 * excluded by the engine, is in the one list `left_out` with its reason, under one warning.
 * The input's notes (left-out definitions, re-runs, derived budgets) lead the fit's warnings.
 */
import { runBacktest, type Backtest } from "../fitting/backtest.js";
import { exclusionKind, exclusionWarning, fitScalingLaws, type FitOptions, type FitPoint, type ParamConvention } from "../fitting/index.js";
import type { FitRow } from "./fit-row.js";
import { epochsWarning } from "./epochs.js";
import type { FitOutput, LeftOut } from "../store/fit-json.js";

export type { FitOutput };

export interface FitRequest extends FitOptions {
  paramConvention: ParamConvention;
}

/** The rows split into the points the engine fits and the runs left out before it, by kind. */
function splitRows(rows: FitRow[], convention: ParamConvention): { points: FitPoint[]; leftOut: LeftOut[]; kinds: Map<string, number> } {
  const leftOut: LeftOut[] = [];
  const points: FitPoint[] = [];
  const kinds = new Map<string, number>();
  for (const row of rows) {
    const n = convention === "non_embedding" ? row.n_params_non_embedding : row.n_params;
    const leave = (reason: string, kind: string) => {
      leftOut.push({ experiment_id: row.experiment_id, status: row.status, reason, n_params: n, n_tokens: row.n_tokens, loss: row.loss });
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    };
    if (row.left_out) leave(row.left_out, "of another sweep definition");
    // Each kind says why ("1 completed" would read as if completing were the reason).
    else if (row.status !== "completed" || row.loss === null || !Number.isFinite(row.loss)) leave(row.status === "completed" ? "no held-out loss" : `run ${row.status}`, row.status === "completed" ? "without a held-out loss" : row.status);
    else if (n === null || !(n > 0)) leave(`no ${convention} parameter count`, `without a ${convention} parameter count`);
    else points.push({ n_params: n, n_tokens: row.n_tokens, loss: row.loss, budget_flops: row.budget_flops, ...(row.flops !== null && row.flops !== undefined ? { flops: row.flops } : {}), experiment_id: row.experiment_id });
  }
  return { points, leftOut, kinds };
}

/** The points the engine would fit (N under the convention), without the runs left out. */
export function fitPoints(rows: FitRow[], convention: ParamConvention): FitPoint[] {
  return splitRows(rows, convention).points;
}

/** The backtest alone (holding out the K largest budgets) of the rows fitRows would fit. */
export function backtestRows(rows: FitRow[], request: FitRequest, holdout: number): Backtest {
  const { paramConvention: _convention, holdout: _holdout, ...options } = request;
  return runBacktest(splitRows(rows, request.paramConvention).points, options, holdout);
}

export function fitRows(rows: FitRow[], request: FitRequest, notes: readonly string[] = []): FitOutput {
  const { points, leftOut, kinds } = splitRows(rows, request.paramConvention);
  const count = (kind: string) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const { paramConvention, ...options } = request;
  const { exclusions, ...result } = fitScalingLaws(points, { ...options, paramConvention });
  // The engine's exclusions join the one list, and its warning the one warning.
  const engineWarning = exclusionWarning(exclusions);
  result.warnings = result.warnings.filter((w) => w !== engineWarning);
  for (const exclusion of exclusions) {
    leftOut.push({ ...exclusion, status: "completed" });
    count(exclusionKind(exclusion.reason));
  }
  const repeated = epochsWarning(rows.filter((r) => r.status === "completed"), null, "completed runs");
  if (repeated) result.warnings.push(repeated);
  if (leftOut.length > 0) {
    const summary = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
    result.warnings.unshift(`${leftOut.length} run${leftOut.length === 1 ? "" : "s"} left out of the fit (${summary}); see left_out`);
  }
  result.warnings.unshift(...notes);
  return { ...result, param_convention: paramConvention, left_out: leftOut };
}
