/**
 * Everything the report shows, read from a run directory: config.json, plan.json,
 * results.jsonl, the fit, and what is known of the environment. Works mid-sweep: the
 * fit is fit.json when it is newer than results.jsonl, else a fresh fit of what is
 * there; when the fit fails the report still has the runs and says why.
 */
import { existsSync, statSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import type { FitOutput } from "../store/fit-json.js";
import { backtestRows, type FitRequest } from "../fit/fit-rows.js";
import { fitRunDir, storedFit } from "../fit/fit-run-dir.js";
import { DEFAULT_MIN_BUDGETS } from "../fitting/approach2-isoflop.js";
import { answerErrors, autoHoldout } from "../fitting/backtest.js";
import { MIN_RESAMPLES } from "../fitting/determination.js";
import { FITTER_VERSION } from "../fitting/fitter-version.js";
import { readFitInput } from "../fit/fit-input.js";
import type { AdaptiveFile } from "../store/adaptive-record.js";
import type { CalibrationRecord } from "../store/calibration-record.js";
import { selectRunRecords } from "../store/run-definitions.js";
import type { ResultRecord } from "../store/record.js";
import { runDirCost, type SweepCost } from "../store/run-cost.js";
import type { RunConfigFile } from "../store/run-dir-entries.js";
import { RunDir } from "../store/run-dir.js";
import type { PlannedRow } from "./experiment-rows.js";
import { packageVersion } from "./package-version.js";

export interface ReportData {
  runDir: string;
  name: string;
  generatedAt: string;
  config: RunConfigFile | null;
  planned: PlannedRow[];
  planWarnings: string[];
  records: ResultRecord[];
  /** The fit result (fit.json's object), or null with fitError saying why. */
  fit: FitOutput | null;
  /** Where the fit came from, in words. */
  fitSource: string;
  fitError: string | null;
  /** Why there is no backtest, when the fit has none. */
  backtestNote: string;
  environment: Record<string, unknown>;
  /** calibration.json of `training.lr: calibrate`, when it belongs to the current definition. */
  calibration: CalibrationRecord | null;
  /** WSD trunk attempts of the current definition (trunks.jsonl), and the measured cost of its runs. */
  trunks: ResultRecord[];
  cost: SweepCost | null;
  /** adaptive.json of an adaptive sweep (docs/adaptive.md); null for a grid, or when it cannot be read. */
  adaptive: AdaptiveFile | null;
}

export interface LoadOptions {
  /** A fit already made (the sweep passes its own): used as is. */
  fit?: FitOutput | { error: string };
  /** Fit again even when fit.json is current. */
  refit?: boolean;
  /** Overrides of the fit request when fitting here (defaults: fit.json's approaches and predicted budgets, the fewest resamples the determination test takes, a backtest with ≥ 4 budgets). */
  request?: Partial<FitRequest>;
}

/** The fit request for a fresh fit: what the last fit did, with the fewest resamples the determination test takes. */
function defaultRequest(previous: FitOutput | null, config: RunConfigFile | null, overrides: Partial<FitRequest>): FitRequest {
  const approaches = (["1", "2", "3"] as const).filter((k) => previous?.approaches[k]).map((k) => Number(k) as 1 | 2 | 3);
  const predict = [...new Set((previous?.predictions ?? []).map((p) => p.budget_flops))];
  return {
    approaches: approaches.length ? approaches : [1, 2, 3],
    bootstrap: MIN_RESAMPLES,
    holdout: "auto",
    predict,
    paramConvention: config?.param_convention === "non_embedding" ? "non_embedding" : "total",
    ...overrides,
  };
}

/**
 * The report backtests one budget when the fit has no backtest and at least 4 budgets
 * (a law is trusted for what it predicts: Choshen et al. 2024); fit.json is not changed.
 */
function withBacktest(loaded: Pick<ReportData, "fit" | "fitSource" | "fitError">, runDir: RunDir): Pick<ReportData, "fit" | "fitSource" | "fitError" | "backtestNote"> {
  const fit = loaded.fit;
  if (!fit) return { ...loaded, backtestNote: "No fit: no backtest." };
  if (fit.backtest) return { ...loaded, backtestNote: "" };
  if (autoHoldout(fit.n_budgets) === 0) return { ...loaded, backtestNote: `No backtest: ${fit.n_budgets} budget${fit.n_budgets === 1 ? "" : "s"}; holding one out needs at least ${DEFAULT_MIN_BUDGETS + 1} (a fit needs ${DEFAULT_MIN_BUDGETS}).` };
  try {
    const input = readFitInput(runDir.root);
    const approaches = (["1", "2", "3"] as const).filter((k) => fit.approaches[k]).map(Number) as Array<1 | 2 | 3>;
    const made = backtestRows(input.rows, { approaches: approaches.length ? approaches : [2, 3], seed: fit.bootstrap?.seed ?? 0, confidence: fit.bootstrap?.confidence ?? 0.95, paramConvention: fit.param_convention }, 1);
    // Made here for a fit that chose its answer without one: it reports that answer's errors, it does not choose.
    const backtest = { ...made, preferred_approach: fit.preferred_approach, ...answerErrors(made, fit.preferred_approach) };
    return { ...loaded, fit: { ...fit, backtest }, backtestNote: "" };
  } catch (error) {
    return { ...loaded, backtestNote: `No backtest: ${(error as Error).message}` };
  }
}

function loadFit(runDir: RunDir, config: RunConfigFile | null, records: ResultRecord[], options: LoadOptions): Pick<ReportData, "fit" | "fitSource" | "fitError"> {
  if (options.fit) {
    return "error" in options.fit && typeof options.fit.error === "string"
      ? { fit: null, fitSource: "the sweep's fit", fitError: options.fit.error }
      : { fit: options.fit as FitOutput, fitSource: "fit.json (written by this sweep)", fitError: null };
  }
  // The report reads the fit; it fits here only when fit.json is not current (fit.json is not changed).
  const current = options.refit ? null : storedFit(runDir, "any request");
  if (current) return { fit: current, fitSource: `fit.json (${statSync(runDir.fit).mtime.toISOString()})`, fitError: null };
  const stored = runDir.inspect("fit");
  const previous = stored && "value" in stored ? stored.value : null;
  // A fit by older fitting methods is read but not shown: its numbers are what those methods made.
  const older = previous?.request !== undefined && (previous.request.fitter ?? 1) < FITTER_VERSION;
  if (records.length === 0) return { fit: null, fitSource: "none", fitError: stored && "problem" in stored ? stored.problem : "no results yet" };
  try {
    const input = readFitInput(runDir.root);
    const { fit } = fitRunDir(runDir, defaultRequest(previous, config, options.request ?? {}), { input });
    const why = stored && "problem" in stored ? `; ${stored.problem}` : older ? `; fit.json was made by older fitting methods (fitter ${previous.request?.fitter ?? 1}, now ${FITTER_VERSION})` : previous ? "; fit.json is older" : "";
    return { fit, fitSource: `fitted now from results.jsonl (${records.length} records${why}, ${MIN_RESAMPLES} bootstrap resamples)`, fitError: null };
  } catch (error) {
    return { fit: null, fitSource: "none", fitError: (error as Error).message };
  }
}

/**
 * What is known of where the runs ran: environment.json when the sweep wrote one (Python,
 * torch, devices…), what the records say (devices, workers), and this process's Node.js.
 */
function environment(runDir: RunDir, config: RunConfigFile | null, records: ResultRecord[]): Record<string, unknown> {
  const unique = <T>(values: Array<T | null | undefined>) => [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
  const written = runDir.read("environment") ?? {};
  const workers = unique(records.map((r) => r.worker)).length;
  const worldSizes = unique(records.map((r) => r.world_size));
  return {
    "flops-fit": packageVersion(),
    ...written,
    "device (config)": config?.scheduler?.device,
    "devices used": unique(records.map((r) => r.device)).join(", ") || undefined,
    "workers used": workers || undefined,
    "world size": worldSizes.length ? worldSizes.join(", ") : undefined,
    "mock training": config?.mock_enabled ?? (records.some((r) => r.mock === true) || undefined),
    "Node.js (report)": `${process.version} on ${process.platform}-${process.arch}`,
  };
}

function currentCalibration(runDir: RunDir, config: RunConfigFile | null): CalibrationRecord | null {
  const calibration = runDir.read("calibration");
  return calibration && (!config?.fingerprint || calibration.fingerprint === config.fingerprint) ? calibration : null;
}

export function loadReportData(root: string, options: LoadOptions = {}): ReportData {
  const runDir = new RunDir(root);
  if (!existsSync(runDir.root) || !statSync(runDir.root).isDirectory()) throw new UserError(`no such run directory: ${runDir.root}`, "not_a_run_dir", { file: runDir.root });
  if (![runDir.results, runDir.config, runDir.plan].some((f) => existsSync(f))) {
    throw new UserError(`${runDir.root} is not a run directory (no results.jsonl, config.json or plan.json)`, "not_a_run_dir", { file: runDir.root });
  }
  const config = runDir.read("config");
  const plan = runDir.read("plan");
  // The current sweep definition's runs only; the fit's warnings name what was left out.
  const records = selectRunRecords(runDir, runDir.records("results")).records;
  const planned: PlannedRow[] = plan?.experiments ?? [];
  return {
    runDir: runDir.root,
    name: config?.name ?? runDir.root.split(/[\\/]/).pop() ?? "sweep",
    generatedAt: new Date().toISOString(),
    config,
    planned,
    planWarnings: plan?.warnings ?? [],
    records,
    ...withBacktest(loadFit(runDir, config, records, options), runDir),
    environment: environment(runDir, config, records),
    calibration: currentCalibration(runDir, config),
    ...trunksAndCost(runDir, config),
    adaptive: readAdaptive(runDir),
  };
}

/** adaptive.json, or null when absent or not one (the report still draws everything else). */
function readAdaptive(runDir: RunDir): AdaptiveFile | null {
  const found = runDir.inspect("adaptive");
  return found && "value" in found ? found.value : null;
}

function trunksAndCost(runDir: RunDir, config: RunConfigFile | null): Pick<ReportData, "trunks" | "cost"> {
  const fingerprint = config?.fingerprint ?? null;
  const trunks = runDir.records("trunks").filter((r) => fingerprint === null || r.fingerprint === fingerprint);
  return { trunks, cost: existsSync(runDir.results) ? runDirCost(runDir, fingerprint) : null };
}
