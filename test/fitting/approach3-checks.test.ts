import { describe, expect, it } from "vitest";
import { approach3Problems } from "../../src/fitting/approach3-checks.js";
import { fitScalingLaws } from "../../src/fitting/index.js";
import { preferredApproach } from "../../src/fitting/predictions.js";
import type { Approach2Result, Approach3Result } from "../../src/fitting/types.js";

const fitted3 = (overrides: Partial<Approach3Result>): Approach3Result => ({
  status: "fitted", E: 1.7, A: 400, B: 400, alpha: 0.34, beta: 0.28, a: 0.45, b: 0.55, G: 1, objective: 1e-3, huber_delta: 1e-3,
  optimizer: { method: "projected", status: "converged", iterations: 10, evaluations: 20, starts: 4500, distinct_starts: 25, converged_starts: 25, gradient_norm: 0, gradient_scale: 1 },
  residuals: [], warnings: [], ...overrides,
});
const fitted2 = { status: "fitted", a: 0.48, b: 0.52, laws: null, budgets: [], warnings: [] } as unknown as Approach2Result;

describe("which approach answers", () => {
  it("approach3Problems flags implausible exponents, unidentified coefficients, no convergence and a wide interval of a", () => {
    expect(approach3Problems(fitted3({}))).toEqual([]);
    expect(approach3Problems(fitted3({ alpha: 4.3, A: 4e13 })).join("\n")).toMatch(/implausible exponent alpha = 4\.30[\s\S]*A = 4\.00e\+13 is not identified \(ln A = 31\.3 > 25/);
    expect(approach3Problems(fitted3({ optimizer: { ...fitted3({}).optimizer!, status: "max_iterations" } }))).toEqual(["the optimiser did not converge (max_iterations)"]);
    expect(approach3Problems(fitted3({ intervals: { a: { lo: 0.1, hi: 0.9, se: 0.2 } } }))[0]).toMatch(/a is not identified/);
  });

  it("a degenerate approach 3 never answers: approach 2 does, and the reason says why", () => {
    const degenerate = fitted3({ alpha: 4.3, A: 4e13, checks: { passed: false, problems: ["implausible exponent alpha = 4.30 (> 2)"] } });
    expect(preferredApproach({ "2": fitted2, "3": degenerate })).toEqual({ approach: 2, reason: "approach 3 failed its checks (implausible exponent alpha = 4.30 (> 2)); approach 2 fitted" });
    expect(preferredApproach({ "2": fitted2, "3": fitted3({ checks: { passed: true, problems: [] } }) }).approach).toBe(3);
    expect(preferredApproach({}).approach).toBeNull();
  });

  it("fitScalingLaws marks a sound approach-3 fit as passed and names it in preferred_reason", () => {
    const points = [];
    for (const c of [1e17, 1e18, 1e19]) {
      for (const k of [0.25, 0.5, 1, 2, 4]) {
        const n = k * Math.sqrt(c / 120);
        const d = c / (6 * n);
        points.push({ n_params: n, n_tokens: d, loss: 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28, budget_flops: c });
      }
    }
    const result = fitScalingLaws(points, { approaches: [2, 3] });
    expect(result.approaches["3"]!.checks).toEqual({ passed: true, problems: [] });
    expect(result.preferred_approach).toBe(3);
    expect(result.preferred_reason).toMatch(/approach 3 fitted and passed its checks/);
  });
});
