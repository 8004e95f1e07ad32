/**
 * Plain, line-by-line sweep progress (stderr): one line per started and finished run and
 * a periodic status line, from the sweep's events (sweep/sweep-events.ts; the learning-rate
 * calibration's runs are told by its own notes). Used when stderr is not a TTY (piped to a
 * file, CI); the live view listens to the same events.
 */
import type { Progress } from "../protocol/messages.js";
import { decisionLine } from "../sweep/adaptive-text.js";
import type { Experiment } from "../sweep/experiments.js";
import type { SweepEvent } from "../sweep/sweep-events.js";
import type { ResultRecord } from "../store/record.js";
import { duration, sci } from "../util/table.js";
import { RunCounts } from "./run-counts.js";

export class LineProgress {
  protected readonly counts: RunCounts;
  private lastStatusAt = 0;

  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line + "\n"), private readonly statusEveryMs = 10_000, now?: () => number) {
    this.counts = new RunCounts(now);
  }

  /** Takes one event of the sweep in. */
  handle(event: SweepEvent): void {
    switch (event.type) {
      case "note": return this.onMessage(event.text);
      case "planned": return this.onPlan(event.experiments, event.pending, event.resources);
      case "extended": return this.counts.extend(event.experiments);
      case "trunk": return this.counts.trunk(event.trunk);
      case "decided":
        this.counts.extend([event.experiment]);
        return this.write(decisionLine(event.decision, event.fit));
      case "adaptive_stopped": return this.write(`adaptive: stopped: ${event.stop.text}`);
      case "started": if (event.stage === "sweep") this.onStart(event.experiment, event.attempt); return;
      case "progress": if (event.stage === "sweep") this.onProgress(event.experiment, event.progress); return;
      case "recorded": if (event.stage === "sweep") this.onRecord(event.experiment, event.record, event.willRetry); return;
      default: return;
    }
  }

  private onMessage(text: string): void {
    this.write(`note: ${text}`);
  }

  private onPlan(experiments: Experiment[], pending: Experiment[], resources: { workers: number; device: string; threadsPerWorker: number }): void {
    this.counts.plan(pending);
    const skipped = experiments.length - pending.length;
    this.write(
      `sweep: ${experiments.length} experiments planned, ${pending.length} to run` + (skipped ? `, ${skipped} already completed (skipped)` : "") +
        ` on ${resources.workers} ${resources.device} worker${resources.workers === 1 ? "" : "s"} (${resources.threadsPerWorker} thread${resources.threadsPerWorker === 1 ? "" : "s"} each)`,
    );
  }

  private onStart(experiment: Experiment, attempt: number): void {
    this.counts.eta.start(experiment);
    this.write(`start   ${experiment.experiment_id}  C=${sci(experiment.budget_flops)}  N=${sci(experiment.n_params)}  D=${sci(experiment.n_tokens)}` + (attempt > 1 ? `  attempt ${attempt}` : ""));
  }

  private onProgress(experiment: Experiment, progress: Progress): void {
    this.counts.eta.progress(experiment, progress);
    const now = Date.now();
    if (now - this.lastStatusAt < this.statusEveryMs) return;
    this.lastStatusAt = now;
    const pct = progress.total_tokens > 0 ? (100 * progress.tokens) / progress.total_tokens : 0;
    this.write(
      `status  ${this.counts.doneText()}; ${experiment.experiment_id} step ${progress.step}/${progress.total_steps} (${pct.toFixed(0)}%)` +
        (progress.tokens_per_s ? `, ${Math.round(progress.tokens_per_s)} tok/s` : "") + `; ETA ${duration(this.counts.eta.remainingSeconds())}`,
    );
  }

  protected onRecord(experiment: Experiment, record: ResultRecord, willRetry: boolean): void {
    this.write(this.counts.record(experiment, record, willRetry));
  }
}
