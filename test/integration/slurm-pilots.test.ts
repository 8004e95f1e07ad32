/**
 * Sweeps through SLURM pilot jobs on a real cluster (CI starts a one-node SLURM with two
 * fake GPUs: .ci/run). Skipped, saying so, where no SLURM answers.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import type { ResultRecord } from "../../src/store/record.js";
import { runCli } from "./cli.js";
import { waitFor } from "./processes.js";
import { activePilotJobs, scancel, signalRunningPilots, slurmAvailable } from "./slurm.js";
import { sweepDir } from "./sweep-dir.js";

const SLURM = slurmAvailable();
if (!SLURM) console.warn("slurm-pilots: no SLURM controller answers (sinfo): the SLURM pilot tests are skipped");

const HEARTBEAT_TIMEOUT_S = 6;

function pilotSweep(prefix: string, budgets: string, delayS: number, extra: string[] = []) {
  return sweepDir(prefix, [
    "name: pilots",
    "plugin: gpt",
    "planning:",
    `  budgets: ${budgets}`,
    "  sizes_per_budget: 3",
    "  refine_rounds: 0",
    "mock:",
    `  delay_s: ${delayS}`,
    "flops: 6nd",
    "scheduler:",
    "  backend: slurm",
    "  workers: 2",
    `  heartbeat_timeout_s: ${HEARTBEAT_TIMEOUT_S}`,
    "  slurm:",
    '    time: "00:10:00"',
    "    gpus_per_worker: 1",
    "    cpus_per_worker: 1",
    ...extra,
  ]);
}

function completed(records: ResultRecord[]): string[] {
  return records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
}

function completedCount(results: string): number {
  if (!existsSync(results)) return 0;
  return readFileSync(results, "utf8").split("\n").filter((line) => line.includes('"status":"completed"')).length;
}

describe.skipIf(!SLURM)("sweeps through SLURM pilots", () => {
  it("a mock sweep runs every experiment on the pilots; records name host, SLURM job and the pilot's own GPU; nothing is left in squeue", async () => {
    const { config, out, results } = pilotSweep("pilots", "[1e11, 3e11]", 0.2);
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { backend: string; completed: number; workers: number };
    expect(summary.backend).toBe("slurm");
    expect(summary.completed).toBe(6);
    const records = readJournal(results).records;
    expect(new Set(completed(records)).size).toBe(6);
    for (const record of records) {
      expect(record.host).toBeTruthy();
      expect(record.slurm_job_id).toMatch(/^\d+_[01]$/);
    }
    // Each pilot asked for one GPU (--gres=gpu:1): SLURM gave the two pilots different fake GPUs.
    const gpuOfJob = new Map(records.map((r) => [r.slurm_job_id, r.cuda_visible_devices]));
    const gpus = [...gpuOfJob.values()];
    for (const gpu of gpus) expect(gpu).toMatch(/^\d+$/);
    if (gpuOfJob.size === 2) expect(new Set(gpus).size).toBe(2);
    expect(activePilotJobs()).toEqual([]);
    // The sweep's credentials were in a private file while it ran, and are gone now.
    expect(readdirSync(join(out, "pilots")).filter((f) => f.endsWith(".env"))).toEqual([]);
  }, 240_000);

  it("a pilot scancelled mid-sweep loses nothing: every experiment completes exactly once, a replacement is submitted, squeue ends empty", async () => {
    const { config, out, results } = pilotSweep("pilots-cancel", "[1e11, 3e11, 1e12]", 1);
    let stderr = "";
    const running = runCli(["sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0"], { onStderr: (t) => (stderr += t) });
    expect(await waitFor(() => completedCount(results) >= 2, 180_000)).toBe(true);
    const victim = readJournal(results).records.find((r) => r.status === "completed")!.slurm_job_id!;
    scancel(victim);
    const run = await running;
    expect(run.code, stderr).toBe(0);
    const records = readJournal(results).records;
    const done = completed(records);
    expect(done.length).toBe(9);
    expect(new Set(done).size).toBe(9);
    const jobs = new Set(records.map((r) => r.slurm_job_id));
    expect(jobs.has(victim)).toBe(true);
    // A replacement pilot was submitted (the second batch script).
    expect(existsSync(join(out, "pilots", "pilot-1.sh"))).toBe(true);
    expect(activePilotJobs()).toEqual([]);
  }, 300_000);

  it("the orchestrator killed with kill -9: pilots exit within the heartbeat timeout, and sweep again re-runs nothing that completed", async () => {
    const { config, out, results } = pilotSweep("pilots-kill", "[1e11, 3e11, 1e12]", 1);
    let cliPid = 0;
    const running = runCli(["sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0"], { onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => completedCount(results) >= 2 && activePilotJobs().length === 2, 180_000)).toBe(true);
    process.kill(cliPid, "SIGKILL");
    expect((await running).signal).toBe("SIGKILL");
    const killedAt = Date.now();
    const before = new Set(completed(readJournal(results).records));
    // The pilots notice the silence and leave the queue (plus SLURM's own bookkeeping, a few seconds).
    expect(await waitFor(() => activePilotJobs().length === 0, (HEARTBEAT_TIMEOUT_S + 20) * 1000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan((HEARTBEAT_TIMEOUT_S + 20) * 1000);

    const resumed = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { completed: number; skipped: number };
    expect(summary.skipped).toBe(before.size);
    expect(summary.completed).toBe(9 - before.size);
    const after = completed(readJournal(results).records);
    expect(after.length).toBe(new Set(after).size);
    expect(new Set(after).size).toBe(9);
    expect(activePilotJobs()).toEqual([]);
  }, 300_000);

  it("a real training sweep on pilots: warned of their time limit (SIGUSR1), pilots checkpoint and leave, replacements resume the runs from their checkpoints", async () => {
    const { config, out } = sweepDir("pilots-real", [
      "name: pilots-real",
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
      "scheduler:",
      "  backend: slurm",
      "  workers: 2",
      "  slurm:",
      '    time: "00:10:00"',
    ]);
    const checkpointed = () => existsSync(join(out, "checkpoints")) && readdirSync(join(out, "checkpoints")).some((id) => readdirSync(join(out, "checkpoints", id)).some((f) => !f.endsWith(".tmp")));
    let signalled: string[] = [];
    const warner = setInterval(() => {
      if (signalled.length === 0 && checkpointed()) signalled = signalRunningPilots("USR1");
    }, 200);
    const run = await runCli(["sweep", config, "--json", "--out", out, "--bootstrap", "0"]);
    clearInterval(warner);
    // One budget gives no law (exit 1, said in problems); the runs are what this tests.
    expect(run.code, run.stdout.slice(0, 1500) + run.stderr).toBe(1);
    expect(signalled.length).toBeGreaterThanOrEqual(1);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(new Set(completed(records)).size).toBe(3);
    expect(completed(records)).toHaveLength(3);
    const stopped = records.filter((r) => r.status === "failed" && /stopped the run at step/.test(r.error ?? ""));
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    const resumed = records.filter((r) => r.status === "completed" && typeof r.resumed_from_step === "number" && r.resumed_from_step > 0);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    // The runs that resumed ran on a replacement pilot, not on the one that was warned.
    for (const record of resumed) expect(signalled).not.toContain(record.slurm_job_id);
    expect(activePilotJobs()).toEqual([]);
  }, 400_000);
});
