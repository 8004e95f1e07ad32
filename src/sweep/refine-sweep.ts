/**
 * After the planned runs: extend the grid of every budget whose lowest loss sat at an end
 * of its sampled sizes (planning/refine.ts), run the new sizes, and repeat up to `rounds`
 * times. Everything recorded counts, so a resumed sweep re-derives the same refinements
 * and skips what already completed.
 */
import type { PlanOptions, SizeProbe } from "../planning/iso-flop.js";
import { planRefinements, type BudgetOutcome, type Refinement } from "../planning/refine.js";
import type { RunSummary } from "./run-experiments.js";
import type { ResultRecord } from "../store/record.js";
import { buildExperiments, type Experiment, type ExperimentContext } from "./experiments.js";
import type { ProbeOutcome } from "./probe.js";

export interface RefineInput {
  rounds: number;
  records: ResultRecord[];
  probe: ProbeOutcome;
  planOptions: PlanOptions;
  context: ExperimentContext;
  /** Measures FLOPs per token for new sizes (under `flops: measured`). */
  measure(sizes: number[]): Promise<ProbeOutcome>;
  run(extra: Experiment[]): Promise<RunSummary>;
  completedIds: Set<string>;
  /** The planned experiments: refinement rounds build on their results only (and on earlier rounds'). */
  plannedIds: string[];
  onNote(note: string): void;
  aborted(): boolean;
}

export interface RefineOutput {
  refinements: Array<{ budget_flops: number; side: string; note: string; experiment_ids: string[] }>;
  summaries: RunSummary[];
  skipped: number;
}

function outcomes(records: ResultRecord[], known: Set<string>, convention: PlanOptions["paramConvention"], budgets: number[]): BudgetOutcome[] {
  const byBudget = new Map<number, BudgetOutcome>(budgets.map((b) => [b, { budget_flops: b, runs: [] }]));
  const seen = new Set<string>();
  for (const record of records) {
    if (record.status !== "completed" || record.loss === null || seen.has(record.experiment_id) || !known.has(record.experiment_id)) continue;
    const n = convention === "total" ? record.n_params : record.n_params_non_embedding;
    const outcome = byBudget.get(record.budget_flops);
    if (!outcome || n === null || !(n > 0)) continue;
    seen.add(record.experiment_id);
    outcome.runs.push({ size_value: record.size_value, n_params: n, loss: record.loss });
  }
  return [...byBudget.values()];
}

export async function refineSweep(input: RefineInput): Promise<RefineOutput> {
  const output: RefineOutput = { refinements: [], summaries: [], skipped: 0 };
  let probes: SizeProbe[] = input.probe.sizes;
  const records = [...input.records];
  // Only the plan and earlier rounds decide a round, so a resumed sweep derives the very
  // same refinements (and skips them) instead of extending the grid again.
  const known = new Set(input.plannedIds);
  const observed = () => outcomes(records, known, input.planOptions.paramConvention, input.planOptions.budgets);
  for (let round = 0; round < input.rounds && !input.aborted(); round++) {
    let refinements: Refinement[] = planRefinements(observed(), probes, input.planOptions);
    const newSizes = [...new Set(refinements.flatMap((r) => r.experiments.map((e) => e.size_value)))];
    if (newSizes.length === 0) {
      for (const r of refinements) input.onNote(r.note);
      break;
    }
    if (input.planOptions.flops === "measured") {
      const measured = new Map((await input.measure(newSizes)).sizes.map((s) => [s.size_value, s]));
      probes = probes.map((p) => measured.get(p.size_value) ?? p);
      refinements = planRefinements(observed(), probes, input.planOptions);
    }
    const extra = buildExperiments({ budgets: refinements }, input.context);
    for (const e of extra) known.add(e.experiment_id);
    for (const r of refinements) {
      input.onNote(r.note);
      output.refinements.push({ budget_flops: r.budget_flops, side: r.side, note: r.note, experiment_ids: extra.filter((e) => e.budget_flops === r.budget_flops).map((e) => e.experiment_id) });
    }
    const pending = extra.filter((e) => !input.completedIds.has(e.experiment_id));
    output.skipped += extra.length - pending.length;
    if (pending.length > 0) {
      const summary = await input.run(pending);
      output.summaries.push(summary);
      records.push(...summary.records);
    }
  }
  return output;
}
