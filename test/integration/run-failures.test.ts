import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/config/load.js";
import { readJournal } from "../../src/store/journal.js";
import { runCli } from "./cli.js";

const BASE = `model:
  target: "tiny:FlakyMLP"
  size_param: width
  options: OPTIONS
data:
  target: "tiny:Regression"
loss:
  target: "tiny:mse"
planning:
  budgets: [1e7, 1e8, 1e9, 1e10]
  sizes_per_budget: 5
  refine_rounds: 0
  span: 1.8
  size_values: { min: 8, max: 8192, count: 70 }
training:
  eval_tokens: 256
`;

interface PlannedRow { budget_flops: number; size_value: number }

describe("runs that fail are data", () => {
  it("diverged, out-of-memory and crashing runs are recorded with status and error, left out of the fit with a warning, and the sweep goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-fail-"));
    copyFileSync(join(PROJECT_ROOT, "test/fixtures/tiny_plugin/tiny.py"), join(dir, "tiny.py"));
    writeFileSync(join(dir, "plan.yaml"), BASE.replace("OPTIONS", "{}"));
    const planned = await runCli(["plan", join(dir, "plan.yaml"), "--json"]);
    expect(planned.code, planned.stderr).toBe(0);
    const rows = (JSON.parse(planned.stdout) as { experiments: PlannedRow[] }).experiments;
    // A width that appears in exactly one budget, for each of three budgets.
    const budgetsOf = (w: number) => new Set(rows.filter((r) => r.size_value === w).map((r) => r.budget_flops));
    const unique = [1e7, 1e8, 1e10].map((b) => rows.find((r) => r.budget_flops === b && budgetsOf(r.size_value).size === 1)!.size_value);
    const [nanWidth, oomWidth, raiseWidth] = unique;
    writeFileSync(join(dir, "sweep.yaml"), BASE.replace("OPTIONS", `{ nan_width: ${nanWidth}, oom_width: ${oomWidth}, raise_width: ${raiseWidth} }`));
    const out = join(dir, "run");
    const run = await runCli(["sweep", join(dir, "sweep.yaml"), "--json", "--out", out, "--workers", "2", "--bootstrap", "0"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { completed: number; failed: number; fit: { n_points: number; warnings: string[]; left_out: unknown[] } };
    expect(summary).toMatchObject({ completed: 17, failed: 3 });
    const records = readJournal(join(out, "results.jsonl")).records;
    const bySize = (w: number) => records.filter((r) => r.size_value === w);
    expect(bySize(nanWidth!)).toMatchObject([{ status: "diverged", attempt: 1 }]);
    expect(bySize(nanWidth!)[0]!.error).toMatch(/at step \d+/);
    expect(bySize(oomWidth!)).toMatchObject([{ status: "oom", attempt: 1 }]);
    expect(bySize(oomWidth!)[0]!.error).toMatch(/out of memory/);
    expect(bySize(raiseWidth!)).toMatchObject([{ status: "failed", attempt: 1 }]);
    expect(bySize(raiseWidth!)[0]!.error).toMatch(/ValueError: this model breaks at width/);
    expect(summary.fit.left_out).toHaveLength(3);
    expect(summary.fit.warnings.join("\n")).toMatch(/3 runs left out of the fit \(1 diverged, 1 oom, 1 failed\)|3 runs left out of the fit/);
    expect(summary.fit.n_points).toBe(17); // the fit ran on the completed runs only
  }, 300_000);
});
