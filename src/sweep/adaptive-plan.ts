/**
 * What `plan` (and `sweep`, before anything runs) says of an adaptive sweep (docs/adaptive.md):
 * the seed design is the plan, and beside it the target, the stopping rule, the candidate
 * budgets and the policy. A cap below what the seed design costs is refused at its config line.
 */
import { ConfigError, type LoadedConfig } from "../config/load.js";
import type { SweepConfig } from "../config/schema.js";
import { candidateBudgets } from "../planning/adaptive-design.js";
import { sci } from "../util/table.js";
import { policyText, stoppingRule } from "./adaptive-text.js";
import type { Experiment } from "./experiments.js";
import { plannedCost } from "./wsd-experiments.js";

export interface AdaptivePlan {
  target_budget: number;
  target_width: number | null;
  max_flops: number | null;
  /** Training FLOPs of the seed design (under WSD: its trunks and cooldowns). */
  seed_flops: number;
  candidate_budgets: number[];
  policy: string;
}

/** The adaptive part of `plan --json`; null for a grid. */
export function adaptivePlan(config: SweepConfig, seed: readonly Experiment[]): AdaptivePlan | null {
  const p = config.planning;
  if (p.strategy !== "adaptive" || p.target_budget === undefined) return null;
  return {
    target_budget: p.target_budget, target_width: p.target_width ?? null, max_flops: p.max_flops ?? null,
    seed_flops: plannedCost(seed).train_flops, candidate_budgets: candidateBudgets(p.budgets, p.target_budget), policy: policyText(config),
  };
}

/** The adaptive part of `plan`'s text. */
export function formatAdaptivePlan(plan: AdaptivePlan, config: SweepConfig): string {
  return [
    `adaptive sweep: the plan above is its seed design (${sci(plan.seed_flops)} training FLOPs); then one run at a time until ${stoppingRule(config.planning)}`,
    `  target: N*, D*, L* at ${sci(plan.target_budget)} FLOPs; candidate budgets: ${plan.candidate_budgets.map((b) => sci(b)).join(", ")}`,
    `  policy: ${plan.policy}`,
  ].join("\n");
}

/** Refuses (exit 2, at planning.max_flops) a cap the seed design alone would pass. */
export function assertSeedWithinCap(loaded: Pick<LoadedConfig, "config" | "file" | "locate">, seed: readonly Experiment[]): void {
  const cap = loaded.config.planning.max_flops;
  if (loaded.config.planning.strategy !== "adaptive" || cap === undefined) return;
  const cost = plannedCost(seed).train_flops;
  if (cost <= cap) return;
  const where = loaded.locate?.(["planning", "max_flops"]);
  throw new ConfigError(loaded.file, [{
    field: "planning.max_flops", ...(where ?? {}),
    message: `max_flops ${sci(cap)} is below what the seed design alone trains (${sci(cost)} FLOPs: ${seed.length} runs); raise max_flops or lower the smallest planning.budgets`,
  }]);
}
