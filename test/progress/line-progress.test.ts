import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { lineProgressWithSummary } from "../../src/progress/create.js";
import { LineProgress } from "../../src/progress/line-progress.js";
import { A, B, DONE, progress, record, note, planned, progressed, recorded, started } from "./events.js";

describe("plain progress (stderr is not a TTY)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("LineProgress writes one line per plan, start, status and record, with an ETA from steady-state throughput", () => {
    const lines: string[] = [];
    const display = new LineProgress((line) => lines.push(line), 10_000);
    display.handle(note("repaired a torn last line"));
    display.handle(planned([A, B, DONE], [A, B]));
    display.handle(started(A, 1));
    display.handle(started(B, 1));
    vi.advanceTimersByTime(15_000);
    display.handle(progressed(A, progress(A, 20, 100, 12_345))); // the first report: the warm-up is behind it
    vi.advanceTimersByTime(15_000);
    display.handle(progressed(A, progress(A, 50, 100, 12_345)));
    display.handle(progressed(B, progress(B, 10, 100, null))); // within 10 s of the last status: no line
    vi.advanceTimersByTime(15_000);
    display.handle(recorded(A, record(A, 1, "completed"), false));
    display.handle(recorded(B, record(B, 1, "failed"), true));
    display.handle(started(B, 2));
    display.handle(recorded(B, record(B, 2, "failed"), false));
    expect(lines).toEqual([
      "note: repaired a torn last line",
      "sweep: 3 experiments planned, 2 to run, 1 already completed (skipped) on 2 cpu workers (1 thread each)",
      "start   aaaa1111  C=1.00e+12  N=2.00e+5  D=8.30e+5",
      "start   bbbb2222  C=1.00e+12  N=4.00e+5  D=4.20e+5",
      "status  0/2 done; aaaa1111 step 20/100 (20%), 12345 tok/s; ETA -",
      // A's rate since its first report: 0.3e12 FLOPs in 15 s = 2e10 FLOP/s (B, unmeasured, adds none);
      // 2e12 − 0.5e12 done = 1.5e12 left → 75 s.
      "status  0/2 done; aaaa1111 step 50/100 (50%), 12345 tok/s; ETA 1m15s",
      "completed aaaa1111  [1/2]  loss 3.2109  N=2.00e+5  D=8.30e+5  42s",
      "failed    bbbb2222  [1/2]  attempt 1: worker lost: no heartbeat for 30 s (retrying)",
      "start   bbbb2222  C=1.00e+12  N=4.00e+5  D=4.20e+5  attempt 2",
      "failed    bbbb2222  [2/2]  attempt 2: worker lost: no heartbeat for 30 s",
    ]);
  });

  it("the non-TTY display ends with a summary table of the final attempts, once however often it is closed", () => {
    const lines: string[] = [];
    const display = lineProgressWithSummary((line) => lines.push(line), 10_000);
    display.handle?.(planned([A, B], [A, B]));
    display.handle?.(recorded(A, record(A, 1, "completed"), false));
    display.handle?.(recorded(B, record(B, 1, "failed"), true));
    display.handle?.(recorded(B, record(B, 2, "failed"), false));
    display.close?.();
    display.close?.();
    const table = lines.slice(-1)[0]!.split("\n");
    expect(lines.filter((l) => l.includes("experiment  status"))).toHaveLength(1);
    expect(table.slice(1)).toEqual([
      "experiment  status     C         N        D        loss    FLOPs     wall  error",
      "----------  ---------  --------  -------  -------  ------  --------  ----  ----------------------------------",
      "aaaa1111    completed  1.00e+12  2.00e+5  8.30e+5  3.2109  1.10e+12  42s",
      "bbbb2222    failed     1.00e+12  4.00e+5  4.20e+5  -       -         -     worker lost: no heartbeat for 30 s",
    ]);
  });

  it("under --json nothing is displayed", async () => {
    const { createProgress } = await import("../../src/progress/create.js");
    expect(createProgress({ json: true })).toEqual({});
  });
});
