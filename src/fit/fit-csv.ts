/**
 * Runs from anywhere, read exactly: a CSV with the columns n_params,n_tokens,loss and
 * optionally budget_flops (the IsoFLOP budget each run belongs to), flops (its measured
 * training FLOPs) and experiment_id. A duplicated column, an empty cell or a value that is
 * not a positive decimal is an error at file:line:column (exit 2): nothing is guessed.
 *
 * Without budget_flops each run's budget is derived from 6·N·D, grouped within
 * DERIVED_BUDGET_TOLERANCE of its group (fitting/budget-groups.ts); the note gives each
 * group's spread. The budget only groups runs: compute is the flops column when every run has
 * one, else 6·N·D (fitting/flops-per-token.ts).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../errors/user-error.js";
import { clusterDerivedBudgets } from "../fitting/budget-groups.js";
import { formatScientific } from "../fitting/format-number.js";
import { parseDecimal } from "../util/decimal.js";
import type { FitRow } from "./fit-row.js";
import { splitCsvLine } from "./csv-line.js";

export const REQUIRED_COLUMNS = ["n_params", "n_tokens", "loss"] as const;
const NUMBER_COLUMNS = ["n_params", "n_tokens", "loss", "budget_flops", "flops"] as const;

/** Runs whose derived 6·N·D lie within this fraction of each other (max/min − 1) share a budget. */
export const DERIVED_BUDGET_TOLERANCE = 0.2;

/** The rows' budgets derived from 6·N·D and grouped (rows without one are changed in place), and the note saying so. */
export function deriveBudgets(rows: FitRow[], file: string): string {
  const { budgets, groups } = clusterDerivedBudgets(rows.map((r) => 6 * r.n_params * r.n_tokens), DERIVED_BUDGET_TOLERANCE);
  rows.forEach((row, i) => (row.budget_flops = budgets[i] as number));
  const shown = groups.slice(0, 12).map((g) => `${formatScientific(g.budget_flops)} (${g.runs} run${g.runs === 1 ? "" : "s"}, spread ${(100 * g.spread).toFixed(1)}%)`);
  const more = groups.length > 12 ? `, … and ${groups.length - 12} more` : "";
  return `${basename(file)} has no budget_flops: each run's budget is its 6·N·D, grouped with runs within ${DERIVED_BUDGET_TOLERANCE * 100}% of the whole group into ${groups.length} budget${groups.length === 1 ? "" : "s"}: ${shown.join(", ")}${more}; give budget_flops to set them`;
}

/** A positive decimal at file:line:column, or a UserError naming the cell. */
export function positiveCell(file: string, line: number, column: number, name: string, text: string): number {
  if (text === "") throw new UserError(`${file}:${line}:${column}: column ${name} is empty (every run needs a value; leave the column out to derive it)`, "bad_csv", { file, line, column, field: name });
  const value = parseDecimal(text);
  if (!Number.isFinite(value)) throw new UserError(`${file}:${line}:${column}: column ${name} is not a number: ${JSON.stringify(text)}`, "bad_csv", { file, line, column, field: name });
  if (value <= 0) throw new UserError(`${file}:${line}:${column}: column ${name} must be positive, got ${text}`, "bad_csv", { file, line, column, field: name });
  return value;
}

function checkHeader(file: string, header: string[]): void {
  if (header.length === 1 && header[0] === "") throw new UserError(`${file}: empty CSV (expected a header n_params,n_tokens,loss[,budget_flops][,flops])`, "bad_csv", { file, line: 1 });
  header.forEach((name, i) => {
    const first = header.indexOf(name);
    if (name !== "" && first !== i) {
      throw new UserError(`${file}:1:${i + 1}: column ${name} appears twice (columns ${first + 1} and ${i + 1}): which one holds the runs' values is not for flops-fit to guess`, "bad_csv", { file, line: 1, column: i + 1, field: name });
    }
  });
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new UserError(`${file}:1: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (header: ${header.join(",")}; need n_params,n_tokens,loss[,budget_flops][,flops])`, "bad_csv", { file, line: 1, field: missing[0] });
  }
}

export function readFitCsv(file: string): { rows: FitRow[]; notes: string[] } {
  const lines = readFileSync(file, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.toLowerCase());
  checkHeader(file, header);
  const rows: FitRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const cells = splitCsvLine(line);
    const values: Partial<Record<(typeof NUMBER_COLUMNS)[number], number>> = {};
    for (const name of NUMBER_COLUMNS) {
      const at = header.indexOf(name);
      if (at >= 0) values[name] = positiveCell(file, i + 1, at + 1, name, cells[at] ?? "");
    }
    const idAt = header.indexOf("experiment_id");
    const { n_params: nParams, n_tokens: nTokens, loss } = values as Record<"n_params" | "n_tokens" | "loss", number>;
    rows.push({
      experiment_id: idAt >= 0 && cells[idAt] ? cells[idAt] : `row${i + 1}`,
      status: "completed",
      n_params: nParams,
      n_params_non_embedding: null,
      n_tokens: nTokens,
      loss,
      budget_flops: values.budget_flops ?? 0,
      flops: values.flops ?? null,
    });
  }
  if (rows.length === 0) throw new UserError(`${file}: no data rows`, "empty_results", { file });
  return { rows, notes: header.includes("budget_flops") ? [] : [deriveBudgets(rows, file)] };
}
