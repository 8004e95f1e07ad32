/**
 * The backtest's result (fitting/backtest.ts), defined once as a zod schema: fit.json's
 * `backtest` field is validated by it and the TypeScript types are inferred from it.
 */
import { z } from "zod";

const Quantity = z.enum(["loss", "n_opt", "loss_opt"]);
const BacktestApproach = z.union([z.literal(1), z.literal(2), z.literal(3)]);

export const BacktestPredictionSchema = z.object({
  approach: BacktestApproach,
  /** "loss": one held-out run's loss; "n_opt", "loss_opt": the held-out budget's optimum N*, L*. */
  quantity: Quantity,
  budget_flops: z.number(),
  /** The run ("loss" rows). */
  experiment_id: z.string().optional(),
  n_params: z.number().optional(),
  n_tokens: z.number().optional(),
  predicted: z.number(),
  /** Prediction interval at `confidence` for the observed value; null when too few resamples gave one. */
  interval: z.object({ lo: z.number(), hi: z.number() }).nullable(),
  /** Resamples the interval was drawn from (those whose refit gave a law); absent before fitter 3. */
  draws: z.number().optional(),
  /** The run's loss, or the held-out budget's own IsoFLOP vertex; null when its parabola was refused (see note). */
  observed: z.number().nullable(),
  /** |predicted − observed| / observed. */
  are: z.number().nullable(),
  covered: z.boolean().nullable(),
  note: z.string().optional(),
});

export const BacktestSchema = z.object({
  holdout: z.number(),
  /** The budgets fitted, and the K largest held out, ascending. */
  fitted_budgets: z.array(z.number()),
  held_out_budgets: z.array(z.number()),
  confidence: z.number(),
  resamples: z.number(),
  seed: z.number(),
  /**
   * The approach that answers the fit this backtest belongs to (its `preferred_approach`), whose
   * errors `mean_are` and `mean_are_n_opt` are; null when none answers. (In fit.json files before
   * fitter 3: the approach that answered on the fitted budgets alone.)
   */
  preferred_approach: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
  predictions: z.array(BacktestPredictionSchema),
  /**
   * Mean ARE of the answer's loss predictions: every held-out run's loss and L* from the
   * approach that answers (`preferred_approach`); null when it has none. `summary` has every approach's.
   */
  mean_are: z.number().nullable(),
  /** Mean ARE of N* from the approach that answers; null when none. */
  mean_are_n_opt: z.number().nullable(),
  /** Per approach and quantity: how many predictions, their mean ARE and how many intervals covered. */
  summary: z.array(z.object({
    approach: BacktestApproach,
    quantity: Quantity,
    count: z.number(),
    mean_are: z.number().nullable(),
    covered: z.number(),
    with_interval: z.number(),
  })),
  /**
   * Per approach: the mean ARE of its N* and of its L* over the held-out budgets, and `score`
   * their sum, by which the answering approach is chosen (answer.ts). Absent before fitter 3.
   */
  scores: z.array(z.object({
    approach: BacktestApproach,
    n_opt_are: z.number().nullable(),
    loss_opt_are: z.number().nullable(),
    score: z.number().nullable(),
  })).optional(),
  warnings: z.array(z.string()),
});

export type BacktestPrediction = z.infer<typeof BacktestPredictionSchema>;
export type Backtest = z.infer<typeof BacktestSchema>;
