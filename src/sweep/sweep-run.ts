/**
 * One sweep in progress, as one value that every stage takes (run-sweep.ts): the config and
 * the plugin, the run directory and its journals, the executor, the sweep definition's
 * fingerprint, the event stream and the AbortSignal. The signal is the only stop: a person's
 * Ctrl-C, or a journal that cannot record (`abort`), raises it; the executor shuts down on it
 * and every stage stops starting work once it is raised.
 */
import type { LoadedConfig } from "../config/load.js";
import type { SweepConfig } from "../config/schema.js";
import type { ResolvedPlugin } from "../plugins/registry.js";
import type { MockSurface } from "../protocol/messages.js";
import type { Executor } from "../scheduler/executor.js";
import type { Resources } from "../scheduler/resources.js";
import type { Journal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import { fingerprintOf, type RunDefinitions } from "../store/run-definitions.js";
import type { JournalName } from "../store/run-dir-entries.js";
import type { RunDir } from "../store/run-dir.js";
import type { PlanOptions, SweepPlan } from "../planning/iso-flop.js";
import type { LrRule } from "../planning/lr-calibration.js";
import type { Refinement } from "../store/run-dir-entries.js";
import type { Experiment } from "./experiments.js";
import type { ProbeOutcome } from "./probe.js";
import type { SweepEvents } from "./sweep-events.js";

export interface SweepRun {
  readonly loaded: LoadedConfig;
  readonly config: SweepConfig;
  readonly plugin: ResolvedPlugin;
  /** The --mock surface, or null for real training. */
  readonly mock: MockSurface | null;
  readonly resources: Resources;
  readonly runDir: RunDir;
  readonly journals: SweepJournals;
  /** Where runs execute; it starts its workers when first asked (scheduler/lazy-executor.ts). */
  readonly executor: Executor;
  /** The sweep definition's fingerprint, stamped on every record, and the definitions the directory holds. */
  readonly fingerprint: string;
  readonly definitions: RunDefinitions;
  /** Whether completed runs of this definition are skipped (false under --no-resume). */
  readonly resume: boolean;
  readonly events: SweepEvents;
  /** Raised by a person's interrupt or by `abort` (a journal that cannot record). */
  readonly signal: AbortSignal;
  /** Stops the sweep for `reason` (the signal then carries it). */
  abort(reason: unknown): void;
}

/**
 * What the stages know of the sweep's plan, handed from one stage to the next: the plan and
 * what it was made from, the learning-rate rule (calibrated, or null for the built-in one),
 * the planned experiments and the refinements added since. plan.json is this state.
 */
export interface SweepState {
  plan: SweepPlan;
  planOptions: PlanOptions;
  probe: ProbeOutcome;
  lrRule: LrRule | null;
  experiments: Experiment[];
  refinements: Array<Refinement & { experiments: Experiment[] }>;
  /** The runs an adaptive sweep decided on after its seed design, in order (adaptive-stage.ts). */
  adaptive?: Experiment[];
}

/**
 * A stage of the pipeline (run-sweep.ts): it reads the state, does its part (runs on the
 * executor, records in the journals, tells the event stream) and returns the state for the
 * next stage. It starts no work once the run's signal is raised.
 */
export type Stage = (run: SweepRun, state: SweepState) => Promise<SweepState>;

/**
 * The journals a sweep appends to, opened when first needed (a cosine sweep never creates
 * trunks.jsonl) and closed together: results.jsonl (the points), trunks.jsonl (WSD trunk
 * attempts), calibration.jsonl (the learning-rate calibration's runs).
 */
export class SweepJournals {
  private readonly open = new Map<JournalName, Journal>();

  constructor(private readonly runDir: RunDir, results: Journal) {
    this.open.set("results", results);
  }

  get results(): Journal {
    return this.get("results");
  }

  get(name: JournalName): Journal {
    let journal = this.open.get(name);
    if (!journal) {
      journal = this.runDir.journal(name);
      this.open.set(name, journal);
    }
    return journal;
  }

  close(): void {
    for (const journal of this.open.values()) journal.close();
  }
}

/** Experiments of this definition that completed before this invocation (none under --no-resume): they are skipped. */
export function completedBefore(run: Pick<SweepRun, "journals" | "definitions" | "fingerprint" | "resume">): Set<string> {
  if (!run.resume) return new Set();
  const definition = fingerprintOf(run.definitions);
  return new Set(run.journals.results.existing.filter((r) => r.status === "completed" && definition(r) === run.fingerprint).map((r) => r.experiment_id));
}

/** This invocation's runs by their final record: completed, failed (also diverged, oom, lost) or cancelled. */
export function countsOf(appended: readonly ResultRecord[]): { completed: number; failed: number; cancelled: number } {
  const last = new Map<string, ResultRecord>();
  for (const record of appended) last.set(record.experiment_id, record);
  const counts = { completed: 0, failed: 0, cancelled: 0 };
  for (const record of last.values()) {
    if (record.status === "completed") counts.completed += 1;
    else if (record.status === "cancelled") counts.cancelled += 1;
    else counts.failed += 1;
  }
  return counts;
}
