/**
 * Every row of docs/methods.md §3, reproduced from the public data read in place from
 * ../shared/data/reference (skipped when that folder is absent).
 */
import { describe, expect, it } from "vitest";
import { fitScalingLaws, type FitResult } from "../../src/fitting/index.js";
import { fitPowerLaw } from "../../src/fitting/power-law.js";
import { epochPoints, hasReferenceData, openAthenaPoints, porianOptimalPairs, porianPoints } from "./helpers/reference-data.js";

const relative = (value: number, expected: number) => Math.abs(value / expected - 1);

describe.skipIf(!hasReferenceData)("published results (docs/methods.md §3): Epoch's 240 points, Approach 3", () => {
  // Epoch drops the 5 highest losses (245 → 240); D = C/(6N).
  let result: FitResult;
  it("fits alpha = 0.34731, beta = 0.36717, E = 1.8172, a = 0.5139 with objective ≤ 1.01828e-3", () => {
    result = fitScalingLaws(epochPoints(), { approaches: [3], excludeWorst: 5, predict: [1e21, 1e23, 5.76e23] });
    const fit = result.approaches["3"]!;
    expect(result.n_points).toBe(240);
    expect(result.exclusions).toHaveLength(5);
    expect(Math.abs(fit.alpha! - 0.34731)).toBeLessThan(0.001);
    expect(Math.abs(fit.beta! - 0.36717)).toBeLessThan(0.002);
    expect(Math.abs(fit.E! - 1.8172)).toBeLessThan(0.002);
    expect(Math.abs(fit.a! - 0.5139)).toBeLessThan(0.002);
    expect(fit.objective!).toBeLessThanOrEqual(1.01828e-3);
    // A and B are poorly identified: ±5% is fair.
    expect(relative(fit.A!, 477.8)).toBeLessThan(0.05);
    expect(relative(fit.B!, 2143)).toBeLessThan(0.05);
    expect(fit.optimizer).toMatchObject({ method: "projected", status: "converged", starts: 4500, distinct_starts: 25 });
    expect(fit.optimizer!.gradient_norm).toBeLessThan(1e-8);
  });

  it("is within 0.002 of Epoch's published headline (A=482.01, B=2085.43, E=1.817, alpha=0.3478, beta=0.3659, a=0.513)", () => {
    const fit = result.approaches["3"]!;
    expect(Math.abs(fit.alpha! - 0.3478)).toBeLessThan(0.002);
    expect(Math.abs(fit.beta! - 0.3659)).toBeLessThan(0.002);
    expect(Math.abs(fit.E! - 1.817)).toBeLessThan(0.002);
    expect(Math.abs(fit.a! - 0.513)).toBeLessThan(0.002);
  });

  it("allocates N*(1e21) = 2.79e9, N*(1e23) = 2.98e10, N*(5.76e23) = 7.32e10 with D*/N* ≈ 17.9 at 5.76e23", () => {
    const [c21, c23, gopher] = result.predictions;
    expect(relative(c21!.n_params, 2.79e9)).toBeLessThan(0.005);
    expect(relative(c23!.n_params, 2.98e10)).toBeLessThan(0.005);
    expect(relative(gopher!.n_params, 7.32e10)).toBeLessThan(0.005);
    expect(Math.abs(gopher!.tokens_per_param - 17.9)).toBeLessThan(0.05);
  });

  it("has a bootstrap SE of a within 15% of 0.020 (1000 resamples), SE(alpha) ≈ 0.0154, SE(beta) ≈ 0.0206, 95% CI of a ≈ (0.481, 0.556)", () => {
    // The published standard errors come from 4000 resamples; 1000 keep this test near 20 s and estimate an SE to ±2.2%.
    const booted = fitScalingLaws(epochPoints(), { approaches: [3], excludeWorst: 5, bootstrap: 1000, seed: 0 });
    const intervals = booted.approaches["3"]!.intervals!;
    expect(booted.bootstrap!.failed["3"]).toBe(0);
    expect(relative(intervals.a!.se, 0.02)).toBeLessThan(0.15);
    expect(relative(intervals.alpha!.se, 0.0154)).toBeLessThan(0.15);
    expect(relative(intervals.beta!.se, 0.0206)).toBeLessThan(0.15);
    expect(Math.abs(intervals.a!.lo - 0.481)).toBeLessThan(0.006);
    expect(Math.abs(intervals.a!.hi - 0.556)).toBeLessThan(0.006);
  }, 120_000);
});

