/**
 * `flops-fit compare`: is the variant better than the baseline, and by how much
 * (docs/compare.md)? The answer is the effective-compute multiplier k(C) = C_A/C: the
 * baseline needs k·C to reach the loss the variant reaches at C (compare-multiplier.ts).
 *
 * It is read off Approach 3's surfaces, the one approach that puts both sweeps in one
 * model family: a shared-exponent fit (one E, α, β, each sweep its own A, B; Volkova et al.,
 * arXiv:2602.07712; compare-shared-fit.ts), under which k is one number at every budget, beside
 * each sweep's free fit, under which k depends on C. The shared fit answers unless the shape
 * test finds that E, α, β differ (compare-shape-test.ts); then the free fits answer and the
 * comparison says where the two L*(C) cross. Approach 2's floor laws L*(C) = E + k·C^(−γ) give
 * a cross-check. Intervals resample each sweep's runs independently (compare-replicates.ts),
 * every replicate answering with the fit the test's threshold selects for it.
 *
 * A comparison of undetermined laws is undetermined: the answer is determined only when
 * Approach 3 is determined on both sweeps (determination.ts). Pure: points and each sweep's
 * fit in, the comparison out.
 */
import type { LossSurface } from "./allocation.js";
import { DETERMINATION_CONFIDENCE } from "./bootstrap.js";
import { estimate, fromFewResamples, type Estimate } from "./compare-estimates.js";
import { computeModelOf, modelComparison, type CompareOptions, type CompareSide, type ComparisonModel, type FitKind, type LawPair } from "./compare-model.js";
import { computeMultiplier, crossings, optimalLoss } from "./compare-multiplier.js";
import type { PairReplicate } from "./compare-replicates.js";
import type { ShapeTest } from "./compare-shape-test.js";
import { MIN_RESAMPLES } from "./determination.js";
import { formatScientific } from "./format-number.js";
import type { Suggestion } from "./types.js";

export { defaultCompareBudgets, modelComparison, type CompareOptions, type CompareSide, type ComparisonModel, type FitKind } from "./compare-model.js";

/** One sweep's own verdict, as `fit` gives it, and what would determine it. */
export interface SweepSummary {
  source: string | null;
  n_points: number;
  observed_budgets: number[];
  determined: boolean;
  /** Per approach, whether the runs determine it. */
  approaches: Partial<Record<"1" | "2" | "3", boolean>>;
  suggestions: Suggestion[];
}

function sweepSummary(side: CompareSide): SweepSummary {
  const approaches: SweepSummary["approaches"] = {};
  for (const key of ["1", "2", "3"] as const) {
    const approach = side.fit.approaches[key];
    if (approach) approaches[key] = approach.determination?.determined === true;
  }
  return {
    source: side.source ?? null, n_points: side.fit.n_points, observed_budgets: [...side.fit.observed_budgets],
    determined: side.fit.determined === true, approaches, suggestions: side.fit.determination?.suggestions ?? [],
  };
}


/** Budgets on the report's curves (k(C) and L*(C) with their bands). */
const CURVE_POINTS = 25;

/** k(C) and ΔL*(C) = L*_variant − L*_baseline at one budget, from one fit. */
export interface MultiplierRow extends Estimate {
  budget_flops: number;
  /** Beyond the budgets of either sweep. */
  extrapolated: boolean;
  loss_baseline: number | null;
  loss_variant: number | null;
  delta_loss: Estimate;
  /** Why there is no value, or what bounds the interval. */
  note?: string;
}

export interface SurfaceSummary {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
  /** N* ∝ C^a (6·N·D: β/(α+β)); γ = αβ/(α+β), the exponent of L*(C) − E. */
  a: number;
  gamma: number;
}

