/**
 * A WSD sweep whose workers are killed (real workers, real processes): the trunk resumes from
 * its checkpoint, and every branch completes exactly once. The pipeline of a WSD sweep
 * (branches, the law, the cost, the report, a resume after the orchestrator died) is
 * test/sweep/wsd-stage.test.ts's, on a scripted executor.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import { runCli } from "./cli.js";
import { workerPids } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

function branches(out: string): ResultRecord[] {
  return readJournal(join(out, "results.jsonl")).records;
}

function trunkAttempts(out: string): ResultRecord[] {
  return existsSync(join(out, "trunks.jsonl")) ? readJournal(join(out, "trunks.jsonl")).records : [];
}

function trunkCheckpoints(out: string): string[] {
  const dir = join(out, "checkpoints");
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith("trunk-")) : [];
}

/** A sweep of few trunks with many branches each, whose mock trunks take seconds. */
function killSweep(prefix: string) {
  return sweepDir(prefix, [
    "name: wsd-kill",
    "plugin: gpt",
    "planning:",
    "  budgets: [1e11, 2e11, 4e11, 8e11, 1.6e12]",
    "  sizes_per_budget: 3",
    "  span: 2",
    "  refine_rounds: 0",
    "training:",
    "  schedule: wsd",
    "mock:",
    "  delay_s: 3",
    "flops: 6nd",
  ]);
}

describe("a WSD sweep whose workers are killed with kill -9 while trunks run", () => {
  it("resumes the trunk from its last branch checkpoint and completes every branch exactly once", async () => {
    const { config, out } = killSweep("wsd-worker-kill");
    let cliPid = 0;
    let killed = 0;
    let killedTrunks: string[] = [];
    const killer = setInterval(() => {
      if (killed > 0 || cliPid === 0) return;
      const done = new Set(trunkAttempts(out).filter((t) => t.status === "completed").map((t) => t.experiment_id));
      // A trunk that has saved a branch point and not finished is running on some worker.
      const midway = trunkCheckpoints(out).filter((id) => !done.has(id) && readdirSync(join(out, "checkpoints", id)).some((name) => name.startsWith("branch-")));
      const pids = workerPids(cliPid);
      if (midway.length === 0 || pids.length < 2) return;
      for (const pid of pids) process.kill(pid, "SIGKILL");
      killedTrunks = midway;
      killed += 1;
    }, 100);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    clearInterval(killer);
    expect(run.code, run.stdout.slice(0, 2000) + run.stderr).toBe(0);
    expect(killed).toBe(1);
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }> };
    const completed = branches(out).filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(plan.experiments.length);
    expect(new Set(completed).size).toBe(plan.experiments.length);
    // The killed trunk's attempt was lost, and its next attempt resumed from a branch checkpoint, not step 0.
    const attempts = trunkAttempts(out);
    for (const trunk of killedTrunks) {
      const mine = attempts.filter((t) => t.experiment_id === trunk);
      expect(mine.some((t) => t.status === "failed" && /SIGKILL|lost|exited/i.test(t.error ?? ""))).toBe(true);
      const finished = mine.find((t) => t.status === "completed");
      expect(finished?.resumed_from_step ?? 0).toBeGreaterThan(0);
    }
    expect(trunkCheckpoints(out)).toEqual([]);
  }, 240_000);
});

// Its orchestrator killed mid-sweep: test/sweep/wsd-stage.test.ts (the run directory as a kill -9 leaves it, resumed).
