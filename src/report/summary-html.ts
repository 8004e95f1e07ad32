/**
 * The report's summary: the Chinchilla table (predictions of the preferred approach), the
 * approaches side by side (exponents, parameters, budgets used; intervals where bootstrapped) and every
 * warning. Pure.
 */
import type { FitOutput } from "../store/fit-json.js";
import { FEW_RESAMPLES_MARK, fewResamples, fewResamplesNote, formatSuggestion } from "../fitting/format-verdict.js";
import type { LossLaw } from "../fitting/index.js";
import { APPROACH_KEYS, APPROACH_NAME, type ApproachKey } from "./approach-style.js";
import { valueWithInterval } from "./format-interval.js";
import { escapeHtml, formatNumber, htmlTable } from "./html.js";

type Quantity = "a" | "b" | "E" | "A" | "B" | "alpha" | "beta";

/** Rows of the side-by-side table: label, and the quantity of the approach's result. */
const QUANTITIES: Array<[string, Quantity]> = [
  ["a (N* ∝ C^a)", "a"],
  ["b (D* ∝ C^b)", "b"],
  ["E", "E"],
  ["A", "A"],
  ["B", "B"],
  ["α", "alpha"],
  ["β", "beta"],
];

/** A quantity of one approach's result (E, A, B, alpha, beta only Approach 3 has), or null. */
function quantity(fit: FitOutput, key: ApproachKey, field: Quantity): number | null {
  if (field === "a" || field === "b") return fit.approaches[key]?.[field] ?? null;
  return key === "3" ? (fit.approaches["3"]?.[field] ?? null) : null;
}

function approachesHtml(fit: FitOutput): string {
  const keys = APPROACH_KEYS.filter((k) => fit.approaches[k]);
  if (keys.length === 0) return "";
  const cell = (key: ApproachKey, field: Quantity) => {
    const value = quantity(fit, key, field);
    const interval = fit.approaches[key]!.intervals?.[field];
    if (value === null) return "";
    return `${valueWithInterval(value, interval)}${interval && fewResamples(fit, key) ? FEW_RESAMPLES_MARK : ""}`;
  };
  const status = (key: ApproachKey) => {
    const approach = fit.approaches[key]!;
    const determination = approach.determination;
    if (approach.status === "fitted" && determination) return determination.determined ? "fitted, determined" : "fitted, NOT determined";
    return `${approach.status}${key === "3" && fit.approaches["3"]!.checks?.passed === false ? ", failed its checks" : ""}`;
  };
  const rows: string[][] = [["status", ...keys.map((k) => escapeHtml(status(k)))]];
  for (const [label, field] of QUANTITIES) {
    const cells = keys.map((k) => cell(k, field));
    if (cells.some((c) => c !== "")) rows.push([escapeHtml(label), ...cells]);
  }
  const law = (k: ApproachKey, which: "n_opt" | "d_opt" | "loss_opt") => {
    const l = k === "3" ? null : fit.approaches[k]!.laws?.[which];
    if (!l) return "";
    const power = `${formatNumber(l.coefficient, 4)} · C^${formatNumber(l.exponent, 4)}`;
    // L*(C) has a floor E (the irreducible loss) unless too few budgets were fitted, or the fit.json predates it.
    const floor = which === "loss_opt" ? (l as LossLaw).floor : undefined;
    return escapeHtml(floor === undefined ? power : `${formatNumber(floor, 4)} + ${power}`);
  };
  for (const [label, which] of [["N*(C)", "n_opt"], ["D*(C)", "d_opt"], ["L*(C)", "loss_opt"]] as const) {
    const cells = keys.map((k) => law(k, which));
    if (cells.some((c) => c !== "")) rows.push([label, ...cells]);
  }
  const budgets = keys.map((k) => {
    const b = k === "2" ? fit.approaches["2"]!.budgets : [];
    return b.length ? `${b.filter((x) => x.status === "used").length} used, ${b.filter((x) => x.status === "refused").length} refused` : "";
  });
  if (budgets.some((c) => c !== "")) rows.push(["IsoFLOP budgets", ...budgets]);
  const why = keys.map((k) => escapeHtml(fit.approaches[k]!.determination?.reasons.join("; ") ?? ""));
  if (why.some((c) => c !== "")) rows.push(["why not determined", ...why]);
  const notes = keys.map((k) => fewResamplesNote(fit, k)).filter((n): n is string => n !== null);
  const table = htmlTable(["", ...keys.map((k) => APPROACH_NAME[k])], rows, { numeric: keys.map((_, i) => i + 1) });
  return notes.length ? `${table}<p class="meta">${escapeHtml(notes.join(" "))}</p>` : table;
}

