/**
 * What the fitting engine returns, defined once as zod schemas: the TypeScript types of
 * types.ts are inferred from them, and fit.json is parsed with them (src/store/fit-json.ts),
 * so the object fitScalingLaws builds, the file on disk and what the report draws are one
 * type. Every number is finite or null (json-safe.ts), so the object survives JSON.
 *
 * Units: n_params (N) in parameters, n_tokens (D) in tokens, budget_flops (C) in FLOPs,
 * loss in nats per token (whatever the held-out loss is measured in).
 */
import { z } from "zod";
import { BacktestSchema } from "./backtest-schema.js";

const Status = z.enum(["fitted", "no_law"]);
const Warnings = z.array(z.string());

/** y = coefficient · C^exponent, C in FLOPs. */
export const PowerLawSchema = z.object({ coefficient: z.number(), exponent: z.number() });

/** A bootstrap interval: percentiles at the confidence level, and the bootstrap standard error. */
export const IntervalSchema = z.object({ lo: z.number(), hi: z.number(), se: z.number() });

/** Bootstrap intervals by quantity (`a`, `alpha`, `E`, …). */
const Intervals = z.record(z.string(), IntervalSchema);

/** A run left out of the fit, and why. */
export const ExclusionSchema = z.object({
  experiment_id: z.string().optional(),
  n_params: z.number().nullable(),
  n_tokens: z.number().nullable(),
  loss: z.number().nullable(),
  reason: z.string(),
});

/**
 * L*(C) = floor + coefficient · C^exponent (loss-floor-law.ts): a power law above an
 * irreducible loss. Without `floor` it is a pure power law, L* = coefficient · C^exponent:
 * what a fit with fewer than 4 usable budgets gives (and every fit.json written before the
 * floor existed); extrapolated, such a law runs low.
 */
export const LossLawSchema = z.object({ coefficient: z.number(), exponent: z.number(), floor: z.number().optional() });

/** The three laws N*(C), D*(C), L*(C) of Approaches 1 and 2. */
export const OptimumLawsSchema = z.object({ n_opt: PowerLawSchema, d_opt: PowerLawSchema, loss_opt: LossLawSchema });

/**
 * Whether an approach's law is determined by the runs (determination.ts), and the yardsticks
 * as measured: every interval here is at 95%, whatever the fit's confidence.
 */
export const ApproachDeterminationSchema = z.object({
  determined: z.boolean(),
  /** Why not (empty when determined). */
  reasons: z.array(z.string()),
  measures: z.object({
    /** Resamples that gave a law, over all resamples; null without a bootstrap. */
    law_share: z.number().nullable(),
    a_interval: z.object({ lo: z.number(), hi: z.number() }).nullable(),
    alpha_interval: z.object({ lo: z.number(), hi: z.number() }).nullable().optional(),
    beta_interval: z.object({ lo: z.number(), hi: z.number() }).nullable().optional(),
    /** N*(C) at the test budgets: its 95% interval and hi/lo. */
    n_opt: z.array(z.object({ budget_flops: z.number(), lo: z.number(), hi: z.number(), ratio: z.number() })),
    /** Approach 2: pooled parabola residual SD over the noise floor's (null without seeds). */
    residual_ratio: z.number().nullable().optional(),
    /** Approach 2: budgets whose vertex lies below every run by more than the noise and the size spacing allow. */
    vertices_below: z.array(z.object({ budget_flops: z.number(), gap: z.number(), allowed: z.number() })).optional(),
  }),
});

/** A run that would help determine the law (determination.ts). */
export const SuggestionSchema = z.object({
  action: z.enum(["add_budgets", "add_sizes", "add_seeds"]),
  /** The budget to add sizes or seeds at; null for new budgets or seeds everywhere. */
  budget_flops: z.number().nullable(),
  /** add_budgets: budgets C (FLOPs); add_sizes: sizes N (params); add_seeds: [seeds per point]. */
  values: z.array(z.number()),
  why: z.string(),
});

