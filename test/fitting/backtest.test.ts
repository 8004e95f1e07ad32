/**
 * The backtest (fitting/backtest.ts): fit on the smaller budgets, predict the held-out ones.
 * On a known surface with little noise its predictions are within 1% and its prediction
 * intervals cover what the held-out budgets measured.
 */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/fitting/backtest.js";
import { FitInputError, fitScalingLaws, formatChinchillaTable } from "../../src/fitting/index.js";
import { fitRows } from "../../src/fit/fit-rows.js";
import type { FitRow } from "../../src/fit/fit-row.js";
import { syntheticSweep } from "./helpers/synthetic.js";

// 0.1% noise, as the mock sweep's.
const points = syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0.001, seed: 3 });

describe("runBacktest with the largest budget held out", () => {
  const backtest = runBacktest(points, { approaches: [2, 3], bootstrap: 100, seed: 0 }, 1);

  it("fits the four smaller budgets and predicts the largest", () => {
    expect(backtest.fitted_budgets).toEqual([1e17, 1e18, 1e19, 1e20]);
    expect(backtest.held_out_budgets).toEqual([1e21]);
    expect(backtest.resamples).toBe(100);
  });

  it("predicts every held-out run's loss and the held-out optimum from approach 3, the optimum from approach 2", () => {
    const count = (approach: number, quantity: string) => backtest.predictions.filter((p) => p.approach === approach && p.quantity === quantity).length;
    expect(count(3, "loss")).toBe(7);
    expect([count(3, "n_opt"), count(3, "loss_opt"), count(2, "n_opt"), count(2, "loss_opt")]).toEqual([1, 1, 1, 1]);
  });

  it("scores each approach by its mean ARE of N* and of L*, and names no answer itself (the fit it informs does)", () => {
    expect(backtest.preferred_approach).toBeNull();
    for (const s of backtest.scores!) {
      const are = (q: string) => backtest.predictions.find((p) => p.approach === s.approach && p.quantity === q)!.are!;
      expect(s).toEqual({ approach: s.approach, n_opt_are: are("n_opt"), loss_opt_are: are("loss_opt"), score: are("n_opt") + are("loss_opt") });
    }
    const fit = fitScalingLaws(points, { approaches: [2, 3], bootstrap: 100, holdout: 1 });
    const best = [...fit.backtest!.scores!].sort((x, y) => x.score! - y.score!)[0]!;
    expect(fit.preferred_approach).toBe(best.approach);
    expect(fit.backtest!.preferred_approach).toBe(fit.preferred_approach);
    // Both are within 1% here, so which is better flips without the largest budget: the reason says so, with both a.
    expect(fit.preferred_fragile).toBe(true);
    expect(fit.preferred_reason).toMatch(/; FRAGILE: with the largest budget left out approach 3 would answer \(its a = 0\.45\d+ against approach 2's 0\.45\d+ here;/);
    const alone = fitScalingLaws(points, { approaches: [3], bootstrap: 100, holdout: 1 });
    expect(alone.preferred_fragile).toBe(false);
    expect(alone.preferred_reason).toMatch(/; with the largest budget left out the answer is the same$/);
    expect(fitScalingLaws(points, { approaches: [2, 3], bootstrap: 100 }).preferred_fragile).toBeNull();
  });

  it("has approach 3's loss predictions within 1% and its 95% intervals cover at least 8 of its 9 observed values", () => {
    const own = backtest.predictions.filter((r) => r.approach === 3);
    expect(own.reduce((sum, p) => sum + (p.quantity === "n_opt" ? 0 : p.are!), 0) / 8).toBeLessThan(0.01);
    for (const p of own) {
      expect(p.observed).not.toBeNull();
      expect(p.are).toBeCloseTo(Math.abs(p.predicted - p.observed!) / p.observed!, 12);
    }
    // At 95%, 9 intervals all cover only 63% of the time; this seed's one miss is a −2.4σ noise draw.
    expect(own.filter((p) => p.covered).length).toBeGreaterThanOrEqual(8);
    expect(backtest.predictions.filter((p) => p.quantity === "n_opt").every((p) => p.covered)).toBe(true);
  });

  it("predicts the held-out L* from approach 2's floor law L* = E + k·C^(−γ) within 1%, and its interval covers", () => {
    const [lossOpt] = backtest.predictions.filter((p) => p.approach === 2 && p.quantity === "loss_opt");
    expect(lossOpt!.are!).toBeLessThan(0.01);
    expect(lossOpt!.covered).toBe(true);
  });

  it("says approach 2's extrapolated L* runs low only when its law has no floor (fewer than 4 budgets)", () => {
    const four = formatChinchillaTable(fitScalingLaws(points, { approaches: [2], predict: [1e22] }), "markdown");
    expect(four).not.toContain("pure power law");
    const three = points.filter((p) => p.budget_flops <= 1e19);
    const table = formatChinchillaTable(fitScalingLaws(three, { approaches: [2], predict: [1e22] }), "markdown");
    expect(table).toContain("Approach 2's L*(C) is a pure power law (no irreducible loss: fewer than 4 budgets, or an older fit.json): extrapolated it runs low");
    expect(formatChinchillaTable(fitScalingLaws(three, { approaches: [3], predict: [1e22] }), "markdown")).not.toContain("pure power law");
  });

  it("uses 200 resamples when the fit asks for none, and the same seed gives the same intervals", () => {
    const a = runBacktest(points, { approaches: [3], seed: 5 }, 1);
    const b = runBacktest(points, { approaches: [3], seed: 5 }, 1);
    expect(a.resamples).toBe(200);
    expect(a.predictions).toEqual(b.predictions);
  });

  it("narrows its intervals at a lower confidence", () => {
    const wide = runBacktest(points, { approaches: [3], bootstrap: 100, confidence: 0.95 }, 1).predictions[0]!.interval!;
    const narrow = runBacktest(points, { approaches: [3], bootstrap: 100, confidence: 0.8 }, 1).predictions[0]!.interval!;
    expect(narrow.hi - narrow.lo).toBeLessThan(wide.hi - wide.lo);
  });
});

describe("holdout validation", () => {
  it("refuses to hold out more budgets than leave the three a fit needs, naming the counts", () => {
    expect(() => runBacktest(points, { approaches: [2] }, 3)).toThrow(FitInputError);
    expect(() => runBacktest(points, { approaches: [2] }, 3)).toThrow("invalid holdout: 3 (the runs have 5 budgets and a fit needs 3: at most 2 can be held out)");
    expect(() => runBacktest(points, { approaches: [2] }, 0)).toThrow("invalid holdout: 0 (must be an integer ≥ 1)");
  });
});

describe("fitRows with holdout \"auto\" (the sweep's and the report's default)", () => {
  const rows = (pts: typeof points): FitRow[] =>
    pts.map((p, i) => ({ experiment_id: `e${i}`, status: "completed", n_params: p.n_params, n_params_non_embedding: p.n_params, n_tokens: p.n_tokens, loss: p.loss, budget_flops: p.budget_flops }) as FitRow);

  it("backtests one budget when there are at least four, and none with three", () => {
    expect(fitRows(rows(points), { approaches: [2], paramConvention: "total", holdout: "auto" }).backtest?.holdout).toBe(1);
    const three = points.filter((p) => p.budget_flops <= 1e19);
    expect(fitRows(rows(three), { approaches: [2], paramConvention: "total", holdout: "auto" }).backtest).toBeUndefined();
  });
});
