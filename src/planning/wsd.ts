/**
 * Warmup–stable–decay planning (pure): which points share a trunk, where each branches off,
 * and what the sweep costs against a cosine sweep of the same points (docs/training.md, "WSD").
 *
 * A cosine run is only valid at its own horizon, so a cosine sweep pays the full D of every
 * point. Under WSD, points that share a model (same size, seed and training settings) share
 * one trunk at a constant LR; point i leaves it at step S_i = T_i − cooldown_i and cools down
 * to its own last step T_i (Hägele et al. 2024, arXiv:2405.18392; Hu et al. 2024, MiniCPM,
 * arXiv:2404.06395 §4). The trunk runs to the largest S_i. Steps, not tokens, are the unit:
 * trunk and branches take the same batches, so a branch continues the trunk's data order.
 */

/** Optimiser steps of a run of `nTokens` tokens (the worker trains ceil(D / tokens per step)). */
export function stepsFor(nTokens: number, tokensPerStep: number): number {
  return Math.max(1, Math.ceil(nTokens / tokensPerStep));
}

/** Steps of a point's cooldown: round(f · T), at least 1 and leaving at least 1 step on the trunk. */
export function cooldownSteps(totalSteps: number, cooldownFraction: number): number {
  if (totalSteps < 2) return 0;
  return Math.min(totalSteps - 1, Math.max(1, Math.round(cooldownFraction * totalSteps)));
}

/** The trunk step a point branches at: T − cooldown. */
export function branchStep(totalSteps: number, cooldownFraction: number): number {
  return totalSteps - cooldownSteps(totalSteps, cooldownFraction);
}

/** Warmup steps of a trunk: the warmup fraction of its shortest point, so every branch has warmed up as a cosine run of its length would. */
export function trunkWarmupSteps(totalSteps: readonly number[], warmupFraction: number): number {
  return Math.floor(warmupFraction * Math.min(...totalSteps));
}

export interface BranchCost {
  total_steps: number;
  branch_step: number;
}

export interface TrunkCost {
  /** Training FLOPs of one step of this model (FLOPs per token · tokens per step). */
  flops_per_step: number;
  branches: readonly BranchCost[];
}

/** What a sweep spends on training, and what a cosine sweep of the same points would. */
export interface SweepCost {
  train_flops: number;
  cosine_equivalent_flops: number;
}

/** The planned cost of trunks: each trunk to its last branch point, plus every cooldown. */
export function wsdCost(trunks: readonly TrunkCost[]): SweepCost {
  let train = 0;
  let cosine = 0;
  for (const trunk of trunks) {
    const trunkSteps = Math.max(0, ...trunk.branches.map((b) => b.branch_step));
    const cooldowns = trunk.branches.reduce((sum, b) => sum + (b.total_steps - b.branch_step), 0);
    train += trunk.flops_per_step * (trunkSteps + cooldowns);
    cosine += trunk.flops_per_step * trunk.branches.reduce((sum, b) => sum + b.total_steps, 0);
  }
  return { train_flops: train, cosine_equivalent_flops: cosine };
}

/**
 * Sizes on one geometric ladder for every budget, so that budgets share sizes (and trunks).
 * Budget k's `count` sizes are the ladder's rungs nearest its prior optimum, spaced
 * span^(2/(count−1)) apart as a budget's own grid would be; the ladder is anchored at the
 * geometric mean of the priors. Each rung is the candidate nearest to it in log N, so the
 * same rung gives the same size at every budget. Returns, per budget, indices into `candidatesN`.
 */
export function sharedLadderPicks(candidatesN: readonly number[], priors: readonly number[], span: number, count: number): number[][] {
  if (candidatesN.length === 0 || priors.length === 0) return priors.map(() => []);
  const step = count > 1 ? (2 * Math.log(span)) / (count - 1) : 1;
  const anchor = priors.reduce((sum, p) => sum + Math.log(p), 0) / priors.length;
  const logs = candidatesN.map((n) => Math.log(n));
  return priors.map((prior) => {
    const centre = Math.round((Math.log(prior) - anchor) / step);
    const chosen = new Set<number>();
    for (let j = 0; j < count; j++) {
      const target = anchor + (centre + j - (count - 1) / 2) * step;
      let best = -1;
      logs.forEach((value, index) => {
        if (chosen.has(index)) return;
        if (best < 0 || Math.abs(value - target) < Math.abs(logs[best]! - target)) best = index;
      });
      if (best >= 0) chosen.add(best);
    }
    return [...chosen].sort((a, b) => a - b);
  });
}
