import { describe, expect, it } from "vitest";
import { FitJsonSchema, parseFitJson } from "../../src/store/fit-json.js";
import { fitRows, type FitRequest } from "../../src/fit/fit-rows.js";
import { fitRequestKey } from "../../src/fit/fit-run-dir.js";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadReportData } from "../../src/report/report-data.js";
import { fixtureFit, fixtureRecords } from "./fixture.js";
import { writeRunDir } from "./run-dir-fixture.js";

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

  it("still reads a fit.json of fitter 2 (approach 3's checks and φ curve, predictions in budget FLOPs), and the report fits such a run directory again", () => {
    const old = fixtureFit();
    const legacy = {
      ...old,
      approaches: {
        ...old.approaches,
        "3": { ...old.approaches["3"]!, checks: { passed: true, problems: [] }, allocation: { compute: "budget_flops", flops_per_nd: { centre: 10, scale: 1, k0: 2, k1: -0.01, k2: 0, x: "ln" }, exponent_budgets: [1e11, 1e13], a_6nd: 0.45, b_6nd: 0.55 } },
      },
      predictions: old.predictions.map((p) => ({ ...p, compute: "budget_flops" })),
      request: { definition: null, approaches: [1, 2, 3], bootstrap: 0, seed: 0, predict: [1e14], param_convention: "total", exclude_worst: 0, confidence: 0.95, holdout: 0, fitter: 2 },
    };
    const parsed = parseFitJson(JSON.parse(JSON.stringify(legacy)), "fit.json");
    if (!("fit" in parsed)) throw new Error(parsed.problem);
    expect(parsed.fit.approaches["3"]!.checks).toEqual({ passed: true, problems: [] });
    expect(parsed.request!.fitter).toBe(2);
    const dir = writeRunDir({});
    writeFileSync(join(dir, "fit.json"), JSON.stringify(legacy));
    const data = loadReportData(dir);
    expect(data.fitSource).toMatch(/fit\.json was made by older fitting methods \(fitter 2, now \d+\)/);
    expect(typeof data.fit!.determined).toBe("boolean");
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the first field of a fit.json this version did not write", () => {
    expect(parseFitJson({ approaches: {} }, "runs/x/fit.json")).toEqual({ problem: expect.stringMatching(/^runs\/x\/fit\.json: not a fit of this version \(n_points: /) });
    const junk = { ...fixtureFit(), approaches: { "2": { status: "no_law", a: null, laws: null, budgets: [{ nonsense: 1 }] } } };
    expect(parseFitJson(junk, "fit.json")).toEqual({ problem: expect.stringContaining("approaches.2.") });
  });
});
