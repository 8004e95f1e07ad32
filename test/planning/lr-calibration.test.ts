import { describe, expect, it } from "vitest";
import { TrainingConfig } from "../../src/config/schema.js";
import { autoLearningRate, resolveHyper } from "../../src/planning/hyper.js";
import type { PlannedExperiment, SweepPlan } from "../../src/planning/iso-flop.js";
import {
  builtInRule, fitLrRule, lrGrid, nextLearningRate, parabolaVertex, planCalibration, ruleLearningRate, sizeOptimum, type CalibrationPoint,
} from "../../src/planning/lr-calibration.js";

/** Loss with a known best LR: base · (1 + w·ln(lr/best)²), the --mock surface's form. */
const bowl = (best: number, base = 3, w = 0.05) => (lr: number) => base * (1 + w * Math.log(lr / best) ** 2);
const pointsAt = (lrs: number[], loss: (lr: number) => number): CalibrationPoint[] => lrs.map((lr) => ({ lr, loss: loss(lr) }));

const planned = (n: number, budget = 1e11): PlannedExperiment => ({
  budget_flops: budget, size_value: n, n_params: n, n_params_total: n, n_params_embedding: 0, n_tokens: budget / (6 * n),
  tokens_per_param: budget / (6 * n * n), flops_per_token: 6 * n, n_over_prior_opt: 1,
});

