/**
 * What the progress displays count, shared by the plain lines and the live view: the planned
 * runs (plus refinements as they join), the WSD trunks as they are known, and the line each
 * finished attempt prints. Done never exceeds the total, and a trunk is counted as a trunk,
 * never as one of the planned points.
 */
import { isTrunkRecord, type ResultRecord } from "../store/record.js";
import type { Experiment } from "../sweep/experiments.js";
import { errorLine } from "../util/error-line.js";
import { duration, fixed, sci } from "../util/table.js";
import { EtaEstimator } from "./eta.js";

export class RunCounts {
  readonly eta: EtaEstimator;
  total = 0;
  done = 0;
  failed = 0;
  trunksTotal = 0;
  trunksDone = 0;

  constructor(now?: () => number) {
    this.eta = new EtaEstimator(now);
  }

  plan(pending: Experiment[]): void {
    this.total = pending.length;
    this.eta.plan(pending);
  }

  /** Refinement runs joined the sweep. */
  extend(extra: Experiment[]): void {
    this.total += extra.length;
    this.eta.extend(extra);
  }

  trunk(trunk: Experiment): void {
    this.trunksTotal += 1;
    this.eta.extend([trunk]);
  }

  /** Takes a finished attempt in; the line that reports it. */
  record(experiment: Experiment, record: ResultRecord, willRetry: boolean): string {
    this.eta.finish(experiment, record);
    const trunk = isTrunkRecord(record);
    if (!willRetry) {
      if (trunk) this.trunksDone += 1;
      else {
        this.done += 1;
        if (record.status !== "completed") this.failed += 1;
      }
    }
    this.total = Math.max(this.total, this.done);
    this.trunksTotal = Math.max(this.trunksTotal, this.trunksDone);
    const count = trunk ? `[trunk ${this.trunksDone}/${this.trunksTotal}]` : `[${this.done}/${this.total}]`;
    const head = `${record.status.padEnd(9)} ${experiment.experiment_id}  ${count}`;
    const discarded = (record.discarded_checkpoints ?? []).map((note) => `\n  discarded a damaged checkpoint: ${note}`).join("");
    if (record.status === "completed") {
      const loss = trunk ? "" : `  loss ${fixed(record.loss, 4)}`;
      return `${head}${loss}  N=${sci(record.n_params)}  D=${sci(record.n_tokens)}  ${duration(record.wall_s ?? 0)}${discarded}`;
    }
    const reason = errorLine(record.error) || (record.status === "cancelled" ? "stopped: the sweep was interrupted" : "no error was recorded");
    return `${head}  attempt ${record.attempt}: ${reason}` + (willRetry ? " (retrying)" : "") + discarded;
  }

  /** "3/16 done", with the trunks when there are any. */
  doneText(): string {
    return `${this.done}/${this.total} done` + (this.trunksTotal > 0 ? `, trunks ${this.trunksDone}/${this.trunksTotal}` : "");
  }
}
