/**
 * Under `training.schedule: wsd`, gives every experiment its trunk and branch point
 * (planning/wsd.ts) and groups experiments into trunks for the dispatcher (run-trunks.ts).
 *
 * Points that would train the same model on the same data the same way (their training
 * settings, schedule and cooldown fraction included) share a trunk; trunk and branch ids:
 * experiment-identity.ts.
 */
import { branchStep, stepsFor, trunkWarmupSteps, wsdCost, type SweepCost } from "../planning/wsd.js";
import { branchId, trainingKey, trunkId, type IdentitySource } from "./experiment-identity.js";
import type { Experiment } from "./experiments.js";

/** One trunk: its id, and the points that branch off it (in branch-step order). */
export interface Trunk {
  trunk_id: string;
  size_value: number;
  seed: number;
  /** Steps the trunk trains: its last branch point. */
  steps: number;
  branches: Experiment[];
}

/** The experiments with `wsd` set (trunk id, branch step, warmup) and ids that include their trunk. */
export function assignTrunks(experiments: Experiment[], source: IdentitySource, tokensPerSample: number): Experiment[] {
  const groups = new Map<string, Experiment[]>();
  for (const experiment of experiments) {
    const key = trainingKey(source, experiment);
    groups.set(key, [...(groups.get(key) ?? []), experiment]);
  }
  const out = new Map<Experiment, Experiment>();
  for (const [key, members] of groups) {
    const tokensPerStep = members[0]!.training.batch_size * tokensPerSample;
    const totals = members.map((e) => stepsFor(e.n_tokens, tokensPerStep));
    const warmup = trunkWarmupSteps(totals, members[0]!.training.warmup_fraction);
    const trunk = trunkId(key, warmup);
    members.forEach((experiment, i) => {
      const total = totals[i]!;
      const branch = branchStep(total, experiment.training.cooldown_fraction ?? 0.2);
      out.set(experiment, {
        ...experiment,
        experiment_id: branchId(experiment.experiment_id, trunk),
        wsd: { trunk_id: trunk, branch_step: branch, total_steps: total, branch_tokens: branch * tokensPerStep, tokens_per_step: tokensPerStep, warmup_steps: warmup },
      });
    });
  }
  return experiments.map((e) => out.get(e)!);
}

/** The trunks of experiments that carry `wsd` (assignTrunks), largest first. */
export function trunksOf(experiments: readonly Experiment[]): Trunk[] {
  const byId = new Map<string, Trunk>();
  for (const experiment of experiments) {
    if (!experiment.wsd) continue;
    const trunk = byId.get(experiment.wsd.trunk_id) ?? { trunk_id: experiment.wsd.trunk_id, size_value: experiment.size_value, seed: experiment.seed, steps: 0, branches: [] };
    trunk.branches.push(experiment);
    trunk.steps = Math.max(trunk.steps, experiment.wsd.branch_step);
    byId.set(trunk.trunk_id, trunk);
  }
  const trunks = [...byId.values()];
  for (const trunk of trunks) trunk.branches.sort((a, b) => a.wsd!.branch_step - b.wsd!.branch_step || a.experiment_id.localeCompare(b.experiment_id));
  return trunks.sort((a, b) => flopsPerStep(b.branches[0]!) * b.steps - flopsPerStep(a.branches[0]!) * a.steps);
}

function flopsPerStep(experiment: Experiment): number {
  return experiment.flops_per_token * experiment.wsd!.tokens_per_step;
}

/** The trunks for `plan --json`: id, size, steps and each branch's experiment, budget and steps. */
export function trunkSummaries(experiments: readonly Experiment[]) {
  return trunksOf(experiments).map((trunk) => ({
    trunk_id: trunk.trunk_id, size_value: trunk.size_value, seed: trunk.seed, steps: trunk.steps,
    tokens: trunk.steps * trunk.branches[0]!.wsd!.tokens_per_step,
    branches: trunk.branches.map((b) => ({ experiment_id: b.experiment_id, budget_flops: b.budget_flops, branch_step: b.wsd!.branch_step, total_steps: b.wsd!.total_steps, branch_tokens: b.wsd!.branch_tokens })),
  }));
}

/** The planned cost of experiments: under WSD trunks plus cooldowns; a cosine sweep pays every point in full. */
export function plannedCost(experiments: readonly Experiment[]): SweepCost {
  const cosineOnly = experiments.filter((e) => !e.wsd);
  const cosine = cosineOnly.reduce((sum, e) => sum + e.flops_per_token * e.n_tokens, 0);
  const wsd = wsdCost(trunksOf(experiments).map((trunk) => ({
    flops_per_step: flopsPerStep(trunk.branches[0]!),
    branches: trunk.branches.map((b) => ({ total_steps: b.wsd!.total_steps, branch_step: b.wsd!.branch_step })),
  })));
  return { train_flops: cosine + wsd.train_flops, cosine_equivalent_flops: cosine + wsd.cosine_equivalent_flops };
}
