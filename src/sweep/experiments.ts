/** From the plan to concrete experiments: resolved hyper-parameters and stable ids. */
import type { SweepConfig } from "../config/schema.js";
import type { PlannedExperiment } from "../planning/iso-flop.js";
import { resolveHyper } from "../planning/hyper.js";
import type { MockSurface, TrainingHyper } from "../protocol/messages.js";
import type { ResolvedPlugin } from "../plugins/registry.js";
import { epochsOf } from "../fit/epochs.js";
import type { LrRule } from "../planning/lr-calibration.js";
import { runId, type IdentitySource } from "./experiment-identity.js";
import { assignTrunks } from "./wsd-experiments.js";

export interface Experiment extends PlannedExperiment {
  experiment_id: string;
  /** Planned tokens, rounded to a whole number. */
  n_tokens: number;
  training: TrainingHyper;
  /** Passes over the training data this run will make (null when the data does not say its size). */
  epochs: number | null;
  /** The run's seed: the config's seed plus the repeat's index (planning.seeds). */
  seed: number;
  /** Under `training.schedule: wsd`: the trunk this point branches off, and where (planning/wsd.ts). */
  wsd?: ExperimentBranch;
}

export interface ExperimentBranch {
  trunk_id: string;
  /** The trunk step at which this point's cooldown starts, and the point's last step. */
  branch_step: number;
  total_steps: number;
  /** Tokens the trunk had trained at the branch step. */
  branch_tokens: number;
  tokens_per_step: number;
  /** The trunk's linear warmup, in steps. */
  warmup_steps: number;
}

export interface ExperimentContext {
  config: SweepConfig;
  plugin: ResolvedPlugin;
  tokensPerSample: number;
  threadsPerWorker: number;
  mock: MockSurface | null;
  /** Tokens in one pass over the training data (probe), for each run's epochs. */
  trainTokens?: number | null;
  /** The calibrated learning-rate rule of `training.lr: calibrate` (null: not calibrated yet). */
  lrRule?: LrRule | null;
}

/** What names the experiments of a context (experiment-identity.ts). */
export function identitySource(context: Pick<ExperimentContext, "config" | "plugin" | "mock">): IdentitySource {
  return { plugin: context.plugin, processes: context.config.scheduler.processes, mock: context.mock };
}

/**
 * The experiments of planned budgets: a SweepPlan's, or a refinement round's (planning/refine.ts),
 * each at every one of `seeds` (default: planning.seeds repeats from the config's seed).
 */
export function buildExperiments(plan: { budgets: ReadonlyArray<{ experiments: readonly PlannedExperiment[] }> }, context: ExperimentContext, seeds?: readonly number[]): Experiment[] {
  const { config } = context;
  const source = identitySource(context);
  seeds ??= [...Array(config.planning.seeds).keys()].map((i) => config.seed + i);
  const wsd = config.training.schedule === "wsd";
  // Under WSD the points of one size share a trunk, so they share the hyper-parameters of
  // its shortest point (batch size `auto` scales with tokens: the shortest keeps its steps).
  const shortestTokens = new Map<number, number>();
  for (const budget of plan.budgets) {
    for (const planned of budget.experiments) {
      const tokens = Math.round(planned.n_tokens);
      shortestTokens.set(planned.size_value, Math.min(shortestTokens.get(planned.size_value) ?? Infinity, tokens));
    }
  }
  const built = plan.budgets.flatMap((budget) =>
    budget.experiments.flatMap((planned) => seeds.map((seed) => {
      const nTokens = Math.round(planned.n_tokens);
      const resolved = resolveHyper(config.training, {
        nParams: planned.n_params_total,
        nTokens: wsd ? shortestTokens.get(planned.size_value)! : nTokens,
        tokensPerSample: context.tokensPerSample,
        threads: context.threadsPerWorker,
        lrRule: context.lrRule ?? null,
      });
      const training = wsd ? { ...resolved, schedule: "wsd" as const, cooldown_fraction: config.training.cooldown_fraction } : resolved;
      const id = runId(source, { size_value: planned.size_value, budget_flops: planned.budget_flops, n_tokens: nTokens, training, seed });
      return { ...planned, n_tokens: nTokens, experiment_id: id, training, epochs: epochsOf(nTokens, context.trainTokens ?? null), seed };
    })),
  );
  return wsd ? assignTrunks(built, source, context.tokensPerSample) : built;
}
