/**
 * Approach 2's (and 1's) L*(C) law: a power law above an irreducible loss,
 * L* = E + k·C^(−γ) (loss-floor-law.ts), which is the exact form of L*(C) on a Chinchilla
 * surface; with fewer than 4 budgets the pure power law, with a warning.
 */
import { describe, expect, it } from "vitest";
import { evaluateLossLaw, fitFloorLaw, FLOOR_LAW_MIN_BUDGETS } from "../../src/fitting/loss-floor-law.js";
import { chinchillaAllocation, fitScalingLaws, formatFitSummary, predictOptimum, type LossSurface } from "../../src/fitting/index.js";
import { syntheticSweep } from "./helpers/synthetic.js";

const budgets = [1e18, 4e18, 1.6e19, 6.4e19, 2.56e20];

describe("fitFloorLaw", () => {
  it("recovers a known E, k and γ from noiseless optimal losses", () => {
    const law = fitFloorLaw(budgets, budgets.map((c) => 1.69 + 480 * c ** -0.1535))!;
    expect(law.floor).toBeCloseTo(1.69, 6);
    expect(law.exponent).toBeCloseTo(-0.1535, 6);
    expect(law.coefficient / 480 - 1).toBeLessThan(1e-6);
    expect(evaluateLossLaw(law, 2.56e21)).toBeCloseTo(1.69 + 480 * 2.56e21 ** -0.1535, 9);
  });

  it("recovers L*(C) of a Chinchilla surface, which has exactly this form (γ = αβ/(α+β))", () => {
    const surface: LossSurface = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
    const law = fitFloorLaw(budgets, budgets.map((c) => chinchillaAllocation(surface, c).loss))!;
    expect(law.floor).toBeCloseTo(1.69, 6);
    expect(law.exponent).toBeCloseTo(-(0.34 * 0.28) / 0.62, 6);
  });

  it("puts the floor at 0 when the losses are a pure power law", () => {
    const law = fitFloorLaw(budgets, budgets.map((c) => 40 * c ** -0.05))!;
    expect(law.floor).toBeCloseTo(0, 9);
    expect(law.exponent).toBeCloseTo(-0.05, 6);
  });

  it("needs four distinct budgets (three parameters and one to spare), and positive losses", () => {
    expect(FLOOR_LAW_MIN_BUDGETS).toBe(4);
    expect(fitFloorLaw(budgets.slice(0, 3), [3, 2.8, 2.7])).toBeNull();
    expect(fitFloorLaw([1e18, 1e18, 1e19, 1e20], [3, 3, 2.8, 2.7])).toBeNull();
    expect(fitFloorLaw(budgets.slice(0, 4), [3, 2.8, 0, 2.6])).toBeNull();
  });

  it("reads a law without a floor (an older fit.json) as the pure power law", () => {
    expect(evaluateLossLaw({ coefficient: 10, exponent: -0.1 }, 1e20)).toBeCloseTo(10 * 1e20 ** -0.1, 12);
  });
});

describe("approach 2's L*(C) in a fit", () => {
  const points = syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0, seed: 0 });

  it("has a floor near E and extrapolates L* a decade beyond the largest budget within 0.1%", () => {
    const result = fitScalingLaws(points, { approaches: [2] });
    const a2 = result.approaches["2"]!;
    expect(a2.laws!.loss_opt.floor).toBeGreaterThan(1.6);
    const top = Math.max(...result.observed_budgets);
    const truth = chinchillaAllocation({ E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 }, 10 * top).loss;
    expect(Math.abs(predictOptimum(2, a2, 10 * top)!.loss / truth - 1)).toBeLessThan(1e-3);
    expect(a2.warnings.join("\n")).not.toContain("pure power law");
    expect(formatFitSummary(result)).toMatch(/L\*\(C\) = 1\.\d+ \+ /);
  });

  it("falls back to the pure power law with three budgets, and says that it runs low", () => {
    const three = points.filter((p) => p.budget_flops <= 1e19);
    const result = fitScalingLaws(three, { approaches: [2], bootstrap: 20 });
    const a2 = result.approaches["2"]!;
    expect(a2.status).toBe("fitted");
    expect(a2.laws!.loss_opt.floor).toBeUndefined();
    expect(a2.warnings).toContain(
      "approach 2: L*(C) is a pure power law (no irreducible loss): 3 budgets are too few for L* = E + k·C^(−γ) (needs 4); extrapolated, it runs low and its interval is too narrow",
    );
    expect(a2.intervals!.loss_opt_floor).toBeUndefined();
    expect(formatFitSummary(result)).toContain("(no floor: extrapolated, runs low)");
  });

  it("bootstraps the floor with the other law parameters", () => {
    const a2 = fitScalingLaws(points, { approaches: [2], bootstrap: 30 }).approaches["2"]!;
    const floor = a2.intervals!.loss_opt_floor!;
    expect(floor.lo).toBeLessThanOrEqual(a2.laws!.loss_opt.floor!);
    expect(floor.hi).toBeGreaterThanOrEqual(a2.laws!.loss_opt.floor!);
  });
});
