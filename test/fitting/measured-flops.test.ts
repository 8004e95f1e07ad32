/**
 * Budgets in measured FLOPs: flops-fit plans D = C / (measured FLOPs per token), which for
 * small models is 1.2–3× 6·N, so 6·N·D ≠ C. Approach 2 must read D* at the vertex off the
 * budget's own runs (not C/(6·N*)), Approach 1 already uses its best run's own D, and
 * Approach 3 must spend C at the runs' own FLOPs per token, not as 6·N·D.
 */
import { describe, expect, it } from "vitest";
import { chinchillaAllocation, fitScalingLaws, formatChinchillaTable, formatFitSummary, lossSurface, type FitPoint } from "../../src/fitting/index.js";
import { vertexTokens } from "../../src/fitting/vertex-tokens.js";
import { CHINCHILLA_SURFACE, SYNTHETIC_BUDGETS, syntheticSweep, TRUE_A } from "./helpers/synthetic.js";

const relative = (value: number, expected: number) => Math.abs(value / expected - 1);

/** Sizes per budget log-spaced over [centre ÷ k, centre·k] (centre: N* under C = 6ND), each trained for D = C / flopsPerToken(N), noiseless. */
function measuredSweep(flopsPerToken: (n: number) => number, budgets = SYNTHETIC_BUDGETS, centre = (c: number) => chinchillaAllocation(CHINCHILLA_SURFACE, c).n_params, k = 4, sizes = 9): FitPoint[] {
  return budgets.flatMap((budget) =>
    Array.from({ length: sizes }, (_, j) => {
      const nParams = Math.exp(Math.log(centre(budget) / k) + (2 * Math.log(k) * j) / (sizes - 1));
      const nTokens = budget / flopsPerToken(nParams);
      return { n_params: nParams, n_tokens: nTokens, loss: lossSurface(CHINCHILLA_SURFACE, nParams, nTokens), budget_flops: budget };
    }),
  );
}

describe("D = C/(7.5·N) at every run", () => {
  const points = measuredSweep((n) => 7.5 * n);
  const result = fitScalingLaws(points, { approaches: [1, 2, 3], predict: [1e22] });

  it("gives approach 2's d_opt = C/(7.5·N*) at every budget, and flops_per_nd = 7.5", () => {
    const fit = result.approaches["2"]!;
    expect(fit.budgets.every((b) => b.status === "used")).toBe(true);
    for (const budget of fit.budgets) {
      expect(relative(budget.d_opt!, budget.budget_flops / (7.5 * budget.n_opt!))).toBeLessThan(1e-12);
      expect(budget.flops_per_nd!).toBeCloseTo(7.5, 12);
    }
  });

  it("gives a D* law exponent b = 1 − a, with a still exact (the grid is off-centre by a constant factor)", () => {
    const fit = result.approaches["2"]!;
    expect(fit.a! + fit.b!).toBeCloseTo(1, 12);
    expect(Math.abs(fit.a! - TRUE_A)).toBeLessThan(1e-6);
  });

  it("gives approach 1's optima the winning run's own D", () => {
    for (const optimum of result.approaches["1"]!.optima) {
      expect(optimum.n_tokens).toBe(optimum.budget_flops / (7.5 * optimum.n_params));
    }
  });

  it("reports the budgets as 1.25× 6·N·D, and approach 3 allocates them at 7.5·N FLOPs per token (no 6·N·D caveat)", () => {
    expect(result.budget_over_6nd!.min).toBeCloseTo(1.25, 12);
    expect(result.budget_over_6nd!.max).toBeCloseTo(1.25, 12);
    const fit = result.approaches["3"]!;
    expect(fit.allocation).toMatchObject({ compute: "budget_flops", a_6nd: expect.closeTo(TRUE_A, 4) });
    expect(result.warnings.some((w) => w.includes("6·N·D"))).toBe(false);
    const [prediction] = result.predictions;
    expect(prediction).toMatchObject({ approach: 3, compute: "budget_flops" });
    // Spending 1e22 FLOPs at 7.5·N per token is the closed form at 6/7.5 of the budget.
    const truth = chinchillaAllocation(CHINCHILLA_SURFACE, 1e22 * (6 / 7.5));
    expect(relative(prediction!.n_params, truth.n_params)).toBeLessThan(1e-4);
    expect(relative(prediction!.n_tokens, 1e22 / (7.5 * prediction!.n_params))).toBeLessThan(1e-9);
    expect(formatFitSummary(result)).not.toContain("C counted as 6·N·D");
    expect(formatChinchillaTable(result, "markdown")).not.toContain("counts C as 6·N·D");
  });

  it("gives approaches 2 and 3 the same a on the budgets' own FLOPs (a constant φ leaves a unchanged)", () => {
    expect(Math.abs(result.approaches["3"]!.a! - TRUE_A)).toBeLessThan(1e-4);
    expect(Math.abs(result.approaches["3"]!.a! - result.approaches["2"]!.a!)).toBeLessThan(1e-4);
    const strict = fitScalingLaws(points, { approaches: [2, 3], disagreementThreshold: 0 });
    expect(strict.warnings.find((w) => w.startsWith("approach 2 and 3 disagree"))).not.toMatch(/which differ here/);
  });

  it("predicts from approach 2 in the budgets' own FLOPs: D*(C) = C/(7.5·N*(C))", () => {
    const only2 = fitScalingLaws(points, { approaches: [2], predict: [1e22] });
    const [prediction] = only2.predictions;
    expect(prediction).toMatchObject({ approach: 2, compute: "budget_flops", extrapolated: true });
    expect(relative(prediction!.n_tokens, 1e22 / (7.5 * prediction!.n_params))).toBeLessThan(1e-9);
    expect(only2.warnings.some((w) => w.includes("6·N·D"))).toBe(false);
  });
});

