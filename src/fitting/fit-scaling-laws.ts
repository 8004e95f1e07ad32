/**
 * fitScalingLaws: the engine's entry point. Prepares the runs (exclusions reported), fits
 * the requested Chinchilla approaches, flags where Approaches 2 and 3 disagree, bootstraps
 * intervals, and predicts N*, D*, L* at the requested budgets from the approach that
 * answers: 3 if fitted and sound (approach3-checks.ts), else 2, else 1 (`preferred_reason`).
 *
 * Errors: an invalid option throws FitInputError. Data problems never throw: no usable
 * runs, too few budgets or a failed optimiser give approaches with status "no_law" and
 * warnings saying why. The top-level `warnings` gathers every warning, the approaches'
 * own included, so a caller that reads only it misses nothing.
 */
import { fitApproach1 } from "./approach1-envelope.js";
import { fitApproach2 } from "./approach2-isoflop.js";
import { fitApproach3 } from "./approach3-parametric.js";
import { approach3Problems } from "./approach3-checks.js";
import { bootstrapApproach1, bootstrapApproach2, bootstrapApproach3, type ApproachBootstrap, type BootstrapSettings } from "./bootstrap.js";
import { groupByBudget } from "./budget-groups.js";
import { measuredCompute, type MeasuredCompute } from "./measured-allocation.js";
import { resolveFitOptions } from "./fit-options.js";
import { toJsonSafe } from "./json-safe.js";
import { predictOptimum, preferredApproach } from "./predictions.js";
import { preparePoints } from "./prepare-points.js";
import type { Exclusion, FitOptions, FitPoint, FitResult, Prediction } from "./types.js";

type ApproachKey = "1" | "2" | "3";

/** What kind of reason a run was excluded for, to count them: "invalid loss: -1" is "invalid loss". */
export const exclusionKind = (reason: string) => (reason.startsWith("invalid ") ? reason.slice(0, reason.indexOf(":")) : reason);

