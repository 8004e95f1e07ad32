/** Flags shared by `fit` and `sweep` for how the fit is run. */
import { Flags } from "@oclif/core";
import { UserError } from "../errors/user-error.js";
import { MAX_BOOTSTRAP } from "../fitting/fit-options.js";
import { parseDecimal } from "../util/decimal.js";

/** --bootstrap N, 0 ≤ N ≤ MAX_BOOTSTRAP (a huge N would run for days and hold every resample). */
export function bootstrapFlag(fallback: number | undefined, description: string) {
  return Flags.integer({ description: `${description}; at most ${MAX_BOOTSTRAP}`, min: 0, max: MAX_BOOTSTRAP, ...(fallback === undefined ? {} : { default: fallback }) });
}

export const fitFlags = {
  approach: Flags.string({ description: "Chinchilla approach: 1 (envelope), 2 (IsoFLOP parabolas), 3 (parametric L(N,D)) or all", options: ["1", "2", "3", "all"], default: "all" }),
  bootstrap: bootstrapFlag(0, "bootstrap resamples for intervals (0 = none)"),
  predict: Flags.string({ description: "compute budgets C to predict N*, D*, L* for, comma-separated (e.g. 1e21,1e23)" }),
  seed: Flags.integer({ description: "bootstrap seed", default: 0 }),
  confidence: Flags.string({ description: "level of every interval, in (0, 1)", default: "0.95" }),
};

/** --confidence: a decimal strictly between 0 and 1. */
export function parseConfidence(value: string): number {
  const level = parseDecimal(value);
  if (!(Number.isFinite(level) && level > 0 && level < 1)) {
    throw new UserError(`--confidence: not a level in (0, 1): ${JSON.stringify(value.trim())} (e.g. --confidence 0.9)`, "bad_flag", { field: "--confidence" });
  }
  return level;
}

export function parseApproaches(value: string): Array<1 | 2 | 3> {
  return value === "all" ? [1, 2, 3] : [Number(value) as 1 | 2 | 3];
}

export function parseBudgets(value: string | undefined, flag = "--predict"): number[] {
  if (!value) return [];
  return value.split(",").map((text) => {
    const budget = parseDecimal(text);
    if (!Number.isFinite(budget) || budget <= 0) throw new UserError(`${flag}: not a positive FLOP count: ${JSON.stringify(text.trim())} (e.g. ${flag} 1e21,1e23)`, "bad_flag", { field: flag });
    return budget;
  });
}
