/**
 * `doctor` checks what a sweep needs, not only that torch imports: the optional model extras
 * (transformers, timm) with what needs them and how to add them, and — given a config — that
 * it is valid, its targets import and its data loads, each problem with its fix.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnosis, type Diagnosis } from "../../src/doctor/diagnose.js";
import { MODULE_CHECKS } from "../../src/doctor/module-checks.js";
import { runCli } from "../integration/cli.js";

const base: Diagnosis = {
  ok: true, python: { executable: "/p/python", source: "venv" }, devices: ["cpu"], config: null,
  slurm: { sbatch: null, squeue: false, reachable: false, detail: "sbatch not found" },
  checks: [
    { name: "torch", ok: true, version: "2.13" },
    { name: "timm", ok: false, version: null, optional: "optional: timm models (docs/models.md)", fix: '/p/python -m pip install -e "/repo[models]"' },
  ],
};

describe("doctor", () => {
  it("checks the models and hf extras: transformers, timm, tokenizers and datasets are optional modules with what needs them", () => {
    expect(MODULE_CHECKS.filter((m) => !m.required).map((m) => [m.module, m.extra?.name])).toEqual([
      ["transformers", "models"], ["timm", "models"], ["tokenizers", "hf"], ["datasets", "hf"],
    ]);
    expect(MODULE_CHECKS.find((m) => m.module === "tokenizers")?.extra?.neededFor).toMatch(/flops-fit tokenize/);
  });

  it("an absent extra is reported with its fix and does not fail the installation; never 'everything needed is installed' unqualified", () => {
    const text = formatDiagnosis(base);
    expect(text).toMatch(/^ {2}absent {2}timm {16}\s+\(optional: timm models \(docs\/models\.md\)\)\n {10}fix: \/p\/python -m pip install -e "\/repo\[models\]"$/m);
    expect(text).toMatch(/everything needed is installed; optional, not installed: timm; pass a config \(flops-fit doctor CONFIG\) to check what it needs$/);
  });

  it("given a config, checks that its data loads, naming the problem and the fix (exit 1)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ff-doctor-"));
    mkdirSync(join(dir, "gz"));
    writeFileSync(join(dir, "gz", "corpus.txt.gz"), "x");
    writeFileSync(join(dir, "sweep.yaml"), `data:\n  options: { source: path, path: ${JSON.stringify(join(dir, "gz"))} }\nplanning:\n  budgets: [1e11]\n`);
    const run = await runCli(["doctor", join(dir, "sweep.yaml"), "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as Diagnosis;
    expect(report.config!.checks.map((c) => [c.name, c.ok])).toEqual([["config", true], ["model target", true], ["data target", true], ["loss target", true], ["data", false]]);
    expect(report.config!.checks.at(-1)).toMatchObject({ detail: expect.stringMatching(/holds no text file to read/), fix: expect.stringMatching(/^fix data\.options in .*sweep\.yaml/) });
    const missingModule = join(dir, "nomod.yaml");
    writeFileSync(missingModule, 'model:\n  target: "no_such_models:Net"\n  size_param: width\nplanning:\n  budgets: [1e11]\n');
    const text = await runCli(["doctor", missingModule]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAILED {2}model target {7}cannot import module "no_such_models"[^\n]*\n {10}fix: install no_such_models into .*, or put its module in the config's folder/);
  }, 120_000);
});
