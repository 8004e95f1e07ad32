/** Why a fit gave no answer (no completed run, or no approach with a law), or null when it did. */
import type { FitResult } from "../fitting/index.js";
import type { FitRow } from "./fit-row.js";
import { errorLine } from "../util/error-line.js";

export function noLawReason(rows: FitRow[], result: Pick<FitResult, "preferred_approach">): string | null {
  if (result.preferred_approach !== null) return null;
  const completed = rows.filter((r) => r.status === "completed" && r.loss !== null).length;
  if (completed === 0) {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
    const example = rows.find((r) => r.error)?.error;
    return `no completed run to fit (${summary})${example ? `; e.g. ${errorLine(example)}` : ""}`;
  }
  return `no approach gave a law from ${completed} completed run${completed === 1 ? "" : "s"}; see the warnings above`;
}
