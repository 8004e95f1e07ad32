/**
 * The Chinchilla table (after Hoffmann et al. 2022, Table 3): for each budget C the
 * compute-optimal parameters N*, tokens D*, tokens per parameter and loss L*, with
 * bootstrap intervals when the fit has them, and whether C lies within the fitted budgets
 * or is an extrapolation. Rows are the fit's predictions; a fit made without --predict gets
 * rows from its preferred approach at the budgets it was fitted on (defaultTableBudgets)
 * and one and two decades above the largest, marked extrapolated. When the runs do not
 * determine the law (determination.ts) every row says so, and an interval from too few
 * resamples is marked, never shown as a plain interval.
 */
import { flopsPerToken, phiExtrapolation, type ComputeModel } from "./flops-per-token.js";
import { formatScientific, formatSignificant } from "./format-number.js";
import { FEW_RESAMPLES_MARK, fewResamples, fewResamplesNote, resampleShare } from "./format-verdict.js";
import { predictOptimum } from "./predictions.js";
import type { FitResult, Interval, Prediction } from "./types.js";

/**
 * 1e19 … 1e25 FLOPs: the rows of a fit that does not say which budgets it was fitted on (a
 * fit.json written before `observed_budgets`). Fits that do get defaultTableBudgets instead.
 */
export const DEFAULT_BUDGETS = [1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25];

/** Up to this many fitted budgets get a row each; more (one budget per run, as in Epoch's data) get decades. */
export const MAX_OBSERVED_ROWS = 12;

/**
 * A table row: a prediction, with `extrapolated` null when the fitted budgets are unknown,
 * `determined` false when the runs do not determine the law (null: a fit.json before the
 * test), and `marked` when its intervals come from too few resamples.
 */
export type ChinchillaRow = Omit<Prediction, "extrapolated" | "compute"> & { extrapolated: boolean | null; determined?: boolean | null; marked?: boolean; resamples?: string };
type Row = ChinchillaRow;

/** What the table needs of a fit: the engine's result or fit.json (which lists exclusions under left_out). */
export type TabulatedFit = Omit<FitResult, "exclusions">;

/** The table: its rows and the notes beneath; rendered as markdown and CSV here, as HTML by the report. */
export interface ChinchillaTable {
  rows: ChinchillaRow[];
  notes: string[];
}

/** The column headings of the text renderings (markdown, HTML). */
export const CHINCHILLA_HEADER = ["Budget C (FLOPs)", "Parameters N*", "Tokens D*", "D*/N*", "Loss L*", "Range"] as const;

/** Shown instead of a table when no approach fitted. */
export const NO_CHINCHILLA_TABLE = "No fitted approach: no Chinchilla table.";

/**
 * The table's budgets for a fit without predict budgets: each fitted budget (or, beyond
 * MAX_OBSERVED_ROWS of them, the smallest, every power of ten between, and the largest),
 * then 10× and 100× the largest, marked extrapolated. Extrapolating a 1e11–4e12 sweep to
 * 1e19–1e25 by default would hide how far the numbers are from the data.
 */
export function defaultTableBudgets(observed: readonly number[]): Array<{ budget_flops: number; extrapolated: boolean }> {
  const sorted = [...new Set(observed.filter((c) => Number.isFinite(c) && c > 0))].sort((x, y) => x - y);
  if (sorted.length === 0) return [];
  const lowest = sorted[0] as number;
  const highest = sorted[sorted.length - 1] as number;
  let within = sorted;
  if (sorted.length > MAX_OBSERVED_ROWS) {
    within = [lowest];
    for (let decade = Math.floor(Math.log10(lowest)) + 1; 10 ** decade < highest; decade++) {
      const c = Number(`1e${decade}`);
      if (c > lowest && c < highest) within.push(c);
    }
    within.push(highest);
  }
  return [...within.map((c) => ({ budget_flops: c, extrapolated: false })), { budget_flops: highest * 10, extrapolated: true }, { budget_flops: highest * 100, extrapolated: true }];
}

/** The fitted budgets: the result's own list, or (for an older fit.json) those of approaches 2 and 1. */
function fittedBudgets(result: TabulatedFit): number[] {
  if (Array.isArray(result.observed_budgets)) return result.observed_budgets;
  const fromApproach2 = result.approaches["2"]?.budgets?.map((b) => b.budget_flops) ?? [];
  const fromApproach1 = result.approaches["1"]?.optima?.map((o) => o.budget_flops) ?? [];
  return [...new Set([...fromApproach2, ...fromApproach1])].sort((x, y) => x - y);
}

