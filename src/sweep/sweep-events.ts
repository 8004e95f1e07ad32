/**
 * What happens in a sweep, as one typed stream of events: the stages emit, the displays
 * (src/progress), the tracking warnings and the refusal log listen. Listeners are called in
 * the order they subscribed, synchronously, each with every event; one that throws is a bug
 * of the listener and propagates to the stage that emitted.
 */
import type { SweepPlan } from "../planning/iso-flop.js";
import type { Progress } from "../protocol/messages.js";
import type { Executor } from "../scheduler/executor.js";
import type { Resources } from "../scheduler/resources.js";
import type { AdaptiveDecision, AdaptiveFitRecord, AdaptiveStop } from "../store/adaptive-record.js";
import type { ResultRecord } from "../store/record.js";
import type { TrackedStage } from "../tracking/task-tracking.js";
import type { Experiment } from "./experiments.js";
import type { Refusal } from "./refusals.js";

export type SweepEvent =
  /** Something to tell the person watching (a repaired journal, a calibration's progress, a pilot's exit). */
  | { type: "note"; text: string }
  /** The sweep's executor (started when first needed), for displays that show its workers. */
  | { type: "executor"; executor: Executor }
  /** The plan is settled: every experiment planned, and those still to run (the others completed before). */
  | { type: "planned"; plan: SweepPlan; experiments: Experiment[]; pending: Experiment[]; resources: Resources }
  /** Experiments added to the plan (a refinement round's, still to run). */
  | { type: "extended"; experiments: Experiment[] }
  /** A WSD trunk will train: its attempts follow as started/progress/recorded of `trunk` (records with role "trunk"). */
  | { type: "trunk"; trunk: Experiment }
  /** A worker took an attempt (queued attempts are not started). */
  | { type: "started"; stage: TrackedStage; experiment: Experiment; attempt: number }
  | { type: "progress"; stage: TrackedStage; experiment: Experiment; progress: Progress }
  /** An attempt's record is safely in its journal; `willRetry`: another attempt follows. */
  | { type: "recorded"; stage: TrackedStage; experiment: Experiment; record: ResultRecord; willRetry: boolean }
  /** An adaptive sweep chose its next run (docs/adaptive.md): the run, why, and the fit it chose from; the run follows as started/recorded. */
  | { type: "decided"; decision: AdaptiveDecision; experiment: Experiment; fit: AdaptiveFitRecord }
  /** An adaptive sweep stopped deciding: why, and its last fit. */
  | { type: "adaptive_stopped"; stop: AdaptiveStop; fit: AdaptiveFitRecord | null }
  /** The executor refused a connection (a wrong key, token or worker id). */
  | { type: "refused"; refusal: Refusal };

export type SweepListener = (event: SweepEvent) => void;

export class SweepEvents {
  private readonly listeners: SweepListener[] = [];

  /** Subscribes; returns the unsubscribe. */
  on(listener: SweepListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  emit(event: SweepEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Shorthand for a note. */
  note(text: string): void {
    this.emit({ type: "note", text });
  }
}
