/**
 * What `flops-fit fit` reads: a run directory, a results.jsonl, or a CSV with the columns
 * n_params,n_tokens,loss and optionally budget_flops (default 6·N·D), so results from
 * anywhere can be fitted. Bad files are UserErrors naming the file, line and column.
 *
 * Of a run directory (or a results.jsonl inside one) only the current sweep definition's
 * runs are fitted, each experiment by its latest completed attempt; the rest come back as
 * rows marked `left_out`, and `notes` say what was left out and which re-runs disagreed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { UserError } from "../errors/user-error.js";
import { clusterDerivedBudgets } from "../fitting/budget-groups.js";
import { parseDecimal } from "../util/decimal.js";
import { readJournal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import { selectRecords, type RecordSelection } from "../store/record-selection.js";
import { selectRunRecords } from "../store/run-definitions.js";
import { RunDir } from "../store/run-dir.js";
import { brokenJsonProblem, isRunsExportHeader, jsonExportRuns, readRunsExport, splitCsvLine } from "./wandb-export.js";

/** One run as the fit sees it, whatever file it came from. */
export interface FitRow {
  experiment_id?: string;
  status: ResultRecord["status"];
  n_params: number;
  n_params_non_embedding: number | null;
  n_tokens: number;
  loss: number | null;
  budget_flops: number;
  /** The recorded error of a run that did not complete (run directories and results.jsonl only). */
  error?: string | null;
  /** Passes over the training data (run directories and results.jsonl, when the data said its size). */
  epochs?: number | null;
  /** Why the run is not fitted although it may have completed (another sweep definition). */
  left_out?: string;
}

export interface FitInput {
  source: string;
  /** `wandb_export`: a W&B runs-table export of a sweep, CSV or JSON (wandb-export.ts). */
  kind: "run_dir" | "jsonl" | "csv" | "wandb_export";
  rows: FitRow[];
  /** The run directory, when the input was one (fit.json is written there). */
  runDir?: string;
  /** What the fit must mention: runs of other definitions left out, re-runs, derived budgets. */
  notes: string[];
  /** The sweep definition fitted (a results file's current fingerprint); null for a CSV. */
  definition: string | null;
}

const REQUIRED_CSV = ["n_params", "n_tokens", "loss"] as const;

/** Runs whose derived 6·N·D lie within this fraction of their neighbour's share a budget. */
export const DERIVED_BUDGET_GAP = 0.2;

export function readFitCsv(file: string): { rows: FitRow[]; notes: string[] } {
  const lines = readFileSync(file, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.toLowerCase());
  if (header.length === 1 && header[0] === "") throw new UserError(`${file}: empty CSV (expected a header n_params,n_tokens,loss[,budget_flops])`, "bad_csv", { file, line: 1 });
  const missing = REQUIRED_CSV.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new UserError(`${file}:1: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (header: ${header.join(",")}; need n_params,n_tokens,loss[,budget_flops])`, "bad_csv", { file, line: 1, field: missing[0] });
  }
  const index = (name: string) => header.indexOf(name);
  const rows: FitRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const cells = splitCsvLine(line);
    const number = (name: string, optional = false): number | undefined => {
      const at = index(name);
      if (at < 0) return undefined;
      const text = cells[at] ?? "";
      if (optional && text === "") return undefined;
      const value = parseDecimal(text);
      if (text === "" || !Number.isFinite(value)) {
        throw new UserError(`${file}:${i + 1}:${at + 1}: column ${name} is not a number: ${JSON.stringify(text)}`, "bad_csv", { file, line: i + 1, column: at + 1, field: name });
      }
      if (value <= 0) throw new UserError(`${file}:${i + 1}:${at + 1}: column ${name} must be positive, got ${text}`, "bad_csv", { file, line: i + 1, column: at + 1, field: name });
      return value;
    };
    const nParams = number("n_params")!;
    const nTokens = number("n_tokens")!;
    const loss = number("loss")!;
    const budget = number("budget_flops", true) ?? 6 * nParams * nTokens;
    const idAt = index("experiment_id");
    rows.push({ experiment_id: idAt >= 0 ? cells[idAt] : `row${i + 1}`, status: "completed", n_params: nParams, n_params_non_embedding: null, n_tokens: nTokens, loss, budget_flops: budget });
  }
  if (rows.length === 0) throw new UserError(`${file}: no data rows`, "empty_results", { file });
  if (index("budget_flops") >= 0) return { rows, notes: [] };
  // Rounded N and D scatter one budget's 6·N·D by a few percent: group neighbours.
  const budgets = clusterDerivedBudgets(rows.map((r) => r.budget_flops), DERIVED_BUDGET_GAP);
  rows.forEach((row, i) => (row.budget_flops = budgets[i] as number));
  const count = new Set(budgets).size;
  return {
    rows,
    notes: [`${basename(file)} has no budget_flops column: each run's budget is 6·N·D, runs within ${DERIVED_BUDGET_GAP * 100}% of their neighbour grouped into ${count} budget${count === 1 ? "" : "s"}; add budget_flops to set them exactly`],
  };
}

