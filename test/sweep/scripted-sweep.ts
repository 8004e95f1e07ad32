/**
 * `sweep` on a scripted executor, for the pipeline's tests: the real config loader, plugin
 * registry, run directory, stages, fit and report (runSweep then finishSweep, as the command
 * runs them), with a scripted worker (mock-worker.ts) instead of Python processes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { finishSweep, type SweepJson } from "../../src/sweep/finish.js";
import type { SweepRequest } from "../../src/sweep/open-sweep.js";
import { runSweep, type SweepOutcome } from "../../src/sweep/run-sweep.js";
import { SweepEvents, type SweepEvent } from "../../src/sweep/sweep-events.js";
import { mockWorker } from "./mock-worker.js";
import { scriptedExecutor, type Script, type ScriptedExecutor } from "./scripted-executor.js";

export interface ScriptedSweep {
  /** The folder holding the config; `out` the run directory. */
  dir: string;
  config: string;
  out: string;
}

/** A temp folder with a config of these YAML lines. */
export function scriptedSweepDir(prefix: string, yamlLines: string[]): ScriptedSweep {
  const dir = mkdtempSync(join(tmpdir(), `ff-${prefix}-`));
  const config = join(dir, "sweep.yaml");
  writeFileSync(config, yamlLines.join("\n") + "\n");
  return { dir, config, out: join(dir, "run") };
}

export interface ScriptedRun {
  outcome: SweepOutcome;
  /** `sweep --json`'s summary (finish.ts), when the sweep was finished. */
  json: SweepJson;
  text: string;
  executor: ScriptedExecutor;
  /** Every event of the sweep, in order. */
  events: SweepEvent[];
  /** Whether an executor was started at all. */
  started: boolean;
}

export interface ScriptedOptions extends Partial<Omit<SweepRequest, "outDir" | "events" | "startExecutor">> {
  script?: Script;
  /** Listens to the sweep's events as they come (a test that stops the sweep at some point). */
  onEvent?: (event: SweepEvent, executor: ScriptedExecutor) => void;
  /** Skips the fit and the report. */
  noFinish?: boolean;
}

/** Runs `sweep --mock` (unless `mock: false`) of the config on a scripted executor, then finishes it as the command does. */
export async function sweepScripted(sweep: ScriptedSweep, options: ScriptedOptions = {}): Promise<ScriptedRun> {
  const { script, onEvent, noFinish, ...request } = options;
  const loaded = loadConfig(sweep.config);
  const executor = scriptedExecutor(script ?? mockWorker());
  const seen: SweepEvent[] = [];
  const events = new SweepEvents();
  events.on((event) => {
    seen.push(event);
    onEvent?.(event, executor);
  });
  let started = false;
  const outcome = await runSweep(loaded, {
    outDir: sweep.out, mock: true, resume: true, workers: 2, ...request, events,
    startExecutor: () => {
      started = true;
      return Promise.resolve(executor);
    },
  });
  const finished = noFinish ? { json: {} as SweepJson, text: "" } : await finishSweep(outcome, { approaches: [1, 2, 3], bootstrap: 0, seed: 0, paramConvention: loaded.config.param_convention, holdout: "auto" });
  return { outcome, json: finished.json, text: finished.text, executor, events: seen, started };
}
