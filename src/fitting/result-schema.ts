/**
 * What the fitting engine returns, defined once as zod schemas: the TypeScript types of
 * types.ts are inferred from them, and fit.json is parsed with them (src/fit/fit-json.ts),
 * so the object fitScalingLaws builds, the file on disk and what the report draws are one
 * type. Every number is finite or null (json-safe.ts), so the object survives JSON.
 *
 * Units: n_params (N) in parameters, n_tokens (D) in tokens, budget_flops (C) in FLOPs,
 * loss in nats per token (whatever the held-out loss is measured in).
 */
import { z } from "zod";

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
    z.object({ budget_flops: z.number(), n_params: z.number(), n_tokens: z.number(), loss: z.number(), n_points: z.number(), at_edge: z.boolean() }),
  ),
  intervals: Intervals.optional(),
  warnings: Warnings,
});

/** Loss = c0 + c1·x + c2·x² with x = log10 N (what the report draws). */
export const ParabolaCoefficientsSchema = z.object({ c0: z.number(), c1: z.number(), c2: z.number(), x: z.literal("log10") });

/** One IsoFLOP budget of Approach 2. */
export const BudgetFitSchema = z.object({
  budget_flops: z.number(),
  status: z.enum(["used", "refused"]),
  reason: z.string().optional(),
  /**
   * Vertex N* (params), D* (tokens) and the parabola's loss there. D* = C/(flops_per_nd·N*):
   * C/(6·N*) when the budget's runs have 6·N·D = C, else from the runs' own N, D (measured FLOPs).
   */
  n_opt: z.number().optional(),
  d_opt: z.number().optional(),
  loss_opt: z.number().optional(),
  /** C/(N*·D*) at the vertex, read off the budget's runs' C/(N·D): 6 when budgets are 6·N·D. */
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

/** Approach 3's allocation on the runs' measured compute (docs/fitting.md, "Compute"). */
export const Approach3AllocationSchema = z.object({
  compute: z.literal("budget_flops"),
  /**
   * ln φ(N), φ = C/(N·D) the runs' FLOPs per parameter and token: k0 + k1·u + k2·u² with
   * u = (ln N − centre)/scale on the sampled sizes (|u| ≤ 1), continued along its tangent beyond.
   */
  flops_per_nd: z.object({ centre: z.number(), scale: z.number(), k0: z.number(), k1: z.number(), k2: z.number(), x: z.literal("ln") }),
  /** [lowest, highest] budget over which a and b were measured (the observed budgets). */
  exponent_budgets: z.tuple([z.number(), z.number()]),
  /** The closed form's a = β/(α+β) and b = α/(α+β), which hold under C = 6·N·D. */
  a_6nd: z.number(),
  b_6nd: z.number(),
});

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
  /** Whether a fitted surface is sound enough to answer (approach3-checks.ts); absent unless fitted. */
  checks: z.object({ passed: z.boolean(), problems: z.array(z.string()) }).optional(),
  /**
   * Present when the runs' budgets are not 6·N·D (measured FLOPs): the allocation then spends
   * C at the runs' FLOPs per token (measured-allocation.ts), and a, b are the slopes of
   * ln N*, ln D* against ln C over `exponent_budgets`. Absent: the closed form under C = 6·N·D.
   */
  allocation: Approach3AllocationSchema.optional(),
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
   * What C counts: "budget_flops" when the law counts compute as the runs' budgets do
   * (Approaches 1–2, and Approach 3 with an `allocation` on measured FLOPs); "6ND" for an
   * Approach 3 closed form that spends 6·N*·D* = C.
   */
  compute: z.enum(["6ND", "budget_flops"]),
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

/** The engine's result: `fit --json` and fit.json extend it (src/fit/fit-json.ts). */
export const FitResultSchema = z.object({
  /** Points fitted (after exclusions). */
  n_points: z.number(),
  /** Distinct IsoFLOP budgets among them. */
  n_budgets: z.number(),
  /** Those budgets C (FLOPs), ascending: what predictions inside [min, max] interpolate. */
  observed_budgets: z.array(z.number()),
  /**
   * Range of budget_flops/(6·N·D) over the fitted runs: 1 when budgets are 6·N·D, above 1
   * when they are measured FLOPs (FLOPs per token > 6N, as for small models); null without
   * runs. Approach 3 then allocates at the runs' FLOPs per token (its `allocation`);
   * Approaches 1–2 use the budgets as given.
   */
  budget_over_6nd: z.object({ min: z.number(), max: z.number() }).nullable(),
  param_convention: ParamConventionSchema.optional(),
  exclusions: z.array(ExclusionSchema),
  approaches: z.object({ "1": Approach1ResultSchema.optional(), "2": Approach2ResultSchema.optional(), "3": Approach3ResultSchema.optional() }),
  /**
   * The approach that answers (the Chinchilla table, the predictions): 3 if fitted and it
   * passed its checks, else 2, else 1; null when none fitted.
   */
  preferred_approach: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
  /** Why that approach answers, in words (e.g. "approach 3 failed its checks (...); approach 2 fitted"). */
  preferred_reason: z.string().optional(),
  predictions: z.array(PredictionSchema),
  bootstrap: BootstrapReportSchema.optional(),
  warnings: Warnings,
});
