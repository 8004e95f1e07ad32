/**
 * What runs would determine a law the runs leave undetermined (determination.ts), read off
 * what failed: a budget whose parabola has its minimum outside (or at the edge of) its sizes
 * needs sizes on that side; a flat or noisy profile needs seeds; a wide interval of a or of
 * N*(C) needs budgets that widen the compute range (the slope of ln N* against ln C is
 * measured over that range, so its error shrinks about in proportion to it); without repeated
 * runs the noise floor is unknown and seeds measure it. Sizes and budgets continue the
 * sweep's own spacing. Pure.
 */
import { optimaOutsideSizes } from "./approach3-checks.js";
import type { DeterminationInput } from "./determination.js";
import { formatScientific } from "./format-number.js";
import type { Approach1Result, Approach2Result, Approach3Result, ApproachDetermination, BudgetFit, Suggestion } from "./types.js";

/** Seeds per point to suggest when the noise is the problem, or unmeasured. */
export const SUGGESTED_SEEDS = 3;

/** Geometric mean step between sorted distinct values (`fallback` with fewer than two). */
function step(values: readonly number[], fallback: number): number {
  const sorted = [...new Set(values)].sort((x, y) => x - y);
  if (sorted.length < 2) return fallback;
  return ((sorted[sorted.length - 1] as number) / (sorted[0] as number)) ** (1 / (sorted.length - 1));
}

const round = (x: number) => Number(x.toPrecision(3));

/** Sizes to add at a budget, on the side its parabola says the optimum lies. */
function sizesFor(budget: BudgetFit, sizes: readonly number[]): { values: number[]; why: string } | null {
  const s = step(sizes, 2);
  const [lo, hi] = budget.n_range;
  const reason = budget.reason ?? "";
  if (/below/.test(reason)) return { values: [round(lo / s), round(lo / (s * s))], why: `its parabola's minimum lies below the smallest size (${formatScientific(lo)})` };
  if (/above/.test(reason)) return { values: [round(hi * s), round(hi * s * s)], why: `its parabola's minimum lies above the largest size (${formatScientific(hi)})` };
  if (budget.status === "used" && budget.at_edge && budget.n_opt !== undefined) {
    const lower = Math.log(budget.n_opt) - Math.log(lo) < Math.log(hi) - Math.log(budget.n_opt);
    return lower
      ? { values: [round(lo / s)], why: "its optimum is at the lower edge of its sizes" }
      : { values: [round(hi * s)], why: "its optimum is at the upper edge of its sizes" };
  }
  return null;
}

export function suggestRuns(input: DeterminationInput, verdicts: Partial<Record<"1" | "2" | "3", ApproachDetermination>>, noise: { sd: number; dof: number } | null): Suggestion[] {
  const out: Suggestion[] = [];
  const budgets = input.groups.map((g) => g.budget_flops);
  const sizesAt = (budget: number) => input.groups.find((g) => g.budget_flops === budget)?.points.map((p) => p.n_params) ?? [];
  const a2 = input.approaches["2"] as Approach2Result | undefined;
  for (const budget of a2?.budgets ?? []) {
    const sizes = sizesFor(budget, sizesAt(budget.budget_flops));
    if (sizes) out.push({ action: "add_sizes", budget_flops: budget.budget_flops, ...sizes });
    else if (budget.status === "refused" && /curvature|undetermined/.test(budget.reason ?? "")) {
      out.push({ action: "add_seeds", budget_flops: budget.budget_flops, values: [SUGGESTED_SEEDS], why: `${budget.reason}; repeated runs (or sizes spanning further each side) make its minimum stand out of the noise` });
    }
  }
  for (const v of verdicts["2"]?.measures.vertices_below ?? []) {
    const fit = a2?.budgets.find((b) => b.budget_flops === v.budget_flops);
    if (!fit?.n_opt) continue;
    const s = Math.sqrt(step(sizesAt(v.budget_flops), 2));
    out.push({ action: "add_sizes", budget_flops: v.budget_flops, values: [round(fit.n_opt / s), round(fit.n_opt * s)], why: "its parabola's minimum lies below every run; sizes at the minimum test it" });
  }
  const a1 = input.approaches["1"] as Approach1Result | undefined;
  for (const o of a1?.optima ?? []) {
    if (!o.at_edge || out.some((x) => x.action === "add_sizes" && x.budget_flops === o.budget_flops)) continue;
    const sizes = sizesAt(o.budget_flops);
    const s = step(sizes, 2);
    const lowest = o.n_params <= Math.min(...sizes);
    out.push({ action: "add_sizes", budget_flops: o.budget_flops, values: [round(lowest ? o.n_params / s : o.n_params * s)], why: `its best run is its ${lowest ? "smallest" : "largest"} size` });
  }
  const a3 = input.approaches["3"] as Approach3Result | undefined;
  const outside = a3?.status === "fitted" ? optimaOutsideSizes(a3, input) : [];
  if (outside.length * 2 > input.groups.length) {
    for (const o of outside) {
      if (out.some((x) => x.action === "add_sizes" && x.budget_flops === o.budget_flops)) continue;
      const sizes = sizesAt(o.budget_flops);
      const s = step(sizes, 2);
      const edge = o.side === "below" ? Math.min(...sizes) : Math.max(...sizes);
      out.push({ action: "add_sizes", budget_flops: o.budget_flops, values: o.side === "below" ? [round(edge / s), round(edge / (s * s))] : [round(edge * s), round(edge * s * s)], why: `approach 3's optimum lies ${o.side} its sizes` });
    }
  }
  const judged = Object.values(verdicts);
  const wide = judged.some((d) => d.reasons.some((r) => /interval|resamples gave a law|budgets?: a law needs/.test(r)));
  if (wide || budgets.length < 4) {
    const s = step(budgets, 4);
    const top = budgets[budgets.length - 1] ?? 0;
    const count = Math.max(2, 4 - budgets.length);
    const values = Array.from({ length: count }, (_, i) => round(top * s ** (i + 1)));
    const decades = budgets.length > 1 ? Math.log10(top / (budgets[0] as number)) : 0;
    out.push({ action: "add_budgets", budget_flops: null, values, why: `${budgets.length} budget${budgets.length === 1 ? "" : "s"} spanning ${decades.toFixed(1)} decades of compute: a and N*(C) are measured over that range, and their intervals narrow about in proportion to it${budgets.length < 4 ? " (a backtest and L*'s floor need 4 budgets)" : ""}` });
  }
  if (!noise && wide) {
    out.push({ action: "add_seeds", budget_flops: null, values: [SUGGESTED_SEEDS], why: `no point was run twice, so the noise floor is unknown: ${SUGGESTED_SEEDS} seeds per point (planning.seeds) measure it and average it out of every parabola` });
  }
  return out;
}
