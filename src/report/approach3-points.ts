/**
 * Approach 3's residuals as the figures draw them: each run's observed and predicted loss
 * (the fit's own residuals, which name the run and its budget), and the relative
 * residual in percent. Pure.
 */
import type { FitOutput } from "../store/fit-json.js";
import type { Residual } from "../fitting/index.js";

export interface ResidualPoint extends Residual {
  /** (observed − predicted) / predicted, in percent. */
  residual_pct: number;
}

export function approach3Points(fit: FitOutput): ResidualPoint[] {
  return (fit.approaches["3"]?.residuals ?? []).map((r) => ({ ...r, residual_pct: (100 * (r.loss - r.predicted)) / r.predicted }));
}
