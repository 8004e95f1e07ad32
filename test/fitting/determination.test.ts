/**
 * The determination test (src/fitting/determination.ts): each yardstick on its own, on inputs
 * made to trip it, and the runs it suggests (suggestions.ts). Pure: no bootstrap is drawn here
 * except in the last block, which fits small synthetic sweeps.
 */
import { describe, expect, it } from "vitest";
import type { BudgetGroup } from "../../src/fitting/budget-groups.js";
import type { DeterminationIntervals } from "../../src/fitting/bootstrap.js";
import { determine, MAX_A_WIDTH, MAX_N_RATIO, MIN_LAW_SHARE, seedNoise, testBudgets, verticesBelow, type DeterminationInput } from "../../src/fitting/determination.js";
import { fitApproaches } from "../../src/fitting/fit-approaches.js";
import { resolveFitOptions } from "../../src/fitting/fit-options.js";
import type { Approach2Result, Approach3Result, BudgetFit, FitPoint } from "../../src/fitting/types.js";
import { syntheticSweep } from "./helpers/synthetic.js";

const BUDGETS = [1e18, 2e18, 4e18, 8e18];
const groups: BudgetGroup[] = BUDGETS.map((budget) => ({
  budget_flops: budget,
  points: [1e8, 2e8, 4e8].map((n) => ({ n_params: n, n_tokens: budget / (6 * n), loss: 2, budget_flops: budget })),
}));
const approach2 = { status: "fitted", a: 0.5, b: 0.5, laws: null, budgets: [], warnings: [] } as unknown as Approach2Result;
const good: DeterminationIntervals = { a: { lo: 0.45, hi: 0.55, se: 0.02 }, alpha: null, beta: null, n_opt: [{ lo: 1e9, hi: 2e9, se: 1e8 }] };
const verdictOf = (i: DeterminationInput) => determine(i).verdict;
const input = (overrides: Partial<DeterminationInput> = {}): DeterminationInput => ({
  approaches: { "2": structuredClone(approach2) },
  bootstrap: { "2": { resamples: 100, failed: 2, intervals: good } },
  testBudgets: [8e19],
  groups,
  phi: null,
  ...overrides,
});

