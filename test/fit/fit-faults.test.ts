/**
 * `fit` on inputs a fault probe meets: a run directory whose fit.json cannot be written still
 * shows the fit (then exits 1 naming the file), a W&B JSON export cut short is named as such
 * (not "no results"), and a damaged JSON file's error stays on one line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { readFitInput } from "../../src/fit/fit-input.js";
import { runCli } from "../integration/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ff-fit-faults-"));

function resultLines(): string {
  const lines: string[] = [];
  for (const budget of [1e18, 1e19, 1e20]) {
    for (const factor of [0.4, 1, 2.5]) {
      const n = Math.sqrt(budget / 120) * factor;
      const d = budget / (6 * n);
      lines.push(JSON.stringify({
        experiment_id: `b${budget}f${factor}`, attempt: 1, status: "completed", budget_flops: budget, size_value: 8, n_params: n, n_params_embedding: 0,
        n_params_non_embedding: n, n_tokens: d, n_tokens_planned: d, flops_6nd: 6 * n * d, flops_measured: null,
        loss: 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28, train_loss: 2, wall_s: 1, error: null, finished_at: "2026-01-01T00:00:00Z",
      }));
    }
  }
  return lines.join("\n") + "\n";
}

describe("fit faults", () => {
  it("a run directory where fit.json cannot be written: the fit is printed, then exit 1 naming fit.json", async () => {
    const runDir = join(dir, "unwritable");
    mkdirSync(join(runDir, "fit.json"), { recursive: true }); // a folder in its place: the rename onto it fails, as on a read-only disk
    writeFileSync(join(runDir, "results.jsonl"), resultLines());
    const run = await runCli(["fit", runDir, "--approach", "2"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Approach 2/);
    expect(run.stderr).toMatch(/flops-fit: cannot write .*unwritable\/fit\.json: .*; the fit above was not saved/);
  }, 60_000);

  it("a W&B JSON export cut short is named as broken JSON, not as a file without results", () => {
    const file = join(dir, "export.json");
    writeFileSync(file, '[{"name": "run-1", "config": {"experiment_id": "a"},\n  "summary": {"loss": 3.1}}, {"name": "run-2", "con');
    expect(() => readFitInput(file)).toThrow(UserError);
    expect(() => readFitInput(file)).toThrow(/export\.json: not valid JSON \([^\n]*\); a W&B runs export is one JSON document: was it cut short\?$/);
  });

  it("a damaged config.json in a run directory is reported on one line", () => {
    const runDir = join(dir, "garbled");
    mkdirSync(runDir);
    writeFileSync(join(runDir, "results.jsonl"), resultLines());
    writeFileSync(join(runDir, "config.json"), "abc\ndef\n");
    expect(() => readFitInput(runDir)).toThrow(/config\.json: not valid JSON \(Unexpected token 'a', "abc\\ndef\\n" is not valid JSON\)$/);
  });
});
