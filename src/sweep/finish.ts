/**
 * After the runs: fit the run directory's results, write fit.json and report/, summarise.
 * A sweep that recorded nothing new reuses a current fit.json (fit/fit-run-dir.ts) and report/ (report/stored-report.ts).
 */
import type { FitOutput, FitRequest } from "../fit/fit-rows.js";
import { fitRunDir, saveFit } from "../fit/fit-run-dir.js";
import { formatChinchillaTable, formatFitSummary } from "../fitting/index.js";
import { formatBacktest } from "../fitting/format-backtest.js";
import type { AdaptiveFitRecord, AdaptiveStop } from "../store/adaptive-record.js";
import { WriteFailure } from "../store/write-failure.js";
import type { SweepOutcome } from "./run-sweep.js";
import { storedReport } from "../report/stored-report.js";
import { runDirCost, type SweepCost } from "../store/run-cost.js";
import { formatCost } from "./format-trunks.js";
import { formatVerdict, sweepVerdict, type FailedRun } from "./sweep-verdict.js";
import { fitSummary } from "../tracking/fit-summary.js";
import { logFitSummary, type SummaryRunOptions } from "../tracking/summary-run.js";
import { trackingWarnings } from "../tracking/tracking-warnings.js";
import { formatRefusals, REFUSALS_LOG, type Refusal } from "./refusals.js";
import { join } from "node:path";

export interface SweepJson {
  run_dir: string;
  /** The sweep definition's fingerprint, as in every record. */
  fingerprint: string;
  completed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  workers: number;
  /** Where the runs executed: local workers or SLURM pilots. */
  backend: "local" | "slurm";
  interrupted: boolean;
  plan_warnings: string[];
  fit: FitOutput | { error: string };
  /** report/index.html and the figures, or why the report could not be written. */
  report: { report_dir: string; files: string[] } | { error: string };
  /** Every run of this sweep that did not complete, with its exception line and full-text log. */
  failures: FailedRun[];
  /** Why the sweep failed (exit 1): a budget without a completed run, or no usable fit. Empty on success. */
  problems: string[];
  /** What W&B or TensorBoard could not log (each distinct warning once; docs/tracking.md). Empty when all logged. */
  tracking_warnings: string[];
  /** Training FLOPs this sweep definition's runs trained, measured, and a cosine sweep of the same points. (store/run-cost.ts). */
  cost: SweepCost;
  /** Connections refused by the sweep's executor (wrong key, token or worker id), also in logs/refusals.log. Empty when none. */
  refusals: Refusal[];
  /** An adaptive sweep's stop, its last fit and how many runs it decided on (adaptive.json has them all); absent for a grid. */
  adaptive?: AdaptiveSummary;
}

export interface AdaptiveSummary {
  target_budget: number;
  target_width: number | null;
  max_flops: number | null;
  decisions: number;
  last_fit: AdaptiveFitRecord | null;
  stop: AdaptiveStop | null;
}

/** adaptive.json in brief, or undefined when the sweep is a grid. */
function adaptiveSummary(runDir: SweepOutcome["runDir"]): AdaptiveSummary | undefined {
  const file = runDir.read("adaptive");
  if (!file) return undefined;
  return { target_budget: file.target_budget, target_width: file.target_width, max_flops: file.max_flops, decisions: file.decisions.length, last_fit: file.fits.at(-1) ?? null, stop: file.stop };
}

