/**
 * The live sweep view on a terminal (stderr is a TTY): a header with experiments done /
 * total, a progress bar and the ETA (plan FLOPs over measured throughput, eta.ts), then
 * one line per worker with its current run: step, tokens %, tokens/s, training loss.
 * Finished runs and notes scroll above the live block; close() prints the summary table.
 */
import { createLogUpdate } from "log-update";
import type { Progress } from "../protocol/messages.js";
import type { Executor, PoolTask, WorkerSnapshot } from "../scheduler/executor.js";
import { decisionLine } from "../sweep/adaptive-text.js";
import type { Experiment } from "../sweep/experiments.js";
import type { SweepEvent } from "../sweep/sweep-events.js";
import { experimentRows } from "../report/experiment-rows.js";
import { formatExperimentsTable } from "../report/experiments-text.js";
import { duration, fixed, sci } from "../util/table.js";
import type { ProgressDisplay } from "./create.js";
import { isTrunkRecord, type ResultRecord } from "../store/record.js";
import { RunCounts } from "./run-counts.js";

/** One worker line of the live view. */
export interface WorkerLine {
  id: string;
  status: string;
  experiment_id?: string;
  kind?: "train" | "probe";
  budget_flops?: number;
  n_params?: number;
  progress?: Pick<Progress, "step" | "total_steps" | "tokens" | "total_tokens" | "tokens_per_s" | "train_loss">;
}

/** Everything the live view shows, as plain data (renderLiveView is pure). */
export interface LiveView {
  phase: "starting" | "running";
  done: number;
  failed: number;
  total: number;
  /** WSD trunks known so far and finished (0 without WSD). */
  trunksDone?: number;
  trunksTotal?: number;
  elapsedS: number;
  etaS: number;
  workers: WorkerLine[];
  /** Terminal width; lines are cut to it. */
  columns: number;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

function rate(tokensPerS: number | null | undefined): string {
  if (!tokensPerS) return "";
  return tokensPerS >= 1000 ? `${(tokensPerS / 1000).toFixed(1)}k tok/s` : `${Math.round(tokensPerS)} tok/s`;
}

function workerLine(w: WorkerLine): string {
  const head = `  ${w.id.padEnd(5)}`;
  if (!w.experiment_id) return `${head} ${w.kind === "probe" ? "probing model sizes" : w.status}`;
  const what = `${w.experiment_id.slice(0, 12).padEnd(12)}  C=${sci(w.budget_flops)} N=${sci(w.n_params)}`;
  const p = w.progress;
  if (!p) return `${head} ${what}  starting`;
  const fraction = p.total_tokens > 0 ? p.tokens / p.total_tokens : 0;
  const parts = [
    `step ${String(p.step).padStart(String(p.total_steps).length)}/${p.total_steps}`,
    `${bar(fraction, 10)} ${(100 * fraction).toFixed(0).padStart(3)}%`,
    rate(p.tokens_per_s),
    p.train_loss === null ? "" : `loss ${fixed(p.train_loss, 3)}`,
  ];
  return `${head} ${what}  ${parts.filter(Boolean).join("  ")}`;
}

export function renderLiveView(view: LiveView): string {
  const lines: string[] = [];
  if (view.phase === "starting") {
    lines.push(`sweep  starting workers and probing model sizes  (${duration(view.elapsedS)})`);
  } else {
    const fraction = view.total > 0 ? view.done / view.total : 0;
    const trunks = view.trunksTotal ? `, trunks ${view.trunksDone ?? 0}/${view.trunksTotal}` : "";
    lines.push(
      `sweep  ${view.done}/${view.total} done` + (view.failed ? ` (${view.failed} failed)` : "") + trunks +
        `  ${bar(fraction, 24)} ${(100 * fraction).toFixed(0)}%  elapsed ${duration(view.elapsedS)}  ETA ${duration(view.etaS)}`,
    );
  }
  for (const w of view.workers) lines.push(workerLine(w));
  return lines.map((line) => (line.length > view.columns ? line.slice(0, Math.max(1, view.columns - 1)) + "…" : line)).join("\n");
}

export class LiveProgress implements ProgressDisplay {
  private readonly log;
  private readonly counts = new RunCounts();
  private readonly started = Date.now();
  private readonly experiments = new Map<string, Experiment>();
  private readonly records: ResultRecord[] = [];
  private pool?: Pick<Executor, "snapshot">;
  private phase: LiveView["phase"] = "starting";
  private timer?: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, refreshMs = 250) {
    this.log = createLogUpdate(stream);
    this.timer = setInterval(() => this.render(), refreshMs);
    this.timer.unref();
  }

