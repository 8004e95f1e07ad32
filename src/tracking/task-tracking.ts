/**
 * What a run's task says about trackers (config `tracking`, docs/tracking.md): the run's
 * TensorBoard folder RUN_DIR/tensorboard/<experiment_id>/ and its W&B run. The W&B run id is
 * derived from the experiment id and the sweep's group, so every attempt of an experiment
 * (a retry, a resumed sweep) continues the same W&B run instead of starting another.
 * Tracking is not part of the sweep definition or of experiment ids: it changes where results
 * are shown, not the results.
 */
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import type { TrackingConfig } from "../config/schema.js";
import type { TrackingSettings } from "../protocol/messages.js";

/** Where a run stands in the sweep: the runs fitted, or the learning-rate calibration's (not fitted). */
export type TrackedStage = "sweep" | "lr_calibration";

/** RUN_DIR/tensorboard: one folder per experiment, and `fit/` for the sweep's fit. */
export function tensorboardRoot(runDir: string): string {
  return join(runDir, "tensorboard");
}

/** The sweep's name as trackers show it: config `name`, else the run directory's folder name. */
export function sweepName(name: string | undefined, runDir: string): string {
  return name ?? basename(runDir);
}

/** The W&B group of a sweep: the configured one, else the run directory's folder name. */
export function wandbGroup(tracking: TrackingConfig, runDir: string): string {
  return tracking.wandb?.group ?? basename(runDir);
}

/** W&B run ids allow letters, digits, `-` and `_`: the experiment id and 6 hex digits of the group. */
export function wandbRunId(experimentId: string, group: string): string {
  return `${experimentId}-${createHash("sha256").update(group).digest("hex").slice(0, 6)}`;
}

/** The id of the sweep's summary run (the fit): one per group, updated by every new fit. */
export function wandbSummaryRunId(group: string): string {
  return wandbRunId("fit", group);
}

export interface TrackingContext {
  tracking: TrackingConfig;
  /** The run directory (absolute). */
  runDir: string;
  /** The sweep's name (config `name`, else the run directory's name). */
  sweep: string;
  /** The sweep definition's fingerprint. */
  fingerprint: string;
}

/** Whether the config asks any tracker to log. */
export function trackingEnabled(tracking: TrackingConfig): boolean {
  return tracking.tensorboard || (tracking.wandb !== undefined && tracking.wandb.mode !== "disabled");
}

/** The `tracking` of one run's task, or null when nothing is tracked. */
export function taskTracking(context: TrackingContext, experimentId: string, stage: TrackedStage = "sweep"): TrackingSettings | null {
  const { tracking, runDir } = context;
  if (!trackingEnabled(tracking)) return null;
  const wandb = tracking.wandb && tracking.wandb.mode !== "disabled" ? tracking.wandb : null;
  const group = wandbGroup(tracking, runDir);
  return {
    sweep: context.sweep,
    fingerprint: context.fingerprint,
    stage,
    tensorboard_dir: tracking.tensorboard ? join(tensorboardRoot(runDir), experimentId) : null,
    wandb: wandb && {
      project: wandb.project,
      entity: wandb.entity ?? null,
      mode: wandb.mode,
      group,
      tags: wandb.tags,
      dir: runDir,
      run_id: wandbRunId(experimentId, group),
      init_timeout_s: wandb.init_timeout_s,
    },
  };
}
