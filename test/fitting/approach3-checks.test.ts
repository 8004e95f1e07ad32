import { describe, expect, it } from "vitest";
import { approach3Problems } from "../../src/fitting/approach3-checks.js";
import { chooseAnswer } from "../../src/fitting/answer.js";
import type { Backtest } from "../../src/fitting/backtest.js";
import type { Approach1Result, Approach2Result, Approach3Result, ApproachDetermination } from "../../src/fitting/types.js";

const verdict = (determined: boolean): ApproachDetermination => ({ determined, reasons: determined ? [] : ["a's 95% interval is too wide"], measures: { law_share: 1, a_interval: null, n_opt: [] } });
const fitted3 = (overrides: Partial<Approach3Result>): Approach3Result => ({
  status: "fitted", E: 1.7, A: 400, B: 400, alpha: 0.34, beta: 0.28, a: 0.45, b: 0.55, G: 1, objective: 1e-3, huber_delta: 1e-3,
  optimizer: { method: "projected", status: "converged", iterations: 10, evaluations: 20, starts: 4500, distinct_starts: 25, converged_starts: 25, gradient_norm: 0, gradient_scale: 1 },
  residuals: [], warnings: [], ...overrides,
});
const fitted2 = (determined: boolean) => ({ status: "fitted", a: 0.48, b: 0.52, laws: null, budgets: [], warnings: [], determination: verdict(determined) }) as unknown as Approach2Result;
const fitted1 = (determined: boolean) => ({ status: "fitted", a: 0.5, b: 0.5, k_n: 1, k_d: 1, laws: null, optima: [], warnings: [], determination: verdict(determined) }) as unknown as Approach1Result;

/** A backtest whose only content that matters here is its scores. */
function backtest(scores: Array<[1 | 2 | 3, number, number]>): Backtest {
  return {
    holdout: 1, fitted_budgets: [1, 2, 3, 4], held_out_budgets: [5e11], confidence: 0.95, resamples: 100, seed: 0, preferred_approach: null,
    predictions: [], mean_are: null, mean_are_n_opt: null, summary: [], warnings: [],
    scores: scores.map(([approach, n, l]) => ({ approach, n_opt_are: n, loss_opt_are: l, score: n + l })),
  };
}

describe("approach 3's point-estimate checks", () => {
  it("flags implausible exponents, unidentified coefficients and an optimiser that did not converge", () => {
    expect(approach3Problems(fitted3({}))).toEqual([]);
    expect(approach3Problems(fitted3({ alpha: 4.3, A: 4e13 })).join("\n")).toMatch(/implausible exponent alpha = 4\.30[\s\S]*A = 4\.00e\+13 is not identified \(ln A = 31\.3 > 25/);
    expect(approach3Problems(fitted3({ optimizer: { ...fitted3({}).optimizer!, status: "max_iterations" } }))).toEqual(["the optimiser did not converge (max_iterations)"]);
  });
});

describe("which approach answers (answer.ts)", () => {
  it("among the determined approaches, the one with the lowest backtest error on N* + L* answers, with the figures", () => {
    const approaches = { "1": fitted1(true), "2": fitted2(true), "3": fitted3({ determination: verdict(true) }) };
    const answer = chooseAnswer(approaches, { backtest: backtest([[3, 0.154, 0.08], [2, 0.03, 0.0085], [1, 0.064, 0.0085]]) });
    expect(answer.approach).toBe(2);
    expect(answer.reason).toBe("approach 2 is determined; of the determined approaches it predicted the held-out budget 5e11 best from the smaller ones: N* 3.00% and L* 0.85% off, against approach 3's N* 15.40% and L* 8.00% off, approach 1's N* 6.40% and L* 0.85% off");
  });

  it("an approach that is not determined never answers while another is, however well it backtested", () => {
    const approaches = { "2": fitted2(true), "3": fitted3({ determination: verdict(false) }) };
    const answer = chooseAnswer(approaches, { backtest: backtest([[3, 0.01, 0.01], [2, 0.2, 0.1]]) });
    expect(answer.approach).toBe(2);
    expect(answer.reason).toMatch(/^approach 2 is determined \(approach 3 not\); its backtest on the held-out budget 5e11: N\* 20\.00% and L\* 10\.00% off \(approach 3, not in the running: N\* 1\.00% and L\* 1\.00% off\)$/);
  });

  it("without a backtest the order of preference 3, 2, 1 decides among the determined, and says why", () => {
    expect(chooseAnswer({ "2": fitted2(true), "3": fitted3({ determination: verdict(true) }) }, { noBacktest: "no backtest: 3 budgets" })).toEqual({
      approach: 3, reason: "approach 3 is determined; no backtest: 3 budgets, so the order of preference 3, 2, 1 decides", fragile: null,
    });
  });

  it("when none is determined the same rule picks the approach shown, and says it is undetermined", () => {
    const answer = chooseAnswer({ "1": fitted1(false), "2": fitted2(false) }, { backtest: backtest([[2, 0.3, 0.1], [1, 0.07, 0.02]]) });
    expect(answer.approach).toBe(1);
    expect(answer.reason).toMatch(/^no approach is determined, so approach 1 is shown undetermined; of the fitted approaches it predicted/);
    expect(chooseAnswer({}).approach).toBeNull();
  });
});
