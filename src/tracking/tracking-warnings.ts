/**
 * What trackers could not log, told once per sweep: every run whose W&B or TensorBoard
 * could not log carries `tracking_warnings` in its record (the run itself is unaffected);
 * the console shows each distinct warning the first time a record brings it.
 */
import type { ResultRecord } from "../store/record.js";
import type { ProgressDisplay } from "../progress/create.js";

/** The distinct tracking warnings of some records, in the order they first appear. */
export function trackingWarnings(records: readonly ResultRecord[]): string[] {
  return [...new Set(records.flatMap((record) => record.tracking_warnings ?? []))];
}

/**
 * `display`, also telling its `onMessage` each tracking warning the first time a record
 * brings it (every other call goes to `display` unchanged).
 */
export function withTrackingWarnings(display: ProgressDisplay): ProgressDisplay {
  const seen = new Set<string>();
  const onRecord: ProgressDisplay["onRecord"] = (experiment, record, willRetry) => {
    display.onRecord?.(experiment, record, willRetry);
    for (const warning of record.tracking_warnings ?? []) {
      if (seen.has(warning)) continue;
      seen.add(warning);
      display.onMessage?.(`tracking: ${warning} (the sweep goes on; shown once)`);
    }
  };
  return new Proxy(display, {
    get(target, key) {
      if (key === "onRecord") return onRecord;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
