import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fitProgress } from "../../src/progress/fit-progress.js";

describe("progress of a long fit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("says nothing for a quick fit, then one line per interval and the last step, on plain stderr", () => {
    const written: string[] = [];
    const display = fitProgress({ write: (text) => written.push(text), tty: false, quietMs: 2000, everyMs: 5000 });
    display.onProgress({ stage: "approach3_search", done: 1, total: 25, runs: 1000 });
    expect(written).toEqual([]);
    vi.advanceTimersByTime(3000);
    display.onProgress({ stage: "approach3_search", done: 10, total: 25, runs: 1000 });
    display.onProgress({ stage: "approach3_search", done: 11, total: 25, runs: 1000 });
    vi.advanceTimersByTime(1000);
    display.onProgress({ stage: "approach3_search", done: 25, total: 25, runs: 1000 });
    vi.advanceTimersByTime(6000);
    display.onProgress({ stage: "approach3_refine", done: 1, total: 3, runs: 100000 });
    display.done();
    expect(written).toEqual([
      "fit: approach 3: searching starts 10/25 (1000 runs, 3 s)\n",
      "fit: approach 3: searching starts 25/25 (1000 runs, 4 s)\n",
      "fit: approach 3: refining the best minima on all runs 1/3 (100000 runs, 10 s)\n",
    ]);
  });

  it("rewrites one line on a terminal and clears it at the end", () => {
    const written: string[] = [];
    const display = fitProgress({ write: (text) => written.push(text), tty: true, quietMs: 0, everyMs: 0 });
    display.onProgress({ stage: "bootstrap", done: 5, total: 100, runs: 25 });
    display.done();
    expect(written).toEqual(["\r\x1b[2Kfit: bootstrap resamples 5/100 (25 runs, 0 s)", "\r\x1b[2K"]);
  });
});
