/**
 * `flops-fit compare`: is the variant better than the baseline, and by how much
 * (docs/compare.md)? The answer is the effective-compute multiplier k(C) = C_A/C: the
 * baseline needs k·C to reach the loss the variant reaches at C (compare-multiplier.ts).
 *
 * It is read off Approach 3's surfaces, the one approach that puts both sweeps in one
 * model family: a shared-exponent fit (one E, α, β, each sweep its own A, B; Volkova et al.,
 * arXiv:2602.07712; compare-shared-fit.ts), under which k is one number at every budget, beside
 * each sweep's free fit, under which k depends on C. When the data do not tell the two
 * sweeps' exponents apart (the intervals of Δa, Δγ and ΔE all hold 0), the shared fit answers;
 * when they do, the free fits answer and the comparison says where the two L*(C) cross.
 * Approach 2's floor laws L*(C) = E + k·C^(−γ) give a cross-check. Intervals resample each
 * sweep's runs independently (compare-replicates.ts).
 *
 * A comparison of undetermined laws is undetermined: the answer is determined only when
 * Approach 3 is determined on both sweeps (determination.ts). Pure: points and each sweep's
 * fit in, the comparison out.
 */
import { resolveApproach2Options } from "./approach2-isoflop.js";
import { curveCompute, groupByBudget } from "./budget-groups.js";
import { estimate, fromFewResamples, type Estimate } from "./compare-estimates.js";
import { computeMultiplier, crossings, optimalLoss, type OptimalLossLaw } from "./compare-multiplier.js";
import { compareReplicates, REFITS_PER_REPLICATE, type PairReplicate, type ResampledSweep } from "./compare-replicates.js";
import { fitSharedSurfaces, type SharedFit } from "./compare-shared-fit.js";
import { SHAPE_TEST_LEVEL, shapeStatistic, shapeTest, type ReplicateRule, type ShapeTest } from "./compare-shape-test.js";
import type { LossSurface } from "./allocation.js";
import { DETERMINATION_CONFIDENCE } from "./bootstrap.js";
import { MIN_RESAMPLES } from "./determination.js";
import { formatScientific } from "./format-number.js";
import { SIX_ND, type ComputeModel } from "./flops-per-token.js";
import { exponentBudgets } from "./measured-allocation.js";
import { preparePoints } from "./prepare-points.js";
import type { FitPoint, FitResult, Suggestion } from "./types.js";

/** One sweep of the comparison: its runs and its own fit (with bootstrap and determination, as `fit` makes it). */
export interface CompareSide {
  /** Where the runs came from (a run directory, a CSV, …), for the report. */
  source?: string;
  points: readonly FitPoint[];
  fit: Pick<FitResult, "approaches" | "compute" | "determined" | "determination" | "observed_budgets" | "n_points">;
}

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

export interface CompareOptions {
  /** Budgets C (FLOPs) to compare at; default: the largest both sweeps reach, 10× and 100× it. */
  budgets?: readonly number[];
  resamples: number;
  seed: number;
  confidence: number;
  /** Approach 3's Huber threshold (1e-3). */
  huberDelta?: number;
  budgetTolerance?: number;
  /** The shape test's level (default SHAPE_TEST_LEVEL, 0.01): the free fits answer when p is below it. */
  shapeTestLevel?: number;
  /** How replicates choose their fit (compare-shape-test.ts): "data" (default) or "resampled" (the calibration bench's comparison). */
  replicateRule?: ReplicateRule;
  onProgress?: (done: number, total: number) => void;
}

export type FitKind = "shared" | "free" | "approach2";

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

/** The default budgets: the largest budget both sweeps reach, 10× and 100× it. */
export function defaultCompareBudgets(baseline: readonly number[], variant: readonly number[]): number[] {
  const common = Math.min(Math.max(...baseline), Math.max(...variant));
  return Number.isFinite(common) ? [common, 10 * common, 100 * common] : [];
}

