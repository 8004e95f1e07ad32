/**
 * The vocabulary of the fitting engine: what goes in (FitPoint, FitOptions) and what comes
 * out (FitResult and its parts, inferred from the zod schemas of result-schema.ts, which
 * fit.json is parsed with).
 *
 * Units: n_params (N) in parameters, n_tokens (D) in tokens, budget_flops (C) in FLOPs,
 * loss in nats per token (whatever the held-out loss is measured in).
 */
import type { z } from "zod";
import type {
  Approach1ResultSchema,
  Approach2ResultSchema,
  Approach3AllocationSchema,
  Approach3ResultSchema,
  ApproachDeterminationSchema,
  BootstrapReportSchema,
  BudgetFitSchema,
  DeterminationSchema,
  ExclusionSchema,
  FitResultSchema,
  IntervalSchema,
  LossLawSchema,
  OptimizerReportSchema,
  OptimumLawsSchema,
  ParamConventionSchema,
  ParabolaCoefficientsSchema,
  PowerLawSchema,
  PredictionSchema,
  ResidualSchema,
  SuggestionSchema,
} from "./result-schema.js";

/** One training run. */
export interface FitPoint {
  /** N under the chosen convention (the caller picks total or non-embedding). */
  n_params: number;
  /** D, the tokens the run was trained on. */
  n_tokens: number;
  /** Held-out loss at the end of training. */
  loss: number;
  /**
   * The IsoFLOP budget the run belongs to: a label that groups runs into curves for
   * Approaches 1 and 2 (the planned budget, or a CSV's grouped 6·N·D). Never the run's FLOPs.
   */
  budget_flops: number;
  /**
   * The run's training FLOPs as measured (a record's flops_measured, a CSV's flops column).
   * When every run has them, compute is counted as measured (flops-per-token.ts); else as 6·N·D.
   */
  flops?: number;
  experiment_id?: string;
  /** Run status when known; anything but "completed" is excluded (and reported). */
  status?: string;
}

/** Options of fitScalingLaws. Invalid options throw FitInputError; data problems become warnings. */
export interface FitOptions {
  /** Which approaches to fit (Hoffmann et al. 2022, §3.1–3.3). The CLI defaults to [2]. */
  approaches: Array<1 | 2 | 3>;
  /** Bootstrap resamples over runs; 0 or absent = no intervals. */
  bootstrap?: number;
  /** Bootstrap RNG seed (default 0): the same seed gives the same intervals. */
  seed?: number;
  /** Budgets C (FLOPs) to predict N*, D*, L* for. */
  predict?: number[];
  /** Drop the k highest-loss points before fitting (reported as exclusions). Default 0. */
  excludeWorst?: number;
  /** Interval level in (0, 1); default 0.95. */
  confidence?: number;
  /** Echoed into the result: which parameter count n_params holds. */
  paramConvention?: ParamConvention;
  /** Approach 2 options (guards and trimming). */
  approach2?: Approach2Options;
  /** Approach 3 options (objective and optimiser). */
  approach3?: Approach3Options;
  /** Runs whose budgets differ by less than this relative amount share an IsoFLOP budget. Default 1e-6. */
  budgetTolerance?: number;
  /**
   * Backtest: hold out the K largest budgets, fit the rest and predict them (backtest.ts); with
   * ≥ 4 budgets its errors choose the answering approach (answer.ts). "auto": 1 when the runs
   * have a budget more than a fit needs (≥ 4), else none. Default 0.
   */
  holdout?: number | "auto";
  /** Flag (warning) when Approaches 2 and 3 disagree on a by more than this. Default 0.03 (docs/methods.md §5.8). */
  disagreementThreshold?: number;
  /** Hears how a long fit advances (approach 3's starts, bootstrap resamples); the fit is synchronous. */
  onProgress?: (progress: FitProgress) => void;
}

/** A step of a long fit: `done` of `total` units of one stage. */
export interface FitProgress {
  stage: "approach3_search" | "approach3_refine" | "bootstrap";
  done: number;
  total: number;
  /** Runs the stage works on. */
  runs: number;
}

export interface Approach2Options {
  /** Fewest points for a budget's parabola. Default 3 (docs/methods.md §5.2). */
  minPointsPerBudget?: number;
  /** Fewest usable budgets for a law. Default 3 (docs/methods.md §5.2). */
  minBudgets?: number;
  /**
   * Fit each budget's parabola on only the k runs nearest (in log N) to its lowest-loss run.
   * Far-off points bias the vertex of a parabola (Porian et al. 2024; docs/methods.md §3). Default: all runs.
   */
  nearestPoints?: number;
  /**
   * Refuse a budget whose vertex standard error (delta method on the parabola's
   * covariance) exceeds this fraction of its sampled ln N range. Default 0.2; Infinity disables.
   */
  maxVertexSEFraction?: number;
  /** A vertex within this fraction of the sampled log N range from either end is flagged at_edge. Default 0.1. */
  edgeFraction?: number;
  /**
   * Refuse a budget whose vertex lies outside its sampled range. Default true; false keeps
   * such budgets (flagged at_edge, with a warning), to compare fits with and without the guard.
   */
  requireInteriorVertex?: boolean;
}

export interface Approach3Options {
  /** Huber threshold on log-loss residuals. Default 1e-3 (Hoffmann et al. 2022, §D.2). */
  huberDelta?: number;
  /**
   * "projected" (default): variable projection, L-BFGS over (alpha, beta) with (E, A, B)
   * solved for each; "full": plain L-BFGS over all five parameters from every start.
   */
  method?: "projected" | "full";
  /** Starts as [alpha, beta, e, a, b] (e = ln E, a = ln A, b = ln B). Default: the 4500-start grid. */
  starts?: Array<[number, number, number, number, number]>;
  /** Outer L-BFGS iteration cap per start. Default 500 (projected) / 5000 (full). */
  maxIterations?: number;
  /**
   * With more runs than this, the starts are searched on a random subsample of this many
   * and the best minima refined on all runs. Default 1000; Infinity searches on all runs.
   */
  searchRuns?: number;
}

export type PowerLaw = z.infer<typeof PowerLawSchema>;
export type LossLaw = z.infer<typeof LossLawSchema>;
export type Interval = z.infer<typeof IntervalSchema>;
export type Exclusion = z.infer<typeof ExclusionSchema>;
export type OptimumLaws = z.infer<typeof OptimumLawsSchema>;
export type Approach1Result = z.infer<typeof Approach1ResultSchema>;
export type ParabolaCoefficients = z.infer<typeof ParabolaCoefficientsSchema>;
export type BudgetFit = z.infer<typeof BudgetFitSchema>;
export type Approach2Result = z.infer<typeof Approach2ResultSchema>;
export type OptimizerReport = z.infer<typeof OptimizerReportSchema>;
export type Residual = z.infer<typeof ResidualSchema>;
export type Approach3Result = z.infer<typeof Approach3ResultSchema>;
export type Approach3Allocation = z.infer<typeof Approach3AllocationSchema>;
export type Prediction = z.infer<typeof PredictionSchema>;
export type ApproachDetermination = z.infer<typeof ApproachDeterminationSchema>;
export type Determination = z.infer<typeof DeterminationSchema>;
export type Suggestion = z.infer<typeof SuggestionSchema>;
export type BootstrapReport = z.infer<typeof BootstrapReportSchema>;
export type FitResult = z.infer<typeof FitResultSchema>;
/** Which parameter count is N: all parameters, or without the embeddings (Kaplan et al. 2020). */
export type ParamConvention = z.infer<typeof ParamConventionSchema>;
