/**
 * JSON results that are not a flops-fit run directory's journal: minimal rows, one JSON
 * object per line (or a JSON array of them), read as the CSV is read (fit-csv.ts):
 *
 *   {"n_params": 1.2e6, "n_tokens": 2.4e7, "loss": 3.1, "budget_flops": 1.7e14, "flops": 1.9e14}
 *
 * with budget_flops (the IsoFLOP budget) and flops (measured training FLOPs) optional, and
 * optionally experiment_id. A file is a results journal when its first record names an
 * experiment and an attempt, minimal rows when it has one of the minimal fields; anything else
 * (or a journal record missing fields) is refused once, naming every missing field of both
 * forms and showing the minimal one.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../errors/user-error.js";
import { ResultRecord } from "../store/record.js";
import { deriveBudgets, REQUIRED_COLUMNS } from "./fit-csv.js";
import type { FitRow } from "./fit-row.js";

export const MINIMAL_FORM = '{"n_params": 1.2e6, "n_tokens": 2.4e7, "loss": 3.1} (optional: "budget_flops", "flops", "experiment_id")';

/** The fields every results record has (store/record.ts). */
const JOURNAL_FIELDS = Object.entries(ResultRecord.shape).filter(([, schema]) => !schema.safeParse(undefined).success).map(([key]) => key);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The file's records with their line numbers (JSONL), or its array's elements (JSON); null when the first is not JSON. */
function records(text: string): Array<{ value: unknown; where: number | string }> | null {
  const body = text.replace(/^\uFEFF/, "");
  const trimmed = body.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map((value, i) => ({ value, where: `[${i}]` }));
    } catch {
      return null;
    }
  }
  const out: Array<{ value: unknown; where: number | string }> = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    try {
      out.push({ value: JSON.parse(lines[i]!), where: i + 1 });
    } catch {
      if (out.length === 0) return null;
      out.push({ value: undefined, where: i + 1 });
    }
  }
  return out;
}

const place = (file: string, where: number | string) => (typeof where === "number" ? `${file}:${where}` : `${file}${where}`);
const located = (where: number | string) => (typeof where === "number" ? { line: where } : {});

/**
 * What a JSON results file holds: "journal" (read by store/journal.ts), or minimal rows
 * (returned parsed). Throws the one refusal that names every missing field.
 */
export function classifyJsonResults(file: string): { kind: "journal" } | { kind: "minimal"; rows: FitRow[]; notes: string[] } {
  const all = records(readFileSync(file, "utf8"));
  if (all === null || all.length === 0) return { kind: "journal" }; // the journal reader names the bad line (or finds no results)
  const first = all[0]!;
  const head = isObject(first.value) ? first.value : {};
  if ("experiment_id" in head && "attempt" in head) {
    const missing = JOURNAL_FIELDS.filter((key) => !(key in head));
    if (missing.length === 0) return { kind: "journal" };
    throw refusal(file, first.where, missing, REQUIRED_COLUMNS.filter((key) => !(key in head)));
  }
  if (!REQUIRED_COLUMNS.some((key) => key in head)) throw refusal(file, first.where, JOURNAL_FIELDS.filter((key) => !(key in head)), [...REQUIRED_COLUMNS]);
  return { kind: "minimal", ...minimalRows(file, all) };
}

function refusal(file: string, where: number | string, journalMissing: string[], minimalMissing: string[]): UserError {
  return new UserError(
    `${place(file, where)}: neither a results journal (a record is missing ${journalMissing.join(", ")}) nor minimal rows (missing ${minimalMissing.join(", ")}); ` +
      `give one JSON object per line in the minimal form ${MINIMAL_FORM}, or a run directory's results.jsonl`,
    "bad_results",
    { file, ...located(where), field: minimalMissing[0] ?? journalMissing[0] },
  );
}

function minimalRows(file: string, all: Array<{ value: unknown; where: number | string }>): { rows: FitRow[]; notes: string[] } {
  const optional = ["budget_flops", "flops"] as const;
  const head = all[0]!.value as Record<string, unknown>;
  // Like a CSV column, an optional field is on every row or on none.
  const present = new Set(optional.filter((key) => key in head));
  const rows = all.map(({ value, where }) => {
    if (!isObject(value)) throw new UserError(`${place(file, where)}: not a JSON object (the minimal form: ${MINIMAL_FORM})`, "bad_results", { file, ...located(where) });
    const missing = [...REQUIRED_COLUMNS, ...present].filter((key) => !(key in value));
    if (missing.length > 0) throw new UserError(`${place(file, where)}: missing ${missing.join(", ")} (every row has the fields the first has; the minimal form: ${MINIMAL_FORM})`, "bad_results", { file, ...located(where), field: missing[0] });
    const extra = optional.filter((key) => key in value && !present.has(key));
    if (extra.length > 0) throw new UserError(`${place(file, where)}: ${extra.join(", ")} here but not on the first row: give it on every row or none`, "bad_results", { file, ...located(where), field: extra[0] });
    const number = (key: string) => {
      const v = value[key];
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new UserError(`${place(file, where)}: ${key} must be a positive number, got ${JSON.stringify(v)}`, "bad_results", { file, ...located(where), field: key });
      return v;
    };
    const row: FitRow = {
      experiment_id: typeof value.experiment_id === "string" && value.experiment_id !== "" ? value.experiment_id : `row${typeof where === "number" ? where : where.slice(1, -1)}`,
      status: "completed",
      n_params: number("n_params"),
      n_params_non_embedding: null,
      n_tokens: number("n_tokens"),
      loss: number("loss"),
      budget_flops: present.has("budget_flops") ? number("budget_flops") : 0,
      flops: present.has("flops") ? number("flops") : null,
    };
    return row;
  });
  return { rows, notes: present.has("budget_flops") ? [] : [deriveBudgets(rows, file)] };
}
