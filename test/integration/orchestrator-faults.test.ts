import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { alive, descendants, waitFor } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

const EXPERIMENTS = 20;

function faultSweep(prefix: string, delayS: number) {
  return sweepDir(prefix, [
    "name: faults",
    "plugin: gpt",
    "planning:",
    "  budgets: [1e11, 3e11, 1e12, 3e12, 1e13]",
    "  sizes_per_budget: 4",
    "  refine_rounds: 0",
    "mock:",
    `  delay_s: ${delayS}`,
    "flops: 6nd",
  ]);
}

function completedCount(results: string): number {
  if (!existsSync(results)) return 0;
  return readFileSync(results, "utf8").split("\n").filter((line) => line.includes('"status":"completed"')).length;
}

// Killed after 0, 1 and 19 of the 20: the resume is test/sweep/pipeline.test.ts's (on a scripted executor).
describe("the orchestrator killed with kill -9", () => {
  for (const killAfter of [EXPERIMENTS / 2]) {
    it(`after ${killAfter} completed runs: workers exit on their own, and sweep again re-runs none of the completed`, async () => {
      const { config, out, results } = faultSweep("orch", 0.4);
      let workers: number[] = [];
      let cliPid = 0;
      const running = runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
      const reached = await waitFor(() => {
        workers = cliPid ? descendants(cliPid) : [];
        return workers.length >= 2 && completedCount(results) >= killAfter && existsSync(join(out, "plan.json"));
      }, 120_000);
      expect(reached).toBe(true);
      process.kill(cliPid, "SIGKILL");
      const killed = await running;
      expect(killed.signal).toBe("SIGKILL");
      const before = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
      expect(before.length).toBeGreaterThanOrEqual(killAfter);
      // Orphaned workers notice (stdin closed) and exit.
      expect(await waitFor(() => workers.every((pid) => !alive(pid)), 15_000)).toBe(true);

      const resumed = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
      expect(resumed.code, resumed.stderr).toBe(0);
      const summary = JSON.parse(resumed.stdout) as { completed: number; skipped: number };
      const after = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
      expect(new Set(after).size).toBe(EXPERIMENTS);
      expect(summary.skipped).toBe(new Set(before).size);
      expect(summary.completed).toBe(EXPERIMENTS - new Set(before).size);
      // Nothing that had completed ran again.
      expect(after.length).toBe(new Set(after).size);
    }, 240_000);
  }
});

describe("Ctrl-C during a sweep", () => {
  it("cancels running experiments, records them cancelled, and leaves no process behind", async () => {
    const { config, out } = faultSweep("int", 30);
    let cliPid = 0;
    let workers: number[] = [];
    let stderr = "";
    const running = runCli(["sweep", config, "--mock", "--out", out, "--workers", "2", "--bootstrap", "0"], {
      onSpawn: (pid) => (cliPid = pid),
      onStderr: (text) => (stderr += text),
    });
    // A "start" line is printed when a worker takes a run: wait until both workers hold one.
    const started = await waitFor(() => {
      workers = cliPid ? descendants(cliPid) : [];
      return (stderr.match(/^start /gm) ?? []).length >= 2;
    }, 120_000);
    expect(started).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // let both workers get into their 30 s runs
    process.kill(cliPid, "SIGINT");
    const run = await running;
    expect(run.code).toBe(130);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records.filter((r) => r.status === "cancelled").length).toBe(2);
    expect(records.filter((r) => r.status === "completed").length).toBe(0);
    expect(await waitFor(() => workers.every((pid) => !alive(pid)), 10_000)).toBe(true);
  }, 180_000);
});
