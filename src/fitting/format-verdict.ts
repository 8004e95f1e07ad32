/**
 * The determination verdict as text (determination.ts): whether the runs determine the law,
 * why or why not, what would determine it, and how an interval made from too few resamples is
 * marked. Shared by the fit's summary, the Chinchilla table and the sweep's console. Plain text.
 */
import { MIN_LAW_SHARE } from "./determination.js";
import { formatScientific } from "./format-number.js";
import type { FitResult, Suggestion } from "./types.js";

type Key = "1" | "2" | "3";

/** Marks an interval computed from fewer than MIN_LAW_SHARE of the resamples (never a plain interval). */
export const FEW_RESAMPLES_MARK = "†";

/** Of an approach's resamples, how many gave a law; null without a bootstrap. */
export function resampleShare(fit: Pick<FitResult, "bootstrap">, key: Key): { ok: number; total: number } | null {
  const total = fit.bootstrap?.resamples;
  const failed = fit.bootstrap?.failed[key];
  return total && failed !== undefined ? { ok: total - failed, total } : null;
}

/** Whether an approach's intervals come from too few resamples to be read as intervals at the fit's level. */
export function fewResamples(fit: Pick<FitResult, "bootstrap">, key: Key): boolean {
  const share = resampleShare(fit, key);
  return share !== null && share.ok < MIN_LAW_SHARE * share.total;
}

/** The note for intervals marked FEW_RESAMPLES_MARK, or null when the approach's are not. */
export function fewResamplesNote(fit: Pick<FitResult, "bootstrap">, key: Key): string | null {
  const share = resampleShare(fit, key);
  if (!share || !fewResamples(fit, key)) return null;
  const level = `${Math.round((fit.bootstrap?.confidence ?? 0.95) * 1000) / 10}%`;
  return `${FEW_RESAMPLES_MARK} approach ${key}'s intervals come from the ${share.ok} of ${share.total} resamples that gave a law (${share.total - share.ok} gave none): not ${level} intervals`;
}

export function formatSuggestion(s: Suggestion): string {
  const values = s.values.map((v) => formatScientific(v)).join(", ");
  const where = s.budget_flops === null ? "" : ` at budget ${formatScientific(s.budget_flops)}`;
  if (s.action === "add_budgets") return `add budgets ${values} FLOPs: ${s.why}`;
  if (s.action === "add_sizes") return `add sizes N = ${values}${where}: ${s.why}`;
  return `run ${s.values.join(", ")} seeds per point${where}: ${s.why}`;
}

/** The verdict's lines: a headline, its reasons and, when undetermined, what would determine it. Empty for a fit before determination existed. */
export function verdictLines(fit: Pick<FitResult, "determined" | "determination" | "preferred_approach">): string[] {
  const d = fit.determination;
  if (fit.determined === undefined || !d) return [];
  if (fit.determined) return [`Verdict: determined (${d.reasons.join("; ")}).`];
  const lines = [
    fit.preferred_approach === null
      ? "Verdict: UNDETERMINED: no approach gave a law."
      : `Verdict: UNDETERMINED: the runs do not determine the law, so the table and predictions below (approach ${fit.preferred_approach}'s) are not an answer. Why:`,
    ...d.reasons.map((r) => `  - ${r}`),
  ];
  if (d.suggestions.length > 0) lines.push("What would determine it:", ...d.suggestions.map((s) => `  - ${formatSuggestion(s)}`));
  return lines;
}
