import { describe, expect, it } from "vitest";
import { noiseFloor, rmsPct } from "../../src/report/noise-floor.js";
import { noiseFloorHtml } from "../../src/report/noise-floor-html.js";
import type { ResultRecord } from "../../src/store/record.js";

const run = (id: string, budget: number, size: number, loss: number | null, status: ResultRecord["status"] = "completed"): ResultRecord => ({
  experiment_id: id, attempt: 1, status, budget_flops: budget, size_value: size, n_params: size * 100, n_params_embedding: 0, n_params_non_embedding: size * 100,
  n_tokens: 1e6, n_tokens_planned: 1e6, flops_6nd: null, flops_measured: null, loss, train_loss: loss, wall_s: 1, error: null, finished_at: "",
});

describe("the noise floor", () => {
  it("pools the seed-to-seed SD of ln(loss) over repeated points, weighting each by its degrees of freedom", () => {
    const e = Math.exp;
    const records = [
      run("a0", 1e11, 8, e(1.00)), run("a1", 1e11, 8, e(1.02)),
      run("b0", 1e11, 16, e(0.90)), run("b1", 1e11, 16, e(0.93)), run("b2", 1e11, 16, e(0.96)),
      run("c0", 1e12, 8, 2.5), // one seed: no spread to measure
      run("d0", 1e12, 16, 2.4), run("d1", 1e12, 16, null, "diverged"),
    ];
    const floor = noiseFloor(records)!;
    // (0.02²/2 + 0.0018) / (1 + 2): group a's squares 2·0.01², group b's 2·0.03².
    expect(floor.dof).toBe(3);
    expect(floor.pooled_sd_pct).toBeCloseTo(100 * Math.sqrt((2 * 0.01 ** 2 + 2 * 0.03 ** 2) / 3), 10);
    expect(floor.groups.map((g) => g.losses.length)).toEqual([2, 3]);
  });

  it("is absent when no point has two seeds, and the section says nothing then", () => {
    expect(noiseFloor([run("a", 1e11, 8, 3), run("b", 1e11, 16, 2.9)])).toBeNull();
    expect(noiseFloorHtml(null, 1)).toBe("");
  });

  it("the section puts the residuals' RMS next to the floor and says when they are at it", () => {
    const floor = noiseFloor([run("a0", 1e11, 8, 3), run("a1", 1e11, 8, 3.03)])!;
    expect(rmsPct([3, -4])).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(noiseFloorHtml(floor, floor.pooled_sd_pct)).toMatch(/sit at the noise floor/);
    expect(noiseFloorHtml(floor, 5 * floor.pooled_sd_pct)).toMatch(/are 5× the noise floor/);
  });
});
