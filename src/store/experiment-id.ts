/**
 * Experiments are named by a hash of everything that determines the run (model, size,
 * data, loss, token budget, hyper-parameters, seed, mock surface), so re-running a sweep
 * re-runs nothing, and changing a setting re-runs exactly what it changes.
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level (stable across key order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function experimentId(identity: unknown): string {
  return createHash("sha256").update(canonicalJson(identity)).digest("hex").slice(0, 12);
}
