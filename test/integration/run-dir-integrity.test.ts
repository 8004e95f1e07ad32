/**
 * A run directory you can trust (real workers, real ZeroMQ): mock and real sweeps of one
 * config never share a default directory, and two sweeps never run on one directory at once.
 * The tiny regression family keeps real training to seconds. `--no-resume` and a changed
 * config (refused, or --extend) are test/sweep/run-dir-definitions.test.ts's.
 */
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
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
