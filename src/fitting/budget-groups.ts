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
