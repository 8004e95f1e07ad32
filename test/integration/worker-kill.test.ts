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

// 60 experiments on 4 workers with 10 workers killed: test/sweep/pipeline.test.ts (the retries, on a scripted executor).
