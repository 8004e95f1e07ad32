/**
 * Groups runs into IsoFLOP budgets (the unit of Approaches 1 and 2). A run's budget_flops is
 * a *label*: the budget it was planned for, which names its IsoFLOP curve. Runs whose labels
 * differ by less than a relative tolerance share a budget, labelled by its smallest member's,
 * so a sweep's nominal budgets come back unchanged. What a budget's runs actually spent is
 * their compute (flops-per-token.ts), never the label.
 */
import { lnRunFlops, type ComputeModel } from "./flops-per-token.js";
import type { FitPoint } from "./types.js";

export interface BudgetGroup {
  /** The budget's label C in FLOPs (the planned budget). */
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

/** The compute of a set of runs on one IsoFLOP curve: the geometric mean of their FLOPs under the compute model. */
export function curveCompute(points: readonly FitPoint[], model: ComputeModel): number {
  if (points.length === 0) return NaN;
  return Math.exp(points.reduce((sum, p) => sum + lnRunFlops(model, p), 0) / points.length);
}

/** One budget derived from 6·N·D values: its value (the geometric mean), its size and spread (max/min − 1). */
export interface DerivedBudget {
  budget_flops: number;
  runs: number;
  spread: number;
}

/**
 * Budgets for runs whose budget is not given but derived as 6·N·D (a CSV without
 * budget_flops): rounded N and D scatter one IsoFLOP budget's 6·N·D by a few percent, so an
 * exact tolerance would make every run its own budget. Sorted values are split at their
 * widest gap (in log) until every group spans at most `tolerance` (max/min ≤ 1 + tolerance):
 * a group is held together by its own spread, never by a chain of close neighbours (runs each
 * 15% from the next can span ×4.6 in twelve steps). Each group's budget is its geometric mean.
 * Returns one budget per input value, in input order, and the groups in increasing order.
 */
export function clusterDerivedBudgets(values: readonly number[], tolerance: number): { budgets: number[]; groups: DerivedBudget[] } {
  const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const budgets = new Array<number>(values.length);
  const groups: DerivedBudget[] = [];
  const place = (members: number[]) => {
    const lo = values[members[0] as number] as number;
    const hi = values[members[members.length - 1] as number] as number;
    if (members.length > 1 && hi > lo * (1 + tolerance)) {
      let cut = 1;
      let widest = -Infinity;
      for (let m = 1; m < members.length; m++) {
        const gap = Math.log(values[members[m] as number] as number) - Math.log(values[members[m - 1] as number] as number);
        if (gap > widest) {
          widest = gap;
          cut = m;
        }
      }
      place(members.slice(0, cut));
      place(members.slice(cut));
      return;
    }
    const budget = members.length === 1 ? lo : Math.exp(members.reduce((sum, i) => sum + Math.log(values[i] as number), 0) / members.length);
    for (const i of members) budgets[i] = budget;
    groups.push({ budget_flops: budget, runs: members.length, spread: hi / lo - 1 });
  };
  if (order.length > 0) place(order);
  return { budgets, groups };
}
