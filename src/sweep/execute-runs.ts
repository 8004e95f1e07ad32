/**
 * The sweep's "execute" step: every pending experiment on the executor until each has its
 * final record, one task per attempt (run-experiments.ts), or, under `training.schedule: wsd`,
 * as trunks whose branches become tasks as their checkpoints appear (run-trunks.ts). A
 * completed run's checkpoint and a finished trunk's are removed; a failed attempt's full error
 * goes to logs/errors/.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SweepConfig } from "../config/schema.js";
import type { Executor } from "../scheduler/executor.js";
import { Journal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import type { Experiment } from "./experiments.js";
import { runExperiments, type RunObserver, type RunOptions, type RunSummary } from "./run-experiments.js";
import { runTrunks } from "./run-trunks.js";
import { experimentTask, trunkDir, trunkTask, type TaskContext } from "./train-tasks.js";

export interface ExecuteContext {
  config: SweepConfig;
  tasks: TaskContext;
  /** results.jsonl, where every attempt is recorded. */
  journal: Journal;
  /** Attempts already used per experiment (from earlier invocations). */
  previousAttempts: Map<string, number>;
  fingerprint: string;
  observer?: RunObserver;
  signal?: AbortSignal;
  /** The journal cannot record (a full disk): stop everything. */
  onFatal(error: unknown): void;
}

function runOptions(context: ExecuteContext): RunOptions {
  const { runDir } = context.tasks;
  return {
    maxAttempts: context.config.scheduler.max_attempts,
    task: (experiment, attempt) => experimentTask(context.tasks, experiment, attempt),
    previousAttempts: context.previousAttempts,
    mock: context.tasks.mock !== null,
    fingerprint: context.fingerprint,
    observer: context.observer,
    signal: context.signal,
    // A checkpoint only serves a retry; once the result is recorded it is dead weight.
    onCompleted: (experiment: Experiment) => rmSync(join(runDir.checkpoints, experiment.experiment_id), { recursive: true, force: true }),
    onError: (record: ResultRecord) => {
      const file = runDir.errorLog(record.experiment_id, record.attempt);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${record.error}\n`);
    },
    onFatal: context.onFatal,
  };
}

/** Runs `experiments` (the plan's pending ones, or a refinement's) to their final records. */
export async function executeRuns(executor: Executor, experiments: Experiment[], context: ExecuteContext): Promise<RunSummary> {
  if (experiments.length === 0) return { completed: 0, failed: 0, cancelled: 0, records: [] };
  const options = runOptions(context);
  if (context.config.training.schedule !== "wsd") return runExperiments(executor, experiments, context.journal, options);
  const { runDir } = context.tasks;
  const trunkJournal = new Journal(runDir.trunks);
  try {
    return await runTrunks(executor, experiments, context.journal, {
      ...options, trunkJournal,
      trunkDir: (trunkId) => trunkDir(runDir, trunkId),
      trunkTask: (trunk, attempt, branchSteps) => trunkTask(context.tasks, trunk, attempt, branchSteps),
      onTrunkDone: (trunk) => rmSync(trunkDir(runDir, trunk.trunk_id), { recursive: true, force: true }),
    });
  } finally {
    trunkJournal.close();
  }
}

/**
 * Runs the learning-rate calibration's experiments (`training.lr: calibrate`): plain runs
 * whatever the schedule, recorded in their own journal, tracked as stage `lr_calibration`.
 */
export function executeCalibrationRuns(executor: Executor, experiments: Experiment[], calibrationJournal: Journal,
  onRecord: (experiment: Experiment, record: ResultRecord) => void, context: ExecuteContext, previousAttempts: Map<string, number>): Promise<RunSummary> {
  return runExperiments(executor, experiments, calibrationJournal, {
    ...runOptions(context), previousAttempts, observer: { onRecord },
    task: (experiment, attempt) => experimentTask(context.tasks, experiment, attempt, "lr_calibration"),
  });
}
