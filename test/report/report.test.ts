import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { UserError } from "../../src/errors/user-error.js";
import { writeReport } from "../../src/report/write-report.js";
import { writeRunDir } from "./run-dir-fixture.js";

const dirs: string[] = [];
const runDir = (options: Parameters<typeof writeRunDir>[0]) => {
  const dir = writeRunDir(options);
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// Five budgets: the report backtests the largest (fit.json has no backtest of its own), so "backtest" comes last.
const FIGURES = ["isoflop-curves", "n-opt", "d-opt", "loss-opt", "approach3-parity", "approach3-residuals", "training-curves", "backtest"];

describe("writeReport(RUN_DIR)", () => {
  it("writes a self-contained index.html and every figure as SVG and PNG, using a current fit.json", () => {
    const dir = runDir({ fit: true });
    const report = writeReport(dir);
    expect(report.report_dir).toBe(join(dir, "report"));
    expect(report.files).toEqual([join(dir, "report", "index.html"), ...FIGURES.flatMap((name) => [join(dir, "report", `${name}.svg`), join(dir, "report", `${name}.png`)])]);
    for (const file of report.files.filter((f) => f.endsWith(".png"))) expect(readFileSync(file).subarray(1, 4).toString()).toBe("PNG");
    const html = readFileSync(report.files[0]!, "utf8");
    expect(html).toContain("fit.json (");
    expect(html.match(/<figure /g)).toHaveLength(FIGURES.length);
    for (const section of ["Chinchilla table", "Approaches side by side", "Warnings", "Backtest", "Experiments", "Resolved config", "Environment"]) expect(html).toContain(section);
    expect(html).toMatch(/Fitted on the 4 smaller budgets \(1\.00e\+11, 3\.00e\+11, 1\.00e\+12, 3\.00e\+12\), then predicted the 1 largest \(1\.00e\+13\)/);
    expect(html).toMatch(/Mean absolute relative error of the answer's loss predictions \(approach \d\): \d+\.\d\d%/);
    expect(html).toContain("worker lost: no heartbeat for 30 s"); // the failed run's error
    expect(html).toContain(">pending<"); // planned, not yet recorded
    // Self-contained: nothing to fetch.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|url\((?!#)|@import/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:\/\//);
  });

  it("mid-sweep, without fit.json, fits what is there and says it did", () => {
    const dir = runDir({});
    const report = writeReport(dir);
    expect(report.fit_error).toBeNull();
    expect(readFileSync(report.files[0]!, "utf8")).toContain("fitted now from results.jsonl");
  });

  it("with no results yet, still renders the planned runs and says why there is no fit", () => {
    const dir = runDir({ records: [] });
    const report = writeReport(dir);
    expect(report.fit_error).toBe("no results yet");
    expect(report.files).toEqual([join(dir, "report", "index.html")]);
    const html = readFileSync(report.files[0]!, "utf8");
    expect(html).toContain("<strong>No fit.</strong> no results yet");
    expect(html).toContain("pending01");
  });

  it("uses the sweep's own fit error when given one", () => {
    const dir = runDir({});
    const report = writeReport(dir, { fit: { error: "approach 2: fewer than 3 usable budgets" } });
    expect(report.fit_error).toBe("approach 2: fewer than 3 usable budgets");
    expect(report.files.map((f) => f.split("/").pop())).toEqual(["index.html", "isoflop-curves.svg", "isoflop-curves.png", "training-curves.svg", "training-curves.png"]);
  });

  it("refuses a path that is not a run directory, naming it", () => {
    const dir = runDir({});
    rmSync(join(dir, "results.jsonl"));
    rmSync(join(dir, "config.json"));
    rmSync(join(dir, "plan.json"));
    expect(() => writeReport(dir)).toThrow(UserError);
    expect(() => writeReport(dir)).toThrow(`${dir} is not a run directory`);
    expect(() => writeReport(join(dir, "missing"))).toThrow(`no such run directory: ${join(dir, "missing")}`);
  });

  it("says which file is corrupt", () => {
    const dir = runDir({});
    writeFileSync(join(dir, "config.json"), "{ not json");
    expect(() => writeReport(dir)).toThrow(`${join(dir, "config.json")}: not valid JSON`);
  });
});

describe("flops-fit report (command)", () => {
  const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  /** Runs the command in this process, capturing stdout and the exit code. */
  async function run(args: string[]): Promise<{ code: number; stdout: string }> {
    const { default: Report } = await import("../../src/commands/report.js");
    let stdout = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    // oclif prints --json output with console.log, the command's own errors with process.stdout.write.
    const log = vi.spyOn(console, "log").mockImplementation((text: string) => {
      stdout += `${text}\n`;
    });
    try {
      await Report.run(args, ROOT);
      return { code: 0, stdout };
    } catch (error) {
      return { code: (error as { oclif?: { exit?: number } }).oclif?.exit ?? 1, stdout };
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
  }

  it("--json prints {report_dir, files} and nothing else", async () => {
    const dir = runDir({ fit: true });
    const result = await run([dir, "--json"]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { report_dir: string; files: string[] };
    expect(json.report_dir).toBe(join(dir, "report"));
    expect(json.files).toHaveLength(1 + 2 * FIGURES.length);
    expect(json.files.every((f) => existsSync(f))).toBe(true);
  });

  it("a bad RUN_DIR exits 2 with an error naming the path", async () => {
    const result = await run(["/nonexistent/run-dir", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: "not_a_run_dir", message: "no such run directory: /nonexistent/run-dir", where: { file: "/nonexistent/run-dir" } } });
  });
});
