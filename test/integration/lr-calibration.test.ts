/**
 * `training.lr: calibrate` and `planning.seeds` end to end on --mock (real workers, real
 * ZeroMQ, real probe): the mock surface has a known best learning rate η*(N) = c·N^−k,
 * which the calibration stage must recover before the sweep trains with it.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.js";
import type { CalibrationRecord } from "../../src/store/calibration-record.js";
import { runCli } from "./cli.js";

const TRUE_RULE = { c: 1.0, k: 0.5 };
const dir = mkdtempSync(join(tmpdir(), "ff-lrcal-"));
const config = join(dir, "calibrate.yaml");
writeFileSync(config, `name: calibrate
plugin: gpt
model:
  options: { n_layers: 2, n_heads: 4 }
planning:
  budgets: [3e10, 1.2e11, 5e11]
  sizes_per_budget: 5
  seeds: 2
  tokens_per_param: 60
  span: 4
  refine_rounds: 0
  size_values: { min: 4, max: 256, count: 48, multiple_of: 4 }
training:
  lr: calibrate
mock:
  A: 193.7
  lr_optimum: { c: ${TRUE_RULE.c}, k: ${TRUE_RULE.k} }
`);
const out = join(dir, "run");
const readCalibration = () => JSON.parse(readFileSync(join(out, "calibration.json"), "utf8")) as CalibrationRecord;

describe("sweep --mock with training.lr: calibrate and planning.seeds: 2", () => {
  it("recovers the surface's LR exponent k within 0.05, then trains every run at the calibrated rule's learning rate", async () => {
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(run.code, run.stderr).toBe(0);
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
  }, 240_000);

  it("repeats every point with two seeds (distinct ids), fits them all and reports the noise floor and the calibration", async () => {
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
    const run = await runCli(["sweep", config, "--mock", "--json", "--out", out, "--bootstrap", "0"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ completed: 0, failed: 0 });
    expect(readCalibration()).toEqual(before);
    expect(readJournal(join(out, "calibration.jsonl")).records.length).toBe(calibrationRuns);
  }, 120_000);

  it("refuses (exit 2) to recalibrate a directory whose runs came from a calibration.json that is gone", async () => {
    renameSync(join(out, "calibration.json"), join(out, "calibration.json.away"));
    try {
      const run = await runCli(["sweep", config, "--mock", "--out", out]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/holds \d+ completed runs of this sweep trained with a calibrated learning-rate rule, but .*calibration\.json is missing/);
    } finally {
      renameSync(join(out, "calibration.json.away"), join(out, "calibration.json"));
    }
  }, 120_000);
});
