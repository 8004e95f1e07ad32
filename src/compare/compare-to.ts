/**
 * A sweep config's `compare_to: BASELINE` (docs/compare.md): before anything runs, the
 * baseline is read and checked against this sweep's parameter convention and FLOP accounting
 * (a difference is refused, exit 2, naming it), and when the config gives no budgets the sweep
 * plans on the baseline's. After the sweep, the comparison is made as `flops-fit compare
 * BASELINE RUN_DIR` makes it, printed, and its page written to RUN_DIR/compare/.
 */
import { join, resolve } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { MAX_BUDGETS } from "../config/schema.js";
import { UserError } from "../errors/user-error.js";
import { groupByBudget } from "../fitting/budget-groups.js";
import { fitPoints } from "../fit/fit-rows.js";
import { readCompareSide } from "./compare-inputs.js";
import { COMPARE_RESAMPLES, runComparison } from "./run-compare.js";

export interface CompareTo {
  /** The baseline, resolved against the current directory (where run directories are written). */
  baseline: string;
  /** Said before the sweep: the budgets taken from the baseline. */
  note: string | null;
}

const where = (loaded: LoadedConfig) => ({ file: loaded.file, field: "compare_to", ...(loaded.locate?.(["compare_to"]) ?? {}) });

/** Reads and checks the baseline; fills planning.budgets from it when the config has none. Null without compare_to. */
export function prepareCompareTo(loaded: LoadedConfig, mock: boolean): CompareTo | null {
  const named = loaded.config.compare_to;
  if (named === undefined) return null;
  const baseline = resolve(named);
  let side;
  try {
    side = readCompareSide(baseline, "baseline");
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`compare_to: ${error.message}`, error.code, where(loaded));
    throw error;
  }
  // Under --mock compute is 6·N·D (sweep/run-sweep.ts flopsAccounting); so is `flops: 6nd`.
  const accounting = mock || loaded.config.flops === "6nd" ? "6ND" : "measured";
  if (side.accounting.value !== accounting) {
    const mine = accounting === "6ND" ? `6·N·D (${mock ? "--mock" : "flops: 6nd"})` : "the measured FLOPs (flops: measured)";
    throw new UserError(`compare_to: this sweep counts compute as ${mine} and the baseline ${baseline} as ${side.accounting.value === "6ND" ? "6·N·D" : "the measured FLOPs"} (${side.accounting.why}): their multiplier would measure the accounting, not the change`, "incomparable_compute", where(loaded));
  }
  if (side.convention.known && side.convention.value !== loaded.config.param_convention) {
    throw new UserError(`compare_to: this sweep's N counts ${loaded.config.param_convention} parameters (param_convention) and the baseline ${baseline}'s ${side.convention.value} (${side.convention.why}): use the same param_convention`, "incomparable_parameters", where(loaded));
  }
  if (loaded.config.planning.budgets.length > 0) return { baseline, note: null };
  const budgets = groupByBudget(fitPoints(side.input.rows, side.convention.value), 1e-6).map((g) => g.budget_flops);
  if (budgets.length === 0) throw new UserError(`compare_to: the baseline ${baseline} has no completed runs whose budgets this sweep could plan on; give planning.budgets`, "empty_results", where(loaded));
  // The schema's bound on planning.budgets holds for budgets taken from a baseline too (a CSV may give every run its own).
  if (budgets.length > MAX_BUDGETS) throw new UserError(`compare_to: the baseline ${baseline} has ${budgets.length} budgets, more than a sweep plans (${MAX_BUDGETS}); give planning.budgets`, "too_many_budgets", where(loaded));
  loaded.config.planning.budgets = budgets;
  return { baseline, note: `planning on the baseline's budgets (compare_to ${baseline}): ${budgets.map((b) => b.toExponential(2)).join(", ")}` };
}

export interface SweepComparison {
  json: Record<string, unknown> | { error: string };
  text: string;
}

/** The comparison after the sweep; its failure (the baseline changed meanwhile, no law) is reported, never fails the sweep. */
export async function compareAfterSweep(compareTo: CompareTo, runDir: string, request: { confidence: number; seed: number }): Promise<SweepComparison> {
  try {
    const run = runComparison(compareTo.baseline, runDir, { budgets: [], confidence: request.confidence, resamples: COMPARE_RESAMPLES, seed: request.seed });
    let page = "";
    try {
      const { writeCompareReport } = await import("../report/write-compare-report.js");
      page = `\ncomparison page: ${writeCompareReport(join(runDir, "compare"), run).files[0]}`;
    } catch (error) {
      page = `\nno comparison page: ${(error as Error).message}`;
    }
    return { json: run.json, text: `Compared with the baseline (compare_to):\n${run.text}${page}` };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { json: { error: error.message }, text: `no comparison with the baseline: ${error.message}` };
  }
}