function outside(budget: number, observed: readonly number[]): boolean | null {
  if (observed.length === 0) return null;
  return budget < (observed[0] as number) * (1 - 1e-6) || budget > (observed[observed.length - 1] as number) * (1 + 1e-6);
}

/** The fit's compute model (a fit.json before fitter 3 has none: 6·N·D, as its closed form counted). */
function computeModel(result: TabulatedFit): ComputeModel {
  const phi = result.compute?.flops_per_token;
  return result.compute?.accounting === "measured" && phi ? { accounting: "measured", phi } : { accounting: "6ND" };
}

function tableRows(result: TabulatedFit): Row[] {
  const observed = fittedBudgets(result);
  const determined = typeof result.determined === "boolean" ? result.determined : null;
  const approach = result.preferred_approach;
  const marked = approach !== null && fewResamples(result, String(approach) as "1" | "2" | "3");
  const share = approach === null ? null : resampleShare(result, String(approach) as "1" | "2" | "3");
  const resamples = share ? { resamples: `${share.ok}/${share.total}` } : {};
  if (result.predictions.length > 0) {
    return result.predictions.map((p) => ({ ...p, extrapolated: typeof p.extrapolated === "boolean" ? p.extrapolated : outside(p.budget_flops, observed), determined, marked, ...(p.intervals ? resamples : {}) }));
  }
  if (approach === null) return [];
  const fitted = result.approaches[String(approach) as "1" | "2" | "3"];
  if (!fitted) return [];
  const compute = computeModel(result);
  const budgets: Array<{ budget_flops: number; extrapolated: boolean | null }> =
    observed.length > 0 ? defaultTableBudgets(observed) : DEFAULT_BUDGETS.map((c) => ({ budget_flops: c, extrapolated: null }));
  return budgets.flatMap(({ budget_flops, extrapolated }) => {
    const optimum = predictOptimum(approach, fitted, budget_flops, compute.accounting === "measured" ? compute.phi : null);
    if (!optimum) return [];
    const row: Row = { budget_flops, approach, ...optimum, tokens_per_param: optimum.n_tokens / optimum.n_params, extrapolated, determined };
    if (compute.accounting === "measured") {
      row.flops_per_nd = flopsPerToken(compute, optimum.n_params) / optimum.n_params;
      row.phi_extrapolation = phiExtrapolation(compute, optimum.n_params) as number;
    }
    return [row];
  });
}

function rangeCell(r: Row): string {
  const range = r.extrapolated === null ? "" : r.extrapolated ? "extrapolated" : "within data";
  return r.determined === false ? (range ? `${range}, UNDETERMINED` : "UNDETERMINED") : range;
}

function cell(value: number, interval: Interval | undefined, digits: number, mark: string): string {
  const text = formatScientific(value, digits);
  return interval ? `${text} [${formatScientific(interval.lo, 2)}, ${formatScientific(interval.hi, 2)}]${mark}` : text;
}

function lossCell(loss: number, interval: Interval | undefined, mark: string): string {
  const text = formatSignificant(loss);
  return interval ? `${text} [${formatSignificant(interval.lo)}, ${formatSignificant(interval.hi)}]${mark}` : text;
}

/** What the rows' C counts, in words that are true of this fit. */
function computeNote(rows: Row[], result: TabulatedFit): string | null {
  if (!result.compute) return null;
  if (result.compute.accounting === "6ND") return "C counts 6·N·D (no measured FLOPs): every row spends 6·N*·D* = C.";
  const furthest = Math.max(...rows.map((r) => r.phi_extrapolation ?? 1));
  const phi = result.compute.flops_per_token;
  const range = phi ? ` (${formatScientific(phi.n_range[0])}–${formatScientific(phi.n_range[1])})` : "";
  const beyond = furthest > 1.0001 ? `; beyond the measured sizes${range} φ is extrapolated by its form, up to ×${formatSignificant(furthest, 3)} in N on these rows` : "";
  return `C counts the runs' measured FLOPs: every row spends C = φ(N*)·N*·D*, with φ(N) fitted to them${beyond}.`;
}

