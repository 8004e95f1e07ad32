/**
 * Every id a sweep gives, from one list of what determines a run: the model, data and loss
 * with their options, the size, the seed, the training settings that change results (not
 * those that change speed only: store/sweep-definition.ts withoutSpeedOnly), how many ranks
 * train it and the mock surface; a point also its budget and tokens, a calibration run its
 * stage. Re-running a sweep re-runs nothing; changing a setting re-runs exactly what it changes.
 *
 * A WSD trunk is named by what determines its training (no budget, no tokens: its branches
 * have theirs) and its warmup; a branch by its point and its trunk, so a branch is never
 * confused with a cosine run of the same point, nor with a branch of another trunk.
 */
import type { ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface, TrainingHyper } from "../protocol/messages.js";
import { canonicalJson, experimentId } from "../store/experiment-id.js";
import { withoutSpeedOnly } from "../store/sweep-definition.js";
import type { TrackedStage } from "../tracking/task-tracking.js";

/** What every run of a sweep shares that names it. */
export interface IdentitySource {
  plugin: Pick<ResolvedPlugin, "model" | "data" | "loss">;
  /** scheduler.processes: ranks per run. */
  processes: number;
  mock: MockSurface | null;
}

/** What names one run (a point, a calibration run, or, without budget and tokens, a trunk's training). */
export interface RunIdentity {
  size_value: number;
  seed: number;
  training: TrainingHyper;
  budget_flops?: number;
  n_tokens?: number;
  /** Set for runs outside the sweep's points (the learning-rate calibration's). */
  stage?: Exclude<TrackedStage, "sweep">;
}

/** The fields hashed into a run's id, listed once. */
function identityOf(source: IdentitySource, run: RunIdentity) {
  return {
    stage: run.stage, model: source.plugin.model, size_value: run.size_value, data: source.plugin.data, loss: source.plugin.loss,
    budget_flops: run.budget_flops, n_tokens: run.n_tokens, training: withoutSpeedOnly(run.training), seed: run.seed,
    processes: source.processes, mock: source.mock,
  };
}

/** A run's id: 12 hex digits of the hash of its identity (key order does not matter). */
export function runId(source: IdentitySource, run: RunIdentity): string {
  return experimentId(identityOf(source, run));
}

/** Runs that would train the same model on the same data the same way share this key (they may share a WSD trunk). */
export function trainingKey(source: IdentitySource, run: Pick<RunIdentity, "size_value" | "seed" | "training">): string {
  return canonicalJson(identityOf(source, { size_value: run.size_value, seed: run.seed, training: run.training }));
}

/** A trunk's id, from its runs' trainingKey and its warmup. */
export function trunkId(key: string, warmupSteps: number): string {
  return `trunk-${experimentId({ trunk: JSON.parse(key) as unknown, warmup_steps: warmupSteps })}`;
}

/** A WSD branch's id: its point's id and its trunk's. */
export function branchId(pointId: string, trunk: string): string {
  return experimentId({ point: pointId, trunk_id: trunk });
}