describe("determination: each yardstick", () => {
  it("passes a law with a law from nearly every resample and narrow intervals, and gives the figures", () => {
    const verdict = verdictOf(input());
    expect(verdict.determined).toBe(true);
    expect(verdict.reasons).toEqual(["approach 2 is determined: 98% of resamples gave a law, a's 95% interval [0.450, 0.550], N*(8e19) within ×2.00"]);
    expect(verdict.suggestions).toEqual([]);
    const { approaches } = determine(input());
    expect(approaches["2"]).toEqual({ determined: true, reasons: [], measures: expect.objectContaining({ law_share: 0.98, n_opt: [{ budget_flops: 8e19, lo: 1e9, hi: 2e9, ratio: 2 }] }) });
  });

  it(`fails a law from fewer than ${MIN_LAW_SHARE * 100}% of the resamples, and says how many`, () => {
    const verdict = verdictOf(input({ bootstrap: { "2": { resamples: 100, failed: 56, intervals: good } } }));
    expect(verdict.determined).toBe(false);
    expect(verdict.reasons).toContain("approach 2: only 44 of 100 bootstrap resamples gave a law (fewer than 90%)");
  });

  it(`fails an interval of a wider than ${MAX_A_WIDTH} and an N*(C) interval spanning more than ×${MAX_N_RATIO}`, () => {
    const wide = { ...good, a: { lo: -0.009, hi: 0.62, se: 0.2 }, n_opt: [{ lo: 1e9, hi: 1.8e10, se: 1e9 }] };
    const verdict = verdictOf(input({ bootstrap: { "2": { resamples: 100, failed: 0, intervals: wide } } }));
    expect(verdict.reasons).toEqual([
      "approach 2: a's 95% interval [-0.00900, 0.620] is 0.63 wide (more than 0.4)",
      "approach 2: N*(8e19)'s 95% interval [1e9, 1.8e10] spans ×18.0 (more than ×4)",
    ]);
  });

  it("does not call a law determined without a bootstrap of at least 100 resamples, or from fewer than 4 budgets", () => {
    expect(verdictOf(input({ bootstrap: {} })).reasons).toEqual(["approach 2: not bootstrapped: its intervals were not measured (bootstrap ≥ 100 resamples)"]);
    expect(verdictOf(input({ bootstrap: { "2": { resamples: 20, failed: 0, intervals: good } } })).reasons[0]).toBe("approach 2: 20 bootstrap resamples are too few to test it (at least 100)");
    expect(verdictOf(input({ groups: groups.slice(0, 3) })).reasons).toEqual(["approach 2: 3 budgets: a law needs at least 4 to be tested on one held out"]);
  });

  it("fails approach 3 on an implausible exponent, on α or β intervals beyond (0, 2], and names the budgets whose optimum lies outside the sizes", () => {
    const surface = { E: 1.69, A: 406.4, B: 410.7, alpha: 2.4, beta: 0.28, a: 0.1, b: 0.9, G: 1 };
    const fit = { status: "fitted", ...surface, objective: 1e-4, huber_delta: 1e-3, optimizer: null, residuals: [], warnings: [] } as unknown as Approach3Result;
    const intervals = { ...good, alpha: { lo: 0.58, hi: 33.2, se: 5 }, beta: { lo: 0.2, hi: 0.4, se: 0.05 } };
    const verdict = verdictOf({ ...input(), approaches: { "3": fit }, bootstrap: { "3": { resamples: 100, failed: 0, intervals } } });
    expect(verdict.reasons[0]).toBe("approach 3: implausible exponent alpha = 2.40 (> 2: its term vanishes within the sampled range)");
    expect(verdict.reasons).toContain("approach 3: alpha's 95% interval [0.580, 33.2] reaches beyond (0, 2]");
    expect(verdict.reasons.some((r) => /^approach 3: its optimum N\*\(C\) lies outside the sampled sizes at 4 of 4 budgets \(1e18 (below|above)/.test(r))).toBe(true);
  });

  it("measures the seed-to-seed noise from repeated points, pooled", () => {
    const repeated: BudgetGroup[] = [{ budget_flops: 1, points: [2, 2.02, 3, 3.03].map((loss, i) => ({ n_params: i < 2 ? 10 : 20, n_tokens: 1, loss, budget_flops: 1 })) }];
    const noise = seedNoise(repeated)!;
    expect(noise.dof).toBe(2);
    expect(noise.sd).toBeCloseTo(Math.log(1.01) / Math.sqrt(2), 4);
    expect(seedNoise(groups)).toBeNull();
  });

  it("flags a vertex below every run of its budget by more than the noise and the spacing of sizes allow", () => {
    const runs: FitPoint[] = [1e3, 1e4, 1e5].map((n, i) => ({ n_params: n, n_tokens: 1, loss: [1.4, 1.2, 1.4][i]!, budget_flops: 1 }));
    const budget = (lossOpt: number): BudgetFit => ({ budget_flops: 1, status: "used", n_opt: 1e4, loss_opt: lossOpt, curvature: 0.1, n_range: [1e3, 1e5], n_points: 3 });
    const fit = (lossOpt: number) => ({ ...approach2, budgets: [budget(lossOpt)] }) as Approach2Result;
    // 2 noise SDs of 1% of the best run's 1.2 allow 0.024 (the nearest size is at the vertex).
    expect(verticesBelow(fit(1.19), [{ budget_flops: 1, points: runs }], 0.01)).toEqual([]);
    const [flagged] = verticesBelow(fit(1.1), [{ budget_flops: 1, points: runs }], 0.01);
    expect(flagged!.gap).toBeCloseTo(0.1, 12);
    expect(flagged!.allowed).toBeCloseTo(0.024, 12);
  });

  it("tests N*(C) at the requested budgets, else at 10× the largest observed", () => {
    expect(testBudgets([1e21], [1e18, 1e19])).toEqual([1e21]);
    expect(testBudgets([], [1e18, 1e19])).toEqual([1e20]);
  });
});

describe("determination on fitted sweeps, and what would determine them", () => {
  const fit = (points: FitPoint[]) => fitApproaches(points, resolveFitOptions({ approaches: [2, 3], bootstrap: 100, seed: 1 })).result;

  it("determines both approaches on a clean sweep of 5 budgets", () => {
    const result = fit(syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0.002 }));
    expect(result.determined).toBe(true);
    expect(result.approaches["2"]!.determination!.determined).toBe(true);
    expect(result.approaches["3"]!.determination!.determined).toBe(true);
  });

  it("suggests sizes below a budget whose minimum lies below its grid, more budgets, and seeds when the noise is unmeasured", () => {
    // Three budgets, the smallest with its grid 20× above the optimum; 2% noise.
    const points = syntheticSweep({ k: 3, pointsPerBudget: 5, noise: 0.02, budgets: [1e17, 1e18, 1e19], centreFactor: (i) => (i === 0 ? 20 : 1) });
    const result = fit(points);
    expect(result.determined).toBe(false);
    const suggestions = result.determination!.suggestions;
    const below = suggestions.find((s) => s.action === "add_sizes" && s.budget_flops === 1e17)!;
    expect(below.why).toMatch(/minimum lies below the smallest size/);
    expect(Math.max(...below.values)).toBeLessThan(Math.min(...points.filter((p) => p.budget_flops === 1e17).map((p) => p.n_params)));
    expect(suggestions.find((s) => s.action === "add_budgets")!.values).toEqual([1e20, 1e21]);
    expect(suggestions.find((s) => s.action === "add_seeds" && s.budget_flops === null)!.values).toEqual([3]);
  });
});