describe.skipIf(!hasReferenceData)("published results (docs/methods.md §3): Approach 2 on IsoFLOP data", () => {
  it("refuses Chinchilla's 1e20 budget (vertex log10 N = 8.70 below 8.80–9.47) and gives a = 0.4920 from 8 budgets", () => {
    const fit = fitScalingLaws(openAthenaPoints("epochai_chinchilla_isoflops.csv"), { approaches: [2] }).approaches["2"]!;
    const refused = fit.budgets.filter((b) => b.status === "refused");
    expect(refused.map((b) => [b.budget_flops, b.reason])).toEqual([[1e20, "vertex outside the sampled range: log10 N* = 8.70 lies below 8.80–9.47"]]);
    expect(fit.budgets.filter((b) => b.status === "used")).toHaveLength(8);
    expect(Math.abs(fit.a! - 0.492)).toBeLessThan(1e-4);
  });

  it("gives a = 0.4951, b = 0.5049 on Chinchilla's points with the 1e20 budget kept (interior-vertex and vertex-SE guards off)", () => {
    const fit = fitScalingLaws(openAthenaPoints("epochai_chinchilla_isoflops.csv"), { approaches: [2], approach2: { requireInteriorVertex: false, maxVertexSEFraction: Infinity } }).approaches["2"]!;
    expect(Math.abs(fit.a! - 0.4951)).toBeLessThan(1e-4);
    expect(Math.abs(fit.b! - 0.5049)).toBeLessThan(1e-4);
    expect(fit.budgets.find((b) => b.budget_flops === 1e20)!.at_edge).toBe(true);
  });

  it("gives a = 0.4632, b = 0.5368 and D*(3.8e25) ≈ 1.61e13 on Llama 3's raw-loss points", () => {
    const result = fitScalingLaws(openAthenaPoints("llama_3_isoflops.csv", "raw_loss"), { approaches: [2], predict: [3.8e25] });
    const fit = result.approaches["2"]!;
    expect(result.n_points).toBe(133);
    expect(result.n_budgets).toBe(10);
    expect(Math.abs(fit.a! - 0.4632)).toBeLessThan(1e-4);
    expect(Math.abs(fit.b! - 0.5368)).toBeLessThan(1e-4);
    expect(relative(result.predictions[0]!.n_tokens, 1.61e13)).toBeLessThan(0.005);
  });

  it("fits Porian's 12 optimal pairs as N* = 0.11820·C^0.49703 and D* = 1.4101·C^0.50297 in log-log space", () => {
    const pairs = porianOptimalPairs();
    const nOpt = fitPowerLaw(pairs.map((p) => p.flops), pairs.map((p) => p.n))!;
    const dOpt = fitPowerLaw(pairs.map((p) => p.flops), pairs.map((p) => p.t))!;
    expect(Math.abs(nOpt.exponent - 0.49703)).toBeLessThan(1e-4);
    expect(Math.abs(dOpt.exponent - 0.50297)).toBeLessThan(1e-4);
    expect(relative(nOpt.coefficient, 0.1182)).toBeLessThan(1e-3);
    expect(relative(dOpt.coefficient, 1.4101)).toBeLessThan(1e-3);
  });

  it("gives a within 0.005 of 0.4970 on Porian's 121 runs with the 3–5 points nearest each minimum, and 0.514 with all points", () => {
    for (const nearestPoints of [3, 4, 5]) {
      const fit = fitScalingLaws(porianPoints(), { approaches: [2], approach2: { nearestPoints } }).approaches["2"]!;
      expect(fit.budgets.every((b) => b.status === "used")).toBe(true);
      expect(Math.abs(fit.a! - 0.497)).toBeLessThan(0.005);
    }
    const all = fitScalingLaws(porianPoints(), { approaches: [2] }).approaches["2"]!;
    expect(Math.abs(all.a! - 0.514)).toBeLessThan(0.001);
  });
});

describe.skipIf(!hasReferenceData)("the answer chosen by the backtest, on Llama 3's IsoFLOPs (docs/fitting.md, \"Which approach answers\")", () => {
  it("answers with the determined approach that predicted the held-out budget best, and says the choice is fragile when one budget fewer changes it", () => {
    const result = fitScalingLaws(openAthenaPoints("llama_3_isoflops.csv", "raw_loss"), { approaches: [1, 2, 3], bootstrap: 100, holdout: "auto" });
    expect(result.determined).toBe(true);
    const scores = result.backtest!.scores!.filter((s) => result.approaches[String(s.approach) as "1" | "2" | "3"]!.determination!.determined);
    const best = scores.reduce((x, y) => (y.score! < x.score! ? y : x));
    expect(result.preferred_approach).toBe(best.approach);
    expect(result.backtest!.preferred_approach).toBe(result.preferred_approach);
    expect(result.preferred_fragile).toBe(true);
    expect(result.preferred_reason).toMatch(/FRAGILE: with the largest budget left out approach \d would answer/);
    expect(result.warnings.some((w) => w.startsWith("the answer is fragile: "))).toBe(true);
  }, 60_000);
});