export interface Comparison {
  baseline: SweepSummary;
  variant: SweepSummary;
  determined: boolean;
  reasons: string[];
  /** Which fit answers: shared exponents (k constant) or each sweep's free fit (k depends on C); null without a law. */
  answer: FitKind | null;
  answer_reason: string;
  compute: "6ND" | "measured";
  confidence: number;
  resamples: number;
  seed: number;
  budgets: number[];
  /** The answer: k(C) at every budget. */
  multiplier: MultiplierRow[];
  /**
   * Whether the shapes (E, α, β) differ: the test (compare-shape-test.ts), the share of
   * replicates whose own statistic chose the free fits, and Δa, Δγ, ΔE of the free fits (95%).
   */
  exponents: { differ: boolean | null; test: ShapeTest | null; free_share: number | null; delta_a: Estimate; delta_gamma: Estimate; delta_E: Estimate; reason: string };
  shared: { status: "fitted" | "no_law"; converged: boolean; baseline: SurfaceSummary | null; variant: SurfaceSummary | null; objective: number | null; multiplier: MultiplierRow[] };
  free: { baseline: SurfaceSummary | null; variant: SurfaceSummary | null; multiplier: MultiplierRow[] };
  approach2: { determined: boolean; multiplier: MultiplierRow[] } | null;
  /** The answer over a grid of budgets (the crossing range): k(C) and each sweep's L*(C) with their intervals, for the report's bands. */
  curves: { budget_flops: number[]; multiplier: Estimate[]; loss_baseline: Estimate[]; loss_variant: Estimate[] };
  /** Where the answering fit's L*(C) cross (k = 1) within [lo, hi]: the smallest budget of either sweep to 100× the largest common one. */
  crossing: { range: [number, number]; budgets: number[]; share: number | null };
  warnings: string[];
}

const summary = (s: LossSurface, a: number): SurfaceSummary => ({ ...s, a, gamma: (s.alpha * s.beta) / (s.alpha + s.beta) });

/** The rows of one fit: its point laws and, per replicate, its laws on that resample. */
function multiplierRows(budgets: readonly number[], point: LawPair, replicates: readonly LawPair[], confidence: number, extrapolated: (c: number) => boolean): MultiplierRow[] {
  if (!point) return [];
  return budgets.map((c) => {
    const k = computeMultiplier(point.baseline, point.variant, c);
    const [lb, lv] = [optimalLoss(point.baseline, c), optimalLoss(point.variant, c)];
    const ks = replicates.map((r) => (r ? computeMultiplier(r.baseline, r.variant, c) : NaN));
    const gaps = replicates.map((r) => (r ? optimalLoss(r.variant, c) - optimalLoss(r.baseline, c) : NaN));
    const row: MultiplierRow = { budget_flops: c, ...estimate(k, ks, confidence), extrapolated: extrapolated(c), loss_baseline: Number.isFinite(lb) ? lb : null, loss_variant: Number.isFinite(lv) ? lv : null, delta_loss: estimate(lv - lb, gaps, confidence) };
    const floor = point.baseline.kind === "surface" ? point.baseline.surface.E : point.baseline.law.floor ?? 0;
    if (k === Infinity) row.note = `the variant's L* ${lv.toPrecision(4)} lies below the baseline's floor E = ${floor.toPrecision(4)}: no compute brings the baseline there`;
    else if (row.unbounded) row.note = "some resamples put the variant's L* below the baseline's floor: the interval has no upper end";
    else if (Number.isNaN(k)) row.note = "no multiplier: a law could not be inverted";
    return row;
  });
}

const gammaOf = (s: LossSurface | undefined | null) => (s ? (s.alpha * s.beta) / (s.alpha + s.beta) : NaN);