/** The verdict over all approaches (determination.ts). */
export const DeterminationSchema = z.object({
  determined: z.boolean(),
  /** Why the answer is, or is not, determined, with the figures. */
  reasons: z.array(z.string()),
  /** Budgets N*(C) was tested at: the requested ones, else 10× the largest observed. */
  test_budgets: z.array(z.number()),
  /** Seed-to-seed SD of ln(loss) pooled over repeated points, and its degrees of freedom; null without repeats. */
  noise_floor: z.object({ sd: z.number(), dof: z.number() }).nullable(),
  suggestions: z.array(SuggestionSchema),
});

/** Approach 1: the lowest loss per budget (the envelope) and log-log laws through it. */
export const Approach1ResultSchema = z.object({
  status: Status,
  a: z.number().nullable(),
  b: z.number().nullable(),
  /** Coefficients of N* = k_n·C^a and D* = k_d·C^b. */
  k_n: z.number().nullable(),
  k_d: z.number().nullable(),
  laws: OptimumLawsSchema.nullable(),
  /** The lowest-loss run of each budget. */
  optima: z.array(
    z.object({
      /** The budget's label (which IsoFLOP curve); the law's C is compute_flops. */
      budget_flops: z.number(),
      /** The winning run's own compute: its measured FLOPs, or 6·N·D (absent in fit.json files before fitter 3). */
      compute_flops: z.number().optional(),
      n_params: z.number(),
      n_tokens: z.number(),
      loss: z.number(),
      n_points: z.number(),
      at_edge: z.boolean(),
    }),
  ),
  intervals: Intervals.optional(),
  determination: ApproachDeterminationSchema.optional(),
  warnings: Warnings,
});

/** Loss = c0 + c1·x + c2·x² with x = log10 N (what the report draws). */
export const ParabolaCoefficientsSchema = z.object({ c0: z.number(), c1: z.number(), c2: z.number(), x: z.literal("log10") });

/** One IsoFLOP budget of Approach 2. */
export const BudgetFitSchema = z.object({
  /** The budget's label (which IsoFLOP curve its runs belong to). */
  budget_flops: z.number(),
  /** What the budget's runs spent: the geometric mean of their measured FLOPs, or of 6·N·D (the law's C). */
  compute_flops: z.number().optional(),
  status: z.enum(["used", "refused"]),
  reason: z.string().optional(),
  /** Vertex N* (params), D* (tokens) and the parabola's loss there. D* = compute_flops/(flops_per_nd·N*). */
  n_opt: z.number().optional(),
  d_opt: z.number().optional(),
  loss_opt: z.number().optional(),
  /** FLOPs per parameter and token at the vertex: 6 under 6·N·D, φ(N*) on measured FLOPs. */
  flops_per_nd: z.number().optional(),
  /** d²loss/d(ln N)² of the parabola (loss units); must be > 0. */
  curvature: z.number().optional(),
  /** Standard error of ln N* from the parabola's covariance (delta method); null with 3 points. */
  vertex_se_ln: z.number().nullable().optional(),
  parabola: ParabolaCoefficientsSchema.optional(),
  /** [min, max] of the sampled N (params) among the points fitted. */
  n_range: z.tuple([z.number(), z.number()]),
  /** Points the parabola was fitted on. */
  n_points: z.number(),
  /** Points of this budget left out by nearestPoints (not exclusions: still in Approach 3). */
  n_trimmed: z.number().optional(),
  /** The vertex lies in the outer edgeFraction of the sampled range: refine the grid there. */
  at_edge: z.boolean().optional(),
});

/** Approach 2: a parabola per IsoFLOP budget, power laws through the used budgets' vertices. */
export const Approach2ResultSchema = z.object({
  status: Status,
  a: z.number().nullable(),
  b: z.number().nullable(),
  laws: OptimumLawsSchema.nullable(),
  budgets: z.array(BudgetFitSchema),
  intervals: Intervals.optional(),
  determination: ApproachDeterminationSchema.optional(),
  warnings: Warnings,
});

