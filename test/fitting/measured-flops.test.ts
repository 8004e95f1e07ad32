/**
 * Compute is what was measured (src/fitting/flops-per-token.ts): a run's budget label only
 * groups it; its FLOPs are its measured `flops` when every run has them, else exactly 6·N·D.
 * With measured FLOPs, φ(N) = FLOPs/(N·D) is modelled as r∞ + k·N^(−γ) and every approach
 * spends C at φ(N)·N FLOPs per token; without, approach 3 allocates in closed form.
 */
import { describe, expect, it } from "vitest";
import { measuredAllocation } from "../../src/fitting/measured-allocation.js";
import { chinchillaAllocation, fitScalingLaws, formatChinchillaTable, formatFitSummary, lossSurface, type FitPoint } from "../../src/fitting/index.js";
import { computeModelOf, fitFlopsPerToken, phiAt } from "../../src/fitting/flops-per-token.js";
import { CHINCHILLA_SURFACE, SYNTHETIC_BUDGETS, TRUE_A } from "./helpers/synthetic.js";

const relative = (value: number, expected: number) => Math.abs(value / expected - 1);

/**
 * Sizes log-spaced over [centre ÷ k, centre·k] per budget, each run trained for D = C·(1 + miss)/flopsPerToken(N)
 * (missing its budget by `miss`), its FLOPs measured (or not), noiseless.
 */
function sweep(flopsPerToken: (n: number) => number, options: { budgets?: number[]; k?: number; sizes?: number; measured?: boolean; miss?: (i: number) => number } = {}): FitPoint[] {
  const { budgets = SYNTHETIC_BUDGETS, k = 4, sizes = 9, measured = true, miss = () => 0 } = options;
  let i = 0;
  return budgets.flatMap((budget) => {
    const centre = chinchillaAllocation(CHINCHILLA_SURFACE, budget * (6 * 1e6) / flopsPerToken(1e6)).n_params;
    return Array.from({ length: sizes }, (_, j) => {
      const n = Math.exp(Math.log(centre / k) + (2 * Math.log(k) * j) / (sizes - 1));
      const spent = budget * (1 + miss(i++));
      const d = spent / flopsPerToken(n);
      return { n_params: n, n_tokens: d, loss: lossSurface(CHINCHILLA_SURFACE, n, d), budget_flops: budget, ...(measured ? { flops: spent } : {}) };
    });
  });
}

/** A transformer's FLOPs per token: 6 per weight, attention 12·L·T·d, the output layer; N counts the embedding too (L = 4, T = 512, V = 32000). */
function transformer(n: number): number {
  const [layers, sequence, vocab] = [4, 512, 32000];
  const d = (-vocab + Math.sqrt(vocab * vocab + 48 * layers * n)) / (24 * layers); // N = 12·L·d² + V·d
  return 6 * (12 * layers * d * d + vocab * d) + 12 * layers * sequence * d;
}

describe("without measured FLOPs: C = 6·N·D exactly, whatever the labels say", () => {
  // Runs miss their budget by up to ±3% (as real and digitised runs do); labels stay the planned budgets.
  const miss = (i: number) => 0.03 * Math.sin(1.7 * i);
  const points = sweep((n) => 6 * n, { measured: false, miss });
  const result = fitScalingLaws(points, { approaches: [2, 3], predict: [1e22, 1e24] });

  it("gives approach 3 a = β/(α+β) and predictions that are the closed form of its own surface, 6·N*·D* = C", () => {
    const fit = result.approaches["3"]!;
    expect(fit.allocation).toBeUndefined();
    expect(fit.a).toBe(fit.beta! / (fit.alpha! + fit.beta!));
    expect(result.compute).toEqual({ accounting: "6ND" });
    for (const p of result.predictions) {
      const closed = chinchillaAllocation({ E: fit.E!, A: fit.A!, B: fit.B!, alpha: fit.alpha!, beta: fit.beta! }, p.budget_flops);
      expect(p).toMatchObject({ compute: "6ND", n_params: closed.n_params, n_tokens: closed.n_tokens });
      expect(relative(6 * p.n_params * p.n_tokens, p.budget_flops)).toBeLessThan(1e-12);
    }
    expect(Math.abs(fit.a! - TRUE_A)).toBeLessThan(1e-4);
  });

  it("counts each approach-2 budget as what its runs spent (6·N·D), not its label: D* = C/(6·N*), b = 1 − a", () => {
    const fit = result.approaches["2"]!;
    for (const b of fit.budgets) {
      expect(b.compute_flops).not.toBe(b.budget_flops);
      expect(relative(b.d_opt!, b.compute_flops! / (6 * b.n_opt!))).toBeLessThan(1e-12);
    }
    expect(fit.a! + fit.b!).toBeCloseTo(1, 12);
    expect(result.budget_over_6nd).toEqual({ min: 1, max: 1 });
  });

  it("says what C counts, truly: 6·N·D, with no mention of measured FLOPs", () => {
    expect(formatFitSummary(result)).toContain("Compute: C = 6·N·D (no measured FLOPs)");
    expect(formatChinchillaTable(result, "markdown")).toContain("C counts 6·N·D (no measured FLOPs): every row spends 6·N*·D* = C.");
    expect(formatFitSummary(result)).not.toMatch(/measured FLOPs per token/);
  });
});

