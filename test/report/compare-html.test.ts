/**
 * The comparison page (report/compare-html.ts): an undetermined comparison opens with a
 * callout and marks every row, as the sweep report does; the page loads nothing.
 */
import { describe, expect, it } from "vitest";
import { compareSweeps } from "../../src/fitting/compare.js";
import { chinchillaAllocation, fitScalingLaws, type FitPoint, type LossSurface } from "../../src/fitting/index.js";
import { compareHtml } from "../../src/report/compare-html.js";
import { CHINCHILLA_SURFACE as BASE, syntheticSweep } from "../fitting/helpers/synthetic.js";

const BUDGETS = [1e18, 4e18, 1.6e19, 6.4e19];
const sweep = (surface: LossSurface, seed: number): FitPoint[] =>
  syntheticSweep({ surface, budgets: BUDGETS, k: 4, pointsPerBudget: 5, noise: 0.003, seed, centreFactor: (i) => chinchillaAllocation(BASE, BUDGETS[i]!).n_params / chinchillaAllocation(surface, BUDGETS[i]!).n_params });

describe("the comparison page", () => {
  it("says UNDETERMINED in a callout and on every row when the sweeps' laws are not tested", () => {
    const side = (points: FitPoint[]) => ({ source: "runs/x", points, fit: fitScalingLaws(points, { approaches: [2, 3], bootstrap: 0, holdout: 0 }) });
    const c = compareSweeps(side(sweep(BASE, 1)), side(sweep({ ...BASE, A: BASE.A * 0.9 }, 2)), { resamples: 10, seed: 0, confidence: 0.9 });
    const html = compareHtml(c, [], "now");
    expect(c.determined).toBe(false);
    expect(html).toMatch(/<div class="callout"><strong>Undetermined\.<\/strong>/);
    expect(html.match(/, UNDETERMINED<\/td>/g)).toHaveLength(c.multiplier.length);
    expect(html).toMatch(/10 comparison resamples are too few/);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