/** The notes under the table: the verdict, source, what C counts, extrapolation, intervals. */
function notes(rows: Row[], result: TabulatedFit): string[] {
  const approach = result.preferred_approach;
  const lines: string[] = [];
  if (result.determined === false) lines.push(`UNDETERMINED: the runs do not determine this law (see the verdict and determination.reasons); these rows are approach ${approach}'s fit, not an answer.`);
  lines.push(result.preferred_reason ? `From approach ${approach}: ${result.preferred_reason}.` : `From approach ${approach}.`);
  const compute = computeNote(rows, result);
  if (compute) lines.push(compute);
  if (rows.some((r) => r.extrapolated)) {
    const observed = fittedBudgets(result);
    const span = observed.length > 0 ? ` (${formatScientific(observed[0] as number)}–${formatScientific(observed[observed.length - 1] as number)})` : "";
    lines.push(`Extrapolated: outside the fitted budgets${span}; the further out, the less the data support it.`);
    // Measured by bench/coverage.ts (docs/fitting.md, "Do the intervals cover the truth?"): a law without a floor
    // (fewer than 4 usable budgets, or a fit.json from before the floor) runs low.
    if (approach === 2 && result.approaches["2"]?.laws && result.approaches["2"].laws.loss_opt.floor === undefined) {
      lines.push("Approach 2's L*(C) is a pure power law (no irreducible loss: fewer than 4 budgets, or an older fit.json): extrapolated it runs low (−6% at 10× the largest budget on the Chinchilla surface) and its interval is too narrow.");
    }
  }
  if (rows.some((r) => r.intervals)) {
    lines.push("Brackets: bootstrap percentile intervals.");
    const few = approach === null ? null : fewResamplesNote(result, String(approach) as "1" | "2" | "3");
    if (few && rows.some((r) => r.marked)) lines.push(few);
  }
  return lines;
}

/** A row's cells as text, under CHINCHILLA_HEADER: numbers formatted, intervals in brackets. */
export function chinchillaCells(r: ChinchillaRow): string[] {
  const mark = r.marked ? FEW_RESAMPLES_MARK : "";
  return [
    formatScientific(r.budget_flops),
    cell(r.n_params, r.intervals?.n_params, 3, mark),
    cell(r.n_tokens, r.intervals?.n_tokens, 3, mark),
    formatSignificant(r.tokens_per_param, 3),
    lossCell(r.loss, r.intervals?.loss, mark),
    rangeCell(r),
  ];
}

/** The rows (with the notes under them) of a fit's Chinchilla table; none when no approach fitted. */
export function chinchillaTable(result: TabulatedFit): ChinchillaTable {
  const rows = tableRows(result);
  return { rows, notes: rows.length === 0 ? [] : notes(rows, result) };
}

function markdown({ rows, notes }: ChinchillaTable): string {
  if (rows.length === 0) return `_${NO_CHINCHILLA_TABLE}_`;
  const header = [`| ${CHINCHILLA_HEADER.join(" | ")} |`, `|${CHINCHILLA_HEADER.map(() => "---:").join("|")}|`];
  const body = rows.map((r) => `| ${chinchillaCells(r).join(" | ")} |`);
  return `${[...header, ...body].join("\n")}\n\n${notes.join("\n\n")}`;
}

const CSV_COLUMNS = [
  "budget_flops",
  "approach",
  "n_params",
  "n_params_lo",
  "n_params_hi",
  "n_tokens",
  "n_tokens_lo",
  "n_tokens_hi",
  "tokens_per_param",
  "loss",
  "loss_lo",
  "loss_hi",
  "extrapolated",
  "determined",
  "interval_resamples",
] as const;

function csv({ rows }: ChinchillaTable): string {
  const value = (v: number | undefined) => (v === undefined ? "" : String(v));
  const lines = rows.map((r) =>
    [
      r.budget_flops,
      r.approach,
      r.n_params,
      value(r.intervals?.n_params.lo),
      value(r.intervals?.n_params.hi),
      r.n_tokens,
      value(r.intervals?.n_tokens.lo),
      value(r.intervals?.n_tokens.hi),
      r.tokens_per_param,
      r.loss,
      value(r.intervals?.loss.lo),
      value(r.intervals?.loss.hi),
      r.extrapolated === null ? "" : r.extrapolated ? 1 : 0,
      r.determined === null || r.determined === undefined ? "" : r.determined ? 1 : 0,
      r.resamples ?? "",
    ].join(","),
  );
  return [CSV_COLUMNS.join(","), ...lines].join("\n");
}

export function formatChinchillaTable(result: TabulatedFit, format: "markdown" | "csv"): string {
  const table = chinchillaTable(result);
  return format === "csv" ? csv(table) : markdown(table);
}
