/**
 * Logs a sweep's fit to its summary run (docs/tracking.md) through the workers' Python:
 * `python -m flops_fit_worker.tracking_summary`, one JSON request on stdin, one JSON answer
 * on stdout, its other output in RUN_DIR/logs/tracking-summary.log. Never throws: a tracker
 * that cannot log, or a Python that cannot start, comes back as warnings.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TrackingConfig } from "../config/schema.js";
import type { WandbSettings } from "../protocol/messages.js";
import { workerPythonPath } from "../scheduler/python.js";
import type { FitSummary } from "./fit-summary.js";
import { tensorboardRoot, trackingEnabled, wandbGroup, wandbSummaryRunId } from "./task-tracking.js";

export interface SummaryRunOptions {
  tracking: TrackingConfig;
  /** The workers' Python executable. */
  python: string;
  runDir: string;
  sweep: string;
  fingerprint: string;
}

/** RUN_DIR/tensorboard/fit: the fit's event files, beside the experiments' folders. */
export function tensorboardFitDir(runDir: string): string {
  return join(tensorboardRoot(runDir), "fit");
}

function summaryWandb(tracking: TrackingConfig, runDir: string): WandbSettings | null {
  const wandb = tracking.wandb;
  if (!wandb || wandb.mode === "disabled") return null;
  const group = wandbGroup(tracking, runDir);
  return {
    project: wandb.project, entity: wandb.entity ?? null, mode: wandb.mode, group, tags: wandb.tags, dir: runDir,
    run_id: wandbSummaryRunId(group), init_timeout_s: wandb.init_timeout_s,
  };
}

/** Logs `summary` to the trackers the config asks for; the warnings (empty when all logged, or none asked). */
export async function logFitSummary(summary: FitSummary, options: SummaryRunOptions): Promise<string[]> {
  const { tracking, runDir } = options;
  if (!trackingEnabled(tracking)) return [];
  const request = {
    sweep: options.sweep,
    fingerprint: options.fingerprint,
    ...summary,
    tensorboard_dir: tracking.tensorboard ? tensorboardFitDir(runDir) : null,
    wandb: summaryWandb(tracking, runDir),
  };
  const logs = join(runDir, "logs");
  mkdirSync(logs, { recursive: true });
  const log = createWriteStream(join(logs, "tracking-summary.log"), { flags: "a" });
  try {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(options.python, ["-m", "flops_fit_worker.tracking_summary"], {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, PYTHONPATH: workerPythonPath(), PYTHONUNBUFFERED: "1" },
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.pipe(log, { end: false });
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, stdout: out }));
      child.stdin.on("error", () => undefined); // a Python that died at once: its exit says why
      child.stdin.end(JSON.stringify(request));
    });
    const answer = stdout.trim().split("\n").at(-1) ?? "";
    if (code !== 0) return [`the fit was not logged to the trackers: the summary process exited with ${code} (see ${join(logs, "tracking-summary.log")})`];
    const parsed = JSON.parse(answer) as { warnings?: unknown };
    return Array.isArray(parsed.warnings) ? parsed.warnings.map(String) : [];
  } catch (error) {
    return [`the fit was not logged to the trackers: ${(error as Error).message}`];
  } finally {
    log.end();
  }
}
