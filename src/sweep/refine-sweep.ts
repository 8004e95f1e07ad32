/**
 * The refinement stage, after the planned runs: extend the grid of every budget whose lowest
 * loss sat at an end of its sampled sizes (planning/refine.ts), run the new sizes, and repeat
 * up to `planning.refine_rounds` times. Only the plan and earlier rounds decide a round, and
 * everything recorded counts, so a resumed sweep re-derives the same refinements and skips
 * what already completed. An adaptive sweep has no refinement rounds: its own stage places its runs.
 */
import type { PlanOptions, SizeProbe } from "../planning/iso-flop.js";
import { planRefinements, type BudgetOutcome, type Refinement } from "../planning/refine.js";
import type { ResultRecord } from "../store/record.js";
import { executeRuns, recordPlan } from "./execute-runs.js";
import { buildExperiments } from "./experiments.js";
import { experimentContext, planSource, runProbe } from "./plan-stage.js";
import { completedBefore, type Stage } from "./sweep-run.js";

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

export const refine: Stage = async (run, state) => {
  // An adaptive sweep places its runs itself (adaptive-stage.ts): an edge minimum is one of the things it weighs.
  if (run.config.planning.strategy === "adaptive") return state;
  const { planOptions } = state;
  const done = completedBefore(run);
  const context = experimentContext(planSource(run), state.probe, state.lrRule);
  let probes: SizeProbe[] = state.probe.sizes;
  let refined = state;
  // Only the plan and earlier rounds decide a round, so a resumed sweep derives the very
  // same refinements (and skips them) instead of extending the grid again.
  const known = new Set(state.experiments.map((e) => e.experiment_id));
  const observed = () => outcomes(run.journals.results.all, known, planOptions.paramConvention, planOptions.budgets);
  for (let round = 0; round < run.config.planning.refine_rounds && !run.signal.aborted; round++) {
    let refinements: Refinement[] = planRefinements(observed(), probes, planOptions);
    const newSizes = [...new Set(refinements.flatMap((r) => r.experiments.map((e) => e.size_value)))];
    if (newSizes.length === 0) {
      for (const r of refinements) run.events.note(r.note);
      break;
    }
    if (planOptions.flops === "measured") {
      const measured = new Map((await runProbe(run)(newSizes, true)).sizes.map((s) => [s.size_value, s]));
      probes = probes.map((p) => measured.get(p.size_value) ?? p);
      refinements = planRefinements(observed(), probes, planOptions);
    }
    const extra = buildExperiments({ budgets: refinements }, context);
    for (const e of extra) known.add(e.experiment_id);
    const added = refinements.map((r) => {
      run.events.note(r.note);
      const experiments = extra.filter((e) => e.budget_flops === r.budget_flops);
      return { budget_flops: r.budget_flops, side: r.side, note: r.note, experiment_ids: experiments.map((e) => e.experiment_id), experiments };
    });
    refined = { ...refined, refinements: [...refined.refinements, ...added] };
    const pending = extra.filter((e) => !done.has(e.experiment_id));
    if (pending.length > 0) {
      recordPlan(run, refined);
      run.events.emit({ type: "extended", experiments: pending });
      await executeRuns(run, pending);
    }
  }
  if (refined !== state) recordPlan(run, refined);
  return refined;
};
