import { describe, expect, it } from "vitest";
import { planIsoFlopSweep, priorOptimalParams, type SizeProbe } from "../../src/planning/iso-flop.js";
import { candidateSizeValues } from "../../src/planning/size-grid.js";

/** A model family whose N grows like 12·d² (a transformer block stack) plus an embedding. */
function probes(): SizeProbe[] {
  return candidateSizeValues({ min: 8, max: 4096, count: 120, multiple_of: 1 }).map((d) => ({
    size_value: d,
    n_params: 12 * d * d + 256 * d,
    n_params_embedding: 256 * d,
    n_params_non_embedding: 12 * d * d,
    flops_per_token: 7 * (12 * d * d + 256 * d),
  }));
}

const options = { budgets: [1e12, 1e14, 1e16], sizesPerBudget: 5, tokensPerParam: 20, span: 3, paramConvention: "total" as const, flops: "6nd" as const };

describe("planIsoFlopSweep", () => {
  it("centres each budget's sizes on its own predicted N*(C), within ×span", () => {
    const plan = planIsoFlopSweep(probes(), options);
    expect(plan.warnings).toEqual([]);
    for (const budget of plan.budgets) {
      const prior = priorOptimalParams(budget.budget_flops, 20);
      expect(budget.experiments).toHaveLength(5);
      for (const e of budget.experiments) {
        expect(e.n_params).toBeGreaterThanOrEqual(prior / 3);
        expect(e.n_params).toBeLessThanOrEqual(prior * 3);
      }
      const ns = budget.experiments.map((e) => e.n_params);
      const geometricMean = Math.exp(ns.reduce((s, n) => s + Math.log(n), 0) / ns.length);
      expect(Math.abs(Math.log(geometricMean / prior))).toBeLessThan(Math.log(1.3));
    }
  });

  it("moves the size window with C instead of using one absolute range", () => {
    const plan = planIsoFlopSweep(probes(), options);
    const smallest = plan.budgets.map((b) => Math.min(...b.experiments.map((e) => e.n_params)));
    expect(smallest[1]! / smallest[0]!).toBeGreaterThan(5); // 100x compute → ~10x N
    expect(smallest[2]! / smallest[1]!).toBeGreaterThan(5);
  });

  it("gives every run D = C / (6N) under 6nd and C / measured FLOPs per token under measured", () => {
    const sixNd = planIsoFlopSweep(probes(), options);
    for (const e of sixNd.budgets.flatMap((b) => b.experiments)) expect(6 * e.n_params * e.n_tokens).toBeCloseTo(e.budget_flops, -2);
    const measured = planIsoFlopSweep(probes(), { ...options, flops: "measured" });
    for (const e of measured.budgets.flatMap((b) => b.experiments)) expect(e.flops_per_token * e.n_tokens).toBeCloseTo(e.budget_flops, -2);
  });

  it("counts N by the chosen convention", () => {
    const plan = planIsoFlopSweep(probes(), { ...options, paramConvention: "non_embedding" });
    const e = plan.budgets[0]!.experiments[0]!;
    expect(e.n_params).toBe(e.n_params_total - e.n_params_embedding);
  });

  it("warns when the window reaches past the probed sizes or holds too few of them", () => {
    const few = probes().filter((p) => p.size_value < 40);
    const plan = planIsoFlopSweep(few, { ...options, budgets: [1e13] });
    expect(plan.warnings.join("\n")).toMatch(/reaches past the probed sizes/);
    expect(plan.warnings.join("\n")).toMatch(/only \d of 5 sizes/);
  });
});

describe("candidateSizeValues", () => {
  it("log-spaces, rounds to the multiple and deduplicates", () => {
    const values = candidateSizeValues({ min: 8, max: 512, count: 10, multiple_of: 8 });
    expect(values[0]).toBe(8);
    expect(values[values.length - 1]).toBe(512);
    expect(values.every((v) => v % 8 === 0)).toBe(true);
    expect(new Set(values).size).toBe(values.length);
  });
});
