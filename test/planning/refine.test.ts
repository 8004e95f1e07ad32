import { describe, expect, it } from "vitest";
import type { SizeProbe } from "../../src/planning/iso-flop.js";
import { planRefinements } from "../../src/planning/refine.js";
import { candidateSizeValues } from "../../src/planning/size-grid.js";

const probes: SizeProbe[] = candidateSizeValues({ min: 8, max: 1024, count: 40, multiple_of: 1 }).map((d) => ({
  size_value: d, n_params: 12 * d * d, n_params_embedding: 0, n_params_non_embedding: 12 * d * d, flops_per_token: null,
}));
const options = { budgets: [1e12], sizesPerBudget: 5, tokensPerParam: 20, span: 3, paramConvention: "total" as const, flops: "6nd" as const };
const runsAt = (sizes: number[], loss: (i: number) => number) => sizes.map((d, i) => ({ size_value: d, n_params: 12 * d * d, loss: loss(i) }));

describe("planRefinements", () => {
  it("extends a budget whose lowest loss is at its largest size, continuing its spacing", () => {
    const sizes = [32, 45, 64, 90, 128];
    const [refinement] = planRefinements([{ budget_flops: 1e12, runs: runsAt(sizes, (i) => 3 - 0.1 * i) }], probes, options);
    expect(refinement!.side).toBe("larger");
    const added = refinement!.experiments.map((e) => e.size_value);
    expect(added).toHaveLength(2);
    expect(Math.min(...added)).toBeGreaterThan(128);
    expect(added[1]! / added[0]!).toBeGreaterThan(1.2); // spaced like the grid (×~1.4 in d), not adjacent
    for (const e of refinement!.experiments) expect(6 * e.n_params * e.n_tokens).toBeCloseTo(1e12, -3);
  });

  it("extends toward smaller models when the smallest size wins", () => {
    const [refinement] = planRefinements([{ budget_flops: 1e12, runs: runsAt([64, 90, 128, 181], (i) => 2 + 0.1 * i) }], probes, options);
    expect(refinement!.side).toBe("smaller");
    expect(Math.max(...refinement!.experiments.map((e) => e.size_value))).toBeLessThan(64);
  });

  it("leaves a budget with an interior minimum alone", () => {
    expect(planRefinements([{ budget_flops: 1e12, runs: runsAt([32, 45, 64, 90, 128], (i) => (i - 2) ** 2) }], probes, options)).toEqual([]);
  });

  it("says so when no probed size lies beyond the edge", () => {
    const [refinement] = planRefinements([{ budget_flops: 1e12, runs: runsAt([512, 724, 1024], (i) => 3 - i) }], probes, options);
    expect(refinement!.experiments).toEqual([]);
    expect(refinement!.note).toMatch(/no larger size was probed; widen planning.size_values/);
  });
});
