/**
 * runSweep and its stages on a scripted executor (test/sweep/scripted-executor.ts): plan →
 * execute → the outcome counted from the journals, a resume that starts no executor, retries
 * of lost runs, cancellation by the AbortSignal (while probing and while runs run), and a
 * resume after the orchestrator died mid-sweep. Real workers, real processes and real signals:
 * test/integration.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TrainTask } from "../../src/protocol/messages.js";
import type { Outcome } from "../../src/scheduler/executor.js";
import { readJournal } from "../../src/store/journal.js";
import { mockWorker, trainResult, stepsOf } from "./mock-worker.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

const TRUE_A = 0.28 / (0.34 + 0.28);
const quickstart = ["name: quickstart", "plugin: gpt", "planning:", "  budgets: [3e10, 6e10, 1.2e11, 2.5e11, 5e11]", "  sizes_per_budget: 5", "  tokens_per_param: 60", "  span: 4",
  "  size_values: { min: 4, max: 256, count: 48, multiple_of: 4 }", "mock:", "  A: 193.7"];

/** A config of 5 budgets × 4 sizes (20 experiments), as the orchestrator-fault tests sweep it. */
const twenty = ["name: faults", "plugin: gpt", "planning:", "  budgets: [1e11, 3e11, 1e12, 3e12, 1e13]", "  sizes_per_budget: 4", "  refine_rounds: 0", "flops: 6nd"];

const completedIds = (out: string) => readJournal(join(out, "results.jsonl")).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);

