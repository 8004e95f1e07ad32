import { describe, expect, it } from "vitest";
import { createRandom } from "../../src/fitting/random.js";
import { mean, percentileInterval, quantile, standardDeviation } from "../../src/fitting/statistics.js";

describe("createRandom", () => {
  it("gives the same sequence for the same seed and stream, and different ones otherwise", () => {
    const draw = (seed: number, stream: number) => Array.from({ length: 8 }, (() => {
      const random = createRandom(seed, stream);
      return () => random.uniform();
    })());
    expect(draw(42, 0)).toEqual(draw(42, 0));
    expect(draw(42, 0)).not.toEqual(draw(42, 1));
    expect(draw(42, 0)).not.toEqual(draw(43, 0));
  });

  it("draws uniforms in [0, 1) with mean 1/2 and normals with mean 0 and sd 1 (100k draws)", () => {
    const random = createRandom(1);
    const uniforms = Float64Array.from({ length: 100_000 }, () => random.uniform());
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect(mean(uniforms)).toBeCloseTo(0.5, 2);
    const normals = Float64Array.from({ length: 100_000 }, () => random.normal());
    expect(mean(normals)).toBeCloseTo(0, 1);
    expect(standardDeviation(normals)).toBeCloseTo(1, 1);
    expect(quantile(normals, 0.975)).toBeCloseTo(1.96, 1);
  });

  it("draws integers uniformly over [0, n)", () => {
    const random = createRandom(2);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 50_000; i++) counts[random.int(5)]!++;
    for (const count of counts) expect(count / 50_000).toBeCloseTo(0.2, 2);
  });
});

describe("percentileInterval", () => {
  it("takes the 2.5th and 97.5th percentiles (numpy's linear rule) and the sample SD, ignoring non-finite values", () => {
    const values = [...Array.from({ length: 101 }, (_, i) => i), NaN, Infinity];
    const interval = percentileInterval(values, 0.95)!;
    expect(interval.lo).toBeCloseTo(2.5, 12);
    expect(interval.hi).toBeCloseTo(97.5, 12);
    expect(interval.se).toBeCloseTo(standardDeviation(values.slice(0, 101)), 12);
    expect(percentileInterval([1, NaN], 0.95)).toBeNull();
  });
});