const summary = (s: LossSurface, a: number): SurfaceSummary => ({ ...s, a, gamma: (s.alpha * s.beta) / (s.alpha + s.beta) });

function surfaceOf(fit: CompareSide["fit"]): LossSurface | null {
  const r = fit.approaches["3"];
  if (r?.status !== "fitted" || r.E === null || r.A === null || r.B === null || r.alpha === null || r.beta === null) return null;
  return { E: r.E, A: r.A, B: r.B, alpha: r.alpha, beta: r.beta };
}

const computeOf = (fit: CompareSide["fit"]): ComputeModel => (fit.compute?.accounting === "measured" && fit.compute.flops_per_token ? { accounting: "measured", phi: fit.compute.flops_per_token } : SIX_ND);

/** A sweep's runs, laws and what its bootstrap needs. */
function prepareSide(side: CompareSide, tolerance: number) {
  const points = preparePoints(side.points, 0).points;
  const compute = computeOf(side.fit);
  const groups = groupByBudget(points, tolerance);
  const surface = surfaceOf(side.fit);
  const phi = compute.accounting === "measured" && side.fit.approaches["3"]?.allocation?.compute === "measured" ? compute.phi : null;
  const approach2 = side.fit.approaches["2"];
  const floorLaw = approach2?.status === "fitted" && approach2.laws ? approach2.laws.loss_opt : null;
  const resampled: ResampledSweep = {
    points, groups, compute, approach2: floorLaw !== null,
    theta: surface ? Float64Array.from([Math.log(surface.E), Math.log(surface.A), Math.log(surface.B), surface.alpha, surface.beta]) : null,
    ...(phi ? { measured: { phi, budgets: exponentBudgets(groups.map((g) => curveCompute(g.points, compute))) } } : {}),
  };
  return { points, phi, surface, a: side.fit.approaches["3"]?.a ?? NaN, floorLaw, resampled, approach2Determined: approach2?.determination?.determined === true };
}

export type Side = ReturnType<typeof prepareSide>;
export type LawPair = { baseline: OptimalLossLaw; variant: OptimalLossLaw } | null;

const surfaceLaw = (surface: LossSurface, phi: Side["phi"]): OptimalLossLaw => ({ kind: "surface", surface, phi });

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

/** The laws of one fit: at the full data and on every resample (null where a refit gave no law). */
export interface FitLaws {
  point: LawPair;
  replicates: LawPair[];
}

/** Everything the comparison is read from, before any interval level is chosen (the bench reads several). */
export interface ComparisonModel {
  baseline: Side;
  variant: Side;
  observed: [readonly number[], readonly number[]];
  budgets: number[];
  shared: SharedFit | null;
  laws: Record<FitKind, FitLaws>;
  replicates: PairReplicate[];
  /** Whether the shapes differ: the test and, per replicate, its statistic (NaN where a refit failed). */
  test: ShapeTest | null;
  statistics: number[];
  resamples: number;
  seed: number;
  tolerance: number;
  warnings: string[];
}

