/**
 * A WSD branch whose trunk checkpoint was damaged (the worker moved it aside and failed the
 * branch) is not retried as it is and is not left missing: the trunk runs once more to rebuild
 * that branch point and the branch runs again, in the same sweep. On a scripted executor whose
 * trunk writes branch checkpoints and whose branch discards a damaged one, as the worker does
 * (py_runtime/tests/test_wsd.py tests the worker's side).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import type { TrainResult, TrainTask } from "../../src/protocol/messages.js";
import type { Outcome } from "../../src/scheduler/executor.js";
import { readJournal } from "../../src/store/journal.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { runTrunks } from "../../src/sweep/run-trunks.js";
import { countsOf } from "../../src/sweep/sweep-run.js";
import { trunkDir as trunkDirOf } from "../../src/sweep/train-tasks.js";
import { trunksOf } from "../../src/sweep/wsd-experiments.js";
import { plan, plugin } from "../planning/one-experiment-fixture.js";
import { scriptedExecutor, type ScriptedExecutor } from "./scripted-executor.js";
import { testRun } from "./sweep-run-fixture.js";

function result(task: TrainTask, status: "completed" | "failed", error: string | null = null): Outcome {
  const message: TrainResult = {
    type: "result", kind: "train", task_id: task.task_id, experiment_id: task.experiment_id, attempt: task.attempt, status,
    n_params: 1e5, n_params_embedding: 1e4, n_params_non_embedding: 9e4, n_tokens: task.n_tokens, steps: 10, tokens_per_step: 128, lr: 1e-3,
    loss: status === "completed" ? 3 : null, train_loss: 3, flops_6nd: 1, flops_measured: null, tokens_per_s: null, wall_s: 0.1, curve: [],
    device: "cpu", world_size: 1, resumed_from_step: null, error, epochs: null,
  };
  return { kind: "result", workerId: "w0", message };
}

/** Trunks write run.json at each branch step; a branch fails on a damaged one after moving it aside, as the worker does. */
function wsdExecutor(): ScriptedExecutor & { roles: () => string[]; onTrunk: () => void } {
  const executor = scriptedExecutor((poolTask, onProgress) => {
    const task = poolTask as TrainTask;
    const wsd = task.wsd!;
    if (wsd.role === "trunk") {
      scripted.onTrunk();
      for (const step of wsd.branch_steps) {
        mkdirSync(join(wsd.trunk_dir, `branch-${step}`, "checkpoint"), { recursive: true });
        writeFileSync(join(wsd.trunk_dir, `branch-${step}`, "checkpoint", "run.json"), JSON.stringify({ step }));
        onProgress?.({ type: "progress", task_id: task.task_id, experiment_id: task.experiment_id, attempt: task.attempt, step, total_steps: step, tokens: 0, total_tokens: 0, train_loss: null, tokens_per_s: null });
      }
      return result(task, "completed");
    }
    const folder = join(wsd.trunk_dir, `branch-${wsd.branch_steps[0]}`, "checkpoint");
    if (readFileSync(join(folder, "run.json"), "utf8").includes("abc")) {
      renameSync(folder, `${folder}.discarded`);
      return result(task, "failed", `trunk ${wsd.trunk_id} has no checkpoint at step ${wsd.branch_steps[0]} (its checkpoint there was unusable): the branch cannot start`);
    }
    return result(task, "completed");
  });
  const scripted = Object.assign(executor, { roles: () => executor.tasks.map((t) => (t as TrainTask).wsd!.role), onTrunk: () => undefined as unknown });
  return scripted;
}

describe("runTrunks heals a damaged branch checkpoint", () => {
  it("a branch whose saved checkpoint is damaged costs one failed attempt; the trunk rebuilds it and the branch completes", async () => {
    const config = SweepConfig.parse({ planning: { budgets: [1e12] }, training: { schedule: "wsd" }, scheduler: { max_attempts: 3 } });
    const experiments = buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null });
    const trunk = trunksOf(experiments)[0]!;
    const branch = trunk.branches[0]!;
    const executor = wsdExecutor();
    const run = testRun(config, executor);
    const trunkDir = trunkDirOf(run.runDir, trunk.trunk_id);
    const discarded = join(trunkDir, `branch-${branch.wsd!.branch_step}`, "checkpoint.discarded");
    // A resumed sweep: the trunk had saved this branch point, whose run.json is now garbage.
    mkdirSync(join(trunkDir, `branch-${branch.wsd!.branch_step}`, "checkpoint"), { recursive: true });
    writeFileSync(join(trunkDir, `branch-${branch.wsd!.branch_step}`, "checkpoint", "run.json"), '{"step": "abc"}');
    let discardedWhenRebuilt = false;
    executor.onTrunk = () => (discardedWhenRebuilt = existsSync(discarded));
    await runTrunks(run, experiments);
    const summary = countsOf(run.journals.results.appended);
    expect(executor.roles()).toEqual(["branch", "trunk", "branch"]);
    expect(summary).toMatchObject({ completed: 1, failed: 0 });
    expect(readJournal(run.runDir.results).records.map((r) => [r.attempt, r.status])).toEqual([[1, "failed"], [2, "completed"]]);
    expect(readJournal(run.runDir.trunks).records.map((r) => r.status)).toEqual(["completed"]);
    // The damaged checkpoint was moved aside (the trunk then rebuilt it); every branch completed, so the trunk's folder went.
    expect(discardedWhenRebuilt).toBe(true);
    expect(existsSync(trunkDir)).toBe(false);
  });
});
