import { describe, expect, it } from "vitest";
import { nonNegativeLeastSquares } from "../../src/fitting/nnls.js";
import { createRandom } from "../../src/fitting/random.js";

/** Normal equations of X (rows) and y. */
function normal(rows: number[][], y: number[]) {
  const k = rows[0]!.length;
  const m = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const v = Array.from({ length: k }, (_, i) => rows.reduce((s, r, n) => s + r[i]! * y[n]!, 0));
  return { m, v };
}

const residual = (rows: number[][], y: number[], theta: number[]) => rows.reduce((s, r, n) => s + (r.reduce((t, x, j) => t + x * theta[j]!, 0) - y[n]!) ** 2, 0);

describe("nonNegativeLeastSquares", () => {
  it("returns the unconstrained solution when it is non-negative", () => {
    const rows = [[1, 0], [0, 1], [1, 1]];
    const { m, v } = normal(rows, [1, 2, 3]);
    const theta = nonNegativeLeastSquares(m, v);
    expect(theta[0]).toBeCloseTo(1, 12);
    expect(theta[1]).toBeCloseTo(2, 12);
  });

  it("clamps a coefficient that wants to be negative and refits the rest (known answer)", () => {
    // y = 2·x1 − 1·x2 exactly; with θ ≥ 0 the answer is θ2 = 0 and θ1 = (x1·y)/(x1·x1).
    const rows = [[1, 1], [2, 1], [3, 1], [4, 1]];
    const y = rows.map((r) => 2 * r[0]! - r[1]!);
    const { m, v } = normal(rows, y);
    const theta = nonNegativeLeastSquares(m, v);
    expect(theta[1]).toBe(0);
    expect(theta[0]).toBeCloseTo((1 * 1 + 2 * 3 + 3 * 5 + 4 * 7) / 30, 12);
  });

  it("is never beaten by a random non-negative point (random problems)", () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const rows = Array.from({ length: 12 }, () => [random.uniform(), random.uniform() * 10, random.normal()]);
      const y = rows.map(() => random.normal() * 3);
      const { m, v } = normal(rows, y);
      const theta = nonNegativeLeastSquares(m, v);
      expect(theta.every((t) => t >= 0)).toBe(true);
      const best = residual(rows, y, theta);
      for (let probe = 0; probe < 50; probe++) {
        const other = theta.map((t) => Math.max(0, t + random.normal() * 0.3));
        expect(residual(rows, y, other)).toBeGreaterThanOrEqual(best - 1e-9);
      }
    }
  });
});