export function modelComparison(baselineSide: CompareSide, variantSide: CompareSide, options: CompareOptions): ComparisonModel {
  const tolerance = options.budgetTolerance ?? 1e-6;
  const delta = options.huberDelta ?? 1e-3;
  const [A, B] = [prepareSide(baselineSide, tolerance), prepareSide(variantSide, tolerance)];
  const warnings: string[] = [];
  const observed: [readonly number[], readonly number[]] = [baselineSide.fit.observed_budgets, variantSide.fit.observed_budgets];
  const budgets = options.budgets && options.budgets.length > 0 ? [...options.budgets] : defaultCompareBudgets(...observed);

  // The shared fit, searched from Approach 3's starts and from each free fit's exponents.
  const extra = [A.surface, B.surface].flatMap((s) => (s ? [[s.alpha, s.beta] as [number, number]] : []));
  const shared: SharedFit | null = A.points.length + B.points.length >= 7 ? fitSharedSurfaces(A.points, B.points, delta, extra) : null;
  const sharedOk = shared?.lawful === true;
  if (shared && !sharedOk) warnings.push(`the shared-exponent fit has no law (alpha = ${shared.theta[5]?.toPrecision(3)}, beta = ${shared.theta[6]?.toPrecision(3)})`);
  if (shared && sharedOk && shared.status !== "converged") warnings.push(`the shared-exponent fit's optimiser stopped with status ${shared.status}`);

  // The shape test's null simulations (as many as the resamples) and the replicates both count as progress.
  const objectiveA = baselineSide.fit.approaches["3"]?.objective ?? null;
  const objectiveB = variantSide.fit.approaches["3"]?.objective ?? null;
  const testable = sharedOk && A.resampled.theta && B.resampled.theta && objectiveA !== null && objectiveB !== null;
  const total = options.resamples * (REFITS_PER_REPLICATE + (testable ? 1 : 0));
  let done = 0;
  const replicates: PairReplicate[] = options.resamples > 0
    ? compareReplicates(A.resampled, B.resampled, {
      resamples: options.resamples, seed: options.seed, delta, approach2: resolveApproach2Options({}), sharedTheta: sharedOk ? shared!.theta : null,
      ...(options.onProgress ? { onRefit: () => options.onProgress!(++done, total) } : {}),
    })
    : [];
  const test = testable && options.resamples > 0
    ? shapeTest({ points: A.points, theta: A.resampled.theta! }, { points: B.points, theta: B.resampled.theta! }, shared!, shapeStatistic(shared!.value, objectiveA!, objectiveB!), { simulations: options.resamples, seed: options.seed, delta, level: options.shapeTestLevel ?? SHAPE_TEST_LEVEL, rule: options.replicateRule ?? "data" })
    : null;
  if (test && 1 / (test.simulations + 1) >= test.level) warnings.push(`the shape test ran ${test.simulations} simulations: its p-value cannot fall below ${(1 / (test.simulations + 1)).toPrecision(2)}, so at level ${test.level} it cannot find that the shapes differ (use --bootstrap ${Math.ceil(1 / test.level)} or more)`);
  if (test && options.onProgress) options.onProgress((done += options.resamples), total);
  const statistics = replicates.map((r) => (r.shared && r.free?.baseline.objective !== undefined && r.free.variant.objective !== undefined ? shapeStatistic(r.shared.value, r.free.baseline.objective, r.free.variant.objective) : NaN));
  const laws: Record<FitKind, FitLaws> = {
    free: {
      point: A.surface && B.surface ? { baseline: surfaceLaw(A.surface, A.phi), variant: surfaceLaw(B.surface, B.phi) } : null,
      replicates: replicates.map((r) => (r.free?.baseline.surface && r.free.variant.surface ? { baseline: surfaceLaw(r.free.baseline.surface, A.phi), variant: surfaceLaw(r.free.variant.surface, B.phi) } : null)),
    },
    shared: {
      point: sharedOk ? { baseline: surfaceLaw(shared!.surfaces[0], A.phi), variant: surfaceLaw(shared!.surfaces[1], B.phi) } : null,
      replicates: replicates.map((r) => (r.shared ? { baseline: surfaceLaw(r.shared.surfaces[0], A.phi), variant: surfaceLaw(r.shared.surfaces[1], B.phi) } : null)),
    },
    approach2: {
      point: A.floorLaw && B.floorLaw ? { baseline: { kind: "floor", law: A.floorLaw }, variant: { kind: "floor", law: B.floorLaw } } : null,
      replicates: replicates.map((r) => (r.approach2 ? { baseline: { kind: "floor", law: r.approach2.baseline.loss_opt }, variant: { kind: "floor", law: r.approach2.variant.loss_opt } } : null)),
    },
  };
  return { baseline: A, variant: B, observed, budgets, shared, laws, replicates, test, statistics, resamples: options.resamples, seed: options.seed, tolerance, warnings };
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
    compute: computeOf(baselineSide.fit).accounting === "measured" ? "measured" : "6ND",
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
