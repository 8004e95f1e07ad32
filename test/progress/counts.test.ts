/**
 * Progress that adds up: the ETA comes from steady-state steps (a slow first step is not the
 * rate), refinement runs and WSD trunks join the totals, done never exceeds the total, and a
 * cancelled run says why.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { lineProgressWithSummary } from "../../src/progress/create.js";
import { EtaEstimator } from "../../src/progress/eta.js";
import { A, B, experiment, progress, record, extended, planned, progressed, recorded, started, trunkJoined } from "./events.js";

describe("the ETA", () => {
  it("is measured from a run's first progress report on, so a 60 s warm-up before step 1 does not count as the rate", () => {
    let now = 0;
    const eta = new EtaEstimator(() => now);
    eta.plan([A]);
    eta.start(A);
    now = 60_000; // worker start, data, first step
    eta.progress(A, progress(A, 1, 100, null));
    expect(eta.remainingSeconds()).toBeNaN(); // one report: no rate yet, rather than hours
    now = 70_000; // 9 more steps in 10 s
    eta.progress(A, progress(A, 10, 100, null));
    // 9% in 10 s → the remaining 90% in 100 s (from the sweep's start it would have been 630 s).
    expect(eta.remainingSeconds()).toBeCloseTo(100, 6);
  });

  it("adds the running runs' rates (workers run side by side) and is unknown, not 0, once nothing is left to run", () => {
    let now = 0;
    const eta = new EtaEstimator(() => now);
    eta.plan([A, B]);
    eta.start(A);
    eta.start(B);
    eta.progress(A, progress(A, 0, 100, null));
    eta.progress(B, progress(B, 0, 100, null));
    now = 10_000;
    eta.progress(A, progress(A, 10, 100, null));
    eta.progress(B, progress(B, 10, 100, null));
    // 2e12 FLOPs, 0.2e12 done, each run at 1e10 FLOP/s → 1.8e12 / 2e10 = 90 s.
    expect(eta.remainingSeconds()).toBeCloseTo(90, 6);
    eta.finish(A, record(A, 1, "completed"));
    eta.finish(B, record(B, 1, "completed"));
    expect(eta.remainingSeconds()).toBeNaN();
  });
});

describe("the totals", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("count refinement runs as they join: never [3/2] nor done with runs still training", () => {
    const lines: string[] = [];
    const display = lineProgressWithSummary((line) => lines.push(line), 0);
    const refinement = experiment("dddd4444", 1e12, 1e5, 1.6e6);
    display.handle?.(planned([A, B], [A, B]));
    display.handle?.(recorded(A, record(A, 1, "completed"), false));
    display.handle?.(recorded(B, record(B, 1, "completed"), false));
    display.handle?.(extended([refinement]));
    display.handle?.(started(refinement, 1));
    display.handle?.(progressed(refinement, progress(refinement, 5, 100, null)));
    display.handle?.(recorded(refinement, record(refinement, 1, "completed"), false));
    expect(lines.filter((l) => l.startsWith("completed")).map((l) => l.match(/\[\d+\/\d+\]/)![0])).toEqual(["[1/2]", "[2/2]", "[3/3]"]);
    expect(lines.find((l) => l.startsWith("status"))).toMatch(/^status {2}2\/3 done; dddd4444/);
  });

  it("count WSD trunks apart from the points, show their attempts, and keep them out of the summary table", () => {
    const lines: string[] = [];
    const display = lineProgressWithSummary((line) => lines.push(line), 0);
    const trunk = experiment("trunk-abc", 1e12, 2e5, 8e5);
    display.handle?.(planned([A, B], [A, B]));
    display.handle?.(trunkJoined(trunk));
    display.handle?.(started(trunk, 1));
    display.handle?.(progressed(trunk, progress(trunk, 10, 100, null)));
    display.handle?.(recorded(trunk, record(trunk, 1, "completed", { role: "trunk", loss: null } as never), false));
    display.handle?.(recorded(A, record(A, 1, "completed"), false));
    display.close?.();
    expect(lines).toContain("start   trunk-abc  C=1.00e+12  N=2.00e+5  D=8.00e+5");
    expect(lines.find((l) => l.startsWith("status"))).toMatch(/^status {2}0\/2 done, trunks 0\/1; trunk-abc step 10\/100/);
    expect(lines).toContain("completed trunk-abc  [trunk 1/1]  N=2.00e+5  D=8.00e+5  42s");
    expect(lines).toContain("completed aaaa1111  [1/2]  loss 3.2109  N=2.00e+5  D=8.30e+5  42s");
    expect(lines.at(-1)).not.toContain("trunk-abc");
  });

  it("a cancelled run names why, a run with a discarded checkpoint names it", () => {
    const lines: string[] = [];
    const display = lineProgressWithSummary((line) => lines.push(line), 0);
    display.handle?.(planned([A, B], [A, B]));
    display.handle?.(recorded(A, record(A, 1, "cancelled", { error: null }), false));
    display.handle?.(recorded(B, record(B, 1, "completed", { discarded_checkpoints: ["/r/checkpoints/b/checkpoint: run.json has step \"abc\"; moved aside to /r/checkpoints/b/checkpoint.discarded"] }), false));
    expect(lines[1]).toBe("cancelled aaaa1111  [1/2]  attempt 1: stopped: the sweep was interrupted");
    expect(lines[2]).toMatch(/^completed bbbb2222 {2}\[2\/2\].*\n {2}discarded a damaged checkpoint: \/r\/checkpoints\/b\/checkpoint: run\.json has step "abc"; moved aside/);
  });
});

describe("the live view", () => {
  it("shows the trunks beside the points in its header", async () => {
    const { renderLiveView } = await import("../../src/progress/live-progress.js");
    const text = renderLiveView({ phase: "running", done: 3, failed: 0, total: 8, trunksDone: 1, trunksTotal: 2, elapsedS: 60, etaS: 120, columns: 200, workers: [] });
    expect(text).toMatch(/^sweep {2}3\/8 done, trunks 1\/2 {2}█/);
  });
});