describe("FLOPs per token that is not a power of N", () => {
  it("gives approach 3 the exponent approach 2 measures on the same budgets (within 0.005), where the 6·N·D closed form is 0.01 off", () => {
    const flopsPerToken = (n: number) => 6 * n * (1 + 2 * (n / 1e4) ** (-1 / 3));
    const budgets = [0, 1, 2, 3, 4].map((i) => 1e11 * 40 ** (i / 4));
    const points = measuredSweep(flopsPerToken, budgets, (c) => Math.sqrt(c / 120), 3, 9);
    const result = fitScalingLaws(points, { approaches: [2, 3], predict: [budgets[2]!] });
    const [a2, a3] = [result.approaches["2"]!.a!, result.approaches["3"]!.a!];
    expect(Math.abs(a3 - a2)).toBeLessThan(0.005);
    expect(Math.abs(result.approaches["3"]!.allocation!.a_6nd - a2)).toBeGreaterThan(0.008);
    // The prediction spends its budget at the runs' FLOPs per token.
    const p = result.predictions[0]!;
    expect(relative(p.n_tokens * flopsPerToken(p.n_params), budgets[2]!)).toBeLessThan(0.01);
  });


  it("reads D* at the vertex within 0.03% of C/(FLOPs per token at N*), where C/(6·N*) is 1.5–3× off", () => {
    // Small models: 6N plus attention and embeddings, 3.9× 6N at N = 1e4 down to 1.4× at 5e5.
    const flopsPerToken = (n: number) => 6 * n * (1 + 2 * (n / 1e4) ** (-1 / 3));
    const budgets = [0, 1, 2, 3, 4].map((i) => 1e11 * 40 ** (i / 4));
    const points = measuredSweep(flopsPerToken, budgets, (c) => Math.sqrt(c / 120), 3, 5);
    const fit = fitScalingLaws(points, { approaches: [2] }).approaches["2"]!;
    expect(fit.budgets.every((b) => b.status === "used")).toBe(true);
    for (const budget of fit.budgets) {
      const truth = budget.budget_flops / flopsPerToken(budget.n_opt!);
      expect(relative(budget.d_opt!, truth)).toBeLessThan(3e-4);
      expect(budget.budget_flops / (6 * budget.n_opt!) / truth).toBeGreaterThan(1.5);
    }
  });
});

describe("budgets that are 6·N·D", () => {
  it("keep d_opt = C/(6·N*) to round-off, b = 1 − a, and budget_over_6nd = 1", () => {
    const result = fitScalingLaws(syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0.005, seed: 2 }), { approaches: [2, 3] });
    const fit = result.approaches["2"]!;
    for (const budget of fit.budgets.filter((b) => b.status === "used")) {
      expect(relative(budget.d_opt!, budget.budget_flops / (6 * budget.n_opt!))).toBeLessThan(1e-12);
    }
    expect(fit.a! + fit.b!).toBeCloseTo(1, 12);
    expect(result.budget_over_6nd!.min).toBeCloseTo(1, 12);
    expect(result.budget_over_6nd!.max).toBeCloseTo(1, 12);
    expect(result.warnings.some((w) => w.includes("6·N·D"))).toBe(false);
  });
});

describe("vertexTokens", () => {
  const runs = (flopsPerToken: (n: number) => number, sizes: number[], budget: number): FitPoint[] =>
    sizes.map((n) => ({ n_params: n, n_tokens: budget / flopsPerToken(n), loss: 3, budget_flops: budget }));

  it("is exact for FLOPs per token ∝ N^k, inside and beyond the sampled sizes (continued along the tangent)", () => {
    const flopsPerToken = (n: number) => 40 * n ** 0.9;
    const points = runs(flopsPerToken, [1e6, 2e6, 4e6, 8e6], 1e18);
    for (const nStar of [3e6, 5e5, 2e7]) {
      const { d_opt, flops_per_nd } = vertexTokens(points, 1e18, Math.log(nStar));
      expect(relative(d_opt, 1e18 / flopsPerToken(nStar))).toBeLessThan(1e-12);
      expect(relative(flops_per_nd, flopsPerToken(nStar) / nStar)).toBeLessThan(1e-12);
    }
  });

  it("uses each run's own budget, so runs grouped within the budget tolerance still give C/(6·N*)", () => {
    const points = [1e8, 2e8, 4e8].map((n, i) => {
      const budget = 1e20 * (1 + i * 1e-7);
      return { n_params: n, n_tokens: budget / (6 * n), loss: 3, budget_flops: budget };
    });
    expect(relative(vertexTokens(points, 1e20, Math.log(3e8)).d_opt, 1e20 / (6 * 3e8))).toBeLessThan(1e-12);
  });
});
