/** Flags shared by `fit` and `sweep` for how the fit is run. */
import { Flags } from "@oclif/core";
import { UserError } from "../errors/user-error.js";

export const fitFlags = {
  approach: Flags.string({ description: "Chinchilla approach: 1 (envelope), 2 (IsoFLOP parabolas), 3 (parametric L(N,D)) or all", options: ["1", "2", "3", "all"], default: "all" }),
  bootstrap: Flags.integer({ description: "bootstrap resamples for intervals (0 = none)", default: 0, min: 0 }),
  predict: Flags.string({ description: "compute budgets C to predict N*, D*, L* for, comma-separated (e.g. 1e21,1e23)" }),
  seed: Flags.integer({ description: "bootstrap seed", default: 0 }),
};

export function parseApproaches(value: string): Array<1 | 2 | 3> {
  return value === "all" ? [1, 2, 3] : [Number(value) as 1 | 2 | 3];
}

export function parseBudgets(value: string | undefined): number[] {
  if (!value) return [];
  return value.split(",").map((text) => {
    const budget = Number(text.trim());
    if (!Number.isFinite(budget) || budget <= 0) throw new UserError(`--predict: not a positive FLOP count: ${JSON.stringify(text.trim())} (e.g. --predict 1e21,1e23)`, "bad_flag", { field: "--predict" });
    return budget;
  });
}
