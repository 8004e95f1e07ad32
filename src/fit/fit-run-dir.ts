/**
 * Fitting a run directory, one way for all who do it: the end of `sweep`, `fit RUN_DIR` and
 * the report. The fit is of the directory's current sweep definition (fit-input.ts →
 * fit-rows.ts), with the training cost its runs measured (store/run-cost.ts); fit.json keeps it
 * with the request that made it.
 *
 * A fit need not be made again when fit.json is current: at least as new as results.jsonl,
 * and made by the same fitting methods (FITTER_VERSION) — for the sweep, also for the same
 * sweep definition and the same request (approaches, bootstrap, seed, budgets, convention,
 * confidence, backtest), which fit.json records under `request`. A no-op resume of thousands
 * of experiments then costs what reading them costs.
 */
import { existsSync, statSync } from "node:fs";
import { FITTER_VERSION } from "../fitting/fitter-version.js";
import { canonicalJson } from "../store/experiment-id.js";
import type { FitOutput, FitRequestKey } from "../store/fit-json.js";
import { runDirCost } from "../store/run-cost.js";
import type { RunDir } from "../store/run-dir.js";
import { readFitInput, type FitInput } from "./fit-input.js";
import { fitRows, type FitRequest } from "./fit-rows.js";

/** What made a fit, as fit.json records it. */
export function fitRequestKey(request: FitRequest, definition: string | null): FitRequestKey {
  return {
    definition,
    approaches: [...new Set(request.approaches)].sort(),
    bootstrap: request.bootstrap ?? 0,
    seed: request.seed ?? 0,
    predict: [...(request.predict ?? [])],
    param_convention: request.paramConvention,
    exclude_worst: request.excludeWorst ?? 0,
    confidence: request.confidence ?? 0.95,
    holdout: request.holdout ?? 0,
    fitter: FITTER_VERSION,
  };
}

const newer = (file: string, than: string) => existsSync(file) && existsSync(than) && statSync(file).mtimeMs >= statSync(than).mtimeMs;

/**
 * fit.json's fit when it is current: at least as new as results.jsonl and made for `key`
 * (the same request), or with "any request", made by fitting methods as new as these. Else null.
 */
export function storedFit(runDir: RunDir, key: FitRequestKey | "any request"): FitOutput | null {
  if (!newer(runDir.fit, runDir.results)) return null;
  let stored;
  try {
    stored = runDir.inspect("fit");
  } catch {
    return null; // not JSON: fitted again (and rewritten by whoever writes)
  }
  // A fit.json of another version (or another request) is fitted again.
  if (!stored || "problem" in stored) return null;
  const { request, ...fit } = stored.value;
  // A fit.json without a request was written elsewhere; one by older fitting methods holds what they made.
  if (key === "any request") return request !== undefined && (request.fitter ?? 1) < FITTER_VERSION ? null : fit;
  return canonicalJson(request) === canonicalJson(key) ? fit : null;
}

export interface RunDirFit {
  fit: FitOutput;
  /** The request as fit.json records it. */
  key: FitRequestKey;
  /** Whether fit.json was current and this is its fit. */
  reused: boolean;
}

export interface FitRunDirOptions {
  /** Reuse a current fit.json made for this very request (the sweep); default: always fit. */
  reuse?: boolean;
  /** The run directory's fit input, when already read. */
  input?: FitInput;
}

/** The fit of a run directory's runs (fit.json's when current and `reuse`), with their measured cost. Writes nothing. */
export function fitRunDir(runDir: RunDir, request: FitRequest, options: FitRunDirOptions = {}): RunDirFit {
  if (options.reuse) {
    const key = fitRequestKey(request, runDir.read("config")?.fingerprint ?? null);
    const stored = storedFit(runDir, key);
    if (stored) return { fit: stored, key, reused: true };
  }
  const input = options.input ?? readFitInput(runDir.root);
  const fit = { ...fitRows(input.rows, request, input.notes), cost: runDirCost(runDir, input.definition) };
  return { fit, key: fitRequestKey(request, input.definition), reused: false };
}

/** Writes a fit to fit.json with the request that made it (a WriteFailure when the disk is full). */
export function saveFit(runDir: RunDir, made: RunDirFit): void {
  runDir.write("fit", { ...made.fit, request: made.key });
}
