/** The per-experiment table of the report. Pure. */
import { duration } from "../util/table.js";
import { formatBudget } from "./budget-color.js";
import type { ExperimentRow } from "./experiment-rows.js";
import { escapeHtml, formatSci, htmlTable } from "./html.js";

export function experimentsHtml(rows: ExperimentRow[]): string {
  if (rows.length === 0) return `<p class="meta">No experiments recorded or planned yet.</p>`;
  const body = rows.map((r) => [
    `<code>${escapeHtml(r.experiment_id)}</code>`,
    `<span class="status-${escapeHtml(r.status)}">${escapeHtml(r.status)}</span>${r.attempts > 1 ? ` <span class="ci">(${r.attempts} attempts)</span>` : ""}`,
    escapeHtml(formatBudget(r.budget_flops)),
    escapeHtml(formatSci(r.n_params)),
    escapeHtml(formatSci(r.n_tokens)),
    escapeHtml(r.loss === null ? "–" : r.loss.toFixed(4)),
    escapeHtml(formatSci(r.flops)),
    escapeHtml(r.wall_s === null ? "–" : duration(r.wall_s)),
    r.error ? `<div class="error-cell">${escapeHtml(r.error)}</div>` : "",
  ]);
  return `<div class="scroll">${htmlTable(["experiment", "status", "C", "N", "D", "loss", "FLOPs", "wall", "error"], body, { numeric: [2, 3, 4, 5, 6, 7] })}</div>`;
}