/** The verdict: whether the runs determine the law, why, and (undetermined) what would. */
function verdictHtml(fit: FitOutput): string {
  const d = fit.determination;
  if (fit.determined === undefined || !d) return "";
  if (fit.determined) return `<p class="meta">Determined: ${escapeHtml(d.reasons.join("; "))}.</p>`;
  const reasons = `<ul>${d.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>`;
  const suggestions = d.suggestions.length ? `<p>What would determine it:</p><ul>${d.suggestions.map((s) => `<li>${escapeHtml(formatSuggestion(s))}</li>`).join("")}</ul>` : "";
  const shown = fit.preferred_approach === null ? "" : ` The table and figures show approach ${fit.preferred_approach}'s fit for what it is worth; it is not an answer.`;
  return `<div class="callout"><strong>Undetermined.</strong> The runs do not determine the law.${escapeHtml(shown)} Why:${reasons}${suggestions}</div>`;
}

/** Plan, fit and per-approach warnings, each once (the fit repeats approach warnings at top level). */
export function allWarnings(fit: FitOutput | undefined, planWarnings: string[]): string[] {
  const list = [...planWarnings.map((w) => `plan: ${w}`), ...(fit?.warnings ?? [])];
  for (const k of APPROACH_KEYS) {
    // A warning that already names its approach ("approach 3 failed its checks …") is not prefixed again.
    for (const w of fit?.approaches[k]?.warnings ?? []) list.push(new RegExp(`^approach ${k}\\b`).test(w) ? w : `approach ${k}: ${w}`);
  }
  return [...new Set(list)];
}

/** `chinchilla`: the Chinchilla table's HTML (the headline: N*, D*, L* per budget). */
export function summaryHtml(fit: FitOutput | undefined, fitError: string | null, fitSource: string, planWarnings: string[], chinchilla = ""): string {
  const parts: string[] = [];
  if (!fit) parts.push(`<div class="callout"><strong>No fit.</strong> ${escapeHtml(fitError ?? "no fit result")}. The runs below are what the sweep has recorded so far.</div>`);
  else {
    if (!fit.preferred_approach) parts.push(`<div class="callout"><strong>No fitted law yet.</strong> No approach could fit the runs recorded so far; the warnings below say why.</div>`);
    const counts = [`${fit.n_points} runs`, `${fit.n_budgets} budgets`, `N = ${fit.param_convention} parameters`];
    parts.push(`<p class="meta">Fit: ${escapeHtml(fitSource)}${counts.length ? ` · ${escapeHtml(counts.join(", "))}` : ""}${fit.preferred_approach ? ` · predictions from approach ${fit.preferred_approach}` : ""}. Intervals in brackets are bootstrap percentiles.</p>`);
    const undetermined = fit.determined === false;
    if (fit.preferred_approach && fit.preferred_reason) {
      parts.push(`<p class="answer"><strong>${undetermined ? `Approach ${fit.preferred_approach} shown, UNDETERMINED` : `Answered by approach ${fit.preferred_approach}`}</strong>, because ${escapeHtml(fit.preferred_reason)}.</p>`);
    }
    parts.push(verdictHtml(fit));
    parts.push(`<h3 id="chinchilla">Chinchilla table: compute-optimal N*, D*, L*${undetermined ? " (UNDETERMINED)" : ""}</h3>${chinchilla}`);
    parts.push(`<h3>Approaches side by side</h3><div class="scroll">${approachesHtml(fit)}</div>`);
  }
  const warnings = allWarnings(fit, planWarnings);
  if (warnings.length) parts.push(`<h3>Warnings</h3><ul class="warnings">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`);
  return parts.join("\n");
}
