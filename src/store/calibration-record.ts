/**
 * calibration.json: the learning-rate rule η*(N) = c·N^−k a `training.lr: calibrate` sweep
 * fitted (sweep/calibration-stage.ts, planning/lr-calibration.ts), with what it was fitted on.
 * Every later sweep of the same definition reuses it, so its learning rates, and so its
 * experiment ids, never change under resume; the report draws it.
 */
import { z } from "zod";

const LrRuleSchema = z.object({ c: z.number(), k: z.number() });

export const CalibrationRecordSchema = z.object({
  /** The sweep definition calibrated (store/sweep-definition.ts). */
  fingerprint: z.string(),
  /** The fitted rule η*(N) = c·N^−k, at the top level and as `rule`. */
  c: z.number().optional(),
  k: z.number().optional(),
  rule: LrRuleSchema,
  /** The built-in rule (lr_reference, lr_exponent) as c·N^−k, for comparison. */
  built_in_rule: LrRuleSchema,
  /** The mock surface's true rule under --mock with lr_optimum, else null. */
  true_rule: LrRuleSchema.nullable(),
  budget_flops: z.number(),
  /** The calibration settings with their defaults (planning/lr-calibration.ts calibrationSettings). */
  settings: z.object({ sizes: z.number(), lrs: z.number(), lr_step: z.number(), extend_rounds: z.number(), budget: z.number().optional() }),
  /** Each size's best learning rate (planning/lr-calibration.ts SizeOptimum). */
  optima: z.array(z.object({
    size_value: z.number(), n_params: z.number(), lr_opt: z.number(), best_loss: z.number(), best_lr: z.number(),
    position: z.enum(["inside", "low_end", "high_end"]),
  })),
  rms_log_residual: z.number(),
  warnings: z.array(z.string()),
  runs: z.array(z.object({ experiment_id: z.string(), size_value: z.number(), n_params: z.number(), lr: z.number(), loss: z.number().nullable(), status: z.string() })),
  /** Compute of the calibration runs, and that of the sweep's planned runs (all seeds). */
  flops: z.number(),
  sweep_flops: z.number(),
  /**
   * Seconds the stage took in the invocation that finished it (workers' start included), and
   * the runs' own seconds (every run, also those an interrupted earlier stage completed).
   */
  wall_s: z.number(),
  runs_wall_s: z.number().optional(),
  /** Runs completed by an earlier, interrupted stage and reused. */
  reused_runs: z.number().optional(),
  calibrated_at: z.string(),
});

export type CalibrationRecord = z.infer<typeof CalibrationRecordSchema>;