describe("the pipeline on a scripted executor", () => {
  it("plans, runs every experiment exactly once, counts the outcome from the journal and fits the known law", async () => {
    const sweep = scriptedSweepDir("pipeline", quickstart);
    const run = await sweepScripted(sweep);
    const plan = JSON.parse(readFileSync(join(sweep.out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }>; refinements: unknown[] };
    const ids = completedIds(sweep.out);
    expect(run.json).toMatchObject({ failed: 0, cancelled: 0, skipped: 0, workers: 2, interrupted: false, problems: [] });
    expect(run.json.completed).toBe(ids.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(plan.experiments.length);
    const planned = run.events.filter((e) => e.type === "planned");
    expect(planned).toHaveLength(1);
    // The probe counted every candidate size, then measured the planned ones; one task per run.
    expect(run.executor.tasks.filter((t) => t.kind === "probe")).toHaveLength(2);
    expect(run.executor.tasks.filter((t) => t.kind === "train")).toHaveLength(ids.length);
    const fit = run.json.fit as { approaches: Record<string, { a: number }>; backtest?: { holdout: number; mean_are: number } };
    expect(Math.abs(fit.approaches["2"]!.a - TRUE_A)).toBeLessThan(0.02);
    expect(fit.backtest?.holdout).toBe(1);
    for (const file of ["config.json", "plan.json", "results.jsonl", "fit.json", "environment.json", "probe.json", "definitions.json"]) expect(existsSync(join(sweep.out, file)), file).toBe(true);

    // Resumed with nothing left: no executor starts, nothing is probed (probe.json), the fit and report are reused.
    const fitWritten = statSync(join(sweep.out, "fit.json")).mtimeMs;
    const again = await sweepScripted(sweep);
    expect(again.started).toBe(false);
    expect(again.json).toMatchObject({ completed: 0, skipped: ids.length });
    expect(statSync(join(sweep.out, "fit.json")).mtimeMs).toBe(fitWritten);
  });

  it("retries runs whose worker was lost: 60 experiments on 4 workers with 10 workers killed complete with exactly 60 unique completed records", async () => {
    const sweep = scriptedSweepDir("kills", [
      "name: many-kills", "plugin: gpt", "planning:", "  budgets: [3e11, 1e12, 3e12, 1e13, 3e13, 1e14]", "  sizes_per_budget: 10", "  refine_rounds: 0",
      "scheduler:", "  max_attempts: 6", "flops: 6nd",
    ]);
    let trains = 0;
    let kills = 0;
    const script = mockWorker(() => {
      trains += 1;
      if (kills >= 10 || trains % 4 !== 0) return null; // every 4th task's worker is killed, ten times
      kills += 1;
      return { kind: "lost", workerId: `w${kills % 4}`, reason: `worker w${kills % 4} (pid ${kills}) killed by SIGKILL`, logTail: "" };
    });
    const run = await sweepScripted(sweep, { script, workers: 4, noFinish: true });
    expect(kills).toBe(10);
    const ids = completedIds(sweep.out);
    expect(ids.length).toBe(60);
    expect(new Set(ids).size).toBe(60);
    const records = readJournal(join(sweep.out, "results.jsonl")).records;
    expect(records.filter((r) => r.status === "failed").every((r) => /killed by SIGKILL/.test(r.error ?? ""))).toBe(true);
    expect(run.outcome).toMatchObject({ completed: 60, failed: 0 });
    // A retried run's attempts are numbered on from the lost one.
    for (const lost of records.filter((r) => r.status === "failed")) expect(records.find((r) => r.experiment_id === lost.experiment_id && r.status === "completed")!.attempt).toBe(lost.attempt + 1);
  });

  it("a signal while sizes are probed: interrupted, nothing recorded, no plan.json, the executor shut down and the lock released", async () => {
    const sweep = scriptedSweepDir("probe-stop", twenty);
    const controller = new AbortController();
    const script = mockWorker();
    const run = await sweepScripted(sweep, {
      signal: controller.signal, noFinish: true,
      script: async (task, onProgress) => {
        if (task.kind !== "probe") return script(task, onProgress);
        controller.abort(); // Ctrl-C while the model is being built
        return { kind: "cancelled", reason: "the pool is shutting down" };
      },
    });
    expect(run.outcome).toMatchObject({ interrupted: true, completed: 0, failed: 0 });
    expect(run.executor.stopped).toBe(true);
    expect(existsSync(join(sweep.out, "plan.json"))).toBe(false);
    expect(readJournal(join(sweep.out, "results.jsonl")).records).toEqual([]);
    expect(existsSync(join(sweep.out, "sweep.lock"))).toBe(false);
  });

  it("a signal while runs run: the running ones are recorded cancelled, queued ones never start, and the sweep says interrupted", async () => {
    const sweep = scriptedSweepDir("cancel", twenty);
    const controller = new AbortController();
    let running = 0;
    // Two workers: each run holds its worker until the executor is shut down, then answers cancelled (as training.py does).
    const script = mockWorker(async (task: TrainTask): Promise<Outcome> => {
      running += 1;
      if (running === 2) controller.abort();
      await executor.whenStopped;
      return trainResult(task, Math.floor(stepsOf(task) / 2), null, { status: "cancelled" });
    });
    let executor!: { whenStopped: Promise<void> };
    const run = await sweepScripted(sweep, {
      signal: controller.signal, noFinish: true,
      script: (task, onProgress) => {
        if (task.kind === "train" && running >= 2) return { kind: "cancelled", reason: "sweep stopped before this run started" };
        return script(task, onProgress);
      },
      onEvent: (_event, scripted) => (executor = scripted),
    });
    const records = readJournal(join(sweep.out, "results.jsonl")).records;
    expect(records.filter((r) => r.status === "cancelled").length).toBe(2);
    expect(records.filter((r) => r.status === "completed").length).toBe(0);
    expect(run.outcome).toMatchObject({ interrupted: true, cancelled: 2, completed: 0, failed: 0 });
    expect(run.executor.stopped).toBe(true);
    expect(existsSync(join(sweep.out, "sweep.lock"))).toBe(false);
  });

  // The orchestrator killed (kill -9) after 0, 1 and 19 of 20 runs had completed, a torn line
  // last (test/integration/orchestrator-faults.test.ts kills a real one midway).
  for (const killAfter of [0, 1, 19]) {
    it(`resumed after the orchestrator died with ${killAfter} completed runs: re-runs none of the completed and completes the rest`, async () => {
      const sweep = scriptedSweepDir("crash", twenty);
      await sweepScripted(sweep, { noFinish: true });
      const results = join(sweep.out, "results.jsonl");
      const lines = readFileSync(results, "utf8").split("\n").filter(Boolean);
      truncateSync(results, lines.slice(0, killAfter).reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0));
      appendFileSync(results, lines[killAfter]!.slice(0, 40)); // the write a kill -9 cut short
      // ... and the lock of the orchestrator that is gone (taken over by the next sweep).
      writeFileSync(join(sweep.out, "sweep.lock"), JSON.stringify({ pid: spawnSync(process.execPath, ["-e", ""]).pid, host: hostname(), started_at: new Date().toISOString(), command: "sweep" }));
      const before = completedIds(sweep.out);
      expect(before.length).toBe(killAfter);

      const resumed = await sweepScripted(sweep, { noFinish: true });
      expect(resumed.events).toContainEqual({ type: "note", text: `repaired a torn last line in ${results} (a write cut short by a crash)` });
      expect(resumed.events.some((e) => e.type === "note" && /stale/.test(e.text))).toBe(true);
      const after = completedIds(sweep.out);
      expect(new Set(after).size).toBe(20);
      expect(resumed.outcome.skipped).toBe(new Set(before).size);
      expect(resumed.outcome.completed).toBe(20 - new Set(before).size);
      // Nothing that had completed ran again.
      expect(after.length).toBe(new Set(after).size);
    });
  }
});
