import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { workerPids } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

describe("a worker killed with kill -9 mid-sweep", () => {
  it("is replaced, its run retried, and every experiment completed exactly once", async () => {
    const { config, out, results } = sweepDir("kill", [
      "name: kill-test",
      "plugin: gpt",
      "planning:",
      "  budgets: [1e11, 3e11, 1e12, 3e12, 1e13]",
      "  sizes_per_budget: 4",
      "  refine_rounds: 0",
      "mock:",
      "  delay_s: 0.6",
      "flops: 6nd",
    ]);
    let killed = 0;
    let cliPid = 0;
    const killer = setInterval(() => {
      // Once training is under way (two runs recorded, 18 queued), every started worker is
      // busy but for the instant between a result and its next task; killing every worker
      // process (not a chosen one, which might still be importing torch) makes sure a
      // running experiment is lost, whatever the start-up timing was.
      if (killed > 0 || cliPid === 0 || !existsSync(results) || readFileSync(results, "utf8").split("\n").length < 3) return;
      const pids = workerPids(cliPid);
      if (pids.length < 2) return;
      for (const pid of pids) process.kill(pid, "SIGKILL");
      killed += 1;
    }, 200);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    clearInterval(killer);
    expect(run.code, run.stdout.slice(0, 2000) + run.stderr).toBe(0);
    expect(killed).toBe(1);
    const records = readJournal(join(out, "results.jsonl")).records;
    const completed = records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(20);
    expect(new Set(completed).size).toBe(20);
    const crashed = records.filter((r) => r.status === "failed");
    expect(crashed.length).toBeGreaterThanOrEqual(1);
    expect(crashed[0]!.error).toMatch(/killed by SIGKILL/);
  }, 240_000);
});

describe("a 60-experiment sweep on 4 workers with 10 worker kills", () => {
  it("completes with exactly 60 unique completed records", async () => {
    const { config, out, results } = sweepDir("kills", [
      "name: many-kills",
      "plugin: gpt",
      "planning:",
      "  budgets: [3e11, 1e12, 3e12, 1e13, 3e13, 1e14]",
      "  sizes_per_budget: 10",
      "  refine_rounds: 0",
      "mock:",
      "  delay_s: 1.5",
      "scheduler:",
      "  max_attempts: 6",
      "flops: 6nd",
    ]);
    let cliPid = 0;
    let kills = 0;
    let lastKill = 0;
    // 60 runs of 1.5 s on 4 workers take >= 22 s; ten kills 1 s apart fit well inside that
    // even when replacements are slow to start on a loaded machine.
    const killer = setInterval(() => {
      if (kills >= 10 || cliPid === 0 || !existsSync(results) || Date.now() - lastKill < 1000) return;
      const pids = workerPids(cliPid);
      if (pids.length < 4) return; // wait for the replacements, so every kill hits a working pool
      process.kill(pids[kills % pids.length]!, "SIGKILL");
      kills += 1;
      lastKill = Date.now();
    }, 100);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "4", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    clearInterval(killer);
    expect(run.code, run.stdout.slice(0, 2000) + run.stderr).toBe(0);
    expect(kills).toBe(10);
    const records = readJournal(results).records;
    const completed = records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(60);
    expect(new Set(completed).size).toBe(60);
  }, 300_000);
});
