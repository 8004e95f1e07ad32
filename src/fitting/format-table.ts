/**
 * The Chinchilla table (after Hoffmann et al. 2022, Table 3): for each budget C the
 * compute-optimal parameters N*, tokens D*, tokens per parameter and loss L*, with
 * bootstrap intervals when the fit has them. Rows are the fit's predictions; a fit made
 * without --predict gets rows at DEFAULT_BUDGETS from its preferred approach.
 */
import { formatScientific, formatSignificant } from "./format-number.js";
import { predictOptimum } from "./predictions.js";
import type { FitResult, Interval, Prediction } from "./types.js";

/** 1e19 … 1e25 FLOPs: from a small sweep's extrapolation to frontier training runs. */
export const DEFAULT_BUDGETS = [1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25];

function tableRows(result: FitResult): Prediction[] {
  if (result.predictions.length > 0) return result.predictions;
  const approach = result.preferred_approach;
  if (approach === null) return [];
  const fitted = result.approaches[String(approach) as "1" | "2" | "3"];
  if (!fitted) return [];
  return DEFAULT_BUDGETS.flatMap((budget) => {
    const optimum = predictOptimum(approach, fitted, budget);
    return optimum ? [{ budget_flops: budget, approach, ...optimum, tokens_per_param: optimum.n_tokens / optimum.n_params }] : [];
  });
}

function cell(value: number, interval: Interval | undefined, digits: number): string {
  const text = formatScientific(value, digits);
  return interval ? `${text} [${formatScientific(interval.lo, 2)}, ${formatScientific(interval.hi, 2)}]` : text;
}

function lossCell(loss: number, interval: Interval | undefined): string {
  const text = formatSignificant(loss);
  return interval ? `${text} [${formatSignificant(interval.lo)}, ${formatSignificant(interval.hi)}]` : text;
}

function markdown(rows: Prediction[], approach: number | null): string {
  if (rows.length === 0) return "_No fitted approach: no Chinchilla table._";
  const header = [
    `| Budget C (FLOPs) | Parameters N* | Tokens D* | D*/N* | Loss L* |`,
    `|---:|---:|---:|---:|---:|`,
  ];
  const body = rows.map(
    (r) =>
      `| ${formatScientific(r.budget_flops)} | ${cell(r.n_params, r.intervals?.n_params, 3)} | ${cell(r.n_tokens, r.intervals?.n_tokens, 3)} | ${formatSignificant(r.tokens_per_param, 3)} | ${lossCell(r.loss, r.intervals?.loss)} |`,
  );
  const note = rows.some((r) => r.intervals) ? "\n\nBrackets: bootstrap percentile intervals." : "";
  return `${[...header, ...body].join("\n")}\n\nFrom approach ${approach}.${note}`;
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
] as const;

function csv(rows: Prediction[]): string {
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
    ].join(","),
  );
  return [CSV_COLUMNS.join(","), ...lines].join("\n");
}

export function formatChinchillaTable(result: FitResult, format: "markdown" | "csv"): string {
  const rows = tableRows(result);
  return format === "csv" ? csv(rows) : markdown(rows, result.preferred_approach);
}