  /** Takes one event of the sweep in (the learning-rate calibration's runs are told by its own notes). */
  handle(event: SweepEvent): void {
    switch (event.type) {
      case "note": return this.above(`note: ${event.text}`);
      case "executor": this.pool = event.executor; return;
      case "planned": return this.onPlan(event.experiments, event.pending);
      case "extended": return this.onExtend(event.experiments);
      case "trunk": return this.onTrunk(event.trunk);
      case "decided":
        this.onExtend([event.experiment]);
        return this.above(decisionLine(event.decision, event.fit));
      case "adaptive_stopped": return this.above(`adaptive: stopped: ${event.stop.text}`);
      case "started": if (event.stage === "sweep") this.onStart(event.experiment); return;
      case "progress": if (event.stage === "sweep") this.counts.eta.progress(event.experiment, event.progress); return;
      case "recorded": if (event.stage === "sweep") this.onRecord(event.experiment, event.record, event.willRetry); return;
      default: return;
    }
  }

  private onPlan(experiments: Experiment[], pending: Experiment[]): void {
    this.phase = "running";
    this.counts.plan(pending);
    for (const e of experiments) this.experiments.set(e.experiment_id, e);
    const skipped = experiments.length - pending.length;
    this.above(`sweep: ${experiments.length} experiments planned, ${pending.length} to run` + (skipped ? `, ${skipped} already completed (skipped)` : ""));
  }

  private onExtend(extra: Experiment[]): void {
    this.counts.extend(extra);
    for (const e of extra) this.experiments.set(e.experiment_id, e);
  }

  private onTrunk(trunk: Experiment): void {
    this.counts.trunk(trunk);
    this.experiments.set(trunk.experiment_id, trunk);
  }

  private onStart(experiment: Experiment): void {
    this.experiments.set(experiment.experiment_id, experiment);
    this.counts.eta.start(experiment);
  }

  private onRecord(experiment: Experiment, record: ResultRecord, willRetry: boolean): void {
    if (!isTrunkRecord(record)) this.records.push(record);
    this.above(this.counts.record(experiment, record, willRetry));
  }

  /** Stops the live block and prints the summary table of this invocation's runs. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.log.clear();
    if (this.records.length > 0) this.stream.write(`\n${formatExperimentsTable(experimentRows(this.records))}\n\n`);
  }

  /** The current view as data (also what tests inspect). */
  view(): LiveView {
    return {
      phase: this.phase,
      done: this.counts.done,
      failed: this.counts.failed,
      total: this.counts.total,
      trunksDone: this.counts.trunksDone,
      trunksTotal: this.counts.trunksTotal,
      elapsedS: (Date.now() - this.started) / 1000,
      etaS: this.counts.eta.remainingSeconds(),
      workers: (this.pool?.snapshot() ?? []).filter((w) => w.status !== "dead").map((w) => this.workerLine(w)),
      columns: this.stream.columns || 100,
    };
  }

  private workerLine(w: WorkerSnapshot): WorkerLine {
    const task: PoolTask | undefined = w.task;
    if (!task) return { id: w.id, status: w.status };
    if (task.kind === "probe") return { id: w.id, status: w.status, kind: "probe" };
    const experiment = this.experiments.get(task.experiment_id);
    // The pool keeps a worker's last progress across tasks: only show this task's.
    const progress = w.progress?.task_id === task.task_id ? w.progress : undefined;
    return { id: w.id, status: w.status, kind: "train", experiment_id: task.experiment_id, budget_flops: task.budget_flops, n_params: experiment?.n_params, progress };
  }

  private render(): void {
    if (!this.closed) this.log(renderLiveView(this.view()));
  }

  /** Writes a line above the live block (it scrolls; the block is redrawn below it). */
  private above(line: string): void {
    if (this.closed) {
      this.stream.write(line + "\n");
      return;
    }
    this.log.clear();
    this.stream.write(line + "\n");
    this.render();
  }
}
