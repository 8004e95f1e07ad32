import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import PluginsInspect from "../../src/commands/plugins/inspect.js";
import type { TargetReport } from "../../src/plugins/inspect-target.js";
import { makeModelDir, netCounts, runInProcess, runSubprocess } from "./helpers.js";

const modelDir = makeModelDir();
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

describe("flops-fit plugins inspect", () => {
  it("--json on a class outside the repo gives its signature and hand-checked counts at 64 and 128, with clean stdout", async () => {
    const run = await runSubprocess("inspect", ["netmod:Net", "--json"], modelDir);
    expect(run.stderr).toContain("netmod: printed while importing"); // the module's print went to stderr
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as TargetReport; // all of stdout is the JSON
    expect(report.target).toBe("netmod:Net");
    expect(report.signature.map(({ name, kind, default: value, annotation }) => ({ name, kind, default: value, annotation }))).toEqual([
      { name: "width", kind: "POSITIONAL_OR_KEYWORD", default: null, annotation: "int" },
      { name: "depth", kind: "POSITIONAL_OR_KEYWORD", default: 2, annotation: "int" },
    ]);
    expect(report.signature[0]!.required).toBe(true);
    expect(report.size_param).toBe("width");
    expect(report.counts).toEqual([netCounts(64), netCounts(128)]);
    // The bridged Python is ended in `finally`: the command returned (a hang would time out).
  });

  it("prints the signature and a counts table at the --sizes given", async () => {
    const run = await runInProcess(PluginsInspect, ["netmod:Net", "--path", modelDir, "--size-param", "width", "--sizes", "16,32"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Net(width: int, depth: int = 2)");
    expect(run.stdout).toMatch(/^width \(size\)\s+positional_or_keyword\s+required\s+int$/m);
    expect(run.stdout).toContain("size parameter: width (from --size-param)");
    for (const size of [16, 32]) {
      const c = netCounts(size);
      expect(run.stdout).toMatch(new RegExp(`^\\s*${size}\\s+${c.n_params.toLocaleString("en-US")}\\s+${c.n_params_embedding}\\s+${c.n_params_non_embedding.toLocaleString("en-US")}$`, "m"));
    }
    expect((run.result as TargetReport).counts).toEqual([netCounts(16), netCounts(32)]);
  });

  it("--option reaches the constructor, and no model above --max-params is built (counted on the meta device)", async () => {
    const run = await runInProcess(PluginsInspect, ["netmod:Net", "--path", modelDir, "--option", "depth=3", "--sizes", "16,64,256", "--max-params", "20000", "--json"]);
    expect(run.exitCode).toBe(0);
    const report = run.result as TargetReport;
    expect(report.options).toEqual({ depth: 3 });
    expect(report.counts).toEqual([netCounts(16, 3), netCounts(64, 3)]);
    expect(report.skipped).toEqual([256]); // 200,259 parameters > 20,000: not built
  });

  it("a module that does not exist exits 2 (import_error) naming the module", async () => {
    const run = await runInProcess(PluginsInspect, ["no.such.module:Thing", "--json"]);
    expect(run.exitCode).toBe(2);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe("import_error");
    expect(error.message).toContain('"no.such.module"');
  });

  it("a module that calls sys.exit while importing exits 2 (import_error) naming it, without a bridge traceback", async () => {
    writeFileSync(join(modelDir, "exiting.py"), "import sys\nsys.exit('no GPU here')\n");
    const run = await runInProcess(PluginsInspect, ["exiting:Net", "--path", modelDir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/importing module "exiting" for target "exiting:Net" called sys\.exit\('no GPU here'\)/);
    expect(run.stderr).not.toMatch(/Traceback|pythonia|at .*\.js:\d+/);
  });

  it("a bare python target says it was counted at its own defaults, not as a sweep would build it", async () => {
    const run = await runInProcess(PluginsInspect, ["netmod:Net", "--path", modelDir, "--sizes", "16"]);
    expect(run.stdout).toMatch(/counted at the factory's own defaults with no options: no data given \(inspect a plugin or a sweep config/);
  });

  it("a module without the attribute exits 2 naming the module and the attribute", async () => {
    const run = await runInProcess(PluginsInspect, ["json:NoSuchThing"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/module "json" has no attribute "NoSuchThing"/);
  });

  it("a --size-param the signature lacks exits 2 with a did-you-mean", async () => {
    const run = await runInProcess(PluginsInspect, ["json:JSONDecoder", "--size-param", "strct"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('size parameter "strct" is not an argument of json:JSONDecoder (did you mean "strict"?)');
  });
});
