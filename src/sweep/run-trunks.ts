/**
 * Runs a WSD sweep (docs/training.md, "WSD"): each trunk is one task on the executor; as the
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
 * among the points the fit reads; each is told on the sweep's event stream like a run.
 */
import { rmSync } from "node:fs";
import type { ResultRecord } from "../store/record.js";
import { trainedFlops } from "../store/run-cost.js";
import { branchPointSaved, branchRecord } from "./branch-records.js";
import type { Experiment } from "./experiments.js";
import { isRetryable, recordFromOutcome, runExperiments, writeErrorLog } from "./run-experiments.js";
import type { SweepRun } from "./sweep-run.js";
import { trunkDir, trunkTask } from "./train-tasks.js";
import { trunksOf, type Trunk } from "./wsd-experiments.js";

/**
 * Runs the WSD points `experiments` (branches of their trunks) until each has its final record;
 * `keepCheckpoints`: a trunk's checkpoints stay once its branches are done (an adaptive sweep
 * branches off them again, adaptive-stage.ts, and removes them when it stops).
 */
export async function runTrunks(run: SweepRun, experiments: Experiment[], options: { keepCheckpoints?: boolean } = {}): Promise<void> {
  const runTrunk = async (trunk: Trunk): Promise<void> => {
    const dir = trunkDir(run.runDir, trunk.trunk_id);
    const launched = new Set<string>();
    const runs: Array<Promise<void>> = [];
    const launch = (branch: Experiment) => {
      launched.add(branch.experiment_id);
      runs.push(runExperiments(run, [branch]));
    };
    const launchReady = () => {
      for (const branch of trunk.branches) {
        if (!launched.has(branch.experiment_id) && branchPointSaved(dir, branch.wsd!.branch_step)) launch(branch);
      }
    };
    launchReady();
    const needed = trunk.branches.filter((b) => !launched.has(b.experiment_id));
    if (needed.length > 0) {
      const failure = await runTrunkAttempts(run, trunk, needed, launchReady);
      launchReady();
      for (const branch of trunk.branches.filter((b) => !launched.has(b.experiment_id))) {
        if (failure === null) launch(branch); // the trunk completed: the worker names a missing checkpoint
        else if (failure !== "stopped") recordTrunkFailure(run, branch, failure);
      }
    }
    await Promise.all(runs);
    await rebuildLostBranchPoints(run, trunk, dir, launched);
    // A trunk's checkpoints serve its branches only: once all have completed they go.
    if (!options.keepCheckpoints && trunk.branches.every((b) => finalRecord(run, b)?.status === "completed")) rmSync(dir, { recursive: true, force: true });
  };

  const outcomes = await Promise.allSettled(trunksOf(experiments).map(runTrunk));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (rejected) throw rejected.reason;
}

/** This invocation's last record of an experiment, if it has one. */
function finalRecord(run: SweepRun, experiment: Experiment): ResultRecord | undefined {
  return run.journals.results.appended.findLast((r) => r.experiment_id === experiment.experiment_id);
}

/**
 * Branches launched here that failed because their branch point's checkpoint is gone (found
 * damaged and moved aside by the worker): the trunk runs once more for those branch points,
 * then they run again.
 */
async function rebuildLostBranchPoints(run: SweepRun, trunk: Trunk, dir: string, launched: ReadonlySet<string>): Promise<void> {
  const lost = trunk.branches.filter((branch) => {
    const last = launched.has(branch.experiment_id) ? finalRecord(run, branch) : undefined;
    return last !== undefined && last.status !== "completed" && last.status !== "cancelled" && !branchPointSaved(dir, branch.wsd!.branch_step);
  });
  if (lost.length === 0 || run.signal.aborted) return;
  if ((await runTrunkAttempts(run, trunk, lost, () => undefined)) !== null) return;
  // The branches' attempts go on from the failed ones.
  await Promise.all(lost.map((branch) => runExperiments(run, [branch])));
}

/** Runs the trunk until it completes (null), fails for good (its error), or the sweep stops ("stopped"). */
async function runTrunkAttempts(run: SweepRun, trunk: Trunk, needed: Experiment[], onSaved: () => void): Promise<string | null> {
  const journal = run.journals.get("trunks");
  const steps = [...new Set(needed.map((b) => b.wsd!.branch_step))].sort((a, b) => a - b);
  const asExperiment = trunkExperiment(trunk, steps);
  let counted = 0; // attempts that used up one of max_attempts (a run its worker handed back does not)
  run.events.emit({ type: "trunk", trunk: asExperiment });
  for (;;) {
    if (run.signal.aborted) return "stopped";
    const attempt = journal.lastAttempt(trunk.trunk_id) + 1;
    const outcome = await run.executor.run(
      trunkTask(run, trunk, attempt, steps),
      (progress) => {
        run.events.emit({ type: "progress", stage: "sweep", experiment: asExperiment, progress });
        onSaved();
      },
      () => run.events.emit({ type: "started", stage: "sweep", experiment: asExperiment, attempt }),
    );
    const plain = recordFromOutcome(asExperiment, attempt, outcome, run);
    if (!plain) return "stopped";
    if (!(outcome.kind === "lost" && outcome.handedBack)) counted += 1;
    const record: ResultRecord = { ...plain, role: "trunk", schedule: "wsd", trunk_id: trunk.trunk_id, branch_steps: steps, train_flops: trainedFlops(plain) };
    try {
      journal.append(record);
    } catch (error) {
      run.abort(error);
      throw error;
    }
    if (record.error) writeErrorLog(run.runDir, record);
    const retry = record.status === "failed" && isRetryable(outcome) && counted < run.config.scheduler.max_attempts && !run.signal.aborted;
    run.events.emit({ type: "recorded", stage: "sweep", experiment: asExperiment, record, willRetry: retry });
    if (record.status === "completed") return null;
    if (record.status === "cancelled" || run.signal.aborted) return "stopped";
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
function recordTrunkFailure(run: SweepRun, branch: Experiment, error: string): void {
  const journal = run.journals.results;
  const attempt = journal.lastAttempt(branch.experiment_id) + 1;
  const plain = recordFromOutcome(branch, attempt, { kind: "lost", reason: error, logTail: "", workerId: "" }, run)!;
  const record = branchRecord(branch, { ...plain, worker: null });
  journal.append(record);
  writeErrorLog(run.runDir, record);
  run.events.emit({ type: "recorded", stage: "sweep", experiment: branch, record, willRetry: false });
}
