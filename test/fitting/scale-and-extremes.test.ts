import { describe, expect, it } from "vitest";
import { clusterDerivedBudgets } from "../../src/fitting/budget-groups.js";
import { MAX_BOOTSTRAP } from "../../src/fitting/fit-options.js";
import { fitScalingLaws, formatChinchillaTable, formatFitSummary, type FitPoint, type FitProgress } from "../../src/fitting/index.js";
import { SEARCH_RUNS } from "../../src/fitting/parametric-search.js";
import { CHINCHILLA_SURFACE, syntheticSweep } from "./helpers/synthetic.js";

describe("approach 3 on many runs", () => {
  it(`beyond ${SEARCH_RUNS} runs searches the starts on a subsample, refines on all runs, and still recovers the surface`, () => {
    const points = syntheticSweep({ k: 4, pointsPerBudget: 600 }); // 3000 noiseless runs
    const progress: FitProgress[] = [];
    const result = fitScalingLaws(points, { approaches: [3], onProgress: (p) => progress.push(p) });
    const fit = result.approaches["3"]!;
    expect(fit.optimizer).toMatchObject({ search_runs: SEARCH_RUNS, status: "converged" });
    expect(fit.optimizer!.refined_starts).toBeGreaterThanOrEqual(1);
    expect(Math.abs(fit.alpha! - CHINCHILLA_SURFACE.alpha)).toBeLessThan(1e-4);
    expect(Math.abs(fit.beta! - CHINCHILLA_SURFACE.beta)).toBeLessThan(1e-4);
    expect(progress.filter((p) => p.stage === "approach3_search")).toHaveLength(25);
    expect(progress.filter((p) => p.stage === "approach3_search").every((p) => p.runs === SEARCH_RUNS)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ stage: "approach3_refine", runs: 3000 });
  }, 120_000);

  it("up to the subsample size every start runs on every run, as before", () => {
    const result = fitScalingLaws(syntheticSweep({ k: 4, pointsPerBudget: 5 }), { approaches: [3] });
    expect(result.approaches["3"]!.optimizer).toMatchObject({ search_runs: 25, refined_starts: 0 });
  });

  it("bootstrap progress counts every resample of every approach", () => {
    const progress: FitProgress[] = [];
    fitScalingLaws(syntheticSweep({ k: 4, pointsPerBudget: 5, noise: 0.005 }), { approaches: [1, 2], bootstrap: 10, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress.every((p) => p.stage === "bootstrap" && p.total === 20)).toBe(true);
  });

  it(`refuses more than ${MAX_BOOTSTRAP} bootstrap resamples`, () => {
    expect(() => fitScalingLaws(syntheticSweep({ k: 4, pointsPerBudget: 5 }), { approaches: [2], bootstrap: 1e9 })).toThrow(/invalid bootstrap: 1000000000 \(at most 100000 resamples\)/);
  });
});

describe("derived budgets (6·N·D from rounded N and D)", () => {
  it("groups one IsoFLOP budget's scattered 6·N·D into one budget and keeps distinct budgets apart, with each group's spread", () => {
    const values = [1.02e18, 0.97e18, 1.05e18, 3.1e18, 2.96e18, 1e19, 1.08e19];
    const { budgets, groups } = clusterDerivedBudgets(values, 0.2);
    expect(new Set(budgets).size).toBe(3);
    expect(budgets[0]).toBe(budgets[1]);
    expect(budgets[3]).toBe(budgets[4]);
    expect(budgets[0]).toBeCloseTo(Math.cbrt(1.02e18 * 0.97e18 * 1.05e18), -12);
    expect(groups.map((g) => [g.runs, Number(g.spread.toFixed(4))])).toEqual([[3, Number((1.05 / 0.97 - 1).toFixed(4))], [2, Number((3.1 / 2.96 - 1).toFixed(4))], [2, 0.08]]);
    expect(clusterDerivedBudgets([5e20], 0.2).budgets).toEqual([5e20]);
  });

  it("never chains neighbours: runs each 15% from the next, spanning ×4.65, split into groups that each span at most 20%", () => {
    const values = Array.from({ length: 12 }, (_, i) => 1e12 * 1.15 ** i);
    const { groups } = clusterDerivedBudgets(values, 0.2);
    expect(groups.length).toBeGreaterThan(5);
    expect(groups.every((g) => g.spread <= 0.2 + 1e-12)).toBe(true);
    expect(groups.reduce((sum, g) => sum + g.runs, 0)).toBe(12);
  });
});

describe("runs in extreme units", () => {
  it("N and D near 1e-170 (6·N·D underflows to 0) neither crash the summary nor the Chinchilla table", () => {
    const points: FitPoint[] = syntheticSweep({ k: 3, pointsPerBudget: 5 }).map((p) => ({ ...p, n_params: p.n_params * 1e-180, n_tokens: p.n_tokens * 1e-180, budget_flops: p.budget_flops * 1e-295 }));
    expect(6 * points[0]!.n_params * points[0]!.n_tokens).toBe(0);
    const result = fitScalingLaws(points, { approaches: [1, 2, 3] });
    // Compute is 6·N·D (no measured FLOPs), whatever the labels: its ratio is exactly 1.
    expect(result.budget_over_6nd).toEqual({ min: 1, max: 1 });
    expect(() => formatFitSummary(result)).not.toThrow();
    expect(() => formatChinchillaTable(result, "markdown")).not.toThrow();
    // A fit.json whose ratio was not finite holds null there.
    const stored = { ...result, budget_over_6nd: { min: null, max: null } } as unknown as typeof result;
    expect(() => formatChinchillaTable(stored, "markdown")).not.toThrow();
  });
});
