import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveProgress, renderLiveView } from "../../src/progress/live-progress.js";
import { A, B, DONE, progress, record, executorStarted, planned, progressed, recorded, started } from "./events.js";

function fakeStream(): NodeJS.WriteStream & { text(): string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  stream.columns = 140;
  stream.text = () => text;
  return stream;
}

describe("live progress (stderr is a TTY)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("renderLiveView shows done/total, the ETA and each worker's run with step, tokens %, tokens/s", () => {
    const text = renderLiveView({
      phase: "running", done: 1, failed: 0, total: 4, elapsedS: 75, etaS: 200, columns: 140,
      workers: [
        { id: "w0", status: "busy", kind: "train", experiment_id: "aaaa1111", budget_flops: 1e12, n_params: 2e5, progress: progress(A, 30, 120, 85_200) },
        { id: "w1", status: "idle" },
      ],
    });
    expect(text.split("\n")).toEqual([
      "sweep  1/4 done  ██████░░░░░░░░░░░░░░░░░░ 25%  elapsed 1m15s  ETA 3m20s",
      "  w0    aaaa1111      C=1.00e+12 N=2.00e+5  step  30/120  ███░░░░░░░  25%  85.2k tok/s  loss 3.200",
      "  w1    idle",
    ]);
  });

  it("cuts lines to the terminal width", () => {
    const text = renderLiveView({ phase: "starting", done: 0, failed: 0, total: 0, elapsedS: 3, etaS: NaN, columns: 30, workers: [{ id: "w0", status: "starting" }] });
    expect(text.split("\n").every((line) => line.length <= 30)).toBe(true);
  });

  it("follows the pool's workers, shows only the current task's progress, and closes with the summary table", () => {
    const stream = fakeStream();
    const live = new LiveProgress(stream, 60_000);
    const snapshot = vi.fn(() => [
      { id: "w0", status: "busy" as const, task: { kind: "train", task_id: "aaaa1111#1", experiment_id: "aaaa1111", budget_flops: 1e12 } as never, progress: progress(A, 10, 100, 5000) },
      // A stale progress from the worker's previous task is not shown.
      { id: "w1", status: "busy" as const, task: { kind: "train", task_id: "bbbb2222#1", experiment_id: "bbbb2222", budget_flops: 1e12 } as never, progress: { ...progress(DONE, 5, 5, 1), task_id: "old#1" } },
    ]);
    live.handle(executorStarted({ snapshot }));
    live.handle(planned([A, B, DONE], [A, B]));
    live.handle(started(A));
    live.handle(started(B));
    live.handle(progressed(A, progress(A, 1, 100, 5000)));
    vi.advanceTimersByTime(10_000);
    live.handle(progressed(A, progress(A, 10, 100, 5000)));
    const view = live.view();
    expect(view).toMatchObject({ phase: "running", done: 0, total: 2, workers: [{ id: "w0", n_params: 2e5, progress: { step: 10 } }, { id: "w1", progress: undefined }] });
    expect(Number.isFinite(view.etaS)).toBe(true);
    live.handle(recorded(A, record(A, 1, "completed"), false));
    live.close();
    live.close();
    const out = stream.text();
    expect(out).toContain("sweep: 3 experiments planned, 2 to run, 1 already completed (skipped)");
    expect(out).toContain("completed aaaa1111  [1/2]  loss 3.2109");
    expect(out.match(/experiment\s+status/g)).toHaveLength(1);
  });
});
