/**
 * Time left in a sweep: the FLOPs still to do divided by the sweep's steady throughput.
 *
 * A run's rate is measured between its first progress report and its latest one, so its
 * first steps (worker start, data loading, allocation, compilation: the warm-up) never count
 * as the rate — taken from the sweep's start, one step at ~1% would predict hours. The
 * sweep's throughput is the sum of its running runs' rates (workers run side by side); a
 * running run not yet measured counts at the mean rate of finished runs. Before any rate is
 * known, unknown (NaN).
 */
import type { Progress } from "../protocol/messages.js";
import type { Experiment } from "../sweep/experiments.js";
import type { ResultRecord } from "../store/record.js";

interface RunningRun {
  flops: number;
  /** Fraction of the run's tokens done at the latest report. */
  fraction: number;
  /** The first report (time in ms, fraction): where the run's steady rate is measured from. */
  first: { at: number; fraction: number } | null;
  /** FLOPs per second since `first`, once a later report moved on. */
  rate: number | null;
}

export class EtaEstimator {
  private remainingFlops = 0;
  private readonly running = new Map<string, RunningRun>();
  private readonly finishedRates: number[] = [];
  /** The last throughput seen, for the moments between one run and the next. */
  private lastRate = NaN;

  constructor(private readonly now: () => number = Date.now) {}

  plan(pending: Experiment[]): void {
    this.remainingFlops = pending.reduce((sum, e) => sum + e.budget_flops, 0);
  }

  /** More work joined the sweep (grid refinement, a WSD trunk). */
  extend(extra: Experiment[]): void {
    this.remainingFlops += extra.reduce((sum, e) => sum + e.budget_flops, 0);
  }

  start(experiment: Experiment): void {
    this.running.set(experiment.experiment_id, { flops: experiment.budget_flops, fraction: 0, first: null, rate: null });
  }

  progress(experiment: Experiment, progress: Progress): void {
    const run = this.running.get(experiment.experiment_id);
    if (!run || progress.total_tokens <= 0) return;
    run.fraction = Math.min(1, progress.tokens / progress.total_tokens);
    const at = this.now();
    if (!run.first) {
      run.first = { at, fraction: run.fraction };
      return;
    }
    const seconds = (at - run.first.at) / 1000;
    if (seconds > 0 && run.fraction > run.first.fraction) run.rate = (run.flops * (run.fraction - run.first.fraction)) / seconds;
  }

  finish(experiment: Experiment, record: ResultRecord): void {
    const run = this.running.get(experiment.experiment_id);
    this.running.delete(experiment.experiment_id);
    if (run?.rate) this.finishedRates.push(run.rate);
    if (record.status === "completed") this.remainingFlops = Math.max(0, this.remainingFlops - experiment.budget_flops);
  }

  /** Seconds left, or NaN before any steady rate has been measured. */
  remainingSeconds(): number {
    // Nothing planned is left or running (e.g. while refinement sizes are probed): unknown, not 0.
    if (this.running.size === 0 && this.remainingFlops <= 0) return NaN;
    let inFlightDone = 0;
    let rate = 0;
    const typical = this.finishedRates.length > 0 ? this.finishedRates.reduce((a, b) => a + b, 0) / this.finishedRates.length : 0;
    for (const run of this.running.values()) {
      inFlightDone += run.flops * run.fraction;
      rate += run.rate ?? typical;
    }
    if (rate > 0) this.lastRate = rate;
    else rate = this.lastRate;
    if (!(rate > 0)) return NaN;
    return Math.max(0, (this.remainingFlops - inFlightDone) / rate);
  }
}
