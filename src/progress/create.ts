/** Picks the progress display: nothing under --json, else plain lines on stderr. */
import type { SweepObserver } from "../sweep/run-sweep.js";
import { LineProgress } from "./line-progress.js";

export interface ProgressDisplay extends SweepObserver {
  close?(): void;
}

export function createProgress(options: { json: boolean }): ProgressDisplay {
  if (options.json) return {};
  return new LineProgress();
}
