import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import { runCli } from "./cli.js";
import { alive, descendants, waitFor, workerPids } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

const quickstart = readFileSync(join(import.meta.dirname, "..", "..", "configs", "quickstart.yaml"), "utf8");
/** The mock surface of configs/quickstart.yaml: a = beta / (alpha + beta). */
const SURFACE_A = 0.28 / (0.34 + 0.28);

interface SweepJson {
  completed: number;
  failed: number;
  skipped: number;
  cost: { train_flops: number; cosine_equivalent_flops: number };
  fit: { approaches: Record<string, { a: number }>; cost?: { train_flops: number; cosine_equivalent_flops: number } };
}

type Branch = ResultRecord & { trunk_id?: string; branch_tokens?: number; branch_step?: number; schedule?: string };

function branches(out: string): Branch[] {
  return readJournal(join(out, "results.jsonl")).records as Branch[];
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

describe("a --mock WSD quickstart", () => {
  it("completes every point as a branch of a shared trunk, recovers the surface's a within 0.02, and spends at most 1/1.5 of a cosine sweep", async () => {
    const { config, out } = sweepDir("wsd-quickstart", [quickstart.trimEnd(), "training:", "  schedule: wsd", "  cooldown_fraction: 0.2", ""]);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(run.code, run.stdout.slice(0, 2000) + run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as SweepJson;
    const records = branches(out);
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
    expect(Math.abs(summary.fit.approaches["2"]!.a - SURFACE_A)).toBeLessThan(0.02);
    expect(summary.cost.cosine_equivalent_flops / summary.cost.train_flops).toBeGreaterThanOrEqual(1.5);
    expect(JSON.parse(readFileSync(join(out, "fit.json"), "utf8")).cost).toEqual(summary.cost);
    // Every branch completed: no trunk keeps its checkpoints.
    expect(trunkCheckpoints(out)).toEqual([]);
    expect(readFileSync(join(out, "report", "index.html"), "utf8")).toContain('id="wsd"');
  }, 240_000);
});

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

describe("a WSD sweep whose orchestrator is killed with kill -9", () => {
  it("sweeps again without re-running a completed branch, resuming the unfinished trunks", async () => {
    const { config, out, results } = killSweep("wsd-orch-kill");
    let cliPid = 0;
    let workers: number[] = [];
    const running = runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    const reached = await waitFor(() => {
      workers = cliPid ? descendants(cliPid) : [];
      return workers.length >= 2 && existsSync(results) && readJournal(results).records.filter((r) => r.status === "completed").length >= 3;
    }, 120_000);
    expect(reached).toBe(true);
    process.kill(cliPid, "SIGKILL");
    expect((await running).signal).toBe("SIGKILL");
    const before = new Set(readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id));
    expect(await waitFor(() => workers.every((pid) => !alive(pid)), 15_000)).toBe(true);

    const resumed = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as SweepJson;
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as { experiments: Array<{ experiment_id: string }> };
    const after = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(summary.skipped).toBe(before.size);
    expect(summary.completed).toBe(plan.experiments.length - before.size);
    expect(after.length).toBe(plan.experiments.length);
    expect(new Set(after).size).toBe(after.length); // nothing that had completed ran again
    // A trunk resumed by the second sweep started from a saved branch point when it had one.
    expect(trunkCheckpoints(out)).toEqual([]);
  }, 240_000);
});
