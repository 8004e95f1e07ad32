/**
 * The fit of every requested approach, before an answer is chosen: prepares the runs
 * (exclusions reported), decides what compute counts (flops-per-token.ts), fits Approaches
 * 1–3, bootstraps them, flags where Approaches 2 and 3 disagree and tests whether the runs
 * determine each law (determination.ts). fit-scaling-laws.ts adds the backtest, the answer
 * and the predictions; the backtest refits its smaller budgets with this alone.
 */
import { fitApproach1 } from "./approach1-envelope.js";
import { fitApproach2 } from "./approach2-isoflop.js";
import { fitApproach3 } from "./approach3-parametric.js";
import { bootstrapApproach1, bootstrapApproach2, bootstrapApproach3, type ApproachBootstrap, type BootstrapSettings } from "./bootstrap.js";
import { curveCompute, groupByBudget, type BudgetGroup } from "./budget-groups.js";
import { determine, MIN_LAW_SHARE, testBudgets, type BootstrapEvidence } from "./determination.js";
import type { ResolvedFitOptions } from "./fit-options.js";
import { computeModelOf, lnRunFlops, type ComputeModel } from "./flops-per-token.js";
import { FEW_RESAMPLES_MARK } from "./format-verdict.js";
import { measuredCompute, type MeasuredCompute } from "./measured-allocation.js";
import { preparePoints } from "./prepare-points.js";
import type { Exclusion, FitPoint, FitResult } from "./types.js";

type Key = "1" | "2" | "3";

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