describe("with measured FLOPs: φ(N) modelled with a limit, never a tangent", () => {
  it("recovers φ = r∞ + k·N^(−γ) exactly when the runs' FLOPs follow it", () => {
    const phi = (n: number) => 6 + 40 * n ** -0.5;
    const model = fitFlopsPerToken([1e4, 3e4, 1e5, 3e5, 1e6].map((n) => ({ n_params: n, n_tokens: 1e6, flops: phi(n) * n * 1e6 })));
    expect(model.r_inf).toBeCloseTo(6, 6);
    expect(model.gamma).toBeCloseTo(0.5, 5);
    expect(relative(phiAt(model, 1e9), phi(1e9))).toBeLessThan(1e-6);
  });

  it("counts 6·N·D for all runs, and says so, when only some have measured FLOPs", () => {
    const points = sweep((n) => 7.5 * n, { budgets: [1e18, 1e19] }).map((p, i) => (i === 0 ? { ...p, flops: undefined } : p));
    const { model, note } = computeModelOf(points.map(({ flops, ...p }) => (flops === undefined ? p : { ...p, flops })));
    expect(model.accounting).toBe("6ND");
    expect(note).toBe("17 of 18 runs have measured FLOPs: compute is counted as 6·N·D for all of them (one accounting for every run)");
  });

  describe("FLOPs per token 7.5·N", () => {
    const points = sweep((n) => 7.5 * n);
    const result = fitScalingLaws(points, { approaches: [1, 2, 3], predict: [1e22] });

    it("reads approach 2's D* as C/(7.5·N*) and gives b = 1 − a with a exact", () => {
      const fit = result.approaches["2"]!;
      for (const b of fit.budgets) {
        expect(relative(b.d_opt!, b.compute_flops! / (7.5 * b.n_opt!))).toBeLessThan(1e-9);
        expect(b.flops_per_nd!).toBeCloseTo(7.5, 9);
      }
      expect(fit.a! + fit.b!).toBeCloseTo(1, 9);
      expect(Math.abs(fit.a! - TRUE_A)).toBeLessThan(1e-6);
    });

    it("allocates approach 3 at 7.5·N FLOPs per token: the closed form at 6/7.5 of the budget", () => {
      expect(result.budget_over_6nd!.min).toBeCloseTo(1.25, 9);
      const [p] = result.predictions;
      expect(p).toMatchObject({ approach: result.preferred_approach, compute: "measured", phi_extrapolation: expect.any(Number) });
      const a3 = result.approaches["3"]!;
      const truth = chinchillaAllocation(CHINCHILLA_SURFACE, 1e22 * (6 / 7.5));
      const spent = measuredAllocation({ E: a3.E!, A: a3.A!, B: a3.B!, alpha: a3.alpha!, beta: a3.beta! }, result.compute!.flops_per_token!, 1e22);
      expect(relative(spent.n_params, truth.n_params)).toBeLessThan(1e-4);
      expect(relative(p!.n_tokens * 7.5 * p!.n_params, 1e22)).toBeLessThan(1e-6);
      expect(formatChinchillaTable(result, "markdown")).toContain("C counts the runs' measured FLOPs: every row spends C = φ(N*)·N*·D*");
    });
  });

  it("predicts a transformer's N* and D* at 10× and 100× the largest budget within 1% of argmin_N L(N, C/(φ(N)·N)) under the true φ, and says how far φ was extrapolated", () => {
    const budgets = [1e17, 3e17, 1e18, 3e18, 1e19];
    const points = sweep(transformer, { budgets, k: 3, sizes: 7, miss: (i) => 0.03 * Math.sin(2.3 * i) });
    const result = fitScalingLaws(points, { approaches: [3], predict: [1e20, 1e21] });
    // Measured: −0.3% (N*) and +0.02% (D*) at 1e20; −0.2% and −0.2% at 1e21, where φ is extrapolated ×2.8 in N.
    for (const p of result.predictions) {
      const truth = measuredAllocationUnder(transformer, p.budget_flops);
      expect(relative(p.n_params, truth.n_params)).toBeLessThan(0.01);
      expect(relative(p.n_tokens, truth.n_tokens)).toBeLessThan(0.01);
    }
    expect(result.predictions[1]!.phi_extrapolation!).toBeGreaterThan(2);
    expect(formatFitSummary(result)).toMatch(/φ extrapolated ×[\d.]+ beyond the measured sizes/);
  });
});

/** argmin over N of the true surface spending C at flopsPerToken(N) per token (a fine scan, then the exact D). */
function measuredAllocationUnder(flopsPerToken: (n: number) => number, budget: number): { n_params: number; n_tokens: number } {
  let best = { n_params: NaN, n_tokens: NaN, loss: Infinity };
  for (let x = Math.log(1e5); x < Math.log(1e13); x += 1e-4) {
    const n = Math.exp(x);
    const d = budget / flopsPerToken(n);
    const loss = lossSurface(CHINCHILLA_SURFACE, n, d);
    if (loss < best.loss) best = { n_params: n, n_tokens: d, loss };
  }
  return best;
}
