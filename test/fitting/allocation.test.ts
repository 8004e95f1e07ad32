import { describe, expect, it } from "vitest";
import { chinchillaAllocation, lossSurface } from "../../src/fitting/index.js";
import { CHINCHILLA_SURFACE } from "./helpers/synthetic.js";

describe("chinchillaAllocation (docs/methods.md §1)", () => {
  it("spends exactly the budget: 6·N*·D* = C", () => {
    for (const budget of [1e15, 1e19, 5.76e23, 1e27]) {
      const { n_params, n_tokens } = chinchillaAllocation(CHINCHILLA_SURFACE, budget);
      expect((6 * n_params * n_tokens) / budget).toBeCloseTo(1, 12);
    }
  });

  it("has exponents a = beta/(alpha+beta), b = alpha/(alpha+beta) that sum to 1", () => {
    const { a, b } = chinchillaAllocation(CHINCHILLA_SURFACE, 1e21);
    expect(a).toBeCloseTo(0.28 / 0.62, 14);
    expect(a + b).toBeCloseTo(1, 14);
  });

  it("is the minimum of L along C = 6·N·D (a golden-section search agrees to 1e-6 in ln N)", () => {
    const budget = 1e22;
    const along = (lnN: number) => lossSurface(CHINCHILLA_SURFACE, Math.exp(lnN), budget / (6 * Math.exp(lnN)));
    let [lo, hi] = [Math.log(1e6), Math.log(1e13)];
    const golden = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 200; i++) {
      const x1 = hi - golden * (hi - lo);
      const x2 = lo + golden * (hi - lo);
      if (along(x1) < along(x2)) hi = x2;
      else lo = x1;
    }
    const allocation = chinchillaAllocation(CHINCHILLA_SURFACE, budget);
    expect(Math.abs(Math.log(allocation.n_params) - (lo + hi) / 2)).toBeLessThan(1e-6);
    expect(allocation.loss).toBeCloseTo(along((lo + hi) / 2), 12);
  });

  it("reproduces Chinchilla's own Approach 3 allocation exponent a ≈ 0.46 from its unrounded fit", () => {
    const surface = { E: Math.exp(0.5267228), A: Math.exp(6.0073404), B: Math.exp(6.0179186), alpha: 0.33917084, beta: 0.2849083 };
    expect(chinchillaAllocation(surface, 1e21).a).toBeCloseTo(0.4565, 3);
  });

  it("gives NaN (no allocation) when an exponent is not positive", () => {
    expect(chinchillaAllocation({ ...CHINCHILLA_SURFACE, alpha: -0.1 }, 1e21).n_params).toBeNaN();
  });
});
