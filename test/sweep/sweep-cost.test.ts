import { describe, expect, it } from "vitest";
import { formatCost } from "../../src/sweep/format-trunks.js";
import { measuredCost } from "../../src/store/run-cost.js";
import type { ResultRecord } from "../../src/store/record.js";

const record = (fields: Partial<ResultRecord> & Record<string, unknown>): ResultRecord => ({
  experiment_id: "e", attempt: 1, status: "completed", error: null, budget_flops: 1, size_value: 1, n_tokens_planned: 1, finished_at: "",
  n_params: 1, n_params_embedding: 0, n_params_non_embedding: 1, n_tokens: 1, flops_6nd: 600, flops_measured: null, loss: 1, train_loss: 1, wall_s: 1,
  ...fields,
} as ResultRecord);

describe("the measured cost of a sweep", () => {
  it("counts what each attempt trained (trunks included) against every completed point in full", () => {
    const branches = [
      record({ experiment_id: "a", flops_measured: 1000, steps: 100, resumed_from_step: 80, train_flops: 200 }),
      record({ experiment_id: "b", flops_measured: 2000, steps: 200, resumed_from_step: 160, train_flops: 400 }),
    ];
    const trunks = [
      record({ experiment_id: "trunk-1", status: "failed", flops_measured: 500, steps: 50, resumed_from_step: null, loss: null }),
      record({ experiment_id: "trunk-1", attempt: 2, flops_measured: 1600, steps: 160, resumed_from_step: 50, loss: null }),
    ];
    expect(measuredCost(branches, trunks)).toEqual({ train_flops: 200 + 400 + 500 + 1100, cosine_equivalent_flops: 3000 });
  });

  it("equals a cosine sweep's own FLOPs, and leaves other definitions out", () => {
    const records = [record({ experiment_id: "a", fingerprint: "x" }), record({ experiment_id: "b", fingerprint: "y", flops_6nd: 900 })];
    expect(measuredCost(records, [], (r) => r.fingerprint === "x")).toEqual({ train_flops: 600, cosine_equivalent_flops: 600 });
  });
});

describe("the cost line", () => {
  it("with nothing completed (FLOPs trained, no point to compare) says no saving, never -Infinity%", () => {
    const cost = measuredCost([record({ status: "failed", loss: null, flops_measured: 500, steps: 5 })], []);
    expect(formatCost(cost, true)).toBe("training FLOPs spent: 5.00e+2; a cosine sweep of the same points: 0.00e+0");
    expect(formatCost({ train_flops: 100, cosine_equivalent_flops: 300 }, false)).toBe("training FLOPs to spend: 1.00e+2; a cosine sweep of the same points: 3.00e+2 (3.00× as much; 67% saved)");
  });
});