function row(r: ResultRecord, leftOut?: string): FitRow {
  return {
    experiment_id: r.experiment_id,
    status: r.status,
    n_params: r.n_params ?? 0,
    n_params_non_embedding: r.n_params_non_embedding ?? null,
    n_tokens: r.n_tokens ?? r.n_tokens_planned,
    loss: r.loss,
    budget_flops: r.budget_flops,
    error: r.error,
    epochs: r.epochs ?? null,
    ...(leftOut ? { left_out: leftOut } : {}),
  };
}

/** The current definition's final records, then the other definitions' marked left out. */
function rowsFromSelection(selection: RecordSelection): FitRow[] {
  return [
    ...selection.final.map((r) => row(r)),
    ...selection.others.flatMap((other) => other.final.map((r) => row(r, `another sweep definition (${other.fingerprint})`))),
  ];
}

/** A results.jsonl inside a run directory is read as that directory (its current definition). */
function enclosingRunDir(results: string): RunDir | null {
  return basename(results) === "results.jsonl" && existsSync(join(dirname(results), "config.json")) ? new RunDir(dirname(results)) : null;
}

function readResults(file: string, runDir: RunDir | null): { rows: FitRow[]; notes: string[]; definition: string | null } {
  const records = readJournal(file).records;
  const selection = runDir ? selectRunRecords(runDir, records) : selectRecords(records);
  return { rows: rowsFromSelection(selection), notes: selection.notes, definition: selection.current };
}

export function readFitInput(path: string): FitInput {
  const source = resolve(path);
  if (!existsSync(source)) throw new UserError(`no such file or directory: ${source}`, "input_not_found", { file: source });
  if (statSync(source).isDirectory()) {
    const results = join(source, "results.jsonl");
    if (!existsSync(results)) throw new UserError(`${source} is not a run directory (no results.jsonl)`, "not_a_run_dir", { file: source });
    const { rows, notes, definition } = readResults(results, new RunDir(source));
    if (rows.length === 0) throw new UserError(`${results}: no results yet`, "empty_results", { file: results });
    return { source, kind: "run_dir", rows, runDir: source, notes, definition };
  }
  const extension = extname(source).toLowerCase();
  if (extension === ".csv") {
    const header = splitCsvLine(readFileSync(source, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "");
    if (isRunsExportHeader(header)) return { source, kind: "wandb_export", ...readRunsExport(source, "csv"), definition: null };
    return { source, kind: "csv", ...readFitCsv(source), definition: null };
  }
  if (extension === ".json") {
    const text = readFileSync(source, "utf8");
    if (jsonExportRuns(text)) return { source, kind: "wandb_export", ...readRunsExport(source, "json"), definition: null };
    const broken = brokenJsonProblem(text);
    if (broken) throw new UserError(`${source}: ${broken}`, "bad_json", { file: source });
  }
  if (extension === ".jsonl" || extension === ".json") {
    const { rows, notes, definition } = readResults(source, enclosingRunDir(source));
    if (rows.length === 0) throw new UserError(`${source}: no results`, "empty_results", { file: source });
    return { source, kind: "jsonl", rows, notes, definition };
  }
  throw new UserError(`cannot fit ${source}: give a run directory, a results.jsonl, a .csv with n_params,n_tokens,loss, or a W&B runs export (.csv or .json)`, "bad_input_kind", { file: source });
}
