/**
 * `flops-fit compare`'s pure modules (docs/compare.md) on known surfaces: the multiplier in
 * closed form and by inversion, the shared-exponent fit, the shape test, the answer and its
 * interval, and the comparison of undetermined laws.
 */
import { describe, expect, it } from "vitest";
import { estimate, excludes } from "../../src/fitting/compare-estimates.js";
import { computeMultiplier, crossings, lnComputeForLoss, optimalLoss, type OptimalLossLaw } from "../../src/fitting/compare-multiplier.js";
import { fitSharedSurfaces } from "../../src/fitting/compare-shared-fit.js";
import { compareSweeps, type CompareSide } from "../../src/fitting/compare.js";
import { formatComparison } from "../../src/fitting/format-compare.js";
import { chinchillaAllocation, fitScalingLaws, type FitPoint, type LossSurface } from "../../src/fitting/index.js";
import { CHINCHILLA_SURFACE as BASE, syntheticSweep } from "./helpers/synthetic.js";

const scaled = (s: LossSurface, m: number): LossSurface => ({ ...s, A: s.A * m ** -s.alpha, B: s.B * m ** -s.beta });
const law = (surface: LossSurface): OptimalLossLaw => ({ kind: "surface", surface, phi: null });
const BUDGETS = [1e18, 4e18, 1.6e19, 6.4e19, 2.56e20];
/** The baseline's plan (the same sizes) for both sweeps, as `compare_to` plans a variant. */
const sweep = (surface: LossSurface, noise: number, seed: number): FitPoint[] =>
  syntheticSweep({ surface, budgets: BUDGETS, k: 4, pointsPerBudget: 5, noise, seed, centreFactor: (i) => chinchillaAllocation(BASE, BUDGETS[i]!).n_params / chinchillaAllocation(surface, BUDGETS[i]!).n_params });
const side = (points: FitPoint[], bootstrap = 0): CompareSide => ({ points, fit: fitScalingLaws(points, { approaches: [2, 3], bootstrap, holdout: 0 }) });

describe("the effective-compute multiplier k(C) = C_A/C", () => {
  it("is m² at every budget when the variant is the baseline with N → mN, D → mD", () => {
    for (const m of [1, 1.3, 2]) {
      for (const c of [1e15, 1e20, 1e25]) expect(computeMultiplier(law(BASE), law(scaled(BASE, m)), c)).toBeCloseTo(m * m, 9);
    }
  });

  it("inverts L*(C): the baseline at k·C reaches the variant's L*(C), also when k moves with C", () => {
    const variant: LossSurface = { ...BASE, alpha: 0.37, E: 1.6 };
    for (const c of [1e18, 1e21, 1e24]) {
      const k = computeMultiplier(law(BASE), law(variant), c);
      expect(optimalLoss(law(BASE), k * c) / optimalLoss(law(variant), c) - 1).toBeLessThan(1e-12);
    }
  });

  it("inverts Approach 2's floor law in closed form, and a measured φ(N) by bisection", () => {
    const floor: OptimalLossLaw = { kind: "floor", law: { floor: 1.7, coefficient: 480, exponent: -0.15 } };
    expect(Math.exp(lnComputeForLoss(floor, optimalLoss(floor, 3e21)))).toBeCloseTo(3e21, -9);
    // φ = 6 exactly is the closed form: the bisection must agree with it.
    const phi: OptimalLossLaw = { kind: "surface", surface: BASE, phi: { r_inf: 6, k: 0, gamma: 0.5, n_range: [1e6, 1e9], rms_relative: 0, sizes: 5 } };
    expect(lnComputeForLoss(phi, 2.5)).toBeCloseTo(lnComputeForLoss(law(BASE), 2.5), 8);
  });

  it("does not exist where the variant's L* lies below the baseline's floor (+∞, never a number)", () => {
    const lower: LossSurface = { ...scaled(BASE, 1.2), E: 1.5 };
    expect(lnComputeForLoss(law(BASE), 1.6)).toBe(Infinity);
    const far = 1e40;
    expect(optimalLoss(law(lower), far)).toBeLessThan(BASE.E);
    expect(computeMultiplier(law(BASE), law(lower), far)).toBe(Infinity);
  });

  it("finds where two L*(C) cross (k = 1)", () => {
    const variant: LossSurface = { ...scaled(BASE, 1.5), E: 1.75 };
    const [cross] = crossings(law(BASE), law(variant), 1e18, 1e24);
    expect(cross).toBeDefined();
    expect(computeMultiplier(law(BASE), law(variant), cross!)).toBeCloseTo(1, 6);
    expect(crossings(law(BASE), law(scaled(BASE, 1.3)), 1e18, 1e24)).toEqual([]);
  });
});

describe("estimates on the extended reals", () => {
  it("keeps +∞ replicates (an unbounded interval) and leaves out failed ones (NaN)", () => {
    const e = estimate(1.7, [1.5, 1.6, 1.7, 1.8, Infinity, Infinity, NaN], 0.9);
    expect(e).toMatchObject({ value: 1.7, hi: null, unbounded: true, resamples: 6, of: 7 });
    expect(e.lo).toBeCloseTo(1.525, 9);
    expect(excludes(estimate(0.5, [0.4, 0.5, 0.6], 0.95), 0)).toBe(true);
    expect(excludes(estimate(0.1, [-0.1, 0.1, 0.3], 0.95), 0)).toBe(false);
  });
});

