/**
 * Runs experiments on the executor until each has a final record: a completed run, a run that
 * failed as data (diverged, oom, failed inside training), or `max_attempts` lost attempts
 * (worker crash, hang, no progress). A run that its worker handed back after checkpointing it
 * (the job was signalled: time limit, preemption, scancel) is not the run's fault: it resumes
 * elsewhere without using up an attempt (how often is bounded by the executor's replacement
 * limit). Every finished attempt is appended to the journal
 * before anything else happens (and before anyone is told), so a crash of the
 * orchestrator loses nothing recorded. When the journal cannot record (a full disk), the
 * sweep stops (its signal is raised), no further attempt starts, and the error is thrown once
 * every running experiment has come back. Each attempt is told on the sweep's event stream.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MockSurface } from "../protocol/messages.js";
import type { Outcome } from "../scheduler/executor.js";
import type { ResultRecord } from "../store/record.js";
import type { RunDir } from "../store/run-dir.js";
import type { TrackedStage } from "../tracking/task-tracking.js";
import type { Experiment } from "./experiments.js";
import { branchPointSaved, branchRecord } from "./branch-records.js";
import type { SweepRun } from "./sweep-run.js";
import { experimentTask, trunkDir } from "./train-tasks.js";

/** The record of one attempt, or null when it never started (nothing ran, nothing to record). */
export function recordFromOutcome(experiment: Experiment, attempt: number, outcome: Outcome, run: { mock: MockSurface | null; fingerprint?: string }): ResultRecord | null {
  const base = {
    experiment_id: experiment.experiment_id,
    attempt,
    budget_flops: experiment.budget_flops,
    size_value: experiment.size_value,
    seed: experiment.seed,
    n_tokens_planned: experiment.n_tokens,
    mock: run.mock !== null,
    finished_at: new Date().toISOString(),
    ...(run.fingerprint ? { fingerprint: run.fingerprint } : {}),
  };
  const empty = {
    n_params: experiment.n_params_total, n_params_embedding: experiment.n_params_embedding,
    n_params_non_embedding: experiment.n_params_total - experiment.n_params_embedding,
    n_tokens: null, flops_6nd: null, flops_measured: null, loss: null, train_loss: null, wall_s: null,
  };
  const where = outcome.kind === "cancelled" ? null : {
    host: outcome.where?.host ?? null, slurm_job_id: outcome.where?.slurm_job_id ?? null, cuda_visible_devices: outcome.where?.cuda_visible_devices ?? null,
  };
  switch (outcome.kind) {
    case "result": {
      const m = outcome.message;
      if (m.kind !== "train") return { ...base, ...empty, status: "failed", error: "worker answered a train task with a probe result", worker: outcome.workerId, ...where };
      const { type: _type, kind: _kind, task_id: _task, ...result } = m;
      return { ...base, ...result, engine: m.engine ?? null, worker: outcome.workerId, ...where };
    }
    case "task_error": {
      const m = outcome.message;
      const error = `${m.code}: ${m.message}` + (m.traceback ? `\n${m.traceback.split("\n").slice(-12).join("\n")}` : "");
      return { ...base, ...empty, status: "failed", error, worker: outcome.workerId, ...where };
    }
    case "lost": {
      const tail = outcome.logTail.split("\n").slice(-8).join("\n");
      return { ...base, ...empty, status: "failed", error: outcome.reason + (tail ? `\nworker log tail:\n${tail}` : ""), worker: outcome.workerId, ...where };
    }
    case "cancelled":
      return null; // never started: nothing ran, nothing to record
  }
}

/** Whether another attempt could succeed: crashes and hangs yes, a diverged or OOM run no. */
export function isRetryable(outcome: Outcome): boolean {
  if (outcome.kind === "lost") return true; // handed back or crashed: either may succeed elsewhere
  if (outcome.kind === "task_error") return outcome.message.code === "exception";
  return false;
}

/** Writes an attempt's full error text to logs/errors/ (the console and --json show its last line). */
export function writeErrorLog(runDir: RunDir, record: ResultRecord): void {
  const file = runDir.errorLog(record.experiment_id, record.attempt);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${record.error}\n`);
}

/**
 * Runs `experiments` to their final records: the sweep's points (stage "sweep": results.jsonl,
 * a WSD branch resuming from its trunk's checkpoint), or the learning-rate calibration's
 * (calibration.jsonl). Each attempt's number follows the last one its journal holds. Throws
 * the journal's error once every running experiment has come back, when it could not record.
 */
export async function runExperiments(run: SweepRun, experiments: Experiment[], stage: TrackedStage = "sweep"): Promise<void> {
  const journal = run.journals.get(stage === "sweep" ? "results" : "calibration_runs");
  const maxAttempts = run.config.scheduler.max_attempts;
  let fatal: { error: unknown } | null = null;
  const runOne = async (experiment: Experiment): Promise<void> => {
    let counted = 0; // attempts that used up one of max_attempts (a run its worker handed back does not)
    for (;;) {
      if (run.signal.aborted || fatal) return;
      const attempt = journal.lastAttempt(experiment.experiment_id) + 1;
      const outcome = await run.executor.run(
        experimentTask(run, experiment, attempt, stage),
        (progress) => run.events.emit({ type: "progress", stage, experiment, progress }),
        () => run.events.emit({ type: "started", stage, experiment, attempt }),
      );
      const plain = recordFromOutcome(experiment, attempt, outcome, run);
      if (!plain || fatal) return;
      if (!(outcome.kind === "lost" && outcome.handedBack)) counted += 1;
      const wsd = experiment.wsd;
      const record = branchRecord(experiment, plain);
      // Without its trunk's checkpoint a WSD branch cannot start: retrying it as it is would fail again.
      const willRetry = record.status === "failed" && isRetryable(outcome) && counted < maxAttempts && !run.signal.aborted &&
        (!wsd || branchPointSaved(trunkDir(run.runDir, wsd.trunk_id), wsd.branch_step));
      try {
        journal.append(record);
      } catch (error) {
        fatal ??= { error };
        if (fatal.error === error) run.abort(error);
        return;
      }
      if (record.error) writeErrorLog(run.runDir, record);
      run.events.emit({ type: "recorded", stage, experiment, record, willRetry });
      if (willRetry) continue;
      // A checkpoint only serves a retry; once the result is recorded it is dead weight.
      if (record.status === "completed") rmSync(join(run.runDir.checkpoints, experiment.experiment_id), { recursive: true, force: true });
      return;
    }
  };
  await Promise.all(experiments.map(runOne));
  if (fatal) throw (fatal as { error: unknown }).error;
}
