/**
 * The adaptive sweep's view of its run directory after every run (docs/adaptive.md): the
 * current sweep definition's completed runs, fitted by approach 3 at the target budget
 * (fitting/target-fit.ts), and the training FLOPs spent so far (store/run-cost.ts), as one
 * entry of adaptive.json's `fits`.
 */
import { readFitInput } from "../fit/fit-input.js";
import { fitPoints } from "../fit/fit-rows.js";
import type { DesignPoint } from "../planning/adaptive-policy.js";
import { fitAtTarget, type TargetFit } from "../fitting/target-fit.js";
import type { AdaptiveFitRecord } from "../store/adaptive-record.js";
import { runDirCost } from "../store/run-cost.js";
import type { SweepRun } from "./sweep-run.js";

export interface AdaptiveView {
  fit: TargetFit;
  /** The fitted runs as design points (N under the convention, D as trained). */
  design: DesignPoint[];
  record: AdaptiveFitRecord;
  /** Completed runs of the definition, by experiment id: when this changes, the view is out of date. */
  key: string;
}

/** The completed runs' ids, in file order: a fit of the same runs gives the same answer. */
export function completedKey(run: SweepRun): string {
  return run.journals.results.all.filter((r) => r.status === "completed" && r.fingerprint === run.fingerprint).map((r) => r.experiment_id).join(",");
}

/** Fits the run directory's current runs at `targetBudget` with `resamples` bootstrap resamples. */
export function viewRunDir(run: SweepRun, targetBudget: number, resamples?: number): AdaptiveView {
  const points = fitPoints(readFitInput(run.runDir.root).rows, run.config.param_convention);
  const fit = fitAtTarget(points, targetBudget, 0, resamples);
  const record: AdaptiveFitRecord = {
    runs: fit.runs,
    resamples: fit.resamples,
    widened_by: fit.widened_by,
    flops_spent: runDirCost(run.runDir, run.fingerprint).train_flops,
    n_opt: fit.n_opt,
    loss_opt: fit.loss_opt,
    determined: fit.determined,
    reasons: fit.reasons,
  };
  return { fit, design: points.map((p) => ({ n_params: p.n_params, n_tokens: p.n_tokens })), record, key: completedKey(run) };
}
