/**
 * The adaptive sweep's design policy (src/planning/adaptive-policy.ts) and candidate space
 * (adaptive-design.ts) on known surfaces: the share of Var(ln N*) a run removes is the exact
 * rank-one update of the linearised variance, cost divides value, the ranking is
 * deterministic, and, followed at the true surface from the quickstart's seed design, it
 * reaches the quickstart grid's linearised interval on N*(10× the largest budget) with under
 * half the grid's FLOPs. The pipeline stage that uses it: test/sweep/adaptive-stage.test.ts.
 */
import { describe, expect, it } from "vitest";
import { chinchillaAllocation, type LossSurface } from "../../src/fitting/index.js";
import { symmetricInverse } from "../../src/fitting/small-linear-algebra.js";
import { candidateBudgets, candidateCells, priorSurface, seedBudgets, seedPlanOptions, unaimedCandidate } from "../../src/planning/adaptive-design.js";
import { designRow, informationMatrix, linearHalfWidth, plausibleSurface, policySurfaces, scoreCandidates, type Candidate, type DesignPoint } from "../../src/planning/adaptive-policy.js";
import { planIsoFlopSweep, type PlanOptions, type SizeProbe } from "../../src/planning/iso-flop.js";
import { smallSampleFactor } from "../../src/fitting/target-fit.js";
import { candidateSizeValues } from "../../src/planning/size-grid.js";

/** The --mock quickstart's surface: Chinchilla's with A = 193.7 (a = 0.4516, optimum near 60 tokens per parameter). */
const TRUTH: LossSurface = { E: 1.69, A: 193.7, B: 410.7, alpha: 0.34, beta: 0.28 };
const BUDGETS = [3e10, 6e10, 1.2e11, 2.5e11, 5e11];
const TARGET = 5e12;
const OPTIONS: PlanOptions = { budgets: BUDGETS, sizesPerBudget: 5, tokensPerParam: 60, span: 4, paramConvention: "total", flops: "6nd" };
/** The built-in GPT's sizes (2 layers of width d on bytes: 24·d² + 384·d parameters). */
const PROBES: SizeProbe[] = candidateSizeValues({ min: 4, max: 256, count: 48, multiple_of: 4 })
  .map((d) => ({ size_value: d, n_params: 24 * d * d + 384 * d, n_params_embedding: 384 * d, n_params_non_embedding: 24 * d * d, flops_per_token: null }));
const design = (options: PlanOptions): DesignPoint[] => planIsoFlopSweep(PROBES, options).budgets.flatMap((b) => b.experiments);
const flops = (options: PlanOptions) => planIsoFlopSweep(PROBES, options).budgets.reduce((sum, b) => sum + b.budget_flops * b.experiments.length, 0);
const cell = (key: string, n: number, budget: number, cost = budget): Candidate => ({ key, n_params: n, n_tokens: budget / (6 * n), cost_flops: cost });
const lnN = (s: LossSurface) => Math.log(chinchillaAllocation(s, TARGET).n_params);

/** gᵀM⁻¹g of ln N*(TARGET) at the truth, g by central differences: the exact variance (in σ² units) of the design. */
function variance(points: readonly DesignPoint[]): number {
  const theta = [Math.log(TRUTH.E), Math.log(TRUTH.A), Math.log(TRUTH.B), TRUTH.alpha, TRUTH.beta];
  const at = (t: number[]) => lnN({ E: Math.exp(t[0]!), A: Math.exp(t[1]!), B: Math.exp(t[2]!), alpha: t[3]!, beta: t[4]! });
  const g = theta.map((_, i) => {
    const up = [...theta];
    const down = [...theta];
    up[i]! += 1e-5;
    down[i]! -= 1e-5;
    return (at(up) - at(down)) / 2e-5;
  });
  const inverse = symmetricInverse(informationMatrix(points.map((p) => designRow(TRUTH, p))))!;
  return g.reduce((sum, gi, i) => sum + gi * g.reduce((inner, gj, j) => inner + inverse[i]![j]! * gj, 0), 0);
}

