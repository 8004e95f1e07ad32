/**
 * Picks the progress display: nothing under --json; the live view (live-progress.ts) when
 * stderr is a terminal; else plain lines (line-progress.ts). Both end with a summary table
 * of the runs on close().
 */
import { experimentRows } from "../report/experiment-rows.js";
import { isTrunkRecord, type ResultRecord } from "../store/record.js";
import { formatExperimentsTable } from "../report/experiments-text.js";
import type { Experiment } from "../sweep/experiments.js";
import type { SweepEvent } from "../sweep/sweep-events.js";
import { LineProgress } from "./line-progress.js";
import { LiveProgress } from "./live-progress.js";

/** A display of the sweep's events (none under --json); close() ends it with the summary table. */
export interface ProgressDisplay {
  handle?(event: SweepEvent): void;
  close?(): void;
}

/** LineProgress plus the closing summary table of the points (written once, however often close() is called). */
class SummarizedLineProgress extends LineProgress implements ProgressDisplay {
  private readonly records: ResultRecord[] = [];
  private closed = false;

  constructor(private readonly writeLine: (line: string) => void, statusEveryMs?: number) {
    super(writeLine, statusEveryMs);
  }

  protected override onRecord(experiment: Experiment, record: ResultRecord, willRetry: boolean): void {
    if (!isTrunkRecord(record)) this.records.push(record);
    super.onRecord(experiment, record, willRetry);
  }

  close(): void {
    if (this.closed || this.records.length === 0) return;
    this.closed = true;
    this.writeLine(`\n${formatExperimentsTable(experimentRows(this.records))}`);
  }
}

export function lineProgressWithSummary(write: (line: string) => void = (line) => process.stderr.write(line + "\n"), statusEveryMs?: number): ProgressDisplay {
  return new SummarizedLineProgress(write, statusEveryMs);
}

export function createProgress(options: { json: boolean; tty?: boolean }): ProgressDisplay {
  if (options.json) return {};
  if (options.tty ?? process.stderr.isTTY === true) return new LiveProgress();
  return lineProgressWithSummary();
}
