/**
 * Data-constrained runs, made visible: a run's epochs are its tokens over the tokens in one
 * pass of the training data. More than one epoch is a warning in the plan, the fit and the
 * report: repeated data changes the loss a budget buys, and so the fitted law (Muennighoff et
 * al. 2023, arXiv:2305.16264, "Scaling Data-Constrained Language Models").
 */

/** Passes over the training data for a run of nTokens; null when the data does not say how big it is. */
export function epochsOf(nTokens: number, trainTokens: number | null): number | null {
  return trainTokens && trainTokens > 0 ? nTokens / trainTokens : null;
}

/** A warning when any run sees its training data more than once (largest epochs named), else null. */
export function epochsWarning(runs: Array<{ epochs?: number | null }>, trainTokens: number | null, what = "planned runs"): string | null {
  const repeated = runs.filter((r) => typeof r.epochs === "number" && r.epochs > 1);
  if (repeated.length === 0) return null;
  const most = Math.max(...repeated.map((r) => r.epochs as number));
  const size = trainTokens ? ` of ${trainTokens.toExponential(2)} tokens` : "";
  return `${repeated.length} of ${runs.length} ${what} see their training data${size} more than once (up to ${most.toFixed(1)} epochs): ` +
    `repeated data changes the loss a budget buys and so the fitted law (Muennighoff et al. 2023); use more data, or read the law as one for this data size`;
}
