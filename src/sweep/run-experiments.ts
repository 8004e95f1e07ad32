/**
 * Runs experiments on the pool until each has a final record: a completed run, a run that
 * failed as data (diverged, oom, failed inside training), or `max_attempts` lost attempts
 * (worker crash, hang, no progress). A run that its worker handed back after checkpointing it
 * (the job was signalled: time limit, preemption, scancel) is not the run's fault: it resumes
 * elsewhere without using up an attempt (how often is bounded by the executor's replacement
 * limit). Every finished attempt is appended to the journal
 * before anything else happens (and before anyone is told), so a crash of the
 * orchestrator loses nothing recorded. When the journal cannot record (a full disk), the
 * run stops: `onFatal` is called, no further attempt starts, and the error is thrown once
 * every running experiment has come back.
 */
import type { Progress, TrainTask } from "../protocol/messages.js";
import type { Executor, Outcome } from "../scheduler/executor.js";
import type { Journal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import type { Experiment } from "./experiments.js";

export interface RunObserver {
  /** A worker took this attempt (queued attempts are not started). */
  onStart?(experiment: Experiment, attempt: number): void;
  onProgress?(experiment: Experiment, progress: Progress): void;
  onRecord?(experiment: Experiment, record: ResultRecord, willRetry: boolean): void;
  /**
   * A WSD trunk will train (run-trunks.ts): counted in the progress totals. Its attempts then
   * come as onStart/onProgress/onRecord of `trunk` (the trunk as an experiment; its records
   * have role "trunk" and are not points).
   */
  onTrunk?(trunk: Experiment): void;
}

export interface RunOptions {
  maxAttempts: number;
  /** Builds the task for one attempt. */
  task(experiment: Experiment, attempt: number): TrainTask;
  /** Attempts already used per experiment (from earlier invocations). */
  previousAttempts: Map<string, number>;
  mock: boolean;
  /** The sweep definition's fingerprint, stamped on every record. */
  fingerprint?: string;
  observer?: RunObserver;
  signal?: AbortSignal;
  /** Called after an experiment's completed record is safely in the journal (e.g. drop its checkpoint). */
  onCompleted?(experiment: Experiment): void;
  /** Called after a record with an error is in the journal (e.g. write the full text to logs/). */
  onError?(record: ResultRecord): void;
  /** Called once when the journal fails to record (e.g. to cancel the running experiments). */
  onFatal?(error: unknown): void;
  /** Whether a retryable failure may be retried now (default: yes); e.g. not a WSD branch whose trunk checkpoint is gone. */
  canRetry?(experiment: Experiment): boolean;
  /** Adds fields to an attempt's record before it is journalled (e.g. a WSD branch's trunk). */
  decorate?(experiment: Experiment, record: ResultRecord): ResultRecord;
}

export interface RunSummary {
  completed: number;
  failed: number;
  cancelled: number;
  records: ResultRecord[];
}

export function recordFromOutcome(experiment: Experiment, attempt: number, outcome: Outcome, options: Pick<RunOptions, "mock" | "fingerprint">): ResultRecord | null {
  const base = {
    experiment_id: experiment.experiment_id,
    attempt,
    budget_flops: experiment.budget_flops,
    size_value: experiment.size_value,
    seed: experiment.seed,
    n_tokens_planned: experiment.n_tokens,
    mock: options.mock,
    finished_at: new Date().toISOString(),
    ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
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

export async function runExperiments(pool: Executor, experiments: Experiment[], journal: Journal, options: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { completed: 0, failed: 0, cancelled: 0, records: [] };
  let fatal: { error: unknown } | null = null;
  const runOne = async (experiment: Experiment): Promise<void> => {
    let attempt = options.previousAttempts.get(experiment.experiment_id) ?? 0;
    let attemptsHere = 0;
    for (;;) {
      if (options.signal?.aborted || fatal) return;
      attempt += 1;
      const outcome = await pool.run(
        options.task(experiment, attempt),
        (progress) => options.observer?.onProgress?.(experiment, progress),
        () => options.observer?.onStart?.(experiment, attempt),
      );
      const plain = recordFromOutcome(experiment, attempt, outcome, options);
      if (!plain || fatal) return;
      if (!(outcome.kind === "lost" && outcome.handedBack)) attemptsHere += 1;
      const record = options.decorate ? options.decorate(experiment, plain) : plain;
      const willRetry = record.status === "failed" && isRetryable(outcome) && attemptsHere < options.maxAttempts && !options.signal?.aborted &&
        (options.canRetry?.(experiment) ?? true);
      try {
        journal.append(record);
      } catch (error) {
        fatal ??= { error };
        if (fatal.error === error) options.onFatal?.(error);
        return;
      }
      if (record.error) options.onError?.(record);
      summary.records.push(record);
      options.observer?.onRecord?.(experiment, record, willRetry);
      if (willRetry) continue;
      if (record.status === "completed") {
        summary.completed += 1;
        options.onCompleted?.(experiment);
      }
      else if (record.status === "cancelled") summary.cancelled += 1;
      else summary.failed += 1;
      return;
    }
  };
  await Promise.all(experiments.map(runOne));
  if (fatal) throw (fatal as { error: unknown }).error;
  return summary;
}
