/**
 * Runs a WSD sweep (docs/training.md, "WSD"): each trunk is one task on the pool; as the
 * trunk saves the checkpoint at a branch point, that branch becomes an ordinary task (resume
 * from the checkpoint, cool down, evaluate) that any worker may take while the trunk goes on.
 *
 * Crash safety: a trunk attempt that is lost (worker killed, hang) is retried and resumes from
 * its latest checkpoint; a branch is an experiment like any other (runExperiments: journalled
 * before anyone is told, retried when lost). On a resumed sweep, a branch whose checkpoint
 * exists starts at once and a trunk runs only for branches that still lack theirs; completed
 * branches are never passed here. A branch that fails because its checkpoint was damaged (the
 * worker moves it aside, so its branch point is no longer saved) is not retried as it is: once
 * the trunk's own attempts are over, the trunk runs once more to rebuild the missing branch
 * points, and those branches run again. A trunk's checkpoints are removed once all its branches
 * have completed. Trunk attempts are recorded in their own journal (trunks.jsonl), never
 * among the points the fit reads.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TrainTask } from "../protocol/messages.js";
import type { Executor } from "../scheduler/executor.js";
import type { Journal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import type { Experiment } from "./experiments.js";
import { isRetryable, recordFromOutcome, runExperiments, type RunOptions, type RunSummary } from "./run-experiments.js";
import { trainedFlops } from "../store/run-cost.js";
import { trunksOf, type Trunk } from "./wsd-experiments.js";

export interface TrunkRunOptions extends RunOptions {
  /** Where a trunk keeps its checkpoints (`branch-<step>/` per branch point). */
  trunkDir(trunkId: string): string;
  /** The trunk's task for one attempt, saving checkpoints at `branchSteps`. */
  trunkTask(trunk: Trunk, attempt: number, branchSteps: number[]): TrainTask;
  /** Where trunk attempts are recorded (trunks.jsonl). */
  trunkJournal: Journal;
  /** Called once every branch of a trunk given here has completed (e.g. remove its checkpoints). */
  onTrunkDone?(trunk: Trunk): void;
}

/** The branch's fields in its record: its trunk, where it branched, and the FLOPs this attempt trained. */
export function branchRecord(experiment: Experiment, record: ResultRecord): ResultRecord {
  const wsd = experiment.wsd;
  if (!wsd) return record;
  return { ...record, schedule: "wsd", trunk_id: wsd.trunk_id, branch_step: wsd.branch_step, branch_tokens: wsd.branch_tokens, train_flops: trainedFlops(record) };
}

/** Whether the trunk's checkpoint at `step` is on disk (the worker checks whose it is). */
export function branchPointSaved(trunkDir: string, step: number): boolean {
  return existsSync(join(trunkDir, `branch-${step}`, "checkpoint", "run.json"));
}

export async function runTrunks(pool: Executor, experiments: Experiment[], journal: Journal, options: TrunkRunOptions): Promise<RunSummary> {
  const summary: RunSummary = { completed: 0, failed: 0, cancelled: 0, records: [] };
  const trunkAttempts = new Map<string, number>();
  for (const record of options.trunkJournal.existing) trunkAttempts.set(record.experiment_id, Math.max(trunkAttempts.get(record.experiment_id) ?? 0, record.attempt));
  const branchOptions = (dir: string): RunOptions => ({
    ...options, decorate: branchRecord,
    // Without its trunk's checkpoint a branch cannot start: retrying it as it is would fail again.
    canRetry: (branch) => branchPointSaved(dir, branch.wsd!.branch_step),
  });
  const add = (part: RunSummary) => {
    summary.completed += part.completed;
    summary.failed += part.failed;
    summary.cancelled += part.cancelled;
    summary.records.push(...part.records);
  };

  const runTrunk = async (trunk: Trunk): Promise<void> => {
    const dir = options.trunkDir(trunk.trunk_id);
    const launched = new Set<string>();
    const runs: Array<Promise<RunSummary>> = [];
    const launch = (branch: Experiment) => {
      launched.add(branch.experiment_id);
      runs.push(runExperiments(pool, [branch], journal, branchOptions(dir)));
    };
    const attempts = { used: trunkAttempts.get(trunk.trunk_id) ?? 0 };
    const launchReady = () => {
      for (const branch of trunk.branches) {
        if (!launched.has(branch.experiment_id) && branchPointSaved(dir, branch.wsd!.branch_step)) launch(branch);
      }
    };
    launchReady();
    const needed = trunk.branches.filter((b) => !launched.has(b.experiment_id));
    if (needed.length > 0) {
      const failure = await runTrunkAttempts(pool, trunk, needed, attempts, options, launchReady);
      launchReady();
      for (const branch of trunk.branches.filter((b) => !launched.has(b.experiment_id))) {
        if (failure === null) launch(branch); // the trunk completed: the worker names a missing checkpoint
        else if (failure !== "stopped") add(recordTrunkFailure(branch, failure, journal, options));
      }
    }
    const parts = await rebuildLostBranchPoints(pool, trunk, dir, await Promise.all(runs), attempts, journal, options, branchOptions(dir));
    parts.forEach(add);
    const completed = parts.reduce((sum, part) => sum + part.completed, 0);
    if (completed === trunk.branches.length) options.onTrunkDone?.(trunk);
  };

  const outcomes = await Promise.allSettled(trunksOf(experiments).map(runTrunk));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (rejected) throw rejected.reason;
  return summary;
}

