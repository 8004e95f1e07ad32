/**
 * `training.lr: calibrate` and `planning.seeds` through the pipeline on a scripted executor
 * (moved from test/integration/lr-calibration.test.ts): the --mock surface has a known best
 * learning rate η*(N) = c·N^−k (the worker's formula, mock-worker.ts; pytest checks the
 * worker's own), which the calibration stage must recover before the sweep trains with it.
 */
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import type { CalibrationRecord } from "../../src/store/calibration-record.js";
import { readJournal } from "../../src/store/journal.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

const TRUE_RULE = { c: 1.0, k: 0.5 };
const sweep = scriptedSweepDir("lrcal", [
  "name: calibrate", "plugin: gpt", "model:", "  options: { n_layers: 2, n_heads: 4 }",
  "planning:", "  budgets: [3e10, 1.2e11, 5e11]", "  sizes_per_budget: 5", "  seeds: 2", "  tokens_per_param: 60", "  span: 4", "  refine_rounds: 0",
  "  size_values: { min: 4, max: 256, count: 48, multiple_of: 4 }",
  "training:", "  lr: calibrate",
  "mock:", "  A: 193.7", `  lr_optimum: { c: ${TRUE_RULE.c}, k: ${TRUE_RULE.k} }`,
]);
const out = sweep.out;
const readCalibration = () => JSON.parse(readFileSync(join(out, "calibration.json"), "utf8")) as CalibrationRecord;

describe("sweep --mock with training.lr: calibrate and planning.seeds: 2", () => {
  it("recovers the surface's LR exponent k within 0.05, then trains every run at the calibrated rule's learning rate", async () => {
    const run = await sweepScripted(sweep);
    expect(run.json.problems).toEqual([]);
    const calibration = readCalibration();
    expect(Math.abs(calibration.rule.k - TRUE_RULE.k)).toBeLessThan(0.05);
    expect(calibration).toMatchObject({ c: calibration.rule.c, k: calibration.rule.k });
    expect(calibration.true_rule).toEqual(TRUE_RULE);
    expect(calibration.runs.length).toBeGreaterThanOrEqual(15);
    expect(calibration.flops / calibration.sweep_flops).toBeLessThan(0.2);
    const records = readJournal(join(out, "results.jsonl")).records;
    expect(records.length).toBeGreaterThanOrEqual(30);
    for (const record of records) {
      expect(record.lr!).toBeCloseTo(calibration.rule.c * Math.pow(record.n_params!, -calibration.rule.k), 10);
    }
    // Calibration runs are kept apart from the sweep's results.
    expect(readJournal(join(out, "calibration.jsonl")).records.length).toBe(calibration.runs.length);
  });

  it("repeats every point with two seeds (distinct ids), fits them all and reports the noise floor and the calibration", () => {
    const records = readJournal(join(out, "results.jsonl")).records;
    const ids = new Set(records.map((r) => r.experiment_id));
    expect(ids.size).toBe(records.length);
    const points = new Map<string, number[]>();
    for (const r of records) points.set(`${r.budget_flops}|${r.size_value}`, [...(points.get(`${r.budget_flops}|${r.size_value}`) ?? []), r.seed!]);
    for (const seeds of points.values()) expect(seeds.sort()).toEqual([0, 1]);
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8")) as { n_points: number };
    expect(fit.n_points).toBe(records.length);
    const html = readFileSync(join(out, "report", "index.html"), "utf8");
    expect(html).toMatch(/<section id="lr-calibration"><h2>Learning-rate calibration<\/h2>/);
    expect(html).toMatch(/truth of the --mock surface/);
    expect(html).toMatch(/<section id="noise-floor"><h2>Noise floor<\/h2>/);
    for (const file of ["lr-calibration.svg", "lr-calibration.png", "approach3-residuals.svg"]) expect(existsSync(join(out, "report", file))).toBe(true);
  });

  it("a resumed sweep reuses calibration.json: no calibration run, no sweep run", async () => {
    const before = readCalibration();
    const calibrationRuns = readJournal(join(out, "calibration.jsonl")).records.length;
    const run = await sweepScripted(sweep, { noFinish: true });
    expect(run.outcome).toMatchObject({ completed: 0, failed: 0 });
    expect(run.started).toBe(false);
    expect(readCalibration()).toEqual(before);
    expect(readJournal(join(out, "calibration.jsonl")).records.length).toBe(calibrationRuns);
  });

  it("refuses (exit 2) to recalibrate a directory whose runs came from a calibration.json that is gone", async () => {
    renameSync(join(out, "calibration.json"), join(out, "calibration.json.away"));
    try {
      const refused = sweepScripted(sweep, { noFinish: true });
      await expect(refused).rejects.toThrow(UserError);
      await expect(refused).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/holds \d+ completed runs of this sweep trained with a calibrated learning-rate rule, but .*calibration\.json is missing/) });
    } finally {
      renameSync(join(out, "calibration.json.away"), join(out, "calibration.json"));
    }
  });
});

describe("a calibration cut short", () => {
  it("stops the sweep before any of its runs (no plan.json), and the next sweep reuses the calibration runs it recorded", async () => {
    const cut = scriptedSweepDir("lrcal-cut", readFileSync(sweep.config, "utf8").split("\n"));
    const controller = new AbortController();
    const stopped = await sweepScripted(cut, {
      signal: controller.signal, noFinish: true,
      onEvent: (event) => event.type === "recorded" && event.stage === "lr_calibration" && controller.abort(),
    });
    expect(stopped.outcome).toMatchObject({ interrupted: true, completed: 0, experimentIds: [] });
    expect(existsSync(join(cut.out, "plan.json"))).toBe(false);
    expect(existsSync(join(cut.out, "calibration.json"))).toBe(false);
    const recorded = readJournal(join(cut.out, "calibration.jsonl")).records.filter((r) => r.status === "completed").length;
    expect(recorded).toBeGreaterThan(0);

    const resumed = await sweepScripted(cut, { noFinish: true });
    expect(resumed.outcome.interrupted).toBe(false);
    expect(JSON.parse(readFileSync(join(cut.out, "calibration.json"), "utf8"))).toMatchObject({ reused_runs: recorded });
  });
});

