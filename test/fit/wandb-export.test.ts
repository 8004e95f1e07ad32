import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { readFitInput } from "../../src/fit/fit-input.js";
import { fitRows, type FitRequest } from "../../src/fit/fit-rows.js";
import type { ResultRecord } from "../../src/store/record.js";
import { runCli } from "../integration/cli.js";
import { fixtureRecords } from "../report/fixture.js";
import { writeRunDir } from "../report/run-dir-fixture.js";

/** The config a run logs to W&B (py_runtime/flops_fit_worker/tracking.py: identity_of, describe). */
function config(record: ResultRecord): Record<string, unknown> {
  return {
    experiment_id: record.experiment_id, attempt: record.attempt, seed: 0, budget_flops: record.budget_flops, size_value: record.size_value,
    sweep: "report-fixture", fingerprint: "f00dfeed0000", stage: "sweep", n_tokens_planned: record.n_tokens_planned, lr: 0.003,
    batch_size: 32, mock: true, n_params: record.n_params, n_params_embedding: record.n_params_embedding, n_params_non_embedding: record.n_params_non_embedding,
  };
}

/** The summary a finished run leaves (tracking.py: _SUMMARY), plus W&B's own last values of the logged series. */
function summary(record: ResultRecord): Record<string, unknown> {
  return {
    status: record.status, loss: record.loss, train_loss: record.train_loss, n_tokens: record.n_tokens, steps: 100, flops_6nd: record.flops_6nd,
    flops_measured: record.flops_measured, tokens_per_s: null, wall_s: record.wall_s, epochs: record.epochs ?? null, "train/loss": record.train_loss, "eval/loss": record.loss,
  };
}

/** Runs that are not the sweep's: the fit's summary run, an LR-calibration run, and a run killed before its summary. */
const OTHERS = [
  { name: "report-fixture fit", state: "finished", config: { sweep: "report-fixture", fingerprint: "f00dfeed0000", stage: "fit" }, summary: { "fit/approach3/a": 0.45 } },
  { name: "c0ffee000001", state: "finished", config: { experiment_id: "c0ffee000001", stage: "lr_calibration", budget_flops: 1e11, n_params: 1e4 }, summary: { status: "completed", loss: 3.1, n_tokens: 1e6 } },
  { name: "dead00000001", state: "crashed", config: { experiment_id: "dead00000001", stage: "sweep", fingerprint: "f00dfeed0000", budget_flops: 1e11, n_params: 1e4, n_tokens_planned: 1e6 }, summary: {} },
];

/** The runs table as "Export as CSV" writes it: W&B's own columns, then the config and summary keys; newest first. */
function csvExport(records: ResultRecord[]): string {
  const runs = [...records.map((r) => ({ name: r.experiment_id, state: "finished", config: config(r), summary: summary(r) })), ...OTHERS].reverse();
  const keys = [...new Set(runs.flatMap((run) => [...Object.keys(run.config), ...Object.keys(run.summary)]))];
  const cell = (value: unknown) => (value === undefined || value === null ? "" : typeof value === "string" && value.includes(",") ? `"${value}"` : String(value));
  const header = ["Name", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep", ...keys];
  const lines = runs.map((run) => [run.name, run.state, "", "someone", "", "2026-11-30T07:00:00.000Z", "12", "", ...keys.map((k) => cell(({ ...run.config, ...run.summary } as Record<string, unknown>)[k]))].join(","));
  return [header.join(","), ...lines].join("\n") + "\n";
}

/** The runs as the W&B API gives them: config values wrapped as { value }. */
function jsonExport(records: ResultRecord[]): string {
  const wrap = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, desc: null }]));
  return JSON.stringify([...records.map((r) => ({ name: r.experiment_id, state: "finished", config: wrap(config(r)), summary: summary(r) })), ...OTHERS], null, 1);
}

function write(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "ff-wandb-export-")), name);
  writeFileSync(file, text);
  return file;
}

// Without bootstrap: its resamples draw runs by their position, and an export lists the runs
// in another order than results.jsonl (so its intervals are another, equally valid, draw).
const REQUEST: FitRequest = { approaches: [1, 2, 3], bootstrap: 0, predict: [1e14], paramConvention: "total", holdout: 0 };

/** The fitted parameters of every approach (what the export must reproduce). */
function parameters(fit: ReturnType<typeof fitRows>) {
  return Object.fromEntries(Object.entries(fit.approaches).map(([k, a]) => [k, { ...(a as object), residuals: undefined, optimizer: undefined }]));
}

/**
 * `actual` equals `expected` with every number within a relative 1e-6: the export lists the
 * runs in another order (newest first), so sums round differently and the optimiser stops
 * within its tolerance of the same optimum.
 */
function expectSame(actual: unknown, expected: unknown, path = "fit"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(expected), 1e-300));
  } else if (expected && typeof expected === "object") {
    expect(actual && typeof actual === "object", path).toBe(true);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)]);
    for (const key of keys) expectSame((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
  } else expect(actual, path).toEqual(expected);
}

describe("fit on a W&B runs export", () => {
  const records = fixtureRecords();
  const fromRunDir = fitRows(readFitInput(writeRunDir({ records })).rows, REQUEST);

  it.each([["csv", csvExport], ["json", jsonExport]] as const)("reproduces the fit of the same runs from results.jsonl (%s)", (kind, exporter) => {
    const input = readFitInput(write(`runs.${kind}`, exporter(records)));
    expect(input.kind).toBe("wandb_export");
    expect(input.notes).toEqual(["W&B runs export: left out 1 learning-rate calibration run and 1 run that are not runs of the sweep (the fit's summary run, other runs of the project)"]);
    const crashed = input.rows.find((row) => row.experiment_id === "dead00000001");
    expect(crashed).toMatchObject({ status: "failed", loss: null, error: "W&B run status unknown" });
    const fit = fitRows(input.rows, REQUEST);
    expectSame(parameters(fit), parameters(fromRunDir));
    expectSame(fit.predictions, fromRunDir.predictions);
    expect(fit.preferred_approach).toBe(fromRunDir.preferred_approach);
  });

  it("names the file, line, column and experiment of a bad value, and the CLI exits 2", async () => {
    const lines = csvExport(records).split("\n");
    const header = lines[0]!.split(",");
    const cellOf = (line: string, name: string) => line.split(",")[header.indexOf(name)];
    const at = lines.findIndex((line) => cellOf(line, "status") === "completed" && cellOf(line, "stage") === "sweep");
    const row = lines[at]!.split(",");
    row[header.indexOf("loss")] = "nan";
    lines[at] = row.join(",");
    const file = write("runs.csv", lines.join("\n"));
    const error = (() => { try { readFitInput(file); } catch (e) { return e; } })() as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`${file}:${at + 1}:${header.indexOf("loss") + 1} (experiment ${row[0]}): loss must be a positive number, got "nan"`);
    const run = await runCli(["fit", file, "--json"]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(`${file}:${at + 1}:${header.indexOf("loss") + 1}`);
  }, 60_000);

  it("refuses an export of two sweep definitions, and a JSON that holds no run of a sweep", () => {
    const two = JSON.stringify(records.slice(0, 2).map((r, i) => ({ config: { ...config(r), fingerprint: `f${i}` }, summary: summary(r) })));
    expect(() => readFitInput(write("two.json", two))).toThrow(/2 sweep definitions \(fingerprints f0, f1\)/);
    expect(() => readFitInput(write("none.json", JSON.stringify({ runs: [OTHERS[0]] })))).toThrow(/no runs of a flops-fit sweep/);
  });
});
