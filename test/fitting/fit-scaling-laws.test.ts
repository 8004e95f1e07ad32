import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS, defaultTableBudgets, FitInputError, fitScalingLaws, formatChinchillaTable, formatFitSummary, type FitPoint, type FitResult } from "../../src/fitting/index.js";
import { syntheticSweep } from "./helpers/synthetic.js";

const sweep = syntheticSweep({ k: 4, pointsPerBudget: 7, noise: 0.005, seed: 1 });

/** True when no number anywhere in the value is NaN or ±Infinity. */
function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

describe("fitScalingLaws: invalid data never throws", () => {
  it("returns no law and a clear warning for no points", () => {
    const result = fitScalingLaws([], { approaches: [1, 2, 3], predict: [1e21] });
    expect(result.n_points).toBe(0);
    expect(result.preferred_approach).toBeNull();
    expect(result.predictions).toEqual([]);
    expect(result.approaches["2"]!.status).toBe("no_law");
    expect(result.approaches["3"]!.status).toBe("no_law");
    expect(result.warnings).toContain("no runs given: nothing to fit");
    expect(result.warnings).toContain("approach 3: no fit: 0 runs (need at least 6 for five parameters)");
  });

  it("excludes runs with non-positive or non-finite values, each with its reason", () => {
    const bad: FitPoint[] = [
      { n_params: -5, n_tokens: 1e9, loss: 3, budget_flops: 1e19, experiment_id: "neg" },
      { n_params: 1e8, n_tokens: 1e9, loss: Number.NaN, budget_flops: 1e19, experiment_id: "nan" },
      { n_params: 1e8, n_tokens: 1e9, loss: 3, budget_flops: 0, experiment_id: "zero-budget" },
    ];
    const result = fitScalingLaws([...sweep, ...bad], { approaches: [2] });
    expect(result.n_points).toBe(sweep.length);
    expect(result.exclusions).toEqual([
      { experiment_id: "neg", n_params: -5, n_tokens: 1e9, loss: 3, reason: "invalid n_params: -5 (must be a finite number > 0)" },
      { experiment_id: "nan", n_params: 1e8, n_tokens: 1e9, loss: null, reason: "invalid loss: NaN (must be a finite number > 0)" },
      {
        experiment_id: "zero-budget",
        n_params: 1e8,
        n_tokens: 1e9,
        loss: 3,
        reason: "invalid budget_flops: 0 (must be a finite number > 0; use 6·N·D when the budget is unknown)",
      },
    ]);
    expect(result.warnings[0]).toMatch(/^3 runs excluded from the fit \(1 invalid n_params; 1 invalid loss; 1 invalid budget_flops\); see exclusions$/);
  });

  it("excludes failed and diverged runs by status, never silently", () => {
    const runs = sweep.map((p, i) => ({ ...p, status: i === 0 ? "failed" : i === 1 ? "diverged" : "completed", experiment_id: `e${i}` }));
    const result = fitScalingLaws(runs, { approaches: [2] });
    expect(result.exclusions.map((e) => [e.experiment_id, e.reason])).toEqual([
      ["e0", "run failed"],
      ["e1", "run diverged"],
    ]);
  });

  it("drops the k highest losses when asked and lists them", () => {
    const result = fitScalingLaws(sweep, { approaches: [2], excludeWorst: 3 });
    const worst = [...sweep].sort((p, q) => q.loss - p.loss).slice(0, 3);
    expect(result.n_points).toBe(sweep.length - 3);
    expect(result.exclusions.map((e) => e.loss)).toEqual(worst.map((p) => p.loss));
    expect(result.exclusions.every((e) => e.reason === "among the 3 highest losses (excludeWorst = 3)")).toBe(true);
  });

  it("is JSON-safe: stringify and parse give back the same object, with no NaN or Infinity", () => {
    const result = fitScalingLaws([...sweep, { n_params: Infinity, n_tokens: 1, loss: 1, budget_flops: 1 }], { approaches: [1, 2, 3], bootstrap: 5, predict: [1e22] });
    expect(allFinite(result)).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it("echoes the parameter convention", () => {
    expect(fitScalingLaws(sweep, { approaches: [2], paramConvention: "non_embedding" }).param_convention).toBe("non_embedding");
  });
});

describe("fitScalingLaws: invalid options throw FitInputError", () => {
  const cases: Array<[Parameters<typeof fitScalingLaws>[1], string]> = [
    [{ approaches: [] }, "invalid approaches: [] (must list at least one of 1, 2, 3)"],
    [{ approaches: [4 as 1] }, "invalid approaches[0]: 4 (must be 1, 2 or 3)"],
    [{ approaches: [2], confidence: 1.2 }, "invalid confidence: 1.2 (must be in (0, 1))"],
    [{ approaches: [2], bootstrap: -1 }, "invalid bootstrap: -1 (must be an integer ≥ 0)"],
    [{ approaches: [2], predict: [1e21, 0] }, "invalid predict[1]: 0 (must be a budget in FLOPs > 0)"],
    [{ approaches: [2], excludeWorst: 1.5 }, "invalid excludeWorst: 1.5 (must be an integer ≥ 0)"],
    [{ approaches: [2], approach2: { nearestPoints: 2 } }, "invalid approach2.nearestPoints: 2 (must be an integer ≥ 3)"],
    [{ approaches: [3], approach3: { huberDelta: 0 } }, "invalid approach3.huberDelta: 0 (must be a finite number > 0)"],
  ];
  for (const [options, message] of cases) {
    it(`rejects ${message.split(":")[0]}`, () => {
      expect(() => fitScalingLaws(sweep, options)).toThrow(FitInputError);
      expect(() => fitScalingLaws(sweep, options)).toThrow(message);
    });
  }
});

describe("fitScalingLaws: predictions, bootstrap and disagreement", () => {
  const options = { approaches: [2, 3] as Array<1 | 2 | 3>, bootstrap: 20, seed: 7, predict: [1e22, 1e24] };
  const result: FitResult = fitScalingLaws(sweep, options);

  it("predicts from approach 3 when it is fitted, with 6·N*·D* = C and intervals", () => {
    expect(result.preferred_approach).toBe(3);
    expect(result.predictions).toHaveLength(2);
    for (const p of result.predictions) {
      expect(p.approach).toBe(3);
      expect((6 * p.n_params * p.n_tokens) / p.budget_flops).toBeCloseTo(1, 10);
      expect(p.tokens_per_param).toBeCloseTo(p.n_tokens / p.n_params, 10);
      expect(p.intervals!.n_params.lo).toBeLessThan(p.intervals!.n_params.hi);
    }
  });

  it("reports bootstrap intervals on alpha, beta, E, a, b and on the approach 2 exponents", () => {
    for (const key of ["alpha", "beta", "E", "a", "b"]) expect(result.approaches["3"]!.intervals![key]!.se).toBeGreaterThan(0);
    expect(Object.keys(result.approaches["2"]!.intervals!)).toEqual(expect.arrayContaining(["a", "b"]));
    expect(result.bootstrap).toEqual({ resamples: 20, seed: 7, confidence: 0.95, failed: { "2": 0, "3": 0 } });
  });

  it("reproduces its intervals exactly from the same seed, and changes them with another seed", () => {
    expect(fitScalingLaws(sweep, options)).toEqual(result);
    const other = fitScalingLaws(sweep, { ...options, seed: 8 });
    expect(other.approaches["3"]!.intervals!.a).not.toEqual(result.approaches["3"]!.intervals!.a);
  });

  it("falls back to approach 2 for predictions when approach 3 was not requested", () => {
    const only2 = fitScalingLaws(sweep, { approaches: [2], predict: [1e22] });
    expect(only2.preferred_approach).toBe(2);
    expect(only2.predictions[0]!.approach).toBe(2);
  });

  it("warns when approaches 2 and 3 disagree on a by more than the threshold", () => {
    const drifting = syntheticSweep({ k: 8, pointsPerBudget: 15, centreFactor: (i) => 3 ** (-i / 4) });
    const strict = fitScalingLaws(drifting, { approaches: [2, 3], disagreementThreshold: 0.005 });
    const gap = Math.abs(strict.approaches["2"]!.a! - strict.approaches["3"]!.a!);
    expect(gap).toBeGreaterThan(0.005);
    expect(strict.warnings).toContain(
      `approach 2 and 3 disagree on a by ${gap.toFixed(3)} (> 0.005): approach 2 a = ${strict.approaches["2"]!.a!.toFixed(4)}, approach 3 a = ${strict.approaches["3"]!.a!.toFixed(4)}`,
    );
    const lenient = fitScalingLaws(drifting, { approaches: [2, 3] });
    expect(lenient.warnings.some((w) => w.includes("disagree"))).toBe(false);
  });
});

describe("formatters", () => {
  const result = fitScalingLaws(sweep, { approaches: [1, 2, 3], bootstrap: 100, predict: [1e21, 5.76e23] });

  it("summarises every approach with its laws and intervals", () => {
    const summary = formatFitSummary(result);
    expect(summary).toContain("Approach 1 (envelope");
    expect(summary).toContain("Approach 2 (IsoFLOP parabolas in log N; 5 of 5 budgets used)");
    expect(summary).toMatch(/N\*\(C\) = [\d.e-]+ · C\^0\.\d{4} \[0\.\d+, 0\.\d+\]/);
    expect(summary).toMatch(/Approach 3 \(L = E \+ A\/N\^alpha \+ B\/D\^beta, Huber 0\.001 on log loss; projected L-BFGS, 25 distinct of 4500 starts, converged/);
    expect(summary).toContain("Compute-optimal predictions (approach 3):");
    expect(summary).toContain("C = 5.76e23: N* = ");
  });

  it("prints the Chinchilla table as markdown, one row per predicted budget, marking extrapolations", () => {
    const table = formatChinchillaTable(result, "markdown").split("\n");
    expect(table[0]).toBe("| Budget C (FLOPs) | Parameters N* | Tokens D* | D*/N* | Loss L* | Range |");
    expect(table.filter((line) => line.startsWith("| 1e21") || line.startsWith("| 5.76e23"))).toHaveLength(2);
    // The sweep's budgets are 1e17..1e21: 1e21 is within them, 5.76e23 beyond.
    expect(table.find((line) => line.startsWith("| 1e21"))).toMatch(/\| within data \|$/);
    expect(table.find((line) => line.startsWith("| 5.76e23"))).toMatch(/\| extrapolated \|$/);
    expect(table).toContain("Extrapolated: outside the fitted budgets (1e17–1e21); the further out, the less the data support it.");
    expect(result.predictions.map((p) => p.extrapolated)).toEqual([false, true]);
  });

  it("prints the Chinchilla table as CSV with interval columns and an extrapolated flag", () => {
    const [header, ...rows] = formatChinchillaTable(result, "csv").split("\n");
    expect(header).toBe("budget_flops,approach,n_params,n_params_lo,n_params_hi,n_tokens,n_tokens_lo,n_tokens_hi,tokens_per_param,loss,loss_lo,loss_hi,extrapolated,determined,interval_resamples");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.split(",").slice(0, -1).every((cell) => cell !== "" && Number.isFinite(Number(cell)))).toBe(true);
    expect(rows.map((row) => row.split(",").slice(-3))).toEqual([["0", "1", "100/100"], ["1", "1", "100/100"]]);
  });

  it("marks extrapolated predictions in the summary", () => {
    const summary = formatFitSummary(result);
    const lines = summary.split("\n");
    expect(lines.find((line) => line.startsWith("  C = 1e21: N* = "))).not.toContain("extrapolated");
    expect(lines.find((line) => line.startsWith("  C = 5.76e23: N* = "))).toMatch(/\(extrapolated: outside the fitted budgets\)$/);
  });

  it("without predict budgets, tabulates the fitted budgets and one and two decades above the largest, marked extrapolated", () => {
    const plain = fitScalingLaws(sweep, { approaches: [2], bootstrap: 100 });
    expect(plain.observed_budgets).toEqual([1e17, 1e18, 1e19, 1e20, 1e21]);
    const rows = formatChinchillaTable(plain, "csv").split("\n").slice(1).map((row) => row.split(","));
    expect(rows.map((row) => Number(row[0]))).toEqual([1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23]);
    expect(rows.map((row) => row.at(-3))).toEqual(["0", "0", "0", "0", "0", "1", "1"]);
    const markdown = formatChinchillaTable(plain, "markdown").split("\n");
    expect(markdown.filter((line) => line.endsWith("| within data |"))).toHaveLength(5);
    expect(markdown.filter((line) => line.endsWith("| extrapolated |")).map((line) => line.split(" |")[0])).toEqual(["| 1e22", "| 1e23"]);
    expect(formatChinchillaTable(fitScalingLaws([], { approaches: [2] }), "markdown")).toBe("_No fitted approach: no Chinchilla table._");
  });

  it("keeps DEFAULT_BUDGETS (range unknown, left blank) for a result that does not say which budgets were fitted", () => {
    const plain = fitScalingLaws(sweep, { approaches: [3] });
    const legacy = { ...plain } as Partial<FitResult>;
    delete legacy.observed_budgets;
    const rows = formatChinchillaTable(legacy as FitResult, "csv").split("\n").slice(1).map((row) => row.split(","));
    expect(rows.map((row) => Number(row[0]))).toEqual(DEFAULT_BUDGETS);
    expect(rows.every((row) => row.at(-3) === "")).toBe(true);
  });
});

describe("defaultTableBudgets", () => {
  it("lists each fitted budget, then 10× and 100× the largest as extrapolated", () => {
    expect(defaultTableBudgets([4e12, 1e11, 2.5e11, 1e11])).toEqual([
      { budget_flops: 1e11, extrapolated: false },
      { budget_flops: 2.5e11, extrapolated: false },
      { budget_flops: 4e12, extrapolated: false },
      { budget_flops: 4e13, extrapolated: true },
      { budget_flops: 4e14, extrapolated: true },
    ]);
    expect(defaultTableBudgets([])).toEqual([]);
  });

  it("summarises more than 12 budgets (one per run, as in Epoch's data) by the ends and the decades between", () => {
    const many = Array.from({ length: 40 }, (_, i) => 3e17 * 10 ** (i / 13));
    const budgets = defaultTableBudgets(many);
    expect(budgets.map((b) => b.budget_flops)).toEqual([3e17, 1e18, 1e19, 1e20, many[39]!, many[39]! * 10, many[39]! * 100]);
    expect(budgets.map((b) => b.extrapolated)).toEqual([false, false, false, false, false, true, true]);
  });
});
