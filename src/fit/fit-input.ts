/**
 * What `flops-fit fit` reads: a run directory, a results.jsonl, a CSV (fit-csv.ts) or a JSONL
 * of minimal rows (minimal-rows.ts) with n_params,n_tokens,loss and optionally budget_flops
 * and flops, or a W&B runs export, so results from anywhere can be fitted. Bad files are
 * UserErrors naming the file, line and column.
 *
 * A run's measured FLOPs (a record's flops_measured) are what compute counts when every run
 * has them, unless the sweep counted 6·N·D (config `flops: 6nd`, or --mock): then none is
 * passed on (fitting/flops-per-token.ts).
 *
 * Of a run directory (or a results.jsonl inside one) only the current sweep definition's
 * runs are fitted, each experiment by its latest completed attempt; the rest come back as
 * rows marked `left_out`, and `notes` say what was left out and which re-runs disagreed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import { UserError } from "../errors/user-error.js";
import { readJournal } from "../store/journal.js";
import type { ResultRecord } from "../store/record.js";
import { selectRecords, type RecordSelection } from "../store/record-selection.js";
import { selectRunRecords } from "../store/run-definitions.js";
import { RunDir } from "../store/run-dir.js";
import { readFitCsv } from "./fit-csv.js";
import { classifyJsonResults } from "./minimal-rows.js";
import type { FitRow } from "./fit-row.js";
import { splitCsvLine } from "./csv-line.js";
import { brokenJsonProblem, isRunsExport, isRunsExportHeader, jsonExportRuns, readRunsExport } from "./wandb-export.js";

export interface FitInput {
  source: string;
  /** `wandb_export`: a W&B runs-table export of a sweep, CSV or JSON (wandb-export.ts); `rows`: minimal JSON rows. */
  kind: "run_dir" | "jsonl" | "csv" | "wandb_export" | "rows";
  rows: FitRow[];
  /** The run directory, when the input was one (fit.json is written there). */
  runDir?: string;
  /** What the fit must mention: runs of other definitions left out, re-runs, derived budgets. */
  notes: string[];
  /** The sweep definition fitted (a results file's current fingerprint); null for a CSV. */
  definition: string | null;
}

function row(r: ResultRecord, measured: boolean, leftOut?: string): FitRow {
  return {
    experiment_id: r.experiment_id,
    status: r.status,
    n_params: r.n_params ?? 0,
    n_params_non_embedding: r.n_params_non_embedding ?? null,
    n_tokens: r.n_tokens ?? r.n_tokens_planned,
    loss: r.loss,
    budget_flops: r.budget_flops,
    flops: measured ? r.flops_measured : null,
    error: r.error,
    epochs: r.epochs ?? null,
    ...(leftOut ? { left_out: leftOut } : {}),
  };
}

/** The current definition's final records, then the other definitions' marked left out. */
function rowsFromSelection(selection: RecordSelection, measured: boolean): FitRow[] {
  return [
    ...selection.final.map((r) => row(r, measured)),
    ...selection.others.flatMap((other) => other.final.map((r) => row(r, measured, `another sweep definition (${other.fingerprint})`))),
  ];
}

/** Whether a run directory's sweep counts measured FLOPs (config `flops: measured`, not --mock); true without a config. */
function countsMeasuredFlops(runDir: RunDir | null): boolean {
  const config = runDir?.read("config");
  return !config || (config.mock_enabled !== true && config.flops !== "6nd");
}

/** A results.jsonl inside a run directory is read as that directory (its current definition). */
function enclosingRunDir(results: string): RunDir | null {
  const runDir = new RunDir(dirname(results));
  return basename(results) === basename(runDir.results) && existsSync(runDir.config) ? runDir : null;
}

function readResults(file: string, runDir: RunDir | null): { rows: FitRow[]; notes: string[]; definition: string | null } {
  const records = readJournal(file).records;
  const selection = runDir ? selectRunRecords(runDir, records) : selectRecords(records);
  return { rows: rowsFromSelection(selection, countsMeasuredFlops(runDir)), notes: selection.notes, definition: selection.current };
}

export function readFitInput(path: string): FitInput {
  const source = resolve(path);
  if (!existsSync(source)) throw new UserError(`no such file or directory: ${source}`, "input_not_found", { file: source });
  if (statSync(source).isDirectory()) {
    const results = new RunDir(source).results;
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
    if (isRunsExport(jsonExportRuns(text))) return { source, kind: "wandb_export", ...readRunsExport(source, "json"), definition: null };
    const broken = brokenJsonProblem(text);
    if (broken) throw new UserError(`${source}: ${broken}`, "bad_json", { file: source });
  }
  if (extension === ".jsonl" || extension === ".json") {
    const shape = classifyJsonResults(source);
    if (shape.kind === "minimal") return { source, kind: "rows", rows: shape.rows, notes: shape.notes, definition: null };
    const { rows, notes, definition } = readResults(source, enclosingRunDir(source));
    if (rows.length === 0) throw new UserError(`${source}: no results`, "empty_results", { file: source });
    return { source, kind: "jsonl", rows, notes, definition };
  }
  throw new UserError(`cannot fit ${source}: give a run directory, a results.jsonl, a .csv with n_params,n_tokens,loss, a .jsonl of minimal rows, or a W&B runs export (.csv or .json)`, "bad_input_kind", { file: source });
}