/** `tracking`: log a new fit to the sweep's summary run (config `tracking`). */
export async function finishSweep(outcome: SweepOutcome, request: FitRequest, tracking?: SummaryRunOptions): Promise<{ json: SweepJson; text: string; failed: boolean }> {
  const runDir = outcome.runDir;
  const nothingNew = outcome.records.length === 0 && !outcome.interrupted;
  let fit: SweepJson["fit"];
  let fitText: string;
  let reused = false;
  try {
    const made = fitRunDir(runDir, request, { reuse: nothingNew });
    if (!made.reused) saveFit(runDir, made);
    reused = made.reused;
    fit = made.fit;
    // The backtest the sweep computed (≥ 4 budgets) is shown as `fit --holdout` shows it.
    fitText = `${formatFitSummary(made.fit)}\n\n${formatChinchillaTable(made.fit, "markdown")}${made.fit.backtest ? `\n\n${formatBacktest(made.fit.backtest)}` : ""}`;
  } catch (error) {
    // A full disk is not a fit problem: the runs are safe, `flops-fit fit RUN_DIR` redoes this.
    if (error instanceof WriteFailure) throw error;
    fit = { error: (error as Error).message };
    fitText = `no fit: ${(error as Error).message}`;
  }
  // A report that cannot be drawn does not fail the sweep (the runs and the fit are on disk);
  // one that cannot be written (a full disk) does, as any write to the run directory does.
  let report: SweepJson["report"];
  let reportUnwritten: string | null = null;
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
    if (error instanceof WriteFailure || typeof (error as NodeJS.ErrnoException).code === "string") {
      reportUnwritten = `the report could not be written (${(error as Error).message}); the runs and fit.json are safe: \`flops-fit report ${runDir.root}\` writes it once the disk has room`;
    }
  }
  // A fit reused as it was is already in the summary run: a resumed sweep with nothing new logs nothing.
  const summaryWarnings = tracking && !reused && !("error" in fit)
    ? await logFitSummary(fitSummary(fit, "error" in report ? [] : report.files), tracking)
    : [];
  const records = runDir.records("results");
  const cost = runDirCost(runDir, outcome.fingerprint);
  const verdict = sweepVerdict(records, new Set(outcome.experimentIds), outcome.budgets, fit, runDir);
  // An interrupted sweep is incomplete by choice (exit 130), not a failure.
  const problems = outcome.interrupted ? [] : [...verdict.problems, ...(reportUnwritten ? [reportUnwritten] : [])];
  const json: SweepJson = {
    run_dir: runDir.root,
    fingerprint: outcome.fingerprint,
    completed: outcome.completed,
    failed: outcome.failed,
    cancelled: outcome.cancelled,
    skipped: outcome.skipped,
    workers: outcome.workers,
    backend: outcome.backend,
    interrupted: outcome.interrupted,
    plan_warnings: outcome.planWarnings,
    fit,
    report,
    failures: verdict.failures,
    problems,
    tracking_warnings: [...new Set([...trackingWarnings(outcome.records), ...summaryWarnings])],
    cost,
    refusals: outcome.refusals,
  };
  const adaptive = adaptiveSummary(runDir);
  if (adaptive) json.adaptive = adaptive;
  const head = `sweep ${outcome.interrupted ? "interrupted" : "finished"}: ${outcome.completed} completed, ${outcome.failed} failed, ` +
    `${outcome.cancelled} cancelled, ${outcome.skipped} skipped (already done) on ${outcome.workers} workers\nrun directory: ${runDir.root}`;
  const costText = `\n${formatCost(cost, true)}` + (adaptive ? `\nadaptive: ${adaptive.decisions} run${adaptive.decisions === 1 ? "" : "s"} decided after the seed design; ${adaptive.stop ? `stopped: ${adaptive.stop.text}` : "not stopped (interrupted): `sweep` again goes on from its decisions"}` : "");
  const planText = outcome.planWarnings.length > 0 ? `\n\nPlan warnings:\n${outcome.planWarnings.map((w) => `  - ${w}`).join("\n")}` : "";
  const reportText = "error" in report ? `no report: ${report.error}` : `report: ${report.files[0]}`;
  const verdictText = formatVerdict({ failures: verdict.failures, problems }, runDir.root);
  // The runs' tracking warnings were shown as they came (tracking-warnings.ts); the summary run's are new.
  const trackingText = summaryWarnings.map((warning) => `\n\ntracking: ${warning}`).join("");
  const refusalText = formatRefusals(outcome.refusals, join(runDir.logs, REFUSALS_LOG));
  const tail = [verdictText, refusalText].filter(Boolean).map((text) => `\n\n${text}`).join("");
  return { json, text: `${head}${costText}${planText}\n\n${fitText}\n\n${reportText}${trackingText}${tail}`, failed: problems.length > 0 };
}
