/**
 * Connections the sweep's executor refused (a wrong CURVE key, a wrong token, an unknown worker
 * id: scheduler/security.ts, scheduler/pool.ts), reported where a person looks: a console note
 * as each happens, a line in RUN_DIR/logs/refusals.log, and `refusals` in `sweep --json`.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../scheduler/executor.js";
import type { SweepEvents } from "./sweep-events.js";

export interface Refusal {
  /** Who connected: the peer's address or worker id (and pid, when it said hello). */
  who: string;
  reason: string;
  at: string;
}

export const REFUSALS_LOG = "refusals.log";

/** "refused a connection from X: why" */
export function describeRefusal(refusal: Pick<Refusal, "who" | "reason">): string {
  return `refused a connection from ${refusal.who}: ${refusal.reason} (not a worker of this sweep; nothing was run for it)`;
}

/** Each connection the executor refuses becomes a `refused` event of the sweep. */
export function announceRefusals(executor: Pick<Executor, "onRefused">, events: SweepEvents): void {
  executor.onRefused((who, reason) => events.emit({ type: "refused", refusal: { who, reason, at: new Date().toISOString() } }));
}

/** Listens for refusals: a note and a line in logs/refusals.log for each; the refusals so far. */
export function recordRefusals(events: SweepEvents, logDir: string): Refusal[] {
  const refusals: Refusal[] = [];
  events.on((event) => {
    if (event.type !== "refused") return;
    const { refusal } = event;
    refusals.push(refusal);
    events.note(describeRefusal(refusal));
    try {
      appendFileSync(join(logDir, REFUSALS_LOG), `${refusal.at} ${describeRefusal(refusal)}\n`);
    } catch {
      // the console and --json still say it; a full disk is reported where results are written
    }
  });
  return refusals;
}

/** The final summary's section ("" when nothing was refused). */
export function formatRefusals(refusals: readonly Refusal[], logFile: string): string {
  if (refusals.length === 0) return "";
  const shown = refusals.slice(0, 10).map((r) => `  - ${r.at} ${r.who}: ${r.reason}`);
  const more = refusals.length > 10 ? [`  … and ${refusals.length - 10} more`] : [];
  return [`Refused connections (${refusals.length}; all in ${logFile}):`, ...shown, ...more].join("\n");
}
