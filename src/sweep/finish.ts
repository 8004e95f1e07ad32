/**
 * After the runs: fit the run directory's results, write fit.json and report/, summarise.
 * A sweep that recorded nothing new reuses a current fit.json and report/ (stored-fit.ts).
 */
import { fitRows, type FitOutput, type FitRequest } from "../fit/fit-rows.js";
import { formatChinchillaTable, formatFitSummary } from "../fitting/index.js";
import { readFitInput } from "../store/fit-input.js";
import { WriteFailure } from "../store/write-failure.js";
import type { SweepOutcome } from "./run-sweep.js";
import { fitRequestKey, storedFit, storedReport } from "./stored-fit.js";

export interface SweepJson {
  run_dir: string;
  /** The sweep definition's fingerprint, as in every record. */
  fingerprint: string;
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
  const key = fitRequestKey(request, outcome.fingerprint);
  const nothingNew = outcome.records.length === 0 && !outcome.interrupted;
  let fit: SweepJson["fit"];
  let fitText: string;
  let reused = nothingNew ? storedFit(runDir, key) : null;
  try {
    if (!reused) {
      const input = readFitInput(runDir.root);
      fit = fitRows(input.rows, request, input.notes);
      runDir.writeJson(runDir.fit, { ...fit, request: key });
    } else fit = reused;
    fitText = `${formatFitSummary(fit)}\n\n${formatChinchillaTable(fit, "markdown")}`;
  } catch (error) {
    // A full disk is not a fit problem: the runs are safe, `flops-fit fit RUN_DIR` redoes this.
    if (error instanceof WriteFailure) throw error;
    fit = { error: (error as Error).message };
    fitText = `no fit: ${(error as Error).message}`;
    reused = null;
  }
  // The report never fails the sweep: the runs and the fit are already on disk.
  let report: SweepJson["report"];
  try {
    const current = reused ? storedReport(runDir) : null;
    if (current) report = current;
    else {
      // Loaded only when drawing (jsdom and Plot take a while to load).
      const { writeReport } = await import("../report/write-report.js");
      const written = writeReport(runDir.root, { fit });
      report = { report_dir: written.report_dir, files: written.files };
    }
  } catch (error) {
    report = { error: (error as Error).message };
  }
  const json: SweepJson = {
    run_dir: runDir.root,
    fingerprint: outcome.fingerprint,
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
