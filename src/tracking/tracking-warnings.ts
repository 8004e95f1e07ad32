/**
 * What trackers could not log, told once per sweep: every run whose W&B or TensorBoard
 * could not log carries `tracking_warnings` in its record (the run itself is unaffected);
 * the console shows each distinct warning the first time a record brings it.
 */
import type { ResultRecord } from "../store/record.js";
import type { SweepEvents } from "../sweep/sweep-events.js";

/** The distinct tracking warnings of some records, in the order they first appear. */
export function trackingWarnings(records: readonly ResultRecord[]): string[] {
  return [...new Set(records.flatMap((record) => record.tracking_warnings ?? []))];
}

/** Notes each tracking warning of the sweep's runs the first time a record brings it. */
export function noteTrackingWarnings(events: SweepEvents): void {
  const seen = new Set<string>();
  events.on((event) => {
    if (event.type !== "recorded" || event.stage !== "sweep") return;
    for (const warning of event.record.tracking_warnings ?? []) {
      if (seen.has(warning)) continue;
      seen.add(warning);
      events.note(`tracking: ${warning} (the sweep goes on; shown once)`);
    }
  });
}
