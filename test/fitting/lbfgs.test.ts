import { describe, expect, it } from "vitest";
import { minimizeLbfgs } from "../../src/fitting/lbfgs.js";
import { strongWolfeLineSearch, type Objective } from "../../src/fitting/line-search.js";

/** Rosenbrock's function, minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i]!;
    const b = x[i + 1]!;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = g[i]! - 400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = g[i + 1]! + 200 * (b - a * a);
  }
  return f;
};

/** ½xᵀQx − cᵀx with Q = diag(1, 10, 100, 1000): minimiser x_i = c_i/Q_ii. */
const q = [1, 10, 100, 1000];
const c = [1, -2, 3, -4];
const quadratic: Objective = (x, g) => {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    f += 0.5 * q[i]! * x[i]! ** 2 - c[i]! * x[i]!;
    g[i] = q[i]! * x[i]! - c[i]!;
  }
  return f;
};

describe("minimizeLbfgs", () => {
  it("finds the minimum of the 2-D Rosenbrock function from (−1.2, 1) to 1e-8", () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-10 });
    expect(result.status).toBe("converged");
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
    expect(result.value).toBeLessThan(1e-16);
  });

  it("finds the minimum of the 5-D Rosenbrock function", () => {
    const result = minimizeLbfgs(rosenbrock, [-1, 1.5, -0.5, 0.8, 2], { gradientTolerance: 1e-10, maxIterations: 2000 });
    for (const value of result.x) expect(value).toBeCloseTo(1, 6);
  });

  it("solves an ill-conditioned quadratic exactly (x_i = c_i/Q_ii)", () => {
    const result = minimizeLbfgs(quadratic, [0, 0, 0, 0], { gradientTolerance: 1e-12, relativeTolerance: 0 });
    expect(result.status).toBe("converged");
    result.x.forEach((value, i) => expect(value).toBeCloseTo(c[i]! / q[i]!, 10));
  });

  it("reports max_iterations when stopped early, with the iterations it ran", () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3, relativeTolerance: 0 });
    expect(result.status).toBe("max_iterations");
    expect(result.iterations).toBe(3);
  });

  it("ends as converged when no step lowers f and the gradient is within stallGradientTolerance (f at its resolution)", () => {
    // A quadratic plus 1e-10 of rounding-like noise: below |x − x*| ≈ 1e-8 no step can show a decrease.
    const noisy: Objective = (x, g) => {
      g[0] = 2 * (x[0]! - 1);
      g[1] = 20 * (x[1]! + 2);
      return (x[0]! - 1) ** 2 + 10 * (x[1]! + 2) ** 2 + 1e-10 * Math.sin(1e9 * x[0]! + 3e8 * x[1]!);
    };
    const strict = minimizeLbfgs(noisy, [3, 1]);
    expect(strict).toMatchObject({ status: "line_search_failed", stalled: true });
    const tolerant = minimizeLbfgs(noisy, [3, 1], { stallGradientTolerance: 1e-3 });
    expect(tolerant).toMatchObject({ status: "converged", stalled: true });
    expect(tolerant.x[0]).toBeCloseTo(1, 6);
    expect(tolerant.x[1]).toBeCloseTo(-2, 6);
  });

  it("still reports line_search_failed when the gradient is not small (here: inconsistent with f)", () => {
    const wrongSign: Objective = (x, g) => {
      g[0] = -2 * x[0]!;
      return x[0]! ** 2;
    };
    expect(minimizeLbfgs(wrongSign, [1], { stallGradientTolerance: 1e-3 })).toMatchObject({ status: "line_search_failed", stalled: true });
  });

  it("returns non_finite at a start where the objective is not finite", () => {
    const result = minimizeLbfgs((x, g) => {
      g[0] = 0;
      return Math.log(x[0]!);
    }, [-1]);
    expect(result.status).toBe("non_finite");
  });
});

describe("strongWolfeLineSearch", () => {
  it("returns a step satisfying both strong Wolfe conditions on Rosenbrock's function", () => {
    const x = Float64Array.from([-1.2, 1]);
    const g = new Float64Array(2);
    const f = rosenbrock(x, g);
    const d = Float64Array.from(g, (v) => -v);
    const slope0 = g[0]! * d[0]! + g[1]! * d[1]!;
    const search = strongWolfeLineSearch(rosenbrock, x, f, g, d, 1e-3, { c1: 1e-4, c2: 0.9 });
    expect(search.satisfied).toBe(true);
    const point = search.point!;
    expect(point.value).toBeLessThanOrEqual(f + 1e-4 * point.step * slope0);
    expect(Math.abs(point.slope)).toBeLessThanOrEqual(0.9 * Math.abs(slope0));
  });

  it("refuses an ascent direction", () => {
    const x = Float64Array.from([0, 0]);
    const g = new Float64Array(2);
    const f = quadratic(Float64Array.from([0, 0, 0, 0]), new Float64Array(4));
    g.set([1, 1]);
    const search = strongWolfeLineSearch((y, gy) => y[0]! + y[1]! + 0 * gy.fill(1)[0]!, x, f, g, Float64Array.from([1, 1]), 1);
    expect(search.point).toBeNull();
  });
});