/** Δa, Δγ, ΔE of the free fits (variant − baseline) with 95% intervals, whatever the level asked (as the determination test). */
export function exponentDifferences(model: ComparisonModel): Comparison["exponents"] {
  const { baseline: A, variant: B, replicates } = model;
  const diff = (f: (r: NonNullable<PairReplicate["free"]>["baseline"]) => number, point: number) =>
    estimate(point, replicates.map((r) => (r.free ? f(r.free.variant) - f(r.free.baseline) : NaN)), DETERMINATION_CONFIDENCE);
  const deltaA = diff((r) => r.values.a ?? NaN, B.a - A.a);
  const deltaGamma = diff((r) => gammaOf(r.surface), gammaOf(B.surface) - gammaOf(A.surface));
  const deltaE = diff((r) => r.surface?.E ?? NaN, (B.surface?.E ?? NaN) - (A.surface?.E ?? NaN));
  const test = model.test;
  const differ = test ? test.p_value < test.level : null;
  const chosen = model.statistics.filter((d) => !Number.isNaN(d));
  const freeShare = test && chosen.length > 0 ? chosen.filter((d) => d > test.replicate_threshold).length / chosen.length : null;
  const p = test ? `p = ${test.p_value.toPrecision(2)}, ${test.simulations} simulations under shared shapes` : "";
  const reason = !test
    ? "not tested (no bootstrap, or no shared or free fit): whether the shapes differ is unknown"
    : differ
      ? `freeing E, α and β lowers the objective by more than shared shapes explain (${p}): the sweeps' surfaces differ in shape, so k depends on C`
      : `freeing E, α and β lowers the objective no more than shared shapes explain (${p}): the data do not tell the exponents apart, so the shared fit answers and k is the same at every budget`;
  return { differ, test, free_share: freeShare, delta_a: deltaA, delta_gamma: deltaGamma, delta_E: deltaE, reason };
}

/** Which fit answers, and why. */
export function chooseFit(model: ComparisonModel, differ: boolean | null, reason: string): { answer: FitKind | null; why: string } {
  if (model.laws.shared.point && differ !== true) return { answer: "shared", why: differ === null ? "the shared-exponent fit (the exponents' difference was not tested)" : `the shared-exponent fit: ${reason}` };
  if (model.laws.free.point) return { answer: "free", why: differ ? `each sweep's free fit: ${reason}` : "each sweep's free fit (the shared-exponent fit has no law)" };
  const missing = [model.baseline.surface ? null : "the baseline", model.variant.surface ? null : "the variant"].filter(Boolean).join(" or ");
  return { answer: null, why: `no answer: approach 3 has no law on ${missing || "either sweep"}` };
}

export function compareSweeps(baselineSide: CompareSide, variantSide: CompareSide, options: CompareOptions): Comparison {
  return summariseComparison(modelComparison(baselineSide, variantSide, options), baselineSide, variantSide, options.confidence);
}

