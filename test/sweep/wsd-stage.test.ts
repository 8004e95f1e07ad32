/**
 * A --mock WSD sweep through the pipeline on a scripted executor (moved from the first test of
 * test/integration/wsd.test.ts; the worker's side of trunks and branches, their checkpoints and
 * fingerprints, is py_runtime/tests/test_wsd.py's, and killing real workers mid-trunk stays in
 * the integration file): every point is a branch of a shared trunk, the law is recovered, the
 * trunks cost less than a cosine sweep, and the trunks' checkpoints go once their branches completed.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import type { Outcome } from "../../src/scheduler/executor.js";
import { mockWorker, saveBranchPoint, trainResult } from "./mock-worker.js";
import type { ScriptedExecutor } from "./scripted-executor.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

const quickstart = readFileSync(join(PROJECT_ROOT, "configs", "quickstart.yaml"), "utf8");
/** The mock surface of configs/quickstart.yaml: a = beta / (alpha + beta). */
const SURFACE_A = 0.28 / (0.34 + 0.28);

/** A sweep of few trunks with many branches each (test/integration/wsd.test.ts kills its real workers). */
const KILL_SWEEP = [
  "name: wsd-kill", "plugin: gpt", "planning:", "  budgets: [1e11, 2e11, 4e11, 8e11, 1.6e12]", "  sizes_per_budget: 3", "  span: 2",
  "  refine_rounds: 0", "training:", "  schedule: wsd", "flops: 6nd",
];

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

function trunkAttempts(out: string): ResultRecord[] {
  return existsSync(join(out, "trunks.jsonl")) ? readJournal(join(out, "trunks.jsonl")).records : [];
}

function trunkCheckpoints(out: string): string[] {
  const dir = join(out, "checkpoints");
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith("trunk-")) : [];
}

