import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";
import { workerPids } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

/** Checkpoint files written so far (one folder per experiment). */
function checkpoints(out: string): string[] {
  const root = join(out, "checkpoints");
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((id) => readdirSync(join(root, id)).some((f) => !f.endsWith(".tmp")));
}

describe("checkpoints", () => {
  it("a run retried after its worker was killed resumes from its checkpoint, not from step 0", async () => {
    const { config, out } = sweepDir("ckpt", [
      "name: checkpoints",
      "plugin: gpt",
      "planning:",
      "  budgets: [2e11]",
      "  sizes_per_budget: 3",
      "  refine_rounds: 0",
      "  tokens_per_param: 60",
      "  size_values: [16, 24, 32, 48, 64]",
      "training:",
      "  checkpoint_interval_s: 1",
      "  eval_tokens: 4096",
    ]);
    let cliPid = 0;
    let killed = false;
    const killer = setInterval(() => {
      if (killed || cliPid === 0 || checkpoints(out).length === 0) return;
      const pids = workerPids(cliPid);
      if (pids.length === 0) return;
      for (const pid of pids) process.kill(pid, "SIGKILL"); // every worker: whichever holds the checkpointed run
      killed = true;
    }, 200);
    const run = await runCli(["sweep", config, "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    clearInterval(killer);
    // One budget gives no law, so the sweep exits 1 and says so; the runs themselves are what this tests.
    expect(run.code, run.stdout.slice(0, 1500) + run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as { problems: string[] }).problems).toEqual([expect.stringMatching(/^the fit has no usable approach/)]);
    expect(killed).toBe(true);
    const records = readJournal(join(out, "results.jsonl")).records;
    const resumed = records.filter((r) => r.status === "completed" && typeof r.resumed_from_step === "number" && (r.resumed_from_step as number) > 0);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(records.filter((r) => r.status === "completed")).toHaveLength(3);
    // Checkpoints of completed runs are removed.
    expect(checkpoints(out)).toEqual([]);
  }, 300_000);
});
