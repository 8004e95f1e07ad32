/**
 * Whether a finished sweep answered its question, and if not, why: no failure hides.
 * A sweep fails (exit 1) when some planned budget has no completed run, or when the fit has
 * no usable approach; each failed run is listed with its exception line and the log that
 * holds its full error text.
 */
import { relative } from "node:path";
import type { FitOutput } from "../fit/fit-rows.js";
import { latestPerExperiment } from "../store/record-selection.js";
import type { ResultRecord } from "../store/record.js";
import type { RunDir } from "../store/run-dir.js";
import { errorLine } from "../util/error-line.js";

export interface FailedRun {
  experiment_id: string;
  attempt: number;
  status: ResultRecord["status"];
  budget_flops: number;
  size_value: number;
  /** The exception line: the last line of the traceback (or the error's first line). */
  error_line: string;
  /** The file with the full error text. */
  log: string;
}

export interface SweepVerdict {
  failures: FailedRun[];
  /** Why the sweep failed; empty when it answered. */
  problems: string[];
}

const sci = (value: number) => value.toExponential(2);

export function failedRuns(records: ResultRecord[], ids: ReadonlySet<string>, runDir: RunDir): FailedRun[] {
  return latestPerExperiment(records.filter((r) => ids.has(r.experiment_id)))
    .filter((r) => r.status !== "completed" && r.status !== "cancelled")
    .sort((a, b) => a.budget_flops - b.budget_flops || a.size_value - b.size_value)
    .map((r) => ({
      experiment_id: r.experiment_id, attempt: r.attempt, status: r.status, budget_flops: r.budget_flops, size_value: r.size_value,
      error_line: errorLine(r.error) || r.status, log: runDir.errorLog(r.experiment_id, r.attempt),
    }));
}

export function sweepVerdict(records: ResultRecord[], ids: ReadonlySet<string>, budgets: number[], fit: FitOutput | { error: string }, runDir: RunDir): SweepVerdict {
  const failures = failedRuns(records, ids, runDir);
  const problems: string[] = [];
  const latest = latestPerExperiment(records.filter((r) => ids.has(r.experiment_id)));
  for (const budget of budgets) {
    const runs = latest.filter((r) => r.budget_flops === budget);
    if (runs.length === 0) {
      problems.push(`budget ${sci(budget)}: no run was planned (no candidate size fell within its window; see the plan warnings)`);
      continue;
    }
    if (runs.some((r) => r.status === "completed")) continue;
    const first = failures.find((f) => f.budget_flops === budget);
    problems.push(`budget ${sci(budget)}: none of its ${runs.length} runs completed` + (first ? ` (e.g. size ${first.size_value}: ${first.error_line})` : ""));
  }
  if ("error" in fit) problems.push(`no fit: ${fit.error}`);
  else if (fit.preferred_approach === null) {
    const why = Object.entries(fit.approaches).map(([key, a]) => {
      const last = a?.warnings.at(-1) ?? "no law";
      return last.startsWith(`approach ${key}:`) ? last : `approach ${key}: ${last}`;
    }).join("; ");
    problems.push(`the fit has no usable approach (${why})`);
  }
  return { failures, problems };
}

/** The failed runs and the verdict as console text (empty when nothing failed). */
export function formatVerdict(verdict: SweepVerdict, root: string): string {
  const lines: string[] = [];
  if (verdict.failures.length > 0) {
    const shown = relative(process.cwd(), root);
    const dir = shown === "" ? "." : shown.startsWith("..") ? root : shown;
    lines.push(`${verdict.failures.length} run${verdict.failures.length === 1 ? "" : "s"} did not complete (full errors under ${dir}/logs/errors/):`);
    for (const f of verdict.failures) lines.push(`  ${f.status.padEnd(8)} ${f.experiment_id}  C=${sci(f.budget_flops)} size ${f.size_value}: ${f.error_line}`);
  }
  if (verdict.problems.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("sweep failed:", ...verdict.problems.map((p) => `  - ${p}`));
  }
  return lines.join("\n");
}