export const OptimizerReportSchema = z.object({
  method: z.enum(["projected", "full"]),
  /**
   * "converged", "max_iterations" or "line_search_failed" for the best start. Converged: the
   * gradient's max-norm is ≤ 1e-11, or an iteration lowered the objective by ≤ 1e-14 of itself,
   * or no step lowers it while the gradient is ≤ 1e-7 of gradient_scale.
   */
  status: z.string(),
  /** Outer L-BFGS iterations of the best start. */
  iterations: z.number(),
  /** Objective evaluations of the best start. */
  evaluations: z.number(),
  /** Starts in the grid. */
  starts: z.number(),
  /** Starts actually run: under variable projection starts differing only in (e, a, b) coincide. */
  distinct_starts: z.number(),
  converged_starts: z.number(),
  /**
   * Runs the starts were searched on: all of them, or (above 1000 runs) a fixed random
   * subsample whose best minima were then refined on every run (refined_starts).
   */
  search_runs: z.number().optional(),
  /** Subsample minima refined on all runs (0 when the search used every run). */
  refined_starts: z.number().optional(),
  /** Max-norm of the gradient at the solution (over all five parameters). */
  gradient_norm: z.number(),
  /**
   * The largest any gradient component can be on these data, δ·Σ_i max(1, |ln N_i|, |ln D_i|):
   * gradient_norm / gradient_scale is the gradient's relative size. A run whose line search
   * finds no decrease with the gradient below 1e-7 of this scale is "converged" (the limit
   * of floating-point precision), not "line_search_failed".
   */
  gradient_scale: z.number(),
});

/** One run under Approach 3's fitted surface: its observed and predicted loss. */
export const ResidualSchema = z.object({
  /** The run, when its points carried an id (a run directory's always do). */
  experiment_id: z.string().optional(),
  budget_flops: z.number(),
  n_params: z.number(),
  n_tokens: z.number(),
  loss: z.number(),
  predicted: z.number(),
});

/** φ(N) = r_inf + k·N^(−gamma): FLOPs per parameter and token, fitted to runs with measured FLOPs (flops-per-token.ts). */
export const FlopsPerTokenSchema = z.object({
  r_inf: z.number(),
  k: z.number(),
  gamma: z.number(),
  /** The measured sizes: beyond them φ is extrapolated by the form. */
  n_range: z.tuple([z.number(), z.number()]),
  rms_relative: z.number(),
  sizes: z.number(),
});

/** Approach 3's allocation on measured FLOPs (docs/fitting.md, "Compute"): C spent at φ(N)·N FLOPs per token. */
export const Approach3AllocationSchema = z.union([
  z.object({
    compute: z.literal("measured"),
    /** [lowest, highest] budget over which a and b were measured (the observed budgets). */
    exponent_budgets: z.tuple([z.number(), z.number()]),
    /** The closed form's a = β/(α+β) and b = α/(α+β), which hold under C = 6·N·D. */
    a_6nd: z.number(),
    b_6nd: z.number(),
  }),
  /** Written by fitter 2 and earlier (φ from budget labels); read, never written. */
  z.object({
    compute: z.literal("budget_flops"),
    flops_per_nd: z.object({ centre: z.number(), scale: z.number(), k0: z.number(), k1: z.number(), k2: z.number(), x: z.literal("ln") }),
    exponent_budgets: z.tuple([z.number(), z.number()]),
    a_6nd: z.number(),
    b_6nd: z.number(),
  }),
]);

/** Approach 3: L(N, D) = E + A/N^alpha + B/D^beta fitted by a sum of Huber losses on log L. */
export const Approach3ResultSchema = z.object({
  status: Status,
  E: z.number().nullable(),
  A: z.number().nullable(),
  B: z.number().nullable(),
  alpha: z.number().nullable(),
  beta: z.number().nullable(),
  /** N* ∝ C^a, D* ∝ C^b with a = beta/(alpha+beta), b = alpha/(alpha+beta) (Hoffmann et al. 2022, eq. 4). */
  a: z.number().nullable(),
  b: z.number().nullable(),
  G: z.number().nullable(),
  /** Sum of Huber terms at the optimum. */
  objective: z.number().nullable(),
  huber_delta: z.number(),
  optimizer: OptimizerReportSchema.nullable(),
  residuals: z.array(ResidualSchema),
  intervals: Intervals.optional(),
  /** Written by fitter 2 and earlier (now part of `determination`); read, never written. */
  checks: z.object({ passed: z.boolean(), problems: z.array(z.string()) }).optional(),
  /**
   * Present when the runs' FLOPs were measured: the allocation then spends C at φ(N)·N FLOPs
   * per token (measured-allocation.ts), and a, b are the slopes of ln N*, ln D* against ln C
   * over `exponent_budgets`. Absent: the closed form under C = 6·N·D.
   */
  allocation: Approach3AllocationSchema.optional(),
  determination: ApproachDeterminationSchema.optional(),
  warnings: Warnings,
});

