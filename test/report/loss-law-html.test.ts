/**
 * The report's side-by-side table writes approach 2's L*(C) as the law it is: E + k·C^c with
 * its floor, and k·C^c for a law without one (a fit.json from before the floor, or too few
 * budgets); the L*(C) figure draws the same law (predictOptimum).
 */
import { describe, expect, it } from "vitest";
import { fitScalingLaws } from "../../src/fitting/index.js";
import { lawValue } from "../../src/report/optimum-vs-budget.js";
import { summaryHtml } from "../../src/report/summary-html.js";
import type { FitOutput } from "../../src/store/fit-json.js";
import { syntheticSweep } from "../fitting/helpers/synthetic.js";
import { fixtureFit } from "./fixture.js";

const lawRow = (html: string) => /<tr><td>L\*\(C\)<\/td>(.*?)<\/tr>/.exec(html)?.[1] ?? "";

describe("approach 2's L*(C) in the report", () => {
  it("shows the floor of a fit with one, and the law the figure draws has it", () => {
    const fit = fitScalingLaws(syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0, seed: 0 }), { approaches: [2] }) as unknown as FitOutput;
    const law = fit.approaches["2"]!.laws!.loss_opt;
    expect(lawRow(summaryHtml(fit, null, "fit.json", []))).toMatch(/1\.\d+ \+ \d/);
    expect(lawValue(fit, "2", "loss", 1e22)).toBeCloseTo(law.floor! + law.coefficient * 1e22 ** law.exponent, 12);
  });

  it("reads an older fit.json without a floor as the pure power law", () => {
    const fit = fixtureFit();
    const law = fit.approaches["2"]!.laws!.loss_opt;
    expect(law.floor).toBeUndefined();
    const row = lawRow(summaryHtml(fit, null, "fit.json", []));
    expect(row).toContain("· C^");
    expect(row).not.toContain(" + ");
    expect(lawValue(fit, "2", "loss", 1e15)).toBeCloseTo(law.coefficient * 1e15 ** law.exponent, 12);
  });
});
