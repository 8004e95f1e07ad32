/**
 * Groups runs into IsoFLOP budgets (the unit of Approaches 1 and 2). Runs whose
 * budget_flops differ by less than a relative tolerance share a budget; the budget's value
 * is its smallest member's, so a sweep's nominal budgets come back unchanged.
 */
import type { FitPoint } from "./types.js";

export interface BudgetGroup {
  /** C in FLOPs. */
  budget_flops: number;
  /** The group's runs, sorted by n_params. */
  points: FitPoint[];
}

/** Budgets in increasing order. */
export function groupByBudget(points: readonly FitPoint[], relativeTolerance: number): BudgetGroup[] {
  const sorted = [...points].sort((p, q) => p.budget_flops - q.budget_flops);
  const groups: BudgetGroup[] = [];
  let current: BudgetGroup | null = null;
  for (const point of sorted) {
    if (current && point.budget_flops <= current.budget_flops * (1 + relativeTolerance)) {
      current.points.push(point);
    } else {
      current = { budget_flops: point.budget_flops, points: [point] };
      groups.push(current);
    }
  }
  for (const group of groups) group.points.sort((p, q) => p.n_params - q.n_params);
  return groups;
}

/**
 * Budgets for runs whose budget is not given but derived as 6·N·D (a CSV without
 * budget_flops): rounded N and D scatter the runs of one IsoFLOP budget by a few percent,
 * so an exact tolerance would make every run its own budget. Sorted by value, runs whose
 * derived budget is within `relativeGap` of the previous run's share a budget, whose value
 * is the group's geometric mean. Returns one budget per input value, in input order.
 */
export function clusterDerivedBudgets(values: readonly number[], relativeGap: number): number[] {
  const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const result = new Array<number>(values.length);
  let group: number[] = [];
  const close = () => {
    if (group.length === 0) return;
    if (group.length === 1) {
      result[group[0] as number] = values[group[0] as number] as number;
      group = [];
      return;
    }
    const meanLog = group.reduce((sum, i) => sum + Math.log(values[i] as number), 0) / group.length;
    for (const i of group) result[i] = Math.exp(meanLog);
    group = [];
  };
  for (const i of order) {
    const previous = group[group.length - 1];
    if (previous !== undefined && !((values[i] as number) <= (values[previous] as number) * (1 + relativeGap))) close();
    group.push(i);
  }
  close();
  return result;
}