describe("the adaptive design policy", () => {
  const seed = design(seedPlanOptions(OPTIONS));

  it("scores a run by the share of Var(ln N*(target)) it removes: the same as recomputing the variance with the run added", () => {
    const candidates = [cell("big", 60_000, 5e11), cell("small", 3_000, 3e10), cell("centre", 15_000, 1.2e11)];
    const scored = scoreCandidates({ surfaces: [TRUTH], optimum: chinchillaAllocation, target_budget: TARGET, design: seed, candidates, half_width: { n_opt: 0.5, loss_opt: null } });
    const before = variance(seed);
    for (const s of scored) {
      const after = variance([...seed, s.candidate]);
      // Within the finite differences of the gradients (1e-4 there, 1e-5 here).
      expect(s.n_opt_share).toBeCloseTo((before - after) / before, 4);
      // The half-width shrinks as the square root of the variance.
      expect(s.n_opt_reduction).toBeCloseTo(0.5 * (1 - Math.sqrt(after / before)), 4);
    }
  });

  it("divides value by cost: the same run at twice the FLOPs is worth half as much per FLOP, and ranks below", () => {
    const run = cell("a", 20_000, 1.2e11);
    const dear = { ...run, key: "b", cost_flops: 2 * run.cost_flops };
    const [first, second] = scoreCandidates({ surfaces: [TRUTH], optimum: chinchillaAllocation, target_budget: TARGET, design: seed, candidates: [dear, run], half_width: { n_opt: 0.5, loss_opt: 0.02 } });
    expect(first!.candidate.key).toBe("a");
    expect(second!.value_per_flop).toBeCloseTo(first!.value_per_flop / 2, 12);
    expect(second!.n_opt_reduction).toBeCloseTo(first!.n_opt_reduction, 12);
  });

  it("ranks deterministically: equal candidates by key, the same input the same order", () => {
    const twins = ["c", "a", "b"].map((key) => cell(key, 20_000, 1.2e11));
    const input = { surfaces: [TRUTH, { ...TRUTH, alpha: 0.36 }], optimum: chinchillaAllocation, target_budget: TARGET, design: seed, candidates: twins, half_width: { n_opt: 0.5, loss_opt: null } };
    expect(scoreCandidates(input).map((s) => s.candidate.key)).toEqual(["a", "b", "c"]);
    expect(scoreCandidates(input)).toEqual(scoreCandidates(input));
  });

  it("averages over the surfaces that give an optimum and skips those that do not (α ≤ 0)", () => {
    const candidates = [cell("a", 20_000, 1.2e11)];
    const input = { optimum: chinchillaAllocation, target_budget: TARGET, design: seed, candidates, half_width: { n_opt: 0.5, loss_opt: null } };
    const alone = scoreCandidates({ ...input, surfaces: [TRUTH] });
    expect(scoreCandidates({ ...input, surfaces: [TRUTH, { ...TRUTH, alpha: -0.1 }] })).toEqual(alone);
    expect(scoreCandidates({ ...input, surfaces: [{ ...TRUTH, alpha: -0.1 }] })).toEqual([]);
  });

  it("scores at the plausible surfaces only (approach 3's checks), and at the prior surface when the fit's own is not", () => {
    // A real sweep's degenerate fit (α = 47, A = 6e162: the N term vanishes) and a refit with β past 2 do not vote.
    const degenerate = { ...TRUTH, alpha: 47.1, A: 6.43e162 };
    const steep = { ...TRUTH, beta: 2.4 };
    expect([TRUTH, degenerate, steep, { ...TRUTH, B: Math.exp(26) }].map(plausibleSurface)).toEqual([true, false, false, false]);
    const prior = priorSurface(60, 5e11);
    expect(policySurfaces([TRUTH, degenerate, steep, TRUTH], prior, 2)).toEqual({ surfaces: [TRUTH, TRUTH], at: "fit" });
    expect(policySurfaces([degenerate, steep], prior, 25)).toEqual({ surfaces: [prior], at: "prior" });
    // The fit's own surface degenerate: a refit that passes does not aim the sweep.
    expect(policySurfaces([degenerate, TRUTH, TRUTH], prior, 25)).toEqual({ surfaces: [prior], at: "prior" });
    expect(policySurfaces([], prior, 25)).toEqual({ surfaces: [prior], at: "prior" });
  });

  it("unaimed (scored at the prior), only new cells within the configured budgets may run: no rung below or above, no repeat", () => {
    const configured = [3e10, 6e10, 1.2e11];
    expect(unaimedCandidate("cell", 3e10, configured)).toBe(true);
    expect(unaimedCandidate("cell", 1.2e11, configured)).toBe(true);
    expect(unaimedCandidate("branch", 6e10, configured)).toBe(true);
    expect(unaimedCandidate("cell", 1.5e10, configured)).toBe(false);
    expect(unaimedCandidate("cell", 2.4e11, configured)).toBe(false);
    expect(unaimedCandidate("seed", 6e10, configured)).toBe(false);
    expect(unaimedCandidate("cell", 6e10, [])).toBe(false);
  });

  it("the prior surface has Hoffmann et al.'s exponents and its optimum at the configured tokens per parameter", () => {
    const prior = priorSurface(60, 5e11);
    expect(prior).toMatchObject({ E: 1.69, B: 410.7, alpha: 0.34, beta: 0.28 });
    const at = chinchillaAllocation(prior, 5e11);
    expect(at.n_tokens / at.n_params).toBeCloseTo(60, 6);
    expect(plausibleSurface(prior)).toBe(true);
  });

  it("the linearised half-width shrinks as 1/sqrt(k) when every run of a design is repeated k times", () => {
    const once = linearHalfWidth(TRUTH, chinchillaAllocation, TARGET, seed, 0.01)!;
    const four = linearHalfWidth(TRUTH, chinchillaAllocation, TARGET, [...seed, ...seed, ...seed, ...seed], 0.01)!;
    expect(four).toBeCloseTo(once / 2, 10);
  });

  it("followed at the true surface from the seed design, reaches the quickstart grid's linearised N*(5e12) interval with under half the grid's FLOPs", () => {
    const grid = variance(design(OPTIONS));
    const cells = candidateCells(PROBES, OPTIONS, candidateBudgets(BUDGETS, TARGET), () => null)
      .map((c) => cell(`${c.budget_flops}:${c.size_value}`, c.n_params, c.budget_flops));
    const runs = [...seed];
    let spent = flops(seedPlanOptions(OPTIONS));
    while (variance(runs) > grid && spent < flops(OPTIONS)) {
      const best = scoreCandidates({ surfaces: [TRUTH], optimum: chinchillaAllocation, target_budget: TARGET, design: runs, candidates: cells, half_width: { n_opt: 1, loss_opt: 1 } })[0]!;
      runs.push(best.candidate);
      spent += best.candidate.cost_flops;
    }
    expect(variance(runs)).toBeLessThanOrEqual(grid);
    // Measured: 0.27 of the grid's 4.8e12 FLOPs (the seed design alone is 0.13).
    expect(spent / flops(OPTIONS)).toBeLessThan(0.5);
  });
});