/**
 * Branches that failed because their branch point's checkpoint is gone (found damaged and moved
 * aside by the worker): the trunk runs once more for those branch points, then they run again.
 * `parts` holds one summary per launched branch; a healed branch's summary replaces its failure.
 */
async function rebuildLostBranchPoints(pool: Executor, trunk: Trunk, dir: string, parts: RunSummary[], attempts: { used: number }, journal: Journal, options: TrunkRunOptions, branchOptions: RunOptions): Promise<RunSummary[]> {
  const lost = parts.filter((part) => part.failed === 1 && part.records.length > 0).filter((part) => {
    const branch = trunk.branches.find((b) => b.experiment_id === part.records[0]!.experiment_id);
    return branch !== undefined && !branchPointSaved(dir, branch.wsd!.branch_step);
  });
  if (lost.length === 0 || options.signal?.aborted) return parts;
  const branches = trunk.branches.filter((b) => lost.some((part) => part.records[0]!.experiment_id === b.experiment_id));
  if ((await runTrunkAttempts(pool, trunk, branches, attempts, options, () => undefined)) !== null) return parts;
  // The branches' attempts go on from the failed ones.
  const previousAttempts = new Map(branchOptions.previousAttempts);
  for (const part of lost) previousAttempts.set(part.records[0]!.experiment_id, Math.max(...part.records.map((r) => r.attempt)));
  const again = new Map(await Promise.all(branches.map(async (branch) => [branch.experiment_id, await runExperiments(pool, [branch], journal, { ...branchOptions, previousAttempts })] as const)));
  return parts.map((part) => {
    const healed = lost.includes(part) ? again.get(part.records[0]!.experiment_id) : undefined;
    return healed ? { ...healed, records: [...part.records, ...healed.records] } : part;
  });
}

/** Runs the trunk until it completes (null), fails for good (its error), or the sweep stops ("stopped"). */
async function runTrunkAttempts(pool: Executor, trunk: Trunk, needed: Experiment[], attempts: { used: number }, options: TrunkRunOptions, onSaved: () => void): Promise<string | null> {
  const steps = [...new Set(needed.map((b) => b.wsd!.branch_step))].sort((a, b) => a - b);
  const asExperiment = trunkExperiment(trunk, steps);
  let counted = 0; // attempts that used up one of max_attempts (a run its worker handed back does not)
  const observer = options.observer;
  observer?.onTrunk?.(asExperiment);
  for (;;) {
    if (options.signal?.aborted) return "stopped";
    const attempt = (attempts.used += 1);
    const outcome = await pool.run(
      options.trunkTask(trunk, attempt, steps),
      (progress) => {
        observer?.onProgress?.(asExperiment, progress);
        onSaved();
      },
      () => observer?.onStart?.(asExperiment, attempt),
    );
    const plain = recordFromOutcome(asExperiment, attempt, outcome, options);
    if (!plain) return "stopped";
    if (!(outcome.kind === "lost" && outcome.handedBack)) counted += 1;
    const record: ResultRecord = { ...plain, role: "trunk", schedule: "wsd", trunk_id: trunk.trunk_id, branch_steps: steps, train_flops: trainedFlops(plain) };
    try {
      options.trunkJournal.append(record);
    } catch (error) {
      options.onFatal?.(error);
      throw error;
    }
    if (record.error) options.onError?.(record);
    const retry = record.status === "failed" && isRetryable(outcome) && counted < options.maxAttempts && !options.signal?.aborted;
    observer?.onRecord?.(asExperiment, record, retry);
    if (record.status === "completed") return null;
    if (record.status === "cancelled" || options.signal?.aborted) return "stopped";
    if (retry) continue;
    return `trunk ${trunk.trunk_id} ${record.status}: ${(record.error ?? "").split("\n")[0]}`;
  }
}

/** The trunk as the record builder sees an experiment: its size, its steps' tokens, the largest budget it serves. */
function trunkExperiment(trunk: Trunk, steps: number[]): Experiment {
  const first = trunk.branches[0]!;
  const last = Math.max(...steps);
  return {
    ...first, experiment_id: trunk.trunk_id, n_tokens: last * first.wsd!.tokens_per_step,
    budget_flops: Math.max(...trunk.branches.map((b) => b.budget_flops)),
  };
}

/** A branch whose trunk failed for good: recorded failed (a resumed sweep tries again). */
function recordTrunkFailure(branch: Experiment, error: string, journal: Journal, options: TrunkRunOptions): RunSummary {
  const attempt = (options.previousAttempts.get(branch.experiment_id) ?? 0) + 1;
  const plain = recordFromOutcome(branch, attempt, { kind: "lost", reason: error, logTail: "", workerId: "" }, options)!;
  const record = branchRecord(branch, { ...plain, worker: null });
  journal.append(record);
  options.onError?.(record);
  options.observer?.onRecord?.(branch, record, false);
  return { completed: 0, failed: 1, cancelled: 0, records: [record] };
}
