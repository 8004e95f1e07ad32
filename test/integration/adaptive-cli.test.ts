/**
 * The adaptive sweep through the built CLI with the real worker (--mock): `plan` shows the seed
 * design and the policy; `sweep` killed with kill -9 after two decisions resumes from
 * adaptive.json, re-runs nothing that completed, keeps its decisions and stops before its
 * FLOPs cap saying why. The stage's logic on a scripted executor: test/sweep/adaptive-stage.test.ts.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { RunDir } from "../../src/store/run-dir.js";
import { runCli } from "./cli.js";
import { alive, descendants, waitFor } from "./processes.js";
import { sweepDir } from "./sweep-dir.js";

/** Seed design: 3 budgets × 3 sizes = 6.3e11 FLOPs; the cap leaves room for a few decisions. */
const config = () => sweepDir("adaptive-cli", [
  "name: adaptive", "plugin: gpt", "planning:", "  budgets: [3e10, 6e10, 1.2e11, 2.5e11, 5e11]", "  tokens_per_param: 60", "  span: 4",
  "  size_values: { min: 4, max: 64, count: 16, multiple_of: 4 }", "  strategy: adaptive", "  target_budget: 5e12", "  max_flops: 7.5e11",
  "mock:", "  A: 193.7", "  noise: 0.01", "  delay_s: 0.3", "flops: 6nd",
]);

describe("the adaptive sweep through the CLI", () => {
  it("plan shows the seed design, the candidate budgets and the policy", async () => {
    const { config: file } = config();
    const plan = await runCli(["plan", file, "--json"]);
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as { budgets: Array<{ budget_flops: number; experiments: unknown[] }>; adaptive: { seed_flops: number; candidate_budgets: number[]; policy: string; max_flops: number } };
    expect(json.budgets.map((b) => [b.budget_flops, b.experiments.length])).toEqual([[3e10, 3], [6e10, 3], [1.2e11, 3]]);
    expect(json.adaptive).toMatchObject({ max_flops: 7.5e11, candidate_budgets: [1.48e10, 3e10, 6e10, 1.2e11, 2.5e11, 5e11, 1.01e12, 2.04e12, 4.12e12] });
    expect(json.adaptive.seed_flops).toBeCloseTo(6.3e11, -8);
    expect(json.adaptive.policy).toMatch(/seed design: the 3 smallest budgets × 3 sizes; .* per FLOP/);
  }, 120_000);

  it("killed with kill -9 after two decisions, resumes from its decisions, re-runs nothing that completed and stops before the cap", async () => {
    const { config: file, out, results } = config();
    const args = ["sweep", file, "--mock", "--json", "--out", out, "--workers", "1", "--bootstrap", "0"];
    let cliPid = 0;
    let workers: number[] = [];
    const decisions = () => {
      try {
        return new RunDir(out).read("adaptive")?.decisions.length ?? 0;
      } catch {
        return 0; // mid-write: the next poll reads it whole
      }
    };
    const running = runCli(args, { onSpawn: (pid) => (cliPid = pid) });
    expect(await waitFor(() => {
      workers = cliPid ? descendants(cliPid) : [];
      return decisions() >= 2;
    }, 120_000)).toBe(true);
    process.kill(cliPid, "SIGKILL");
    expect((await running).signal).toBe("SIGKILL");
    expect(await waitFor(() => workers.every((pid) => !alive(pid)), 15_000)).toBe(true);
    const before = new RunDir(out).read("adaptive")!;
    const completedBefore = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);

    const resumed = await runCli(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as { skipped: number; adaptive: { stop: { reason: string; text: string } } };
    const after = new RunDir(out).read("adaptive")!;
    expect(after.decisions.slice(0, before.decisions.length)).toEqual(before.decisions);
    expect(summary.adaptive.stop.reason).toBe("max_flops");
    expect(summary.skipped).toBe(new Set(completedBefore).size);
    const completed = readJournal(results).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(new Set(completed).size);
    expect(new Set(completed)).toEqual(new Set([...after.seed_experiment_ids, ...after.decisions.map((d) => d.experiment_id)]));
    expect(after.fits.at(-1)!.flops_spent).toBeLessThanOrEqual(7.5e11);
    expect(existsSync(`${out}/report/adaptive-width.svg`)).toBe(true);
  }, 240_000);
});