/** The warning that names the runs the engine excluded, or null when it excluded none. */
export function exclusionWarning(exclusions: readonly Exclusion[]): string | null {
  if (exclusions.length === 0) return null;
  const kinds = new Map<string, number>();
  for (const { reason } of exclusions) {
    const kind = exclusionKind(reason);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const summary = [...kinds].map(([kind, count]) => `${count} ${kind}`).join("; ");
  return `${exclusions.length} run${exclusions.length === 1 ? "" : "s"} excluded from the fit (${summary}); see exclusions`;
}

/** min and max of budget_flops/(6·N·D) over the runs; null without runs. */
function ratioRange(points: readonly FitPoint[]): FitResult["budget_over_6nd"] {
  if (points.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    // In logs: 6·N·D underflows (or overflows) for runs in unusual units, e.g. N ~ 1e-170.
    const ratio = Math.exp(Math.log(p.budget_flops) - Math.log(6) - Math.log(p.n_params) - Math.log(p.n_tokens));
    min = Math.min(min, ratio);
    max = Math.max(max, ratio);
  }
  return { min, max };
}

/** Budgets within 1% of 6·N·D at every run (or no runs) count as 6·N·D. */
const is6ND = (range: FitResult["budget_over_6nd"]) => range === null || !(range.min < 0.99 || range.max > 1.01);

const formatRatio = (range: { min: number; max: number }) =>
  range.max / range.min - 1 < 0.005 ? range.min.toPrecision(3) : `${range.min.toPrecision(3)}–${range.max.toPrecision(3)}`;

/** Whether C lies outside the observed budgets (beyond the budget tolerance); false when none were observed. */
export function isExtrapolated(budgetFlops: number, observed: readonly number[], tolerance: number): boolean {
  if (observed.length === 0) return false;
  const lowest = observed[0] as number;
  const highest = observed[observed.length - 1] as number;
  return budgetFlops < lowest * (1 - tolerance) || budgetFlops > highest * (1 + tolerance);
}

export function fitScalingLaws(points: FitPoint[], options: FitOptions): FitResult {
  const settings = resolveFitOptions(options);
  const { points: used, exclusions } = preparePoints(points, settings.excludeWorst);
  const groups = groupByBudget(used, settings.budgetTolerance);
  const observedBudgets = groups.map((group) => group.budget_flops);
  const warnings: string[] = [];
  const excluded = exclusionWarning(exclusions);
  if (excluded) warnings.push(excluded);
  if (used.length === 0) warnings.push(points.length === 0 ? "no runs given: nothing to fit" : "no usable runs left: nothing to fit");

  const approaches: FitResult["approaches"] = {};
  let theta: Float64Array | null = null;
  for (const approach of settings.approaches) {
    if (approach === 1) approaches["1"] = fitApproach1(groups, settings.approach1);
    if (approach === 2) approaches["2"] = fitApproach2(groups, settings.approach2);
    if (approach === 3) {
      const fit = fitApproach3(used, settings.approach3, settings.onProgress);
      approaches["3"] = fit.result;
      theta = fit.theta;
    }
  }
  const budgetOver6ND = ratioRange(used);
  const approach3 = approaches["3"];
  // Measured FLOPs: approach 3 spends C as the runs do (measured-allocation.ts), not as 6·N·D.
  let measured: MeasuredCompute | undefined;
  if (approach3?.status === "fitted" && budgetOver6ND && !is6ND(budgetOver6ND)) {
    measured = measuredCompute(approach3, used, observedBudgets) ?? undefined;
    if (!measured) {
      approach3.warnings.push(
        `approach 3: the runs' budgets are ${formatRatio(budgetOver6ND)} × 6·N·D, and no allocation at their FLOPs per token could be found: its N*(C), D*(C) and predictions count C as 6·N·D`,
      );
    }
  }
  for (const key of ["1", "2", "3"] as const) warnings.push(...(approaches[key]?.warnings ?? []));

  const boot: Partial<Record<ApproachKey, ApproachBootstrap>> = {};
  let bootstrapReport: FitResult["bootstrap"];
  if (settings.bootstrap > 0) {
    const bootSettings: BootstrapSettings = { resamples: settings.bootstrap, seed: settings.seed, confidence: settings.confidence, predict: settings.predict };
    // Progress counts resamples over every bootstrapped approach.
    const booted = (["1", "2", "3"] as const).filter((key) => approaches[key]?.status === "fitted" && (key !== "3" || theta));
    let done = 0;
    const progress = settings.onProgress
      ? () => settings.onProgress?.({ stage: "bootstrap", done: ++done, total: booted.length * settings.bootstrap, runs: used.length })
      : undefined;
    if (progress) bootSettings.onResample = progress;
    if (approaches["1"]?.status === "fitted") boot["1"] = bootstrapApproach1(groups, settings.approach1, bootSettings);
    if (approaches["2"]?.status === "fitted") boot["2"] = bootstrapApproach2(groups, settings.approach2, bootSettings);
    if (approaches["3"]?.status === "fitted" && theta) boot["3"] = bootstrapApproach3(used, theta, settings.approach3.huberDelta, bootSettings, measured);
    const failed: NonNullable<FitResult["bootstrap"]>["failed"] = {};
    for (const key of ["1", "2", "3"] as const) {
      const result = boot[key];
      const approach = approaches[key];
      if (!result || !approach) continue;
      approach.intervals = result.intervals;
      failed[key] = result.failed;
      if (result.failed > 0.1 * settings.bootstrap) {
        const message = `approach ${key}: ${result.failed} of ${settings.bootstrap} bootstrap resamples gave no law; the intervals describe the rest only`;
        approach.warnings.push(message);
        warnings.push(message);
      }
    }
    bootstrapReport = { resamples: settings.bootstrap, seed: settings.seed, confidence: settings.confidence, failed };
  }

  const a2 = approaches["2"]?.a ?? null;
  const a3 = approaches["3"]?.a ?? null;
  if (a2 !== null && a3 !== null && Math.abs(a2 - a3) > settings.disagreementThreshold) {
    const measures = is6ND(budgetOver6ND) || measured ? "" : "; approach 2's C is the runs' budgets and approach 3's is 6·N·D, which differ here";
    // With intervals, say whether the data can tell the two apart (each inside the other's interval: they cannot).
    const i2 = approaches["2"]?.intervals?.a;
    const i3 = approaches["3"]?.intervals?.a;
    const show = (i: { lo: number; hi: number } | undefined) => (i ? ` [${i.lo.toFixed(3)}, ${i.hi.toFixed(3)}]` : "");
    const level = `${Math.round(settings.confidence * 1000) / 10}%`;
    const within = i2 && i3 && a2 >= i3.lo && a2 <= i3.hi && a3 >= i2.lo && a3 <= i2.hi ? `; each lies inside the other's ${level} interval, so these runs do not tell them apart` : "";
    warnings.push(`approach 2 and 3 disagree on a by ${Math.abs(a2 - a3).toFixed(3)} (> ${settings.disagreementThreshold}): approach 2 a = ${a2.toFixed(4)}${show(i2)}, approach 3 a = ${a3.toFixed(4)}${show(i3)}${measures}${within}`);
  }

  // Approach 3 answers only when sound: checked after the bootstrap (the interval of a counts).
  if (approach3?.status === "fitted") {
    const problems = approach3Problems(approach3);
    approach3.checks = { passed: problems.length === 0, problems };
    if (problems.length > 0) {
      const message = `approach 3 failed its checks and does not answer: ${problems.join("; ")}`;
      approach3.warnings.push(message);
      warnings.push(message);
    }
  }
  const { approach: preferred, reason: preferredReason } = preferredApproach(approaches);
  const predictions: Prediction[] = [];
  if (preferred !== null) {
    const key = String(preferred) as ApproachKey;
    const fitted = approaches[key]!;
    settings.predict.forEach((budget, i) => {
      const optimum = predictOptimum(preferred, fitted, budget);
      if (!optimum) return;
      const row: Prediction = {
        budget_flops: budget,
        approach: preferred,
        ...optimum,
        tokens_per_param: optimum.n_tokens / optimum.n_params,
        compute: preferred === 3 && !measured ? "6ND" : "budget_flops",
        extrapolated: isExtrapolated(budget, observedBudgets, settings.budgetTolerance),
      };
      const intervals = boot[key]?.predictions[i];
      if (intervals) row.intervals = intervals;
      predictions.push(row);
    });
  } else if (settings.predict.length > 0) {
    warnings.push("no approach gave a law: no predictions");
  }

  const result: FitResult = {
    n_points: used.length,
    n_budgets: groups.length,
    observed_budgets: observedBudgets,
    budget_over_6nd: budgetOver6ND,
    exclusions,
    approaches,
    preferred_approach: preferred,
    preferred_reason: preferredReason,
    predictions,
    warnings,
  };
  if (options.paramConvention) result.param_convention = options.paramConvention;
  if (bootstrapReport) result.bootstrap = bootstrapReport;
  return toJsonSafe(result);
}
