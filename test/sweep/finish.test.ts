/**
 * The end of a sweep says what happened: a report that cannot be written fails the sweep
 * (exit 1, as any write to the run directory does) instead of exiting 0, and connections the
 * executor refused appear in the console text, in --json and in logs/refusals.log.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunDir } from "../../src/store/run-dir.js";
import { finishSweep } from "../../src/sweep/finish.js";
import { announceRefusals, recordRefusals } from "../../src/sweep/refusals.js";
import { SweepEvents } from "../../src/sweep/sweep-events.js";
import type { SweepOutcome } from "../../src/sweep/run-sweep.js";
import { isoflopResultLines } from "../fit/isoflop-results.js";
import { scriptedExecutor } from "./scripted-executor.js";

/** A run directory holding 3 budgets × 3 sizes of completed runs on a Chinchilla surface. */
function runDirWithResults(budgets = [1e18, 1e19, 1e20]): RunDir {
  const runDir = new RunDir(mkdtempSync(join(tmpdir(), "ff-finish-")));
  mkdirSync(runDir.logs);
  writeFileSync(runDir.results, isoflopResultLines(budgets));
  return runDir;
}

function outcome(runDir: RunDir, extra: Partial<SweepOutcome> = {}): SweepOutcome {
  return {
    completed: 9, failed: 0, cancelled: 0, records: [], runDir, fingerprint: "f", budgets: [1e18, 1e19, 1e20],
    experimentIds: [1e18, 1e19, 1e20].flatMap((b) => [0.4, 1, 2.5].map((f) => `b${b}f${f}`)),
    skipped: 0, workers: 1, backend: "local", planWarnings: [], interrupted: false, refusals: [], ...extra,
  };
}

const REQUEST = { approaches: [1, 2] as Array<1 | 2 | 3>, bootstrap: 0, seed: 0, confidence: 0.95, predict: [], paramConvention: "total" as const };

describe("finishing a sweep", () => {
  it("a report that cannot be written fails the sweep, naming the report and what to run once there is room", async () => {
    const runDir = runDirWithResults();
    writeFileSync(runDir.report, "not a folder"); // report/ cannot be created: as on a full or read-only disk
    const result = await finishSweep(outcome(runDir), REQUEST);
    expect(result.failed).toBe(true);
    expect(result.json.problems).toEqual([expect.stringMatching(/^the report could not be written \(.*\); the runs and fit\.json are safe: `flops-fit report .*` writes it once the disk has room$/)]);
    expect(result.text).toMatch(/sweep failed:\n {2}- the report could not be written/);
  }, 60_000);

  it("with 4 budgets the summary shows the backtest it computed, as fit --holdout does", async () => {
    const runDir = runDirWithResults([1e18, 1e19, 1e20, 1e21]);
    const result = await finishSweep(outcome(runDir, { budgets: [1e18, 1e19, 1e20, 1e21], experimentIds: [] }), { ...REQUEST, holdout: "auto" });
    expect("backtest" in result.json.fit && result.json.fit.backtest?.holdout).toBe(1);
    expect(result.text).toMatch(/\n\nBacktest: fitted on 3 budgets \(.*\), predicted the 1 held out \(1e21\)/);
  }, 60_000);

  it("refused connections are noted as they happen, logged, and listed in --json and the summary", async () => {
    const runDir = runDirWithResults();
    const executor = scriptedExecutor(() => ({ kind: "cancelled", reason: "not asked" }));
    const notes: string[] = [];
    const events = new SweepEvents();
    events.on((event) => event.type === "note" && notes.push(event.text));
    announceRefusals(executor, events);
    const refusals = recordRefusals(events, runDir.logs);
    executor.refuse("rogue (pid 4242)", "wrong token");
    executor.refuse("10.0.0.9", "unknown CURVE client key");
    expect(notes).toEqual([
      "refused a connection from rogue (pid 4242): wrong token (not a worker of this sweep; nothing was run for it)",
      "refused a connection from 10.0.0.9: unknown CURVE client key (not a worker of this sweep; nothing was run for it)",
    ]);
    expect(readFileSync(join(runDir.logs, "refusals.log"), "utf8").trim().split("\n")).toEqual([
      expect.stringMatching(/^\S+ refused a connection from rogue \(pid 4242\): wrong token/),
      expect.stringMatching(/^\S+ refused a connection from 10\.0\.0\.9: unknown CURVE client key/),
    ]);
    const result = await finishSweep(outcome(runDir, { refusals }), REQUEST);
    expect(result.json.refusals).toEqual([expect.objectContaining({ who: "rogue (pid 4242)", reason: "wrong token" }), expect.objectContaining({ reason: "unknown CURVE client key" })]);
    expect(result.text).toMatch(/Refused connections \(2; all in .*logs\/refusals\.log\):\n {2}- \S+ rogue \(pid 4242\): wrong token\n {2}- \S+ 10\.0\.0\.9: unknown CURVE client key/);
    expect(result.failed).toBe(false);
  }, 60_000);
});