describe("the adaptive sweep's interval", () => {
  it("is the bootstrap's widened by sqrt(n / (n − 5)) for approach 3's five parameters: ×1.25 at 14 runs, ×1.12 at 25, none at all with 5 or fewer", () => {
    expect(smallSampleFactor(10)).toBeCloseTo(Math.SQRT2, 12);
    expect(smallSampleFactor(14)).toBeCloseTo(1.247, 3);
    expect(smallSampleFactor(25)).toBeCloseTo(1.118, 3);
    expect(smallSampleFactor(5)).toBe(Infinity);
  });
});

describe("the adaptive sweep's candidate space", () => {
  it("seeds from the 3 smallest budgets, 3 sizes each", () => {
    expect(seedBudgets([5e11, 3e10, 1.2e11, 6e10])).toEqual([3e10, 6e10, 1.2e11]);
    expect(planIsoFlopSweep(PROBES, seedPlanOptions(OPTIONS)).budgets.map((b) => b.experiments.length)).toEqual([3, 3, 3]);
  });

  it("offers one rung below the smallest budget and up to three above the largest, each below the target", () => {
    expect(candidateBudgets([1e11, 1e12, 1e13], 1e15)).toEqual([1e10, 1e11, 1e12, 1e13, 1e14]);
    expect(candidateBudgets([1e11, 1e12, 1e13], 1e18)).toEqual([1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16]);
    expect(candidateBudgets([1e11, 1e12, 1e13], 1e13)).toEqual([1e10, 1e11, 1e12, 1e13]);
  });

  it("offers the sizes within ×span of the prior optimum or of the fitted one", () => {
    const prior = candidateCells(PROBES, OPTIONS, [1.2e11], () => null);
    const n0 = Math.sqrt(1.2e11 / 360);
    expect(prior.length).toBeGreaterThan(3);
    expect(prior.every((c) => c.n_params >= n0 / 4 && c.n_params <= n0 * 4)).toBe(true);
    const shifted = candidateCells(PROBES, OPTIONS, [1.2e11], () => 20 * n0);
    expect(shifted.some((c) => c.n_params > 4 * n0)).toBe(true);
    expect(shifted.length).toBeGreaterThan(prior.length);
  });
});
