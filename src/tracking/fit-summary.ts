/**
 * What the sweep's summary run logs (docs/tracking.md): each fitted approach's exponents and
 * parameters with their bootstrap intervals, whether the runs determine the law, the preferred
 * approach's Chinchilla table and the report's figures. Pure: the fit in, the request for `flops_fit_worker.tracking_summary`
 * out (the process that logs it is summary-run.ts).
 */
import { basename, extname } from "node:path";
import type { FitOutput } from "../fit/fit-rows.js";
import { formatChinchillaTable } from "../fitting/index.js";

/** The fitted quantities logged per approach, when the approach has them. */
export const LOGGED_PARAMETERS = ["a", "b", "E", "A", "B", "alpha", "beta"] as const;

export interface FitSummary {
  /** Runs fitted: the x-axis of the law's history in the trackers. */
  step: number;
  /** `approach2/a`, `approach2/a_lo`, `approach2/a_hi`, … */
  scalars: Record<string, number>;
  preferred_approach: number | null;
  table_csv: string;
  table_markdown: string;
  /** Figure name (the PNG's name without extension) → path. */
  figures: Record<string, string>;
}

export function fitSummary(fit: FitOutput, reportFiles: readonly string[]): FitSummary {
  const scalars: Record<string, number> = {};
  for (const [approach, result] of Object.entries(fit.approaches)) {
    if (!result || result.status !== "fitted") continue;
    const values = result as unknown as Record<string, unknown>;
    const intervals = (values.intervals ?? {}) as Record<string, { lo: number; hi: number } | undefined>;
    for (const name of LOGGED_PARAMETERS) {
      const value = values[name];
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      scalars[`approach${approach}/${name}`] = value;
      const interval = intervals[name];
      if (interval && Number.isFinite(interval.lo) && Number.isFinite(interval.hi)) {
        scalars[`approach${approach}/${name}_lo`] = interval.lo;
        scalars[`approach${approach}/${name}_hi`] = interval.hi;
      }
    }
  }
  // Whether the runs determine the law (docs/fitting.md): 1 or 0, absent for a fit before the test.
  if (typeof fit.determined === "boolean") scalars.determined = fit.determined ? 1 : 0;
  const figures = Object.fromEntries(
    reportFiles.filter((file) => extname(file) === ".png").map((file) => [basename(file, ".png"), file]),
  );
  return {
    step: fit.n_points,
    scalars,
    preferred_approach: fit.preferred_approach,
    table_csv: formatChinchillaTable(fit, "csv"),
    table_markdown: formatChinchillaTable(fit, "markdown"),
    figures,
  };
}
