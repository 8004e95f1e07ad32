/**
 * Picks the progress display: nothing under --json; the live view (live-progress.ts) when
 * stderr is a terminal; else plain lines (line-progress.ts). Both end with a summary table
 * of the runs on close().
 */
import { experimentRows } from "../report/experiment-rows.js";
import { formatExperimentsTable } from "../report/experiments-text.js";
import type { ResultRecord } from "../store/record.js";
import type { SweepObserver } from "../sweep/run-sweep.js";
import { LineProgress } from "./line-progress.js";
import { LiveProgress } from "./live-progress.js";

export interface ProgressDisplay extends SweepObserver {
  close?(): void;
}

/** LineProgress plus the closing summary table (written once, however often close() is called). */
export function lineProgressWithSummary(write: (line: string) => void = (line) => process.stderr.write(line + "\n"), statusEveryMs?: number): ProgressDisplay {
  const lines = new LineProgress(write, statusEveryMs);
  const records: ResultRecord[] = [];
  let closed = false;
  return {
    onMessage: (text) => lines.onMessage(text),
    onPlan: (plan, experiments, pending, resources) => lines.onPlan(plan, experiments, pending, resources),
    onStart: (experiment, attempt) => lines.onStart(experiment, attempt),
    onProgress: (experiment, progress) => lines.onProgress(experiment, progress),
    onRecord: (experiment, record, willRetry) => {
      records.push(record);
      lines.onRecord(experiment, record, willRetry);
    },
    close: () => {
      if (closed || records.length === 0) return;
      closed = true;
      write(`\n${formatExperimentsTable(experimentRows(records))}`);
    },
  };
}

export function createProgress(options: { json: boolean; tty?: boolean }): ProgressDisplay {
  if (options.json) return {};
  if (options.tty ?? process.stderr.isTTY === true) return new LiveProgress();
  return lineProgressWithSummary();
}
