/**
 * A run directory you can trust (real workers, real ZeroMQ): mock and real sweeps of one
 * config never share a default directory, a changed config is refused in an old one,
 * `--no-resume` results supersede older ones visibly, and two sweeps never run on one
 * directory at once. The tiny regression family keeps real training to seconds.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli, type CliRun } from "./cli.js";

const CONFIG = `name: quick
model:
  target: "tiny:TinyMLP"
  size_param: width
data:
  target: "tiny:Regression"
loss:
  target: "tiny:mse"
planning:
  budgets: [1e7, 1e8, 1e9]
  sizes_per_budget: 3
  refine_rounds: 0
  span: 1.8
  size_values: { min: 8, max: 8192, count: 70 }
training:
  eval_tokens: 256
`;

interface SweepJson {
  run_dir: string;
  completed: number;
  skipped: number;
  fit: { n_points: number; left_out: Array<{ reason: string }>; warnings: string[] };
}

/** A folder like a user's project: the config and its model module, runs/ created by flops-fit. */
function project(prefix: string, extra = ""): { cwd: string; config: string } {
  const cwd = mkdtempSync(join(tmpdir(), `ff-${prefix}-`));
  copyFileSync(join(PROJECT_ROOT, "test/fixtures/tiny_plugin/tiny.py"), join(cwd, "tiny.py"));
  writeFileSync(join(cwd, "quick.yaml"), CONFIG + extra);
  return { cwd, config: join(cwd, "quick.yaml") };
}

function json(run: CliRun): SweepJson {
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return JSON.parse(run.stdout) as SweepJson;
}

const sweep = (cwd: string, ...args: string[]) => runCli(["sweep", "quick.yaml", "--json", "--workers", "2", "--bootstrap", "0", ...args], { cwd });

describe("one sweep definition per run directory", () => {
  const { cwd } = project("defs");
  const mockDir = join(cwd, "runs", "quick-mock");

  it("in the README's order (sweep --mock, then sweep) gives two directories and two fits of their own runs", async () => {
    const mock = json(await sweep(cwd, "--mock"));
    const real = json(await sweep(cwd));
    expect(mock.run_dir).toBe(mockDir);
    expect(real.run_dir).toBe(join(cwd, "runs", "quick"));
    for (const [summary, isMock] of [[mock, true], [real, false]] as const) {
      const records = readJournal(join(summary.run_dir, "results.jsonl")).records;
      expect(records.length).toBe(summary.completed);
      expect(records.every((r) => r.mock === isMock)).toBe(true);
      expect(new Set(records.map((r) => r.fingerprint)).size).toBe(1);
      expect(summary.fit.n_points).toBe(summary.completed);
      expect(summary.fit.left_out).toEqual([]);
      expect(summary.fit.warnings.join("\n")).not.toMatch(/another sweep definition/);
    }
    expect(readJournal(join(real.run_dir, "results.jsonl")).records[0]!.fingerprint).not.toBe(readJournal(join(mockDir, "results.jsonl")).records[0]!.fingerprint);
  }, 300_000);

  it("--no-resume re-runs every experiment and the fit uses the new results, saying so", async () => {
    const before = readJournal(join(mockDir, "results.jsonl")).records.length;
    const again = json(await sweep(cwd, "--mock", "--no-resume"));
    expect(again.completed).toBe(before);
    const records = readJournal(join(mockDir, "results.jsonl")).records;
    expect(records.length).toBe(2 * before);
    expect(again.fit.n_points).toBe(before);
    // The mock surface's noise is seeded per experiment: the re-runs agree, and are said to.
    expect(again.fit.warnings).toContain(`${before} experiments re-run with the same result; the latest attempt of each is used`);
  }, 300_000);

  it("refuses a changed config in the old directory, saying what differs, and --extend adds it with the older runs left out", async () => {
    writeFileSync(join(cwd, "quick.yaml"), CONFIG + "  lr_reference: 0.001\n");
    const journal = readFileSync(join(mockDir, "results.jsonl"));
    const refused = await sweep(cwd, "--mock");
    expect(refused.code).toBe(2);
    const error = (JSON.parse(refused.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("definition_mismatch");
    expect(error.message).toContain(`${mockDir} holds`);
    expect(error.message).toContain("training.lr_reference: 0.003 → 0.001");
    expect(error.message).toMatch(/--out DIR.*--extend/);
    expect(readFileSync(join(mockDir, "results.jsonl"))).toEqual(journal);

    const extended = json(await sweep(cwd, "--mock", "--extend"));
    const records = readJournal(join(mockDir, "results.jsonl")).records;
    const earlier = new Set(records.filter((r) => r.fingerprint !== records.at(-1)!.fingerprint).map((r) => r.experiment_id));
    expect(extended.fit.n_points).toBe(extended.completed);
    expect(extended.fit.left_out).toHaveLength(earlier.size);
    expect(extended.fit.warnings[0]).toMatch(new RegExp(`^${earlier.size} experiments of another sweep definition in this directory left out \\(fingerprint [0-9a-f]{12}: differs in training\\)`));
  }, 300_000);
});

describe("one sweep at a time per run directory", () => {
  it("two sweeps started together on one directory: one runs, the other is refused, and no experiment is recorded twice", async () => {
    const { cwd } = project("lock", "mock:\n  delay_s: 1\n");
    const out = join(cwd, "shared");
    const runs = await Promise.all([sweep(cwd, "--mock", "--out", out), sweep(cwd, "--mock", "--out", out)]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr + r.stdout).join("\n")).toEqual([0, 2]);
    const refused = runs.find((r) => r.code === 2)!;
    expect((JSON.parse(refused.stdout) as { error: { code: string; message: string } }).error).toMatchObject({ code: "run_dir_locked", message: expect.stringMatching(/is in use by another sweep \(pid \d+ on /) });
    const winner = JSON.parse(runs.find((r) => r.code === 0)!.stdout) as SweepJson;
    const completed = readJournal(join(out, "results.jsonl")).records.filter((r) => r.status === "completed").map((r) => r.experiment_id);
    expect(completed.length).toBe(winner.completed);
    expect(new Set(completed).size).toBe(completed.length);
    expect(existsSync(join(out, "sweep.lock"))).toBe(false);
  }, 300_000);
});
