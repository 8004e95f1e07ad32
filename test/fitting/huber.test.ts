import { describe, expect, it } from "vitest";
import { huber, huberDerivative, huberSecondDerivative } from "../../src/fitting/huber.js";

describe("huber", () => {
  it("is r²/2 inside delta and delta·(|r| − delta/2) outside (Huber 1964)", () => {
    expect(huber(0, 1e-3)).toBe(0);
    expect(huber(5e-4, 1e-3)).toBeCloseTo(1.25e-7, 20);
    expect(huber(-5e-4, 1e-3)).toBeCloseTo(1.25e-7, 20);
    expect(huber(0.01, 1e-3)).toBeCloseTo(1e-3 * (0.01 - 5e-4), 18);
    expect(huber(-2, 1)).toBe(1.5);
  });

  it("is continuous with a continuous first derivative at ±delta", () => {
    const delta = 1e-3;
    for (const sign of [1, -1]) {
      const r = sign * delta;
      expect(huber(r * (1 - 1e-12), delta)).toBeCloseTo(huber(r * (1 + 1e-12), delta), 15);
      expect(huberDerivative(r * (1 - 1e-9), delta)).toBeCloseTo(huberDerivative(r * (1 + 1e-9), delta), 10);
    }
  });

  it("has derivatives that match central finite differences", () => {
    const delta = 0.5;
    for (const r of [-2, -0.7, -0.3, 0, 0.2, 0.49, 0.8, 3]) {
      const h = 1e-6;
      expect(huberDerivative(r, delta)).toBeCloseTo((huber(r + h, delta) - huber(r - h, delta)) / (2 * h), 6);
      expect(huberSecondDerivative(r, delta)).toBe(Math.abs(r) < delta ? 1 : 0);
    }
  });
});