describe("learning-rate calibration (pure)", () => {
  it("parabolaVertex finds the vertex of an exact parabola through five points", () => {
    const x = [-2, -1, 0, 1, 2];
    expect(parabolaVertex(x, x.map((v) => 3 + 0.7 * (v - 0.37) ** 2))).toBeCloseTo(0.37, 12);
  });

  it("parabolaVertex refuses points that curve downwards (no minimum)", () => {
    expect(parabolaVertex([0, 1, 2], [1, 2, 1])).toBeNull();
  });

  it("sizeOptimum recovers a best LR between grid points from a loss quadratic in ln(lr)", () => {
    const optimum = sizeOptimum(pointsAt(lrGrid(1e-2, 5, 2), bowl(1.3e-2)))!;
    expect(optimum.position).toBe("inside");
    expect(optimum.lr_opt).toBeCloseTo(1.3e-2, 10);
  });

  it("sizeOptimum stays between the best run's neighbours when the curve is flat and noisy", () => {
    const lrs = lrGrid(3e-2, 5, 2);
    const optimum = sizeOptimum(lrs.map((lr, i) => ({ lr, loss: [2.562, 2.572, 2.533, 2.546, 2.540][i]! })))!;
    expect(optimum.lr_opt).toBeGreaterThanOrEqual(lrs[1]!);
    expect(optimum.lr_opt).toBeLessThanOrEqual(lrs[3]!);
  });

  it("a run without a loss (diverged) counts as worse than any, and the grid grows past an end whose loss is lowest", () => {
    const lrs = lrGrid(1e-2, 5, 2);
    const points = pointsAt(lrs, bowl(1e-3)).map((p, i) => (i === 4 ? { ...p, loss: null } : p));
    expect(sizeOptimum(points)!.position).toBe("low_end");
    expect(nextLearningRate(points, 2)).toBeCloseTo(lrs[0]! / 2, 12);
    expect(nextLearningRate(pointsAt(lrs, bowl(1e-2)), 2)).toBeNull();
    expect(sizeOptimum([{ lr: 1e-3, loss: null }])).toBeNull();
  });

  it("fitLrRule recovers c and k exactly from noiseless bowls at three sizes", () => {
    const truth = { c: 0.8, k: 0.45 };
    const sizes = [3e3, 1e4, 3e4].map((n) => ({ size_value: n, n_params: n, points: pointsAt(lrGrid(ruleLearningRate(truth, n) * 1.2, 5, 2), bowl(ruleLearningRate(truth, n))) }));
    const fit = fitLrRule(sizes)!;
    expect(fit.rule.k).toBeCloseTo(0.45, 10);
    expect(fit.rule.c).toBeCloseTo(0.8, 8);
    expect(fit.rms_log_residual).toBeLessThan(1e-9);
    expect(fit.warnings).toEqual([]);
  });

  it("fitLrRule warns about a size best at an end and gives up with fewer than two sizes", () => {
    const edge = { size_value: 8, n_params: 1e4, points: pointsAt(lrGrid(1e-2, 5, 2), bowl(1e-4)) };
    const inside = { size_value: 16, n_params: 4e4, points: pointsAt(lrGrid(1e-2, 5, 2), bowl(8e-3)) };
    expect(fitLrRule([edge, inside])!.warnings.join("\n")).toMatch(/size 8: the best loss is at the lowest learning rate tried/);
    expect(fitLrRule([inside])).toBeNull();
  });

  it("planCalibration spreads the sizes over the smallest budget's grid, centres each LR grid on the built-in rule and counts the cost", () => {
    const plan: SweepPlan = {
      warnings: [],
      budgets: [
        { budget_flops: 4e11, prior_n_opt: 0, n_range: [0, 0] as [number, number], experiments: [planned(2e4, 4e11)] },
        { budget_flops: 1e11, prior_n_opt: 0, n_range: [0, 0] as [number, number], experiments: [1e4, 2e3, 5e3, 4e4, 2e4].map((n) => planned(n)) },
      ].sort((a, b) => a.budget_flops - b.budget_flops),
    };
    const training = TrainingConfig.parse({ lr: "calibrate" });
    const calibration = planCalibration(plan, training, () => { throw new Error("no replanning at the smallest budget"); })!;
    expect(calibration.budget_flops).toBe(1e11);
    expect(calibration.sizes.map((s) => s.planned.n_params)).toEqual([2e3, 1e4, 4e4]);
    for (const size of calibration.sizes) {
      expect(size.lrs).toHaveLength(5);
      expect(size.lrs[2]).toBeCloseTo(autoLearningRate(training, size.planned.n_params_total), 12);
      expect(size.lrs[3]! / size.lrs[2]!).toBeCloseTo(2, 12);
    }
    expect(calibration).toMatchObject({ runs: 15, flops: 15 * 1e11, flops_max: (15 + 3 * 3) * 1e11 });
  });

  it("resolveHyper uses the calibrated rule for lr: calibrate, and the built-in rule until there is one", () => {
    const training = TrainingConfig.parse({ lr: "calibrate" });
    const context = { nParams: 5e4, nTokens: 1e6, tokensPerSample: 128, threads: 1 };
    expect(resolveHyper(training, { ...context, lrRule: { c: 2, k: 0.5 } }).lr).toBeCloseTo(2 / Math.sqrt(5e4), 14);
    expect(resolveHyper(training, context).lr).toBe(autoLearningRate(training, 5e4));
    expect(builtInRule(training)).toEqual({ c: 3e-3 * Math.pow(1e5, 0.75), k: 0.75 });
  });
});

describe("the calibration budget", () => {
  it("lr_calibration.budget takes the sizes of the planned budget nearest to it and re-plans them there", () => {
    const plan: SweepPlan = {
      warnings: [],
      budgets: [
        { budget_flops: 1e11, prior_n_opt: 0, n_range: [0, 0] as [number, number], experiments: [2e3, 5e3, 1e4].map((n) => planned(n)) },
        { budget_flops: 1e12, prior_n_opt: 0, n_range: [0, 0] as [number, number], experiments: [2e4, 5e4, 1e5].map((n) => planned(n, 1e12)) },
      ],
    };
    const training = TrainingConfig.parse({ lr: "calibrate", lr_calibration: { budget: 8e11 } });
    const calibration = planCalibration(plan, training, (p, budget) => ({ ...p, budget_flops: budget, n_tokens: budget / p.flops_per_token }))!;
    expect(calibration.budget_flops).toBe(8e11);
    expect(calibration.sizes.map((s) => [s.planned.n_params, s.planned.budget_flops])).toEqual([[2e4, 8e11], [5e4, 8e11], [1e5, 8e11]]);
  });
});
