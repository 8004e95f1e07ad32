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
import { isoflopResultLines } from "./isoflop-results.js";

const dir = mkdtempSync(join(tmpdir(), "ff-fit-faults-"));

describe("fit faults", () => {
  it("a run directory where fit.json cannot be written: the fit is printed, then exit 1 naming fit.json", async () => {
    const runDir = join(dir, "unwritable");
    mkdirSync(join(runDir, "fit.json"), { recursive: true }); // a folder in its place: the rename onto it fails, as on a read-only disk
    writeFileSync(join(runDir, "results.jsonl"), isoflopResultLines());
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
    writeFileSync(join(runDir, "results.jsonl"), isoflopResultLines());
    writeFileSync(join(runDir, "config.json"), "abc\ndef\n");
    expect(() => readFitInput(runDir)).toThrow(/config\.json: not valid JSON \(Unexpected token 'a', "abc\\ndef\\n" is not valid JSON\)$/);
  });
});
