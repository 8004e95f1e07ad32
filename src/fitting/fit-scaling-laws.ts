/**
 * fitScalingLaws: the engine's entry point. Fits the requested Chinchilla approaches with
 * their bootstrap and determination test (fit-approaches.ts), backtests them when asked
 * (backtest.ts), chooses the approach that answers (answer.ts: among the determined ones, the
 * lowest backtest error on N* and L*) and predicts N*, D*, L* at the requested budgets from it.
 *
 * Errors: an invalid option throws FitInputError. Data problems never throw: no usable
 * runs, too few budgets or a failed optimiser give approaches with status "no_law" and
 * warnings saying why. The top-level `warnings` gathers every warning, the approaches'
 * own included, so a caller that reads only it misses nothing.
 */
import { chooseAnswer, type Answer, type AnswerEvidence } from "./answer.js";
import { DEFAULT_MIN_BUDGETS } from "./approach2-isoflop.js";
import { answerErrors, autoHoldout, runBacktest } from "./backtest.js";
import { fitApproaches, type ApproachesFit } from "./fit-approaches.js";
import { resolveFitOptions, type ResolvedFitOptions } from "./fit-options.js";
import { flopsPerToken, phiExtrapolation, type ComputeModel } from "./flops-per-token.js";
import { toJsonSafe } from "./json-safe.js";
import { predictOptimum } from "./predictions.js";
import type { FitOptions, FitPoint, FitResult, Prediction } from "./types.js";

export { exclusionKind, exclusionWarning } from "./fit-approaches.js";

/** Whether C lies outside the observed budgets (beyond the budget tolerance); false when none were observed. */
export function isExtrapolated(budgetFlops: number, observed: readonly number[], tolerance: number): boolean {
  if (observed.length === 0) return false;
  const lowest = observed[0] as number;
  const highest = observed[observed.length - 1] as number;
  return budgetFlops < lowest * (1 - tolerance) || budgetFlops > highest * (1 + tolerance);
}

/** The backtest, or why there is none. */
function backtestOf(points: FitPoint[], options: FitOptions, settings: ResolvedFitOptions, budgets: number): AnswerEvidence {
  const minimum = settings.approach2.minBudgets ?? DEFAULT_MIN_BUDGETS;
  const k = settings.holdout === "auto" ? autoHoldout(budgets, minimum) : settings.holdout;
  if (k === 0) return { noBacktest: settings.holdout === "auto" ? `no backtest: ${budgets} budget${budgets === 1 ? "" : "s"} (holding one out needs ${minimum + 1})` : "no backtest was asked for (holdout 0)" };
  const { onProgress: _progress, ...quiet } = options;
  return { backtest: runBacktest(points, { ...quiet, holdout: 0 }, k) };
}

/** The fit, its backtest and the answer they choose. */
function fitAndAnswer(points: FitPoint[], options: FitOptions): { fit: ApproachesFit; evidence: AnswerEvidence; answer: Answer } {
  const settings = resolveFitOptions(options);
  const fit = fitApproaches(points, settings);
  const evidence = fit.result.n_budgets > 0 ? backtestOf(points, options, settings, fit.result.n_budgets) : {};
  return { fit, evidence, answer: chooseAnswer(fit.result.approaches, evidence) };
}

/**
 * Whether the backtest's answer would change with one budget fewer: the same fit,
 * determination test and backtest on the runs without the largest budget. Tested when a
 * backtest chose (4 budgets or more: 3 remain, a law's minimum).
 */
function withFragility(answer: Answer, first: Pick<FitResult, "approaches" | "observed_budgets">, points: FitPoint[], options: FitOptions, backtested: boolean): Answer {
  const budgets = first.observed_budgets;
  if (answer.approach === null || !backtested) return answer;
  const largest = budgets[budgets.length - 1] as number;
  const tolerance = options.budgetTolerance ?? 1e-6;
  const fewer = points.filter((p) => !(p.budget_flops >= largest * (1 - tolerance)));
  const { onProgress: _progress, ...quiet } = options;
  const other = fitAndAnswer(fewer, { ...quiet, predict: [] }).answer;
  if (other.approach === answer.approach) return { ...answer, reason: `${answer.reason}; with the largest budget left out the answer is the same`, fragile: false };
  const a = (k: 1 | 2 | 3 | null) => (k === null ? null : first.approaches[String(k) as "1" | "2" | "3"]?.a ?? null);
  const [mine, theirs] = [a(answer.approach), a(other.approach)];
  const compared = mine !== null && theirs !== null ? `its a = ${theirs.toFixed(4)} against approach ${answer.approach}'s ${mine.toFixed(4)} here; ` : "";
  const instead = other.approach === null ? "no approach would answer" : `approach ${other.approach} would answer (${compared}${other.reason})`;
  return { ...answer, reason: `${answer.reason}; FRAGILE: with the largest budget left out ${instead}`, fragile: true };
}

function prediction(result: FitResult, approach: 1 | 2 | 3, budget: number, compute: ComputeModel, observed: readonly number[], tolerance: number): Prediction | null {
  const key = String(approach) as "1" | "2" | "3";
  const optimum = predictOptimum(approach, result.approaches[key]!, budget, compute.accounting === "measured" ? compute.phi : null);
  if (!optimum) return null;
  const row: Prediction = {
    budget_flops: budget,
    approach,
    ...optimum,
    tokens_per_param: optimum.n_tokens / optimum.n_params,
    compute: compute.accounting,
    extrapolated: isExtrapolated(budget, observed, tolerance),
  };
  if (compute.accounting === "measured") {
    row.flops_per_nd = flopsPerToken(compute, optimum.n_params) / optimum.n_params;
    row.phi_extrapolation = phiExtrapolation(compute, optimum.n_params) as number;
  }
  return row;
}

export function fitScalingLaws(points: FitPoint[], options: FitOptions): FitResult {
  const settings = resolveFitOptions(options);
  const first = fitAndAnswer(points, options);
  const { fit, evidence } = first;
  const answer = withFragility(first.answer, fit.result, points, options, evidence.backtest !== undefined);
  const result: FitResult = { ...fit.result, preferred_approach: answer.approach, preferred_reason: answer.reason, preferred_fragile: answer.fragile, predictions: [] };
  if (evidence.backtest) result.backtest = { ...evidence.backtest, preferred_approach: answer.approach, ...answerErrors(evidence.backtest, answer.approach) };
  if (answer.fragile) result.warnings.push(`the answer is fragile: ${answer.reason.slice(answer.reason.indexOf("FRAGILE: ") + 9)}`);
  if (answer.approach !== null) {
    const boot = fit.boot[String(answer.approach) as "1" | "2" | "3"];
    settings.predict.forEach((budget, i) => {
      const row = prediction(result, answer.approach!, budget, fit.compute, result.observed_budgets, settings.budgetTolerance);
      if (!row) return;
      const intervals = boot?.predictions[i];
      if (intervals) row.intervals = intervals;
      result.predictions.push(row);
    });
  } else if (settings.predict.length > 0) {
    result.warnings.push("no approach gave a law: no predictions");
  }
  if (!result.determined && answer.approach !== null) {
    result.warnings.push(`undetermined: the runs do not determine the law; approach ${answer.approach}'s table and predictions are shown, marked undetermined (see determination)`);
  }
  return toJsonSafe(result);
}
