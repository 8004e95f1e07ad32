/**
 * The fitting engine of flops-fit: Chinchilla Approaches 1–3 (Hoffmann et al. 2022,
 * arXiv:2203.15556) with guards, bootstrap intervals and compute-optimal predictions.
 * Pure: numbers in, numbers and warnings out (no I/O). See docs/fitting.md.
 *
 *   const result = fitScalingLaws(points, { approaches: [2, 3], bootstrap: 1000, predict: [1e21] });
 *   console.log(formatFitSummary(result));
 *   console.log(formatChinchillaTable(result, "markdown"));
 *
 * Errors: invalid options throw FitInputError; invalid or missing data never throws (the
 * result says which runs were excluded and why, and approaches without a law say why).
 */
export { exclusionKind, exclusionWarning, fitScalingLaws } from "./fit-scaling-laws.js";
export {
  CHINCHILLA_HEADER,
  chinchillaCells,
  chinchillaTable,
  formatChinchillaTable,
  defaultTableBudgets,
  DEFAULT_BUDGETS,
  MAX_OBSERVED_ROWS,
  NO_CHINCHILLA_TABLE,
  type ChinchillaRow,
  type ChinchillaTable,
  type TabulatedFit,
} from "./format-table.js";
export { formatFitSummary, type SummarisedFit } from "./format-summary.js";
export { chinchillaAllocation, lossSurface, type Allocation, type LossSurface } from "./allocation.js";
export { FitInputError } from "./fit-input-error.js";
export { runBacktest, BACKTEST_RESAMPLES, type Backtest, type BacktestPrediction } from "./backtest.js";
export { MAX_BOOTSTRAP } from "./fit-options.js";
export { budgetParabola, parabolaLossAt } from "./isoflop-parabola.js";
export { predictOptimum, type Optimum } from "./predictions.js";
export { chinchillaStartGrid, type Start } from "./start-grid.js";
export type {
  Approach1Result,
  Approach2Options,
  Approach2Result,
  Approach3Options,
  Approach3Result,
  BootstrapReport,
  BudgetFit,
  Exclusion,
  FitOptions,
  FitProgress,
  FitPoint,
  FitResult,
  Interval,
  LossLaw,
  OptimizerReport,
  OptimumLaws,
  ParabolaCoefficients,
  ParamConvention,
  PowerLaw,
  Prediction,
  Residual,
} from "./types.js";
export { ExclusionSchema, FitResultSchema, ParamConventionSchema } from "./result-schema.js";