describe("a --mock WSD quickstart", () => {
  it("completes every point as a branch of a shared trunk, recovers the surface's a within 0.02, and spends at most 1/1.5 of a cosine sweep", async () => {
    const sweep = scriptedSweepDir("wsd-quickstart", [quickstart.trimEnd(), "training:", "  schedule: wsd", "  cooldown_fraction: 0.2"]);
    const run = await sweepScripted(sweep);
    const summary = run.json;
    const out = sweep.out;
    expect(summary.problems).toEqual([]);
    const records = readJournal(join(out, "results.jsonl")).records;
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }> };
    expect(summary.failed).toBe(0);
    expect(summary.completed).toBe(plan.experiments.length);
    expect(new Set(records.filter((r) => r.status === "completed").map((r) => r.experiment_id))).toEqual(new Set(plan.experiments.map((e) => e.experiment_id)));
    // Every point is its own record, with its trunk and the token at which it branched.
    for (const record of records) {
      expect(record.trunk_id).toMatch(/^trunk-[0-9a-f]{12}$/);
      expect(record.schedule).toBe("wsd");
      expect(record.branch_tokens).toBeGreaterThan(0);
      expect(record.branch_tokens!).toBeLessThan(record.n_tokens!);
      expect(record.loss).toBeGreaterThan(0);
    }
    // Trunks are shared: fewer trunks than points, and none of them is a point.
    const trunks = new Set(records.map((r) => r.trunk_id));
    expect(trunks.size).toBeLessThan(records.length / 2);
    expect(trunkAttempts(out).every((t) => trunks.has(t.experiment_id) && t.loss === null)).toBe(true);
    const fit = summary.fit as { approaches: Record<string, { a: number }> };
    expect(Math.abs(fit.approaches["2"]!.a - SURFACE_A)).toBeLessThan(0.02);
    expect(summary.cost.cosine_equivalent_flops / summary.cost.train_flops).toBeGreaterThanOrEqual(1.5);
    expect(JSON.parse(readFileSync(join(out, "fit.json"), "utf8")).cost).toEqual(summary.cost);
    // Every branch completed: no trunk keeps its checkpoints.
    expect(trunkCheckpoints(out)).toEqual([]);
    expect(readFileSync(join(out, "report", "index.html"), "utf8")).toContain('id="wsd"');
  });

  it("resumed after the orchestrator died mid-sweep: re-runs no completed branch and resumes the unfinished trunks from their branch points", async () => {
    const sweep = scriptedSweepDir("wsd-crash", KILL_SWEEP);
    const controller = new AbortController();
    let executor!: ScriptedExecutor;
    // Each trunk saves its first branch point (where its first branch starts), then trains on until the orchestrator goes.
    const script = mockWorker((task, onProgress) => {
      const wsd = task.wsd;
      if (wsd?.role !== "trunk" || executor.stopped) return null;
      saveBranchPoint(task, wsd.branch_steps[0]!, onProgress);
      return new Promise<Outcome>((resolve) => void executor.whenStopped.then(() => resolve(trainResult(task, wsd.branch_steps[0]!, null, { status: "cancelled" }))));
    });
    // kill -9 once three branches completed: the run directory as it is then is all the next sweep finds.
    const crashed = { ...sweep, out: join(sweep.dir, "crashed") };
    let completed = 0;
    await sweepScripted(sweep, {
      script, signal: controller.signal, noFinish: true,
      onEvent: (event, scripted) => {
        executor = scripted;
        if (event.type !== "recorded" || event.record.status !== "completed" || ++completed !== 3) return;
        cpSync(sweep.out, crashed.out, { recursive: true });
        controller.abort();
      },
    });
    // The dead orchestrator's lock names a process that is gone (its next sweep takes it over).
    const lock = join(crashed.out, "sweep.lock");
    writeFileSync(lock, JSON.stringify({ ...JSON.parse(readFileSync(lock, "utf8")), pid: deadPid() }));
    const results = join(crashed.out, "results.jsonl");
    const completedIds = () => readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    const before = new Set(completedIds());
    expect(before.size).toBe(3);
    expect(trunkCheckpoints(crashed.out).length).toBeGreaterThan(0); // unfinished trunks kept their branch points

    const resumed = await sweepScripted(crashed, { noFinish: true });
    const plan = JSON.parse(readFileSync(join(crashed.out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }> };
    const after = completedIds();
    expect(resumed.outcome.skipped).toBe(before.size);
    expect(resumed.outcome.completed).toBe(plan.experiments.length - before.size);
    expect(after.length).toBe(plan.experiments.length);
    expect(new Set(after).size).toBe(after.length); // nothing that had completed ran again
    // The trunks resumed from the branch points they had saved, and their checkpoints went once every branch completed.
    expect(trunkAttempts(crashed.out).filter((t) => t.status === "completed").every((t) => (t.resumed_from_step ?? 0) > 0)).toBe(true);
    expect(trunkCheckpoints(crashed.out)).toEqual([]);
  });

  it("a trunk whose worker is lost resumes from its last branch checkpoint; every branch completes exactly once, and a resumed sweep re-runs none", async () => {
    const sweep = scriptedSweepDir("wsd-lost", KILL_SWEEP);
    const lost = new Set<string>();
    // A trunk's first attempt saves its first branch point, then its worker is killed (as kill -9 would).
    const script = mockWorker((task) => {
      const wsd = task.wsd;
      if (wsd?.role !== "trunk" || lost.has(wsd.trunk_id) || wsd.branch_steps.length < 2) return null;
      lost.add(wsd.trunk_id);
      saveBranchPoint(task, wsd.branch_steps[0]!);
      return { kind: "lost", workerId: "w0", reason: `worker w0 (pid 1) killed by SIGKILL`, logTail: "" };
    });
    const run = await sweepScripted(sweep, { script, noFinish: true });
    const plan = JSON.parse(readFileSync(join(sweep.out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }> };
    const completed = readJournal(join(sweep.out, "results.jsonl")).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(run.outcome).toMatchObject({ completed: plan.experiments.length, failed: 0 });
    expect(completed.length).toBe(plan.experiments.length);
    expect(new Set(completed).size).toBe(plan.experiments.length);
    expect(lost.size).toBeGreaterThan(0);
    for (const trunk of lost) {
      const mine = trunkAttempts(sweep.out).filter((t) => t.experiment_id === trunk);
      expect(mine.map((t) => t.status)).toEqual(["failed", "completed"]);
      expect(mine[0]!.error).toMatch(/SIGKILL/);
      expect(mine[1]!.resumed_from_step ?? 0).toBeGreaterThan(0);
    }
    expect(trunkCheckpoints(sweep.out)).toEqual([]);
    const again = await sweepScripted(sweep, { noFinish: true });
    expect(again.outcome).toMatchObject({ completed: 0, skipped: plan.experiments.length });
    expect(again.started).toBe(false);
  });
});
