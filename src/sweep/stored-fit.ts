/**
 * A sweep that recorded nothing new need not fit and draw again: fit.json is the fit when it
 * is at least as new as results.jsonl and was made for the same sweep definition and the same
 * request (approaches, bootstrap, seed, budgets, convention, confidence, backtest) by the same
 * fitting methods (FITTER_VERSION), which fit.json records under
 * `request`; report/ is current when its index.html is at least as new as fit.json. A no-op
 * resume of thousands of experiments then costs what reading them costs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseFitJson, type FitOutput, type FitRequestKey } from "../fit/fit-json.js";
import type { FitRequest } from "../fit/fit-rows.js";
import { FITTER_VERSION } from "../fitting/fitter-version.js";
import { canonicalJson } from "../store/experiment-id.js";
import type { RunDir } from "../store/run-dir.js";

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

/** fit.json's fit when it is current for this request, else null. */
export function storedFit(runDir: RunDir, key: FitRequestKey): FitOutput | null {
  if (!newer(runDir.fit, runDir.results)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(runDir.fit, "utf8"));
  } catch {
    return null;
  }
  // A fit.json of another version (or another request) is fitted again.
  const stored = parseFitJson(value, runDir.fit);
  return "fit" in stored && canonicalJson(stored.request) === canonicalJson(key) ? stored.fit : null;
}

/** report/'s files (index.html first) when it is at least as new as fit.json, else null. */
export function storedReport(runDir: RunDir): { report_dir: string; files: string[] } | null {
  const index = join(runDir.report, "index.html");
  if (!newer(index, runDir.fit)) return null;
  const figures = readdirSync(runDir.report).filter((name) => /\.(svg|png)$/.test(name)).sort().map((name) => join(runDir.report, name));
  return { report_dir: runDir.report, files: [index, ...figures] };
}