export const PredictionSchema = z.object({
  budget_flops: z.number(),
  approach: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  n_params: z.number(),
  n_tokens: z.number(),
  loss: z.number(),
  tokens_per_param: z.number(),
  /**
   * What C counts: "6ND" (no measured FLOPs: 6·N*·D* = C), "measured" (the runs' measured
   * FLOPs, D* = C/(φ(N*)·N*)); "budget_flops" only in fit.json files before fitter 3.
   */
  compute: z.enum(["6ND", "measured", "budget_flops"]),
  /** Measured FLOPs: φ(N*), FLOPs per parameter and token at the optimum. */
  flops_per_nd: z.number().optional(),
  /** Measured FLOPs: how far N* lies beyond the measured sizes, as a factor (1: within them). */
  phi_extrapolation: z.number().optional(),
  /** The budget lies outside the fitted runs' budgets (observed_budgets): an extrapolation. */
  extrapolated: z.boolean(),
  intervals: z.object({ n_params: IntervalSchema, n_tokens: IntervalSchema, loss: IntervalSchema }).optional(),
});

export const BootstrapReportSchema = z.object({
  resamples: z.number(),
  seed: z.number(),
  confidence: z.number(),
  /** Resamples whose refit gave no law, per approach (left out of the intervals). */
  failed: z.object({ "1": z.number().optional(), "2": z.number().optional(), "3": z.number().optional() }),
});

export const ParamConventionSchema = z.enum(["total", "non_embedding"]);

/** The engine's result: `fit --json` and fit.json extend it (src/store/fit-json.ts). */
export const FitResultSchema = z.object({
  /** Points fitted (after exclusions). */
  n_points: z.number(),
  /** Distinct IsoFLOP budgets among them. */
  n_budgets: z.number(),
  /** Those budgets C (FLOPs), ascending: what predictions inside [min, max] interpolate. */
  observed_budgets: z.array(z.number()),
  /**
   * Range of each run's compute over 6·N·D: exactly 1 without measured FLOPs, φ/6 with them
   * (FLOPs per token > 6N for small models); null without runs. (Before fitter 3: the budget
   * labels over 6·N·D.)
   */
  budget_over_6nd: z.object({ min: z.number(), max: z.number() }).nullable(),
  /**
   * What C counts (flops-per-token.ts): "6ND" without measured FLOPs; "measured" when every
   * run's FLOPs were measured, with φ(N) fitted to them. Absent in fit.json files before fitter 3.
   */
  compute: z.object({ accounting: z.enum(["6ND", "measured"]), flops_per_token: FlopsPerTokenSchema.optional() }).optional(),
  param_convention: ParamConventionSchema.optional(),
  exclusions: z.array(ExclusionSchema),
  approaches: z.object({ "1": Approach1ResultSchema.optional(), "2": Approach2ResultSchema.optional(), "3": Approach3ResultSchema.optional() }),
  /**
   * The approach that answers (the Chinchilla table, the predictions), chosen by answer.ts:
   * among the determined approaches, the one with the lowest backtest error on N* and L*
   * (with ≥ 4 budgets), else by preference 3, 2, 1; null when none fitted.
   */
  preferred_approach: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
  /** Why that approach answers, in words, with the backtest's figures when it chose. */
  preferred_reason: z.string().optional(),
  /** Whether the backtest's choice changes with the largest budget left out; null when not tested. */
  preferred_fragile: z.boolean().nullable().optional(),
  /** Whether the runs determine the answer (determination.ts); absent in fit.json files before fitter 3. */
  determined: z.boolean().optional(),
  determination: DeterminationSchema.optional(),
  predictions: z.array(PredictionSchema),
  bootstrap: BootstrapReportSchema.optional(),
  /** The backtest (backtest.ts), when one was made (holdout). */
  backtest: BacktestSchema.optional(),
  warnings: Warnings,
});
