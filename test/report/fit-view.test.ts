import { describe, expect, it } from "vitest";
import { fitView, parseInterval } from "../../src/report/fit-view.js";
import { fixtureFit } from "./fixture.js";

describe("fitView (reading fit.json defensively)", () => {
  it("reads every approach, the refused budget's reason, parabolas, intervals and predictions", () => {
    const view = fitView(fixtureFit());
    expect(Object.keys(view.approaches)).toEqual(["1", "2", "3"]);
    const refused = view.approaches["2"]!.budgets.find((b) => b.status === "refused")!;
    expect(refused).toMatchObject({ budget_flops: 3e11, reason: expect.stringContaining("vertex below") });
    expect(refused.parabola).toBeDefined();
    expect(view.approaches["2"]!.optima).toHaveLength(4);
    expect(view.approaches["3"]!.params).toMatchObject({ E: 1.69, alpha: 0.34 });
    expect(view.approaches["3"]!.intervals.alpha).toEqual({ lo: 0.33, hi: 0.35 });
    expect(view.predictions[0]).toMatchObject({ budget_flops: 1e14, approach: "3" });
    expect(view.preferred_approach).toBe("3");
  });

  it("survives missing approaches, nulls and junk without throwing", () => {
    expect(fitView(null)).toMatchObject({ approaches: {}, predictions: [], warnings: [] });
    const view = fitView({ approaches: { "2": { status: "no_law", a: null, laws: null, budgets: [{ budget_flops: 1e12, status: "refused" }, { nonsense: 1 }] }, "3": "junk" }, predictions: [{}] });
    expect(Object.keys(view.approaches)).toEqual(["2"]);
    expect(view.approaches["2"]).toMatchObject({ status: "no_law", a: undefined, budgets: [{ budget_flops: 1e12, status: "refused" }], optima: [] });
    expect(view.predictions).toEqual([]);
  });

  it("takes intervals as {lo, hi}, [lo, hi] or {low, high}", () => {
    expect(parseInterval({ lo: 1, hi: 2, se: 0.1 })).toEqual({ lo: 1, hi: 2 });
    expect(parseInterval([1, 2])).toEqual({ lo: 1, hi: 2 });
    expect(parseInterval({ low: 1, high: 2 })).toEqual({ lo: 1, hi: 2 });
    expect(parseInterval({ lo: 1 })).toBeUndefined();
  });
});
