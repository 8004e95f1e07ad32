/**
 * One sweep definition per run directory, through the pipeline on a scripted executor (moved
 * from test/integration/run-dir-integrity.test.ts, which keeps the default directories of a
 * real and a --mock sweep and two sweeps racing for one directory): `--no-resume` results
 * supersede older ones visibly, and a changed config is refused in an old directory unless
 * `--extend`, whose fit leaves the earlier runs out.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { readJournal } from "../../src/store/journal.js";
import { scriptedSweepDir, sweepScripted } from "./scripted-sweep.js";

const CONFIG = ["name: quick", "plugin: gpt", "planning:", "  budgets: [1e10, 1e11, 1e12]", "  sizes_per_budget: 3", "  refine_rounds: 0", "  span: 1.8", "training:", "  eval_tokens: 256"];

interface FitJson { n_points: number; left_out: Array<{ reason: string }>; warnings: string[] }

describe("one sweep definition per run directory", () => {
  const sweep = scriptedSweepDir("defs", CONFIG);
  const mockDir = sweep.out;

  it("--no-resume re-runs every experiment and the fit uses the new results, saying so", async () => {
    const first = await sweepScripted(sweep);
    const before = readJournal(join(mockDir, "results.jsonl")).records.length;
    expect(first.json.completed).toBe(before);
    const again = await sweepScripted(sweep, { resume: false });
    expect(again.json.completed).toBe(before);
    const records = readJournal(join(mockDir, "results.jsonl")).records;
    expect(records.length).toBe(2 * before);
    const fit = again.json.fit as FitJson;
    expect(fit.n_points).toBe(before);
    // The mock surface's noise is seeded per experiment: the re-runs agree, and are said to.
    expect(fit.warnings).toContain(`${before} experiments re-run with the same result; the latest attempt of each is used`);
  });

  it("refuses a changed config in the old directory, saying what differs, and --extend adds it with the older runs left out", async () => {
    writeFileSync(sweep.config, [...CONFIG, "  lr_reference: 0.001"].join("\n") + "\n");
    const journal = readFileSync(join(mockDir, "results.jsonl"));
    const refused = sweepScripted(sweep);
    await expect(refused).rejects.toThrow(UserError);
    const error = (await refused.catch((e: unknown) => e)) as UserError;
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe("definition_mismatch");
    expect(error.message).toContain(`${mockDir} holds`);
    expect(error.message).toContain("training.lr_reference: 0.003 → 0.001");
    expect(error.message).toMatch(/--out DIR.*--extend/);
    expect(readFileSync(join(mockDir, "results.jsonl"))).toEqual(journal);

    const extended = await sweepScripted(sweep, { extend: true });
    const records = readJournal(join(mockDir, "results.jsonl")).records;
    const earlier = new Set(records.filter((r) => r.fingerprint !== records.at(-1)!.fingerprint).map((r) => r.experiment_id));
    const fit = extended.json.fit as FitJson;
    expect(fit.n_points).toBe(extended.json.completed);
    expect(fit.left_out).toHaveLength(earlier.size);
    expect(fit.warnings[0]).toMatch(new RegExp(`^${earlier.size} experiments of another sweep definition in this directory left out \\(fingerprint [0-9a-f]{12}: differs in training\\)`));
  });
});
