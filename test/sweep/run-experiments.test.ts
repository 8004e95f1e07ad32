/**
 * runExperiments' retry rule, on a scripted executor (a unit test of failure paths): a run
 * its worker handed back after checkpointing it (time limit, preemption, scancel) resumes
 * without using up an attempt; a crashed worker's run uses one.
 */
import { describe, expect, it } from "vitest";
import { SweepConfig } from "../../src/config/schema.js";
import type { Outcome } from "../../src/scheduler/executor.js";
import { readJournal } from "../../src/store/journal.js";
import { buildExperiments } from "../../src/sweep/experiments.js";
import { runExperiments } from "../../src/sweep/run-experiments.js";
import { countsOf } from "../../src/sweep/sweep-run.js";
import { plan, plugin } from "../planning/one-experiment-fixture.js";
import { scriptedExecutor, type ScriptedExecutor } from "./scripted-executor.js";
import { testRun } from "./sweep-run-fixture.js";

const handedBack: Outcome = { kind: "lost", workerId: "w0", reason: "stopped the run at step 7 (signalled)", logTail: "", handedBack: true };
const crashed: Outcome = { kind: "lost", workerId: "w1", reason: "worker w1 exited with signal SIGKILL", logTail: "" };

function outcomesInTurn(outcomes: Outcome[]): ScriptedExecutor & { calls: number } {
  const executor = scriptedExecutor(() => {
    const outcome = outcomes[executor.tasks.length - 1];
    if (!outcome) throw new Error("the executor was asked for more attempts than scripted");
    return outcome;
  });
  return Object.defineProperty(executor, "calls", { get: () => executor.tasks.length }) as ScriptedExecutor & { calls: number };
}

async function attemptsOf(outcomes: Outcome[], maxAttempts: number) {
  const config = SweepConfig.parse({ planning: { budgets: [1e12] }, scheduler: { max_attempts: maxAttempts } });
  const experiments = buildExperiments(plan, { config, plugin, tokensPerSample: 128, threadsPerWorker: 1, mock: null });
  const executor = outcomesInTurn(outcomes);
  const run = testRun(config, executor);
  await runExperiments(run, experiments);
  const summary = countsOf(run.journals.results.appended);
  return { summary, executor, records: readJournal(run.runDir.results).records };
}

describe("runExperiments: which lost runs use up an attempt", () => {
  it("runs handed back by their worker are resumed without counting: two hand-backs and two crashes under max_attempts 2", async () => {
    const { summary, executor, records } = await attemptsOf([handedBack, handedBack, crashed, crashed], 2);
    expect(executor.calls).toBe(4);
    expect(records.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(records.every((r) => r.status === "failed")).toBe(true);
    expect(records[0]!.error).toMatch(/stopped the run at step 7/);
    expect(summary.failed).toBe(1);
  });

  it("crashes count: max_attempts 2 stops after two crashed attempts", async () => {
    const { summary, executor, records } = await attemptsOf([crashed, crashed, handedBack], 2);
    expect(executor.calls).toBe(2);
    expect(records.map((r) => r.attempt)).toEqual([1, 2]);
    expect(summary.failed).toBe(1);
  });
});
