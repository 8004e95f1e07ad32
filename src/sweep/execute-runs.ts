/**
 * The sweep's "execute" stage: every planned experiment not already completed, on the
 * executor, until each has its final record, one task per attempt (run-experiments.ts), or,
 * under `training.schedule: wsd`, as trunks whose branches become tasks as their checkpoints
 * appear (run-trunks.ts). Largest budgets first: the long runs start early, so the sweep ends
 * sooner. plan.json is written before any run starts (and again only when a later stage adds
 * experiments: a refinement round).
 */
import type { Experiment } from "./experiments.js";
import { runExperiments } from "./run-experiments.js";
import { runTrunks } from "./run-trunks.js";
import { completedBefore, type Stage, type SweepRun, type SweepState } from "./sweep-run.js";

/** plan.json: the plan, its experiments (an adaptive sweep's decided runs after its seed design) and the refinements so far. */
export function recordPlan(run: SweepRun, state: SweepState): void {
  const refinements = state.refinements.map(({ experiments: _experiments, ...refinement }) => refinement);
  run.runDir.write("plan", { ...state.plan, experiments: [...state.experiments, ...(state.adaptive ?? [])], refinements });
}

/**
 * Runs `experiments` (the plan's pending ones, a refinement's, an adaptive decision) to their
 * final records. `keepCheckpoints`: WSD trunks keep their checkpoints once their branches are
 * done (an adaptive sweep may branch off them again).
 */
export async function executeRuns(run: SweepRun, experiments: Experiment[], options: { keepCheckpoints?: boolean } = {}): Promise<void> {
  if (experiments.length === 0) return;
  if (run.config.training.schedule === "wsd") await runTrunks(run, experiments, options);
  else await runExperiments(run, experiments);
}

export const execute: Stage = async (run, state) => {
  recordPlan(run, state);
  const done = completedBefore(run);
  const pending = state.experiments.filter((e) => !done.has(e.experiment_id)).sort((a, b) => b.budget_flops - a.budget_flops || b.n_params - a.n_params);
  run.events.emit({ type: "planned", plan: state.plan, experiments: state.experiments, pending, resources: run.resources });
  await executeRuns(run, pending, { keepCheckpoints: run.config.planning.strategy === "adaptive" });
  return state;
};
