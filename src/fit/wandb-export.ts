/**
 * A W&B runs-table export of a flops-fit sweep, read back as fit rows (docs/tracking.md), so
 * a sweep logged to W&B can be fitted where only its W&B project is at hand. Two forms:
 *
 * - CSV, as the runs table's "Export as CSV" writes it: one row per run, the config and the
 *   summary as columns (`experiment_id`, `stage`, `budget_flops`, `n_params`, … from the
 *   config; `status`, `loss`, `n_tokens`, `epochs`, … from the summary);
 * - JSON, as the W&B API gives the runs: an array (or `{ "runs": [...] }`) of objects with
 *   `config` and `summary` objects (a config value may be W&B's `{ "value": v }`), or with
 *   the same keys flat.
 *
 * Recognised by the `experiment_id` and `stage` the worker logs with every run. Only runs of
 * the sweep itself (`stage: sweep`) are fitted: the learning-rate calibration's runs and the
 * fit's summary run are left out, and runs whose `status` is not `completed` are rows the
 * fit lists as not completed. Bad values are UserErrors naming the file, the row and the field.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import type { ResultRecord } from "../store/record.js";
import { parseDecimal } from "../util/decimal.js";
import type { FitRow } from "./fit-row.js";
import { splitCsvLine } from "./csv-line.js";
import { oneLine } from "../util/error-line.js";

/** The columns that mark a CSV as a flops-fit runs export (the config every run logs). */
export const EXPORT_SIGNATURE = ["experiment_id", "stage"] as const;

const STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "diverged", "oom", "cancelled"]);

/** One run of the export: its fields, and where it is for error messages. */
interface ExportRun {
  fields: Record<string, unknown>;
  /** "line 4" (CSV) or "runs[3]" (JSON). */
  where: string;
  /** The column of a field (CSV), for file:line:column. */
  column?: (field: string) => number | undefined;
}

export function isRunsExportHeader(header: readonly string[]): boolean {
  return EXPORT_SIGNATURE.every((name) => header.includes(name));
}

/** The runs of a JSON export, or null when the JSON is not one (a results.jsonl, say). */
export function jsonExportRuns(text: string): unknown[] | null {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!trimmed.startsWith("[") && !trimmed.startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed && typeof parsed === "object" && Array.isArray((parsed as { runs?: unknown }).runs)) return (parsed as { runs: unknown[] }).runs;
  return null;
}

/** Whether parsed JSON runs are a flops-fit runs export: some run has the `stage` every flops-fit run logs (a minimal row has none). */
export function isRunsExport(runs: unknown[] | null): boolean {
  return runs !== null && runs.some((run) => "stage" in flatten(run));
}

/**
 * Why a `.json` file is neither one JSON document nor JSON lines (a W&B export cut short, say),
 * or null: without this a truncated export read as JSON lines says "no results".
 */
export function brokenJsonProblem(text: string): string | null {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  try {
    JSON.parse(trimmed);
    return null;
  } catch (error) {
    const firstLine = trimmed.split("\n", 1)[0] ?? "";
    try {
      JSON.parse(firstLine);
      return null; // JSON lines (a results.jsonl named .json)
    } catch {
      return `not valid JSON (${oneLine((error as Error).message)}); a W&B runs export is one JSON document: was it cut short?`;
    }
  }
}

/** W&B's API keeps a config value as `{ value, desc }`; the export may too. */
function unwrap(value: unknown): unknown {
  return value && typeof value === "object" && !Array.isArray(value) && "value" in value ? (value as { value: unknown }).value : value;
}

function flatten(run: unknown): Record<string, unknown> {
  if (!run || typeof run !== "object" || Array.isArray(run)) return {};
  const { config, summary, ...rest } = run as Record<string, unknown>;
  const configured = config && typeof config === "object" ? Object.fromEntries(Object.entries(config).map(([k, v]) => [k, unwrap(v)])) : {};
  return { ...rest, ...configured, ...(summary && typeof summary === "object" ? summary : {}) };
}


function csvRuns(text: string): ExportRun[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "");
  const runs: ExportRun[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const cells = splitCsvLine(lines[i]!);
    const fields: Record<string, unknown> = {};
    header.forEach((name, at) => {
      if ((cells[at] ?? "") !== "") fields[name] = cells[at];
    });
    runs.push({ fields, where: `${i + 1}`, column: (field) => (header.includes(field) ? header.indexOf(field) + 1 : undefined) });
  }
  return runs;
}

function located(file: string, run: ExportRun, field: string, message: string): UserError {
  const column = run.column?.(field);
  const place = run.column ? `${file}:${run.where}${column ? `:${column}` : ""}` : `${file}: ${run.where}`;
  const id = typeof run.fields.experiment_id === "string" ? ` (experiment ${run.fields.experiment_id})` : "";
  return new UserError(`${place}${id}: ${field} ${message}`, "bad_export", { file, field, ...(run.column ? { line: Number(run.where) } : {}), ...(column ? { column } : {}) });
}

