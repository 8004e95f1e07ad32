/** After the runs: fit the run directory's results, write fit.json and report/, summarise. */
import { fitRows, type FitOutput, type FitRequest } from "../fit/fit-rows.js";
import { formatChinchillaTable, formatFitSummary } from "../fitting/index.js";
import { writeReport } from "../report/write-report.js";
import { readFitInput } from "../store/fit-input.js";
import { WriteFailure } from "../store/write-failure.js";
import type { SweepOutcome } from "./run-sweep.js";

export interface SweepJson {
  run_dir: string;
  completed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  workers: number;
  interrupted: boolean;
  plan_warnings: string[];
  fit: FitOutput | { error: string };
  /** report/index.html and the figures, or why the report could not be written. */
  report: { report_dir: string; files: string[] } | { error: string };
}

export async function finishSweep(outcome: SweepOutcome, request: FitRequest): Promise<{ json: SweepJson; text: string }> {
  const runDir = outcome.runDir;
  let fit: SweepJson["fit"];
  let fitText: string;
  try {
    const input = readFitInput(runDir.root);
    fit = fitRows(input.rows, request, input.notes);
    runDir.writeJson(runDir.fit, fit);
    fitText = `${formatFitSummary(fit)}\n\n${formatChinchillaTable(fit, "markdown")}`;
  } catch (error) {
    // A full disk is not a fit problem: the runs are safe, `flops-fit fit RUN_DIR` redoes this.
    if (error instanceof WriteFailure) throw error;
    fit = { error: (error as Error).message };
    fitText = `no fit: ${(error as Error).message}`;
  }
  // The report never fails the sweep: the runs and the fit are already on disk.
  let report: SweepJson["report"];
  try {
    const written = writeReport(runDir.root, { fit });
    report = { report_dir: written.report_dir, files: written.files };
  } catch (error) {
    report = { error: (error as Error).message };
  }
  const json: SweepJson = {
    run_dir: runDir.root,
    completed: outcome.completed,
    failed: outcome.failed,
    cancelled: outcome.cancelled,
    skipped: outcome.skipped,
    workers: outcome.workers,
    interrupted: outcome.interrupted,
    plan_warnings: outcome.planWarnings,
    fit,
    report,
  };
  const head = `sweep ${outcome.interrupted ? "interrupted" : "finished"}: ${outcome.completed} completed, ${outcome.failed} failed, ` +
    `${outcome.cancelled} cancelled, ${outcome.skipped} skipped (already done) on ${outcome.workers} workers\nrun directory: ${runDir.root}`;
  const reportText = "error" in report ? `no report: ${report.error}` : `report: ${report.files[0]}`;
  return { json, text: `${head}\n\n${fitText}\n\n${reportText}` };
}
