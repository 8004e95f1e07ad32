/**
 * Turns the caller's runs into the points a fit uses, and says which were left out and
 * why (docs/methods.md §5.6: never drop a point silently). Rules, in order:
 *   1. a run with a status other than "completed" (failed, diverged, oom, cancelled);
 *   2. a run with a non-finite or non-positive n_params, n_tokens, loss or budget_flops;
 *   3. the k highest losses among the rest, when excludeWorst = k.
 */
import type { Exclusion, FitPoint } from "./types.js";

export interface PreparedPoints {
  points: FitPoint[];
  exclusions: Exclusion[];
}

const numberOrNull = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

function exclusion(point: FitPoint, reason: string): Exclusion {
  const out: Exclusion = {
    n_params: numberOrNull(point.n_params),
    n_tokens: numberOrNull(point.n_tokens),
    loss: numberOrNull(point.loss),
    reason,
  };
  return point.experiment_id === undefined ? out : { experiment_id: point.experiment_id, ...out };
}

/** Why a point cannot be fitted, or null when it can. */
function invalidReason(point: FitPoint): string | null {
  for (const field of ["n_params", "n_tokens", "loss", "budget_flops"] as const) {
    const value = point[field];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      const hint = field === "budget_flops" ? "; use 6·N·D when the budget is unknown" : "";
      return `invalid ${field}: ${String(value)} (must be a finite number > 0${hint})`;
    }
  }
  return null;
}

export function preparePoints(input: readonly FitPoint[], excludeWorst: number): PreparedPoints {
  const exclusions: Exclusion[] = [];
  const valid: FitPoint[] = [];
  for (const point of input) {
    if (point.status !== undefined && point.status !== "completed") {
      exclusions.push(exclusion(point, `run ${point.status}`));
      continue;
    }
    const reason = invalidReason(point);
    if (reason) exclusions.push(exclusion(point, reason));
    else valid.push(point);
  }
  if (excludeWorst <= 0) return { points: valid, exclusions };
  // Highest losses first; ties keep input order so the choice is deterministic.
  const order = valid.map((_, i) => i).sort((i, j) => (valid[j] as FitPoint).loss - (valid[i] as FitPoint).loss || i - j);
  const dropped = new Set(order.slice(0, excludeWorst));
  for (const i of order.slice(0, excludeWorst)) {
    exclusions.push(exclusion(valid[i] as FitPoint, `among the ${excludeWorst} highest losses (excludeWorst = ${excludeWorst})`));
  }
  return { points: valid.filter((_, i) => !dropped.has(i)), exclusions };
}