/** min and max over the runs of their compute over 6·N·D (exactly 1 without measured FLOPs); null without runs. */
function ratioRange(points: readonly FitPoint[], model: ComputeModel): FitResult["budget_over_6nd"] {
  if (points.length === 0) return null;
  // In logs: 6·N·D underflows (or overflows) for runs in unusual units, e.g. N ~ 1e-170.
  const ratios = points.map((p) => (model.accounting === "6ND" ? 1 : Math.exp(lnRunFlops(model, p) - Math.log(6) - Math.log(p.n_params) - Math.log(p.n_tokens))));
  return { min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** A note when the budget labels differ from what the runs spent by more than 20% (derived budgets never do): they only group runs. */
function labelNote(groups: readonly BudgetGroup[], model: ComputeModel): string | null {
  let worst = 0;
  for (const group of groups) {
    for (const p of group.points) worst = Math.max(worst, Math.abs(Math.log(group.budget_flops) - lnRunFlops(model, p)));
  }
  if (worst <= Math.log(1.2)) return null;
  const counted = model.accounting === "6ND" ? "6·N·D (no run has measured FLOPs)" : "their measured FLOPs";
  return `the runs' budget labels differ from what they spent by up to ${(100 * (Math.exp(worst) - 1)).toFixed(0)}%: labels only group runs into IsoFLOP curves, and compute is counted as ${counted}`;
}

/** A fit of every approach with its bootstrap and determination, before the answer. */
export interface ApproachesFit {
  result: Omit<FitResult, "preferred_approach" | "predictions">;
  used: FitPoint[];
  groups: BudgetGroup[];
  compute: ComputeModel;
  boot: Partial<Record<Key, ApproachBootstrap>>;
  /** Approach 3's minimiser [e, a, b, alpha, beta], for warm-started refits. */
  theta: Float64Array | null;
}

export function fitApproaches(points: readonly FitPoint[], settings: ResolvedFitOptions): ApproachesFit {
  const { points: used, exclusions } = preparePoints(points, settings.excludeWorst);
  const { model: compute, note: computeNote } = computeModelOf(used);
  const groups = groupByBudget(used, settings.budgetTolerance);
  const observedBudgets = groups.map((group) => group.budget_flops);
  const warnings: string[] = [];
  const excluded = exclusionWarning(exclusions);
  if (excluded) warnings.push(excluded);
  if (used.length === 0) warnings.push(points.length === 0 ? "no runs given: nothing to fit" : "no usable runs left: nothing to fit");
  for (const note of [computeNote, labelNote(groups, compute)]) if (note) warnings.push(note);

  const approaches: FitResult["approaches"] = {};
  let theta: Float64Array | null = null;
  for (const approach of settings.approaches) {
    if (approach === 1) approaches["1"] = fitApproach1(groups, settings.approach1, compute);
    if (approach === 2) approaches["2"] = fitApproach2(groups, settings.approach2, compute);
    if (approach === 3) {
      const fit = fitApproach3(used, settings.approach3, settings.onProgress);
      approaches["3"] = fit.result;
      theta = fit.theta;
    }
  }
  const approach3 = approaches["3"];
  // Measured FLOPs: approach 3 spends C at φ(N)·N FLOPs per token (measured-allocation.ts), not as 6·N·D.
  let measured: MeasuredCompute | undefined;
  if (approach3?.status === "fitted" && compute.accounting === "measured") {
    // a and b are slopes over the compute the budgets' runs spent (their labels may be rounded or derived).
    measured = measuredCompute(approach3, compute.phi, groups.map((g) => curveCompute(g.points, compute))) ?? undefined;
    if (!measured) approach3.warnings.push("approach 3: no allocation at the runs' measured FLOPs per token could be found: its N*(C) and predictions count C as 6·N·D");
  }
  for (const key of ["1", "2", "3"] as const) warnings.push(...(approaches[key]?.warnings ?? []));

  const tested = testBudgets(settings.predict, observedBudgets);
  const boot: Partial<Record<Key, ApproachBootstrap>> = {};
  let bootstrapReport: FitResult["bootstrap"];
  if (settings.bootstrap > 0) {
    const bootSettings: BootstrapSettings = { resamples: settings.bootstrap, seed: settings.seed, confidence: settings.confidence, predict: settings.predict, testBudgets: tested };
    // Progress counts resamples over every bootstrapped approach.
    const booted = (["1", "2", "3"] as const).filter((key) => approaches[key]?.status === "fitted" && (key !== "3" || theta));
    let done = 0;
    if (settings.onProgress) bootSettings.onResample = () => settings.onProgress?.({ stage: "bootstrap", done: ++done, total: booted.length * settings.bootstrap, runs: used.length });
    if (approaches["1"]?.status === "fitted") boot["1"] = bootstrapApproach1(groups, settings.approach1, compute, bootSettings);
    if (approaches["2"]?.status === "fitted") boot["2"] = bootstrapApproach2(groups, settings.approach2, compute, bootSettings);
    if (approaches["3"]?.status === "fitted" && theta) boot["3"] = bootstrapApproach3(used, theta, settings.approach3.huberDelta, bootSettings, measured);
    const failed: NonNullable<FitResult["bootstrap"]>["failed"] = {};
    for (const key of ["1", "2", "3"] as const) {
      const result = boot[key];
      const approach = approaches[key];
      if (!result || !approach) continue;
      approach.intervals = result.intervals;
      failed[key] = result.failed;
      if (result.failed > (1 - MIN_LAW_SHARE) * settings.bootstrap) {
        const message = `approach ${key}: ${result.failed} of ${settings.bootstrap} bootstrap resamples gave no law; its intervals describe the other ${settings.bootstrap - result.failed} only and are not ${Math.round(settings.confidence * 1000) / 10}% intervals`;
        approach.warnings.push(message);
        warnings.push(message);
      }
    }
    bootstrapReport = { resamples: settings.bootstrap, seed: settings.seed, confidence: settings.confidence, failed };
  }
  const disagreement = disagreementWarning(approaches, settings, (key) => (boot[key] ? boot[key]!.failed > (1 - MIN_LAW_SHARE) * boot[key]!.resamples : false));
  if (disagreement) warnings.push(disagreement);

  const evidence: Partial<Record<Key, BootstrapEvidence>> = {};
  for (const key of ["1", "2", "3"] as const) {
    const b = boot[key];
    if (b) evidence[key] = { resamples: b.resamples, failed: b.failed, intervals: b.determination };
  }
  const outcome = determine({ approaches, bootstrap: evidence, testBudgets: tested, groups, phi: compute.accounting === "measured" ? compute.phi : null });
  for (const key of ["1", "2", "3"] as const) {
    const approach = approaches[key];
    const verdict = outcome.approaches[key];
    if (approach && verdict) approach.determination = verdict;
  }
  const determination = outcome.verdict;
  const result: ApproachesFit["result"] = {
    n_points: used.length,
    n_budgets: groups.length,
    observed_budgets: observedBudgets,
    budget_over_6nd: ratioRange(used, compute),
    compute: compute.accounting === "measured" ? { accounting: "measured", flops_per_token: compute.phi } : { accounting: "6ND" },
    exclusions,
    approaches,
    determined: determination.determined,
    determination,
    warnings,
  };
  if (settings.paramConvention) result.param_convention = settings.paramConvention;
  if (bootstrapReport) result.bootstrap = bootstrapReport;
  return { result, used, groups, compute, boot, theta };
}

/** The warning when Approaches 2 and 3 disagree on a by more than the threshold, with their intervals; null otherwise. */
function disagreementWarning(approaches: FitResult["approaches"], settings: ResolvedFitOptions, fewResamples: (key: "2" | "3") => boolean): string | null {
  const a2 = approaches["2"]?.a ?? null;
  const a3 = approaches["3"]?.a ?? null;
  if (a2 === null || a3 === null || !(Math.abs(a2 - a3) > settings.disagreementThreshold)) return null;
  // With intervals, say whether the data can tell the two apart (each inside the other's interval: they cannot).
  const i2 = approaches["2"]?.intervals?.a;
  const i3 = approaches["3"]?.intervals?.a;
  // An interval from too few resamples is marked (format-verdict.ts), never shown plain.
  const show = (i: { lo: number; hi: number } | undefined, key: "2" | "3") => (i ? ` [${i.lo.toFixed(3)}, ${i.hi.toFixed(3)}]${fewResamples(key) ? FEW_RESAMPLES_MARK : ""}` : "");
  const level = `${Math.round(settings.confidence * 1000) / 10}%`;
  const within = i2 && i3 && a2 >= i3.lo && a2 <= i3.hi && a3 >= i2.lo && a3 <= i2.hi ? `; each lies inside the other's ${level} interval, so these runs do not tell them apart` : "";
  return `approach 2 and 3 disagree on a by ${Math.abs(a2 - a3).toFixed(3)} (> ${settings.disagreementThreshold}): approach 2 a = ${a2.toFixed(4)}${show(i2, "2")}, approach 3 a = ${a3.toFixed(4)}${show(i3, "3")}${within}`;
}
