/**
 * Time left in a sweep: the plan's FLOPs still to do divided by the measured throughput
 * (FLOPs per second over finished and running runs). Before any measurement, unknown.
 */
import type { Progress } from "../protocol/messages.js";
import type { Experiment } from "../sweep/experiments.js";
import type { ResultRecord } from "../store/record.js";

export class EtaEstimator {
  private remainingFlops = 0;
  private readonly running = new Map<string, { flops: number; fraction: number; startedAt: number }>();
  private finishedFlops = 0;
  private finishedSeconds = 0;
  private readonly startedAt = Date.now();

  plan(pending: Experiment[]): void {
    this.remainingFlops = pending.reduce((sum, e) => sum + e.budget_flops, 0);
  }

  /** More experiments joined the sweep (grid refinement). */
  extend(extra: Experiment[]): void {
    this.remainingFlops += extra.reduce((sum, e) => sum + e.budget_flops, 0);
  }

  start(experiment: Experiment): void {
    this.running.set(experiment.experiment_id, { flops: experiment.budget_flops, fraction: 0, startedAt: Date.now() });
  }

  progress(experiment: Experiment, progress: Progress): void {
    const run = this.running.get(experiment.experiment_id);
    if (run && progress.total_tokens > 0) run.fraction = Math.min(1, progress.tokens / progress.total_tokens);
  }

  finish(experiment: Experiment, record: ResultRecord): void {
    const run = this.running.get(experiment.experiment_id);
    this.running.delete(experiment.experiment_id);
    if (record.status !== "completed") return;
    this.remainingFlops -= experiment.budget_flops;
    this.finishedFlops += experiment.budget_flops;
    this.finishedSeconds += run ? (Date.now() - run.startedAt) / 1000 : record.wall_s ?? 0;
  }

  /** Seconds left, or NaN before anything has been measured. */
  remainingSeconds(): number {
    let inFlightDone = 0;
    for (const run of this.running.values()) inFlightDone += run.flops * run.fraction;
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const done = this.finishedFlops + inFlightDone;
    if (done <= 0 || elapsed <= 0) return NaN;
    // Sweep-level throughput (all workers together): FLOPs done per wall-clock second.
    const rate = done / elapsed;
    return Math.max(0, (this.remainingFlops - inFlightDone) / rate);
  }
}
