/**
 * Grid refinement (pure): when a budget's lowest loss sits at the smallest or largest size
 * it sampled, its IsoFLOP parabola cannot locate the minimum (Approach 2 refuses or flags
 * it), so the sweep extends that budget's grid on that side (docs/methods.md §5.1) with sizes
 * spaced like the budget's own grid.
 */
import { paramsUnder, plannedExperiment, priorOptimalParams, type PlanOptions, type PlannedExperiment, type SizeProbe } from "./iso-flop.js";

/** What a budget's completed runs showed. */
export interface BudgetOutcome {
  budget_flops: number;
  runs: Array<{ size_value: number; n_params: number; loss: number }>;
}

export interface Refinement {
  budget_flops: number;
  side: "smaller" | "larger";
  experiments: PlannedExperiment[];
  note: string;
}

/** Sizes to add per refined budget. */
const EXTRA_SIZES = 2;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function planRefinements(outcomes: BudgetOutcome[], probes: SizeProbe[], options: PlanOptions): Refinement[] {
  const refinements: Refinement[] = [];
  const candidates = probes.map((probe) => ({ probe, n: paramsUnder(options.paramConvention, probe) })).filter((c) => c.n > 0).sort((a, b) => a.n - b.n);
  for (const outcome of outcomes) {
    const runs = [...outcome.runs].sort((a, b) => a.n_params - b.n_params);
    if (runs.length < 2) continue;
    const best = runs.reduce((min, run) => (run.loss < min.loss ? run : min));
    const side = best === runs[0] ? "smaller" : best === runs[runs.length - 1] ? "larger" : null;
    if (!side) continue;
    // The budget's own spacing in log N, so the extension continues its grid.
    const steps = runs.slice(1).map((run, i) => Math.log(run.n_params / runs[i]!.n_params)).filter((step) => step > 0);
    const step = steps.length ? median(steps) : Math.log(2);
    const edge = side === "larger" ? runs[runs.length - 1]!.n_params : runs[0]!.n_params;
    const sampled = new Set(runs.map((run) => run.size_value));
    const chosen = new Set<number>();
    for (let k = 1; k <= EXTRA_SIZES; k++) {
      const target = Math.log(edge) + (side === "larger" ? k : -k) * step;
      const beyond = candidates.filter((c) => !sampled.has(c.probe.size_value) && !chosen.has(c.probe.size_value) && (side === "larger" ? c.n > edge : c.n < edge));
      if (beyond.length === 0) break;
      const nearest = beyond.reduce((a, b) => (Math.abs(Math.log(a.n) - target) <= Math.abs(Math.log(b.n) - target) ? a : b));
      chosen.add(nearest.probe.size_value);
    }
    const prior = priorOptimalParams(outcome.budget_flops, options.tokensPerParam);
    const experiments = candidates.filter((c) => chosen.has(c.probe.size_value)).map((c) => plannedExperiment(outcome.budget_flops, c.probe, options, prior));
    const label = outcome.budget_flops.toExponential(2);
    const note = experiments.length
      ? `budget ${label}: lowest loss at the ${side === "larger" ? "largest" : "smallest"} size sampled; adding ${experiments.length} ${side} size${experiments.length === 1 ? "" : "s"} (${experiments.map((e) => e.size_value).join(", ")})`
      : `budget ${label}: lowest loss at the ${side === "larger" ? "largest" : "smallest"} size sampled, but no ${side} size was probed; widen planning.size_values`;
    refinements.push({ budget_flops: outcome.budget_flops, side, experiments, note });
  }
  return refinements;
}