/** Whether a run's `mock` config says it was a --mock run (a JSON boolean, or "true" in a CSV). */
const mocked = (value: unknown) => value === true || value === "true" || value === "True";

/** A number field: a JSON number or a decimal string (CSV); undefined when absent. */
function numberField(file: string, run: ExportRun, field: string, required: boolean): number | undefined {
  const raw = run.fields[field];
  if (raw === undefined || raw === null || raw === "") {
    if (required) throw located(file, run, field, "is missing (a run of the sweep logs it: export the runs table with its config and summary columns)");
    return undefined;
  }
  const value = typeof raw === "number" ? raw : typeof raw === "string" ? parseDecimal(raw) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw located(file, run, field, `must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

/** The fit rows of a runs export (CSV or JSON) and what was left out. */
export function readRunsExport(file: string, kind: "csv" | "json"): { rows: FitRow[]; notes: string[] } {
  const text = readFileSync(file, "utf8");
  let runs: ExportRun[];
  if (kind === "csv") runs = csvRuns(text);
  else {
    const parsed = jsonExportRuns(text);
    if (!parsed) throw new UserError(`${file}: not a W&B runs export (expected a JSON array of runs with config and summary)`, "bad_export", { file });
    runs = parsed.map((run, i) => ({ fields: flatten(run), where: `runs[${i}]` }));
  }
  const skipped = { calibration: 0, other: 0 };
  const byId = new Map<string, { row: FitRow; attempt: number }>();
  const fingerprints = new Set<string>();
  for (const run of runs) {
    const stage = run.fields.stage;
    const id = run.fields.experiment_id;
    if (stage === "lr_calibration") { skipped.calibration += 1; continue; }
    if (stage !== "sweep" || typeof id !== "string" || id === "") { skipped.other += 1; continue; } // the fit's summary run, other runs of the project
    const status = run.fields.status ?? "";
    if (typeof status !== "string" || (status !== "" && !STATUSES.has(status))) throw located(file, run, "status", `is not a run status (${[...STATUSES].join(", ")}), got ${JSON.stringify(status)}`);
    if (typeof run.fields.fingerprint === "string") fingerprints.add(run.fields.fingerprint);
    const completed = status === "completed";
    const epochs = numberField(file, run, "epochs", false);
    const row: FitRow = {
      experiment_id: id,
      // A run still going, or killed before its summary, has no status yet: not completed.
      status: (completed ? "completed" : status || "failed") as ResultRecord["status"],
      n_params: numberField(file, run, "n_params", completed) ?? 0,
      n_params_non_embedding: numberField(file, run, "n_params_non_embedding", false) ?? null,
      n_tokens: numberField(file, run, "n_tokens", completed) ?? numberField(file, run, "n_tokens_planned", false) ?? 0,
      loss: completed ? numberField(file, run, "loss", true)! : null,
      budget_flops: numberField(file, run, "budget_flops", true)!,
      // The run's measured FLOPs; a --mock run's loss comes from a surface that counts 6·N·D, so its are not used.
      flops: mocked(run.fields.mock) ? null : (numberField(file, run, "flops_measured", false) ?? null),
      epochs: epochs ?? null,
      ...(completed ? {} : { error: `W&B run status ${status || "unknown"}` }),
    };
    const attempt = numberField(file, run, "attempt", false) ?? 0;
    const previous = byId.get(id);
    if (!previous || attempt >= previous.attempt) byId.set(id, { row, attempt });
  }
  if (fingerprints.size > 1) {
    throw new UserError(`${file}: the export holds runs of ${fingerprints.size} sweep definitions (fingerprints ${[...fingerprints].sort().join(", ")}); filter the runs table by fingerprint before exporting`, "bad_export", { file, field: "fingerprint" });
  }
  const rows = [...byId.values()].map((entry) => entry.row);
  if (rows.length === 0) throw new UserError(`${file}: no runs of a flops-fit sweep (rows with stage "sweep" and an experiment_id)`, "empty_results", { file });
  const left = [
    skipped.calibration > 0 ? `${skipped.calibration} learning-rate calibration run${skipped.calibration === 1 ? "" : "s"}` : null,
    skipped.other > 0 ? `${skipped.other} run${skipped.other === 1 ? "" : "s"} that are not runs of the sweep (the fit's summary run, other runs of the project)` : null,
  ].filter((text): text is string => text !== null);
  return { rows, notes: left.length > 0 ? [`W&B runs export: left out ${left.join(" and ")}`] : [] };
}
