import { describe, expect, it } from "vitest";
import { FitJsonSchema, parseFitJson } from "../../src/fit/fit-json.js";
import { fitRows, type FitRequest } from "../../src/fit/fit-rows.js";
import { fitRequestKey } from "../../src/sweep/stored-fit.js";
import { fixtureFit, fixtureRecords } from "./fixture.js";

describe("fit.json (one schema for the fit the report draws)", () => {
  it("reads every approach, the refused budget's reason, parabolas, intervals and predictions", () => {
    const parsed = parseFitJson(JSON.parse(JSON.stringify({ ...fixtureFit(), request: undefined })), "fit.json");
    if (!("fit" in parsed)) throw new Error(parsed.problem);
    const { fit } = parsed;
    expect(Object.keys(fit.approaches)).toEqual(["1", "2", "3"]);
    const refused = fit.approaches["2"]!.budgets.find((b) => b.status === "refused")!;
    expect(refused).toMatchObject({ budget_flops: 3e11, reason: expect.stringContaining("vertex below") });
    expect(refused.parabola).toBeDefined();
    expect(fit.approaches["3"]).toMatchObject({ E: 1.69, alpha: 0.34 });
    expect(fit.approaches["3"]!.intervals!.alpha).toEqual({ lo: 0.33, hi: 0.35, se: 0.005 });
    expect(fit.approaches["3"]!.residuals[0]).toMatchObject({ experiment_id: "c0s0", budget_flops: 1e11 });
    expect(fit.predictions[0]).toMatchObject({ budget_flops: 1e14, approach: 3 });
    expect(fit.preferred_approach).toBe(3);
  });

  it("holds what fitRows makes, field for field, with the request that made it", () => {
    const rows = fixtureRecords().map((r) => ({ ...r, n_params: r.n_params!, n_tokens: r.n_tokens ?? r.n_tokens_planned }));
    const fitRequest: FitRequest = { approaches: [1, 2, 3], predict: [1e14], paramConvention: "total", holdout: "auto" };
    const fit = fitRows(rows, fitRequest);
    const request = fitRequestKey(fitRequest, null);
    const json = JSON.parse(JSON.stringify({ ...fit, request }));
    expect(FitJsonSchema.parse(json)).toEqual(json);
    expect(fit.left_out.map((l) => [l.experiment_id, l.reason])).toEqual([["c4s4", "run failed"]]);
  });

  it("names the first field of a fit.json this version did not write", () => {
    expect(parseFitJson({ approaches: {} }, "runs/x/fit.json")).toEqual({ problem: expect.stringMatching(/^runs\/x\/fit\.json: not a fit of this version \(n_points: /) });
    const junk = { ...fixtureFit(), approaches: { "2": { status: "no_law", a: null, laws: null, budgets: [{ nonsense: 1 }] } } };
    expect(parseFitJson(junk, "fit.json")).toEqual({ problem: expect.stringContaining("approaches.2.") });
  });
});
