import { describe, expect, it } from "vitest";
import { fitScalingLaws, type FitPoint } from "../../src/fitting/index.js";
import { syntheticSweep, TRUE_A } from "./helpers/synthetic.js";

/** A budget whose loss is f(ln N) at the given sizes. */
function budget(budgetFlops: number, sizes: number[], lossAt: (lnN: number) => number): FitPoint[] {
  return sizes.map((n) => ({ n_params: n, n_tokens: budgetFlops / (6 * n), loss: lossAt(Math.log(n)), budget_flops: budgetFlops }));
}

const sizes = [1e8, 2e8, 4e8, 8e8, 1.6e9];
const bowl = (centre: number) => (lnN: number) => 2.5 + 0.05 * (lnN - Math.log(centre)) ** 2;
const good = [...budget(1e19, sizes, bowl(3e8)), ...budget(1e20, sizes, bowl(4e8)), ...budget(1e21, sizes, bowl(6e8))];

function approach2(points: FitPoint[], options: Parameters<typeof fitScalingLaws>[1]["approach2"] = {}) {
  return fitScalingLaws(points, { approaches: [2], approach2: options }).approaches["2"]!;
}

describe("approach 2 guards (docs/methods.md §4, §5.2)", () => {
  it("uses budgets with an interior minimum and fits N* ∝ C^a with b = 1 − a", () => {
    const result = approach2(good);
    expect(result.status).toBe("fitted");
    expect(result.budgets.every((b) => b.status === "used")).toBe(true);
    expect(result.a! + result.b!).toBeCloseTo(1, 12);
    expect(result.budgets[0]!.n_opt).toBeCloseTo(3e8, -2);
  });

  it("refuses a budget with too few points, saying how many", () => {
    const result = approach2([...good, ...budget(1e22, [1e9, 2e9], bowl(1.5e9))]);
    const refused = result.budgets.find((b) => b.budget_flops === 1e22)!;
    expect(refused.status).toBe("refused");
    expect(refused.reason).toBe("too few points (2 < 3)");
  });

  it("refuses a budget with non-positive curvature", () => {
    const result = approach2([...good, ...budget(1e22, sizes, (x) => 3 - 0.05 * (x - Math.log(4e8)) ** 2)]);
    expect(result.budgets.find((b) => b.budget_flops === 1e22)!.reason).toMatch(/^non-positive curvature \(-0\.1\d*\)/);
  });

  it("refuses a budget whose vertex lies outside the sampled sizes, quoting log10 N* and the range", () => {
    const result = approach2([...good, ...budget(1e22, sizes, bowl(5e9))]);
    const reason = result.budgets.find((b) => b.budget_flops === 1e22)!.reason!;
    expect(reason).toBe("vertex outside the sampled range: log10 N* = 9.70 lies above 8.00–9.20");
    expect(result.warnings).toContain(`approach 2: budget 1e22 refused: ${reason}`);
  });

  it("refuses a budget whose vertex is undetermined (standard error large against the sampled range)", () => {
    // Vertex SE ≈ 0.29 in ln N over a sampled range of 3.47: 8% of it.
    const wide = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9];
    const noise = [0.004, -0.006, 0.005, -0.002, -0.004, 0.004];
    const shallow = wide.map((n, i) => ({ n_params: n, n_tokens: 1e22 / (6 * n), loss: 2.5 + 0.002 * (Math.log(n / 5e8)) ** 2 + noise[i]!, budget_flops: 1e22 }));
    const strict = approach2([...good, ...shallow], { maxVertexSEFraction: 0.05 }).budgets.find((b) => b.budget_flops === 1e22)!;
    expect(strict.status).toBe("refused");
    expect(strict.reason).toMatch(/^vertex undetermined: its standard error \(0\.12 decades of N\) exceeds 0\.05 of the sampled range 8\.00–9\.51$/);
    const lenient = approach2([...good, ...shallow], { maxVertexSEFraction: 0.1 }).budgets.find((b) => b.budget_flops === 1e22)!;
    expect(lenient.status).toBe("used");
    expect(lenient.vertex_se_ln).toBeCloseTo(0.2877, 3);
  });

  it("flags a vertex in the outer tenth of the sampled range as at_edge, with a warning, but uses it", () => {
    const result = approach2([...good, ...budget(1e22, sizes, bowl(1.1e8))]);
    const edge = result.budgets.find((b) => b.budget_flops === 1e22)!;
    expect(edge.status).toBe("used");
    expect(edge.at_edge).toBe(true);
    expect(result.warnings.some((w) => w.includes("budget 1e22") && w.includes("lower edge"))).toBe(true);
  });

  it("gives no law from fewer than 3 usable budgets, and says so", () => {
    const result = approach2(good.filter((p) => p.budget_flops !== 1e21));
    expect(result.status).toBe("no_law");
    expect(result.a).toBeNull();
    expect(result.laws).toBeNull();
    expect(result.warnings).toContain("approach 2: no law: 2 usable budgets of 2 (need at least 3)");
  });

  it("fits each parabola on the k runs nearest the lowest loss when nearestPoints = k, reporting the trimmed count", () => {
    const points = syntheticSweep({ k: 16, pointsPerBudget: 11 });
    const trimmed = approach2(points, { nearestPoints: 5 });
    expect(trimmed.budgets.every((b) => b.n_points === 5 && b.n_trimmed === 6)).toBe(true);
    // Grids centred on N*: the exponent is exact with or without trimming (docs/methods.md §4).
    expect(Math.abs(trimmed.a! - TRUE_A)).toBeLessThan(1e-6);
  });

  it("groups budgets within the relative tolerance", () => {
    const jittered = good.map((p, i) => ({ ...p, budget_flops: p.budget_flops * (1 + (i % 2) * 1e-9) }));
    expect(fitScalingLaws(jittered, { approaches: [2] }).n_budgets).toBe(3);
    expect(fitScalingLaws(jittered, { approaches: [2], budgetTolerance: 0 }).n_budgets).toBe(6);
  });
});

describe("approach 1 (envelope)", () => {
  it("takes the lowest-loss run per budget and flags a best run at the edge of its sizes", () => {
    const result = fitScalingLaws([...good, ...budget(1e22, sizes, bowl(5e9))], { approaches: [1] }).approaches["1"]!;
    expect(result.status).toBe("fitted");
    expect(result.optima.map((o) => o.n_params)).toEqual([4e8, 4e8, 8e8, 1.6e9]);
    expect(result.optima[3]!.at_edge).toBe(true);
    expect(result.warnings.some((w) => w.includes("largest size sampled"))).toBe(true);
    expect(result.k_n).toBe(result.laws!.n_opt.coefficient);
  });

  it("gives no law when budgets have too few runs for an envelope", () => {
    const result = fitScalingLaws(good.filter((_, i) => i % 5 < 2), { approaches: [1] }).approaches["1"]!;
    expect(result.status).toBe("no_law");
    expect(result.warnings.join("\n")).toMatch(/no law: 0 budgets with an envelope point/);
  });
});
