/**
 * adaptive.json: what an adaptive sweep (sweep/adaptive-stage.ts, docs/adaptive.md) decided and
 * why, rewritten whole after every fit and every decision. `fits` is the interval of
 * N*(target) (and L*) run by run against the FLOPs spent, which the report draws; every
 * decision names the fit it was made from, its run and the reason (the expected reduction of
 * each half-width, the cost); `stop` says why the sweep stopped deciding and, when the answer
 * is still undetermined, what it would run next. A resumed sweep reads the decisions back and
 * runs those that have no completed record before deciding anything new.
 */
import { z } from "zod";

/** A 95% interval of a positive quantity, its estimate, and its half-width in ln. */
const LnInterval = z.object({ estimate: z.number(), lo: z.number(), hi: z.number(), half_width: z.number() });

/** One fit of approach 3 on the runs completed so far. */
export const AdaptiveFitSchema = z.object({
  /** Completed runs of the sweep's definition the fit used, and the training FLOPs spent by then. */
  runs: z.number(),
  flops_spent: z.number(),
  /** Bootstrap resamples of the fit: 100, or 1000 for one that confirms a stop. */
  resamples: z.number(),
  /** The intervals are the bootstrap's widened by this small-sample factor, sqrt(runs / (runs − 5)) (fitting/target-fit.ts). */
  widened_by: z.number(),
  /** N*(target) and L*(target) with their bootstrap intervals; null when approach 3 gave no law. */
  n_opt: LnInterval.nullable(),
  loss_opt: LnInterval.nullable(),
  /** Whether approach 3 passed the determination test (fitting/determination.ts), and why not. */
  determined: z.boolean(),
  reasons: z.array(z.string()),
});

/** The expected effect of a run on the half-widths (nats of ln N*, ln L*), as the policy scored it. */
const ExpectedSchema = z.object({
  n_opt_reduction: z.number(),
  loss_opt_reduction: z.number().nullable(),
  cost_flops: z.number(),
  value_per_flop: z.number(),
});

/** A run the policy chose: which, of what kind, why, and from which fit. */
export const AdaptiveDecisionSchema = z.object({
  experiment_id: z.string(),
  budget_flops: z.number(),
  size_value: z.number(),
  n_params: z.number(),
  n_tokens: z.number(),
  seed: z.number(),
  /** A new (budget, size) cell, another seed of a cell already run, or a WSD branch off an existing trunk. */
  kind: z.enum(["cell", "seed", "branch"]),
  /** The WSD trunk it branches off (kind "branch", or any point of a WSD sweep). */
  trunk_id: z.string().optional(),
  expected: ExpectedSchema,
  /** Where the policy scored it: at the fit's plausible surfaces, or at the prior surface when none was plausible (docs/adaptive.md). */
  scored_at: z.enum(["fit", "prior"]),
  /** Index into `fits` of the fit the decision was made from. */
  fit: z.number(),
  decided_at: z.string(),
});

/** Why the sweep stopped deciding. */
export const AdaptiveStopSchema = z.object({
  reason: z.enum(["target_width", "max_flops", "no_candidate", "run_limit"]),
  /** The stop in words (also printed at the end of the sweep). */
  text: z.string(),
  determined: z.boolean(),
  /** What the sweep would run next (undetermined, or stopped by the cap), with its expected effect. */
  next: z.object({ budget_flops: z.number(), size_value: z.number(), n_params: z.number(), kind: z.enum(["cell", "seed", "branch"]), expected: ExpectedSchema }).nullable(),
});

export const AdaptiveFileSchema = z.object({
  target_budget: z.number(),
  target_width: z.number().nullable(),
  max_flops: z.number().nullable(),
  /** The policy in words (plan and the report show it). */
  policy: z.string(),
  /** The seed design's experiments (run by the execute stage before the first decision). */
  seed_experiment_ids: z.array(z.string()),
  fits: z.array(AdaptiveFitSchema),
  decisions: z.array(AdaptiveDecisionSchema),
  stop: AdaptiveStopSchema.nullable(),
});

export type AdaptiveFile = z.infer<typeof AdaptiveFileSchema>;
export type AdaptiveFitRecord = z.infer<typeof AdaptiveFitSchema>;
export type AdaptiveDecision = z.infer<typeof AdaptiveDecisionSchema>;
export type AdaptiveStop = z.infer<typeof AdaptiveStopSchema>;
export type AdaptiveExpected = z.infer<typeof ExpectedSchema>;
