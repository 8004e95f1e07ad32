import { describe, expect, it } from "vitest";
import { fitIsoFlopParabola } from "../../src/fitting/isoflop-parabola.js";

describe("fitIsoFlopParabola", () => {
  it("recovers an exact parabola in ln N: vertex, loss and curvature", () => {
    const lnN = [18, 18.5, 19, 19.5, 20, 20.5];
    const loss = lnN.map((x) => 2.5 + 0.15 * (x - 19.2) ** 2);
    const fit = fitIsoFlopParabola(lnN, loss)!;
    expect(fit.vertexLnN).toBeCloseTo(19.2, 10);
    expect(fit.vertexLoss).toBeCloseTo(2.5, 10);
    expect(fit.curvature).toBeCloseTo(0.3, 10);
    expect(fit.vertexSE).toBeCloseTo(0, 8);
  });

  it("gives log10 coefficients that evaluate to the same parabola", () => {
    const lnN = [17, 18, 19, 20, 21];
    const loss = [3.1, 2.8, 2.7, 2.75, 2.95];
    const fit = fitIsoFlopParabola(lnN, loss)!;
    const { c0, c1, c2 } = fit.coefficients;
    const x = fit.vertexLnN / Math.LN10;
    expect(c0 + c1 * x + c2 * x * x).toBeCloseTo(fit.vertexLoss, 9);
  });

  it("has no vertex standard error with exactly 3 points and a positive one with noise", () => {
    expect(fitIsoFlopParabola([1, 2, 3], [2, 1, 2])!.vertexSE).toBeNull();
    const noisy = fitIsoFlopParabola([1, 2, 3, 4, 5], [3, 2.1, 1.9, 2.2, 2.9])!;
    expect(noisy.vertexSE).toBeGreaterThan(0);
  });

  it("returns null with fewer than 3 distinct sizes", () => {
    expect(fitIsoFlopParabola([1, 2], [1, 2])).toBeNull();
    expect(fitIsoFlopParabola([1, 1, 2], [1, 2, 3])).toBeNull();
  });
});
