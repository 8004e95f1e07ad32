import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";

const TRUE_A = 0.28 / (0.34 + 0.28);

describe("flops-fit sweep --mock on the quickstart (real workers, real ZeroMQ, real probe)", () => {
  const out = join(mkdtempSync(join(tmpdir(), "ff-mock-")), "run");
  let first: Record<string, unknown>;

  it("starts two worker processes, completes every experiment exactly once and recovers a within 0.02", async () => {
    const run = await runCli(["sweep", "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(run.code, run.stderr).toBe(0);
    first = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ run_dir: out, failed: 0, skipped: 0, workers: 2 });
    expect(first.completed as number).toBeGreaterThanOrEqual(20);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(new Set(records.map((r) => r.budget_flops)).size).toBeGreaterThanOrEqual(5);
    // Two worker processes were started. Which of them ran which experiment is left to
    // timing (mock runs take milliseconds; one warm worker may finish all before the other
    // has imported torch), so it is not asserted; that every experiment ran exactly once is.
    for (const slot of [0, 1]) expect(existsSync(join(out, "logs", `worker-${slot}.log`))).toBe(true);
    const completedIds = records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completedIds.length).toBe(first.completed);
    expect(new Set(completedIds).size).toBe(completedIds.length);
    for (const record of records) expect(record.worker).toMatch(/^w[01](\.\d+)?$/);
    const fit = first.fit as { approaches: Record<string, { a: number }>; backtest?: { holdout: number; mean_are: number; predictions: Array<{ covered: boolean | null }> } };
    expect(Math.abs(fit.approaches["2"]!.a - TRUE_A)).toBeLessThan(0.02);
    // Five budgets: the sweep backtests the largest; on the mock surface its loss predictions are within 1%.
    expect(fit.backtest?.holdout).toBe(1);
    expect(fit.backtest!.mean_are).toBeLessThan(0.01);
    for (const file of ["config.json", "plan.json", "results.jsonl", "fit.json"]) expect(readFileSync(join(out, file)).length).toBeGreaterThan(0);
  }, 180_000);

  it("re-runs nothing the second time, starts no worker for it (the probe is cached) and reuses the current fit and report", async () => {
    const fitWritten = statSync(join(out, "fit.json")).mtimeMs;
    // A worker could not start with this interpreter: the resume must not need one.
    const run = await runCli(["sweep", "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"], { env: { FLOPS_FIT_PYTHON: "/nonexistent/python" } });
    expect(run.code, run.stderr).toBe(0);
    const second = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(second).toMatchObject({ completed: 0, skipped: first.completed, fit: { n_points: (first.fit as { n_points: number }).n_points } });
    expect(statSync(join(out, "fit.json")).mtimeMs).toBe(fitWritten);
  }, 180_000);

  it("keeps stdout pure JSON under --json (worker output goes to logs/)", async () => {
    const run = await runCli(["sweep", "--mock", "--json", "--out", out]);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stderr).toBe("");
  }, 180_000);
});
