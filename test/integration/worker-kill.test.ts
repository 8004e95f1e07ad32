import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";

/** Python worker processes started by the CLI process `pid`. */
function workerPids(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid), "-f", "flops_fit_worker"]).toString().trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe("a worker killed with kill -9 mid-sweep", () => {
  it("is replaced, its run retried, and every experiment completed exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-kill-"));
    const config = join(dir, "sweep.yaml");
    writeFileSync(config, [
      "name: kill-test",
      "plugin: gpt",
      "planning:",
      "  budgets: [1e11, 3e11, 1e12, 3e12, 1e13]",
      "  sizes_per_budget: 4",
      "mock:",
      "  delay_s: 0.6",
      "flops: 6nd",
    ].join("\n"));
    const out = join(dir, "run");
    let killed = 0;
    let cliPid = 0;
    const killer = setInterval(() => {
      if (killed > 0 || cliPid === 0) return;
      const pids = workerPids(cliPid);
      if (pids.length < 2) return;
      process.kill(pids[0]!, "SIGKILL");
      killed += 1;
    }, 3000);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    clearInterval(killer);
    expect(run.code, run.stderr).toBe(0);
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