describe("the shared-exponent fit", () => {
  it("recovers one E, α, β and each sweep's A, B from noiseless sweeps; its k is (A_0/A_1)^(1/α)·(B_0/B_1)^(1/β) = m²", () => {
    const fit = fitSharedSurfaces(sweep(BASE, 0, 0), sweep(scaled(BASE, 1.3), 0, 1), 1e-3)!;
    const [a, b] = fit.surfaces;
    expect(fit.lawful).toBe(true);
    expect(a.alpha).toBeCloseTo(0.34, 5);
    expect(a.beta).toBeCloseTo(0.28, 5);
    expect(a.E).toBeCloseTo(1.69, 4);
    expect(a.A / BASE.A - 1).toBeLessThan(1e-4);
    const k = (a.A / b.A) ** (1 / a.alpha) * (a.B / b.B) ** (1 / a.beta);
    expect(k).toBeCloseTo(1.69, 4);
    expect(computeMultiplier(law(a), law(b), 1e22)).toBeCloseTo(k, 9);
  });
});

describe("compareSweeps", () => {
  it("answers with the shared fit when the shapes are the same: k = m² at every budget, its interval covering it", () => {
    const c = compareSweeps(side(sweep(BASE, 0.003, 3)), side(sweep(scaled(BASE, 1.3), 0.003, 4)), { resamples: 40, seed: 0, confidence: 0.9 });
    expect(c.answer).toBe("shared");
    expect(c.exponents.differ).toBe(false);
    expect(c.budgets).toEqual([2.56e20, 2.56e21, 2.56e22]);
    for (const row of c.multiplier) {
      expect(Math.abs(row.value! / 1.69 - 1)).toBeLessThan(0.03);
      expect(row.lo!).toBeLessThanOrEqual(1.69);
      expect(row.hi!).toBeGreaterThanOrEqual(1.69);
      expect(row.delta_loss.value!).toBeLessThan(0);
    }
    expect(c.multiplier[0]!.extrapolated).toBe(false);
    expect(c.multiplier[2]!.extrapolated).toBe(true);
    // Neither sweep was tested (no bootstrap of its own): the comparison is undetermined, and says so.
    expect(c.determined).toBe(false);
    expect(c.reasons.join(" ")).toMatch(/baseline's approach 3 is not determined/);
    expect(formatComparison(c)).toMatch(/UNDETERMINED/);
  });

  it("answers with the free fits when the shapes differ: k moves with C, its interval covering the truth", () => {
    const variant: LossSurface = { ...scaled(BASE, 1.2), E: 1.6 };
    const c = compareSweeps(side(sweep(BASE, 0.002, 5)), side(sweep(variant, 0.002, 6)), { resamples: 100, seed: 0, confidence: 0.95, budgets: [2.56e20, 2.56e21] });
    expect(c.exponents.differ).toBe(true);
    expect(c.exponents.test!.p_value).toBeLessThan(0.01);
    expect(c.answer).toBe("free");
    c.multiplier.forEach((row) => {
      const truth = computeMultiplier(law(BASE), law(variant), row.budget_flops);
      expect(row.lo!).toBeLessThanOrEqual(truth);
      expect(row.hi!).toBeGreaterThanOrEqual(truth);
    });
    expect(c.multiplier[1]!.value!).toBeGreaterThan(c.multiplier[0]!.value!);
  });

  it("is determined when approach 3 is determined on both sweeps", () => {
    const c = compareSweeps(side(sweep(BASE, 0.002, 7), 100), side(sweep(scaled(BASE, 1.3), 0.002, 8), 100), { resamples: 100, seed: 0, confidence: 0.95 });
    expect(c.baseline.approaches["3"]).toBe(true);
    expect(c.determined).toBe(true);
    expect(c.reasons[0]).toMatch(/approach 3 is determined on both sweeps/);
  }, 60_000);
});

describe("compareSweeps on measured FLOPs", () => {
  it("spends C at each sweep's φ(N)·N FLOPs per token: k is the baseline's L* inverted at its own φ", async () => {
    const { syntheticRuns } = await import("../integration/synthetic-inputs.js");
    const budgets = [1e18, 3e18, 9e18, 2.7e19, 8.1e19];
    const points = (surface: LossSurface, seed: number) => syntheticRuns({ budgets, sizes: 5, span: 4, noise: 0.002, measured: true, seed, surface });
    const [a, b] = [side(points(BASE, 1)), side(points(scaled(BASE, 1.3), 2))];
    expect(a.fit.compute!.accounting).toBe("measured");
    const c = compareSweeps(a, b, { resamples: 20, seed: 0, confidence: 0.9, budgets: [8.1e19, 8.1e20] });
    expect(c.compute).toBe("measured");
    const phi = a.fit.compute!.flops_per_token!;
    // The truth at the sweeps' own φ: the true surfaces allocated as their runs spend compute.
    for (const row of c.multiplier) {
      const truth = computeMultiplier({ kind: "surface", surface: BASE, phi }, { kind: "surface", surface: scaled(BASE, 1.3), phi: b.fit.compute!.flops_per_token! }, row.budget_flops);
      expect(Math.abs(row.value! / truth - 1), JSON.stringify(row)).toBeLessThan(0.05);
      expect(row.lo!).toBeLessThanOrEqual(row.value!);
    }
  });
});
