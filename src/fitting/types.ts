/**
 * The vocabulary of the fitting engine: what goes in (FitPoint, FitOptions) and what comes
 * out (FitResult, which is exactly the `flops-fit fit --json` object of DESIGN.md).
 *
 * Units: n_params (N) in parameters, n_tokens (D) in tokens, budget_flops (C) in FLOPs,
 * loss in nats per token (whatever the held-out loss is measured in). Every number in a
 * FitResult is finite or null, so the object survives JSON.stringify unchanged.
 */

/** One training run. */
export interface FitPoint {
  /** N under the chosen convention (the caller picks total or non-embedding). */
  n_params: number;
  /** D, the tokens the run was trained on. */
  n_tokens: number;
  /** Held-out loss at the end of training. */
  loss: number;
  /**
   * The IsoFLOP budget C the run belongs to (groups Approaches 1 and 2): measured FLOPs when
   * the sweep measured them (then 6·N·D ≠ C for small models), 6·N·D when unknown.
   */
  budget_flops: number;
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
  paramConvention?: "total" | "non_embedding";
  /** Approach 2 options (guards and trimming). */
  approach2?: Approach2Options;
  /** Approach 3 options (objective and optimiser). */
  approach3?: Approach3Options;
  /** Runs whose budgets differ by less than this relative amount share an IsoFLOP budget. Default 1e-6. */
  budgetTolerance?: number;
  /** Flag (warning) when Approaches 2 and 3 disagree on a by more than this. Default 0.03 (REFERENCE §5.8). */
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
  /** Fewest points for a budget's parabola. Default 3 (REFERENCE §5.2). */
  minPointsPerBudget?: number;
  /** Fewest usable budgets for a law. Default 3 (REFERENCE §5.2). */
  minBudgets?: number;
  /**
   * Fit each budget's parabola on only the k runs nearest (in log N) to its lowest-loss run.
   * Far-off points bias the vertex of a parabola (REFERENCE §3, Porian). Default: all runs.
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

/** y = coefficient · C^exponent, C in FLOPs. */
export interface PowerLaw {
  coefficient: number;
  exponent: number;
}

/** A bootstrap interval: percentiles at the confidence level, and the bootstrap standard error. */
export interface Interval {
  lo: number;
  hi: number;
  se: number;
}

/** A run left out of the fit, and why. */
export interface Exclusion {
  experiment_id?: string;
  n_params: number | null;
  n_tokens: number | null;
  loss: number | null;
  reason: string;
}

/** The three laws N*(C), D*(C), L*(C) of Approaches 1 and 2. */
export interface OptimumLaws {
  n_opt: PowerLaw;
  d_opt: PowerLaw;
  loss_opt: PowerLaw;
}

/** Approach 1: the lowest loss per budget (the envelope) and log-log laws through it. */
export interface Approach1Result {
  status: "fitted" | "no_law";
  a: number | null;
  b: number | null;
  /** Coefficients of N* = k_n·C^a and D* = k_d·C^b. */
  k_n: number | null;
  k_d: number | null;
  laws: OptimumLaws | null;
  optima: Array<{ budget_flops: number; n_params: number; n_tokens: number; loss: number; n_points: number; at_edge: boolean }>;
  intervals?: Record<string, Interval>;
  warnings: string[];
}

/** Loss = c0 + c1·x + c2·x² with x = log10 N (what the report draws). */
export interface ParabolaCoefficients {
  c0: number;
  c1: number;
  c2: number;
  x: "log10";
}

/** One IsoFLOP budget of Approach 2. */
export interface BudgetFit {
  budget_flops: number;
  status: "used" | "refused";
  reason?: string;
  /**
   * Vertex N* (params), D* (tokens) and the parabola's loss there. D* = C/(flops_per_nd·N*):
   * C/(6·N*) when the budget's runs have 6·N·D = C, else from the runs' own N, D (measured FLOPs).
   */
  n_opt?: number;
  d_opt?: number;
  loss_opt?: number;
  /** C/(N*·D*) at the vertex, read off the budget's runs' C/(N·D): 6 when budgets are 6·N·D. */
  flops_per_nd?: number;
  /** d²loss/d(ln N)² of the parabola (loss units); must be > 0. */
  curvature?: number;
  /** Standard error of ln N* from the parabola's covariance (delta method); null with 3 points. */
  vertex_se_ln?: number | null;
  parabola?: ParabolaCoefficients;
  /** [min, max] of the sampled N (params) among the points fitted. */
  n_range: [number, number];
  /** Points the parabola was fitted on. */
  n_points: number;
  /** Points of this budget left out by nearestPoints (not exclusions: still in Approach 3). */
  n_trimmed?: number;
  /** The vertex lies in the outer edgeFraction of the sampled range: refine the grid there. */
  at_edge?: boolean;
}

export interface Approach2Result {
  status: "fitted" | "no_law";
  a: number | null;
  b: number | null;
  laws: OptimumLaws | null;
  budgets: BudgetFit[];
  intervals?: Record<string, Interval>;
  warnings: string[];
}

export interface OptimizerReport {
  method: "projected" | "full";
  /**
   * "converged", "max_iterations" or "line_search_failed" for the best start. Converged: the
   * gradient's max-norm is ≤ 1e-11, or an iteration lowered the objective by ≤ 1e-14 of itself,
   * or no step lowers it while the gradient is ≤ 1e-7 of gradient_scale.
   */
  status: string;
  /** Outer L-BFGS iterations of the best start. */
  iterations: number;
  /** Objective evaluations of the best start. */
  evaluations: number;
  /** Starts in the grid. */
  starts: number;
  /** Starts actually run: under variable projection starts differing only in (e, a, b) coincide. */
  distinct_starts: number;
  converged_starts: number;
  /**
   * Runs the starts were searched on: all of them, or (above 1000 runs) a fixed random
   * subsample whose best minima were then refined on every run (refined_starts).
   */
  search_runs?: number;
  /** Subsample minima refined on all runs (0 when the search used every run). */
  refined_starts?: number;
  /** Max-norm of the gradient at the solution (over all five parameters). */
  gradient_norm: number;
  /**
   * The largest any gradient component can be on these data, δ·Σ_i max(1, |ln N_i|, |ln D_i|):
   * gradient_norm / gradient_scale is the gradient's relative size. A run whose line search
   * finds no decrease with the gradient below 1e-7 of this scale is "converged" (the limit
   * of floating-point precision), not "line_search_failed".
   */
  gradient_scale: number;
}

/** Approach 3: L(N, D) = E + A/N^alpha + B/D^beta fitted by a sum of Huber losses on log L. */
export interface Approach3Result {
  status: "fitted" | "no_law";
  E: number | null;
  A: number | null;
  B: number | null;
  alpha: number | null;
  beta: number | null;
  /** N* ∝ C^a, D* ∝ C^b (REFERENCE §1). */
  a: number | null;
  b: number | null;
  G: number | null;
  /** Sum of Huber terms at the optimum. */
  objective: number | null;
  huber_delta: number;
  optimizer: OptimizerReport | null;
  residuals: Array<{ n_params: number; n_tokens: number; loss: number; predicted: number }>;
  intervals?: Record<string, Interval>;
  /** Whether a fitted surface is sound enough to answer (approach3-checks.ts); absent unless fitted. */
  checks?: { passed: boolean; problems: string[] };
  /**
   * Present when the runs' budgets are not 6·N·D (measured FLOPs): the allocation then spends
   * C at the runs' FLOPs per token (measured-allocation.ts), and a, b are the slopes of
   * ln N*, ln D* against ln C over `exponent_budgets`. Absent: the closed form under C = 6·N·D.
   */
  allocation?: Approach3Allocation;
  warnings: string[];
}

/** Approach 3's allocation on the runs' measured compute (docs/fitting.md, "Compute"). */
export interface Approach3Allocation {
  compute: "budget_flops";
  /**
   * ln φ(N), φ = C/(N·D) the runs' FLOPs per parameter and token: k0 + k1·u + k2·u² with
   * u = (ln N − centre)/scale on the sampled sizes (|u| ≤ 1), continued along its tangent beyond.
   */
  flops_per_nd: { centre: number; scale: number; k0: number; k1: number; k2: number; x: "ln" };
  /** [lowest, highest] budget over which a and b were measured (the observed budgets). */
  exponent_budgets: [number, number];
  /** The closed form's a = β/(α+β) and b = α/(α+β), which hold under C = 6·N·D. */
  a_6nd: number;
  b_6nd: number;
}

export interface Prediction {
  budget_flops: number;
  approach: 1 | 2 | 3;
  n_params: number;
  n_tokens: number;
  loss: number;
  tokens_per_param: number;
  /**
   * What C counts: "budget_flops" when the law counts compute as the runs' budgets do
   * (Approaches 1–2, and Approach 3 with an `allocation` on measured FLOPs); "6ND" for an
   * Approach 3 closed form that spends 6·N*·D* = C.
   */
  compute: "6ND" | "budget_flops";
  /** The budget lies outside the fitted runs' budgets (observed_budgets): an extrapolation. */
  extrapolated: boolean;
  intervals?: { n_params: Interval; n_tokens: Interval; loss: Interval };
}

export interface BootstrapReport {
  resamples: number;
  seed: number;
  confidence: number;
  /** Resamples whose refit gave no law, per approach (left out of the intervals). */
  failed: Partial<Record<"1" | "2" | "3", number>>;
}

/** The `fit --json` object. */
export interface FitResult {
  /** Points fitted (after exclusions). */
  n_points: number;
  /** Distinct IsoFLOP budgets among them. */
  n_budgets: number;
  /** Those budgets C (FLOPs), ascending: what predictions inside [min, max] interpolate. */
  observed_budgets: number[];
  /**
   * Range of budget_flops/(6·N·D) over the fitted runs: 1 when budgets are 6·N·D, above 1
   * when they are measured FLOPs (FLOPs per token > 6N, as for small models); null without
   * runs. Approach 3 counts compute as 6·N·D whatever this is (a warning says so when it
   * differs from 1 by more than 1%); Approaches 1–2 use the budgets as given.
   */
  budget_over_6nd: { min: number; max: number } | null;
  param_convention?: "total" | "non_embedding";
  exclusions: Exclusion[];
  approaches: { "1"?: Approach1Result; "2"?: Approach2Result; "3"?: Approach3Result };
  /**
   * The approach that answers (the Chinchilla table, the predictions): 3 if fitted and it
   * passed its checks, else 2, else 1; null when none fitted.
   */
  preferred_approach: 1 | 2 | 3 | null;
  /** Why that approach answers, in words (e.g. "approach 3 failed its checks (...); approach 2 fitted"). */
  preferred_reason?: string;
  predictions: Prediction[];
  bootstrap?: BootstrapReport;
  warnings: string[];
}
