import { describe, expect, it } from "vitest";
import { parametricData, parametricObjective, predictedLogLoss } from "../../src/fitting/parametric-objective.js";
import { projectedObjective, solveLinearParameters } from "../../src/fitting/variable-projection.js";
import { createRandom } from "../../src/fitting/random.js";
import { CHINCHILLA_SURFACE, syntheticSweep } from "./helpers/synthetic.js";

const points = syntheticSweep({ k: 4, pointsPerBudget: 9, noise: 0.01, seed: 5 });
const data = parametricData(points);
const delta = 1e-3;

describe("parametricObjective", () => {
  it("predicts exp(LSE) = E + A/N^alpha + B/D^beta", () => {
    const { E, A, B, alpha, beta } = CHINCHILLA_SURFACE;
    const theta = [Math.log(E), Math.log(A), Math.log(B), alpha, beta];
    const [n, d] = [3e8, 6e9];
    expect(Math.exp(predictedLogLoss(theta, Math.log(n), Math.log(d)))).toBeCloseTo(E + A / n ** alpha + B / d ** beta, 12);
  });

  it("has an analytic gradient that matches central finite differences", () => {
    const theta = [0.5, 6, 6.2, 0.33, 0.3];
    const gradient = new Float64Array(5);
    parametricObjective(data, theta, gradient, delta);
    for (let j = 0; j < 5; j++) {
      const h = 1e-7;
      const up = [...theta];
      const down = [...theta];
      up[j]! += h;
      down[j]! -= h;
      const numeric = (parametricObjective(data, up, null, delta) - parametricObjective(data, down, null, delta)) / (2 * h);
      expect(gradient[j]).toBeCloseTo(numeric, 7);
    }
  });

  it("weights a run by its multiplicity (a run counted twice = a duplicated run)", () => {
    const theta = [0.5, 6, 6.2, 0.33, 0.3];
    const weights = points.map((_, i) => (i === 3 ? 2 : 1));
    const duplicated = parametricData([...points, points[3]!]);
    expect(parametricObjective(parametricData(points, weights), theta, null, delta)).toBeCloseTo(parametricObjective(duplicated, theta, null, delta), 15);
  });
});

describe("variable projection", () => {
  it("solves (e, a, b) to a zero gradient at fixed exponents", () => {
    const inner = solveLinearParameters(data, 0.3, 0.25, delta, null);
    const gradient = new Float64Array(5);
    parametricObjective(data, [...inner.linear, 0.3, 0.25], gradient, delta);
    for (let j = 0; j < 3; j++) expect(Math.abs(gradient[j]!)).toBeLessThan(1e-12);
  });

  it("has an envelope-theorem gradient that matches finite differences of f(alpha, beta)", () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 4; trial++) {
      const x = Float64Array.from([0.2 + 0.4 * random.uniform(), 0.2 + 0.4 * random.uniform()]);
      const gradient = new Float64Array(2);
      projectedObjective(data, delta).objective(x, gradient);
      for (let j = 0; j < 2; j++) {
        const h = 1e-6;
        const up = Float64Array.from(x);
        const down = Float64Array.from(x);
        up[j]! += h;
        down[j]! -= h;
        const scratch = new Float64Array(2);
        const numeric = (projectedObjective(data, delta).objective(up, scratch) - projectedObjective(data, delta).objective(down, scratch)) / (2 * h);
        expect(gradient[j]).toBeCloseTo(numeric, 6);
      }
    }
  });

  it("finds the same inner minimum from a cold start and from a far warm start", () => {
    const cold = solveLinearParameters(data, 0.34, 0.28, delta, null);
    const warm = solveLinearParameters(data, 0.34, 0.28, delta, Float64Array.from([3, 30, -5]));
    expect(warm.value).toBeCloseTo(cold.value, 14);
  });

  it("handles exponents of 0 (collinear terms) and 2 without overflow", () => {
    for (const [alpha, beta] of [[0, 0], [2, 2], [0, 2]] as const) {
      const inner = solveLinearParameters(data, alpha, beta, delta, null);
      expect(Number.isFinite(inner.value)).toBe(true);
    }
  });
});