/** The comparison at one interval level. */
export function summariseComparison(model: ComparisonModel, baselineSide: CompareSide, variantSide: CompareSide, confidence: number): Comparison {
  const { budgets, shared, tolerance } = model;
  const [observedA, observedB] = model.observed;
  const warnings = [...model.warnings];
  const top = Math.min(Math.max(...observedA), Math.max(...observedB));
  const extrapolated = (c: number) => c > Math.max(...observedA) * (1 + tolerance) || c > Math.max(...observedB) * (1 + tolerance) || c < Math.min(...observedA) * (1 - tolerance) || c < Math.min(...observedB) * (1 - tolerance);
  const rows = (kind: FitKind) => multiplierRows(budgets, model.laws[kind].point, model.laws[kind].replicates, confidence, extrapolated);
  const [freeRows, sharedRows] = [rows("free"), rows("shared")];
  const exponents = exponentDifferences(model);
  const { answer, why } = chooseFit(model, exponents.differ, exponents.reason);
  // The answer's intervals come from every replicate's own choice (Efron 2014): each replicate answers with the fit its statistic selects.
  const threshold = exponents.test?.replicate_threshold ?? (answer === "free" ? -Infinity : Infinity);
  const selected = model.replicates.map((_, r) => {
    const [sharedLaw, freeLaw] = [model.laws.shared.replicates[r] ?? null, model.laws.free.replicates[r] ?? null];
    const pickFree = (model.statistics[r] ?? NaN) > threshold || (Number.isNaN(model.statistics[r] ?? NaN) && answer === "free");
    return pickFree ? freeLaw ?? sharedLaw : sharedLaw ?? freeLaw;
  });
  const answerPoint = answer === "shared" ? model.laws.shared.point : answer === "free" ? model.laws.free.point : null;
  const answerRows = multiplierRows(budgets, answerPoint, selected, confidence, extrapolated);
  if (answerRows.some(fromFewResamples)) warnings.push(`the multiplier's intervals come from fewer than 90% of the ${model.resamples} resamples (the rest gave no law): not ${Math.round(confidence * 1000) / 10}% intervals`);

  // Where the curves cross, within the data and up to 100× the largest common budget.
  const range: [number, number] = [Math.min(...observedA, ...observedB), 100 * top];
  const free = model.laws.free;
  const crossingPoint = answer === "free" && free.point ? crossings(free.point.baseline, free.point.variant, ...range) : [];
  const crossed = answer === "free" ? free.replicates.flatMap((r) => (r ? [crossings(r.baseline, r.variant, ...range).length > 0] : [])) : [];
  const crossing = { range, budgets: crossingPoint, share: crossed.length > 0 ? crossed.filter(Boolean).length / crossed.length : null };

  // The answer along the whole range, for the report's bands.
  const grid = Array.from({ length: CURVE_POINTS }, (_, i) => range[0] * (range[1] / range[0]) ** (i / (CURVE_POINTS - 1)));
  const lossCurve = (side: "baseline" | "variant") => grid.map((c) => estimate(answerPoint ? optimalLoss(answerPoint[side], c) : NaN, selected.map((r) => (r ? optimalLoss(r[side], c) : NaN)), confidence));
  const curves = {
    budget_flops: grid,
    multiplier: grid.map((c) => estimate(answerPoint ? computeMultiplier(answerPoint.baseline, answerPoint.variant, c) : NaN, selected.map((r) => (r ? computeMultiplier(r.baseline, r.variant, c) : NaN)), confidence)),
    loss_baseline: lossCurve("baseline"),
    loss_variant: lossCurve("variant"),
  };

  // A comparison of undetermined laws is undetermined.
  const reasons: string[] = [];
  for (const [name, side] of [["baseline", baselineSide], ["variant", variantSide]] as const) {
    const d = side.fit.approaches["3"]?.determination;
    if (!d?.determined) reasons.push(`the ${name}'s approach 3 is not determined${d ? `: ${d.reasons.join("; ")}` : " (no determination test)"}`);
  }
  if (model.resamples < MIN_RESAMPLES) reasons.push(`${model.resamples} comparison resamples are too few for its intervals (at least ${MIN_RESAMPLES})`);
  if (answer === "shared" && shared?.status !== "converged") reasons.push(`the shared-exponent fit did not converge (${shared?.status})`);
  if (answer === null) reasons.push(why);
  const determined = reasons.length === 0;
  if (determined) reasons.push(`approach 3 is determined on both sweeps; the ${answer === "shared" ? "shared-exponent" : "free"} fit answers`);

  const sixNd = (s: LossSurface) => summary(s, s.beta / (s.alpha + s.beta));
  const a2 = model.laws.approach2;
  return {
    baseline: sweepSummary(baselineSide), variant: sweepSummary(variantSide),
    determined, reasons, answer, answer_reason: why,
    compute: computeModelOf(baselineSide.fit).accounting === "measured" ? "measured" : "6ND",
    confidence, resamples: model.resamples, seed: model.seed, budgets,
    multiplier: answerRows,
    exponents,
    shared: {
      status: model.laws.shared.point ? "fitted" : "no_law", converged: shared?.status === "converged",
      baseline: model.laws.shared.point && shared ? sixNd(shared.surfaces[0]) : null,
      variant: model.laws.shared.point && shared ? sixNd(shared.surfaces[1]) : null,
      objective: shared?.value ?? null, multiplier: sharedRows,
    },
    free: { baseline: model.baseline.surface ? summary(model.baseline.surface, model.baseline.a) : null, variant: model.variant.surface ? summary(model.variant.surface, model.variant.a) : null, multiplier: freeRows },
    curves,
    approach2: a2.point ? { determined: model.baseline.approach2Determined && model.variant.approach2Determined, multiplier: rows("approach2") } : null,
    crossing,
    warnings,
  };
}

/** "1.69× [1.62, 1.77]" for a multiplier row, "none" where it does not exist. */
export function formatMultiplier(row: Estimate): string {
  if (row.value === null) return "none";
  const show = (x: number) => (x >= 100 || x < 0.01 ? formatScientific(x, 3) : x.toPrecision(3));
  const interval = row.lo === null ? "" : ` [${show(row.lo)}, ${row.hi === null ? "∞" : show(row.hi)}]`;
  return `${show(row.value)}×${interval}`;
}
