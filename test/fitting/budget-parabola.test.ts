import { describe, expect, it } from "vitest";
import { budgetParabola, parabolaLossAt } from "../../src/fitting/index.js";

describe("budgetParabola (one budget's loss against log10 N, as the IsoFLOP figure draws it)", () => {
  it("recovers an exact parabola's coefficients", () => {
    const truth = { c2: 0.8, c1: -9.6, c0: 31.5, x: "log10" as const };
    const points = [1e5, 3e5, 1e6, 3e6, 1e7].map((n) => ({ n_params: n, loss: parabolaLossAt(truth, n) }));
    const fit = budgetParabola(points)!;
    expect(fit.c2).toBeCloseTo(truth.c2, 9);
    expect(fit.c1).toBeCloseTo(truth.c1, 8);
    expect(fit.c0).toBeCloseTo(truth.c0, 7);
  });

  it("needs three distinct sizes", () => {
    expect(budgetParabola([{ n_params: 1e5, loss: 3 }, { n_params: 1e5, loss: 3.1 }, { n_params: 2e5, loss: 2.9 }])).toBeNull();
  });
});
