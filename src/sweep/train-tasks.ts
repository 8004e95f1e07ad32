/**
 * The tasks a sweep sends its executor: one attempt of an experiment (a run of its own, or a
 * WSD branch resuming from its trunk's checkpoint), and one attempt of a WSD trunk. Built from
 * the plan and the run directory alone.
 */
import { join } from "node:path";
import type { TrainTask } from "../protocol/messages.js";
import type { RunDir } from "../store/run-dir.js";
import { sweepName, taskTracking, type TrackedStage } from "../tracking/task-tracking.js";
import type { Experiment } from "./experiments.js";
import type { SweepRun } from "./sweep-run.js";
import type { Trunk } from "./wsd-experiments.js";

/** What of a sweep its tasks are built from. */
export type TaskSource = Pick<SweepRun, "config" | "plugin" | "mock" | "resources" | "runDir" | "fingerprint">;

/** Where a WSD trunk keeps its checkpoints (`branch-<step>/` per branch point, `periodic/`). */
export function trunkDir(runDir: RunDir, trunkId: string): string {
  return join(runDir.checkpoints, trunkId);
}

/** The task of one attempt of `experiment`; its checkpoint folder is the experiment's own. */
export function experimentTask(run: TaskSource, experiment: Experiment, attempt: number, stage: TrackedStage = "sweep"): TrainTask {
  const { plugin, mock, runDir } = run;
  const tracking = { tracking: run.config.tracking, runDir: runDir.root, sweep: sweepName(run.config.name, runDir.root), fingerprint: run.fingerprint };
  return {
    type: "task",
    kind: "train",
    task_id: `${experiment.experiment_id}#${attempt}`,
    experiment_id: experiment.experiment_id,
    attempt,
    seed: experiment.seed,
    model: plugin.model,
    size_value: experiment.size_value,
    data: plugin.data,
    loss: plugin.loss,
    n_tokens: experiment.n_tokens,
    budget_flops: experiment.budget_flops,
    training: experiment.training,
    mock,
    device: run.resources.device,
    sys_path: plugin.sysPath,
    progress_interval_s: 1,
    checkpoint_dir: mock ? null : join(runDir.checkpoints, experiment.experiment_id),
    tracking: taskTracking(tracking, experiment.experiment_id, stage),
    ...(experiment.wsd ? {
      wsd: {
        trunk_id: experiment.wsd.trunk_id, role: "branch" as const, warmup_steps: experiment.wsd.warmup_steps,
        branch_steps: [experiment.wsd.branch_step], trunk_dir: trunkDir(runDir, experiment.wsd.trunk_id),
      },
    } : {}),
  };
}

/** The task of one attempt of a WSD trunk: train to the last of `branchSteps`, saving a checkpoint at each. */
export function trunkTask(run: TaskSource, trunk: Trunk, attempt: number, branchSteps: number[]): TrainTask {
  const first = trunk.branches[0]!;
  const branch = experimentTask(run, first, attempt);
  return {
    ...branch, task_id: `${trunk.trunk_id}#${attempt}`, experiment_id: trunk.trunk_id,
    n_tokens: Math.max(...branchSteps) * first.wsd!.tokens_per_step, budget_flops: Math.max(...trunk.branches.map((b) => b.budget_flops)),
    checkpoint_dir: run.mock ? null : join(trunkDir(run.runDir, trunk.trunk_id), "periodic"),
    wsd: { ...branch.wsd!, role: "trunk", branch_steps: branchSteps },
    // A trunk is not a point of the law: it logs to no tracker run (a W&B runs export
    // would read it back as one), and never to its first branch's.
    tracking: null,
  };
}
