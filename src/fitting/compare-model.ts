/**
 * Everything a comparison is read from (docs/compare.md), before any interval level is
 * chosen: each sweep's runs and laws, the shared-exponent fit, the shape test, and on every
 * bootstrap replicate each model's laws. compare.ts reads the answer off it at a level (the
 * calibration bench reads several levels off one model). Pure.
 */
import { resolveApproach2Options } from "./approach2-isoflop.js";
import type { LossSurface } from "./allocation.js";
import { curveCompute, groupByBudget } from "./budget-groups.js";
import type { OptimalLossLaw } from "./compare-multiplier.js";
import { compareReplicates, REFITS_PER_REPLICATE, type PairReplicate, type ResampledSweep } from "./compare-replicates.js";
import { fitSharedSurfaces, type SharedFit } from "./compare-shared-fit.js";
import { SHAPE_TEST_LEVEL, shapeStatistic, shapeTest, type ReplicateRule, type ShapeTest } from "./compare-shape-test.js";
import { SIX_ND, type ComputeModel } from "./flops-per-token.js";
import { exponentBudgets } from "./measured-allocation.js";
import { preparePoints } from "./prepare-points.js";
import type { FitPoint, FitResult } from "./types.js";

/** One sweep of the comparison: its runs and its own fit (with bootstrap and determination, as `fit` makes it). */
export interface CompareSide {
  /** Where the runs came from (a run directory, a CSV, …), for the report. */
  source?: string;
  points: readonly FitPoint[];
  fit: Pick<FitResult, "approaches" | "compute" | "determined" | "determination" | "observed_budgets" | "n_points">;
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

/** The default budgets: the largest budget both sweeps reach, 10× and 100× it. */
export function defaultCompareBudgets(baseline: readonly number[], variant: readonly number[]): number[] {
  const common = Math.min(Math.max(...baseline), Math.max(...variant));
  return Number.isFinite(common) ? [common, 10 * common, 100 * common] : [];
}


function surfaceOf(fit: CompareSide["fit"]): LossSurface | null {
  const r = fit.approaches["3"];
  if (r?.status !== "fitted" || r.E === null || r.A === null || r.B === null || r.alpha === null || r.beta === null) return null;
  return { E: r.E, A: r.A, B: r.B, alpha: r.alpha, beta: r.beta };
}

/** What a sweep's compute counts, as its own fit decided. */
export const computeModelOf = (fit: CompareSide["fit"]): ComputeModel => (fit.compute?.accounting === "measured" && fit.compute.flops_per_token ? { accounting: "measured", phi: fit.compute.flops_per_token } : SIX_ND);

/** A sweep's runs, laws and what its bootstrap needs. */
function prepareSide(side: CompareSide, tolerance: number) {
  const points = preparePoints(side.points, 0).points;
  const compute = computeModelOf(side.fit);
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
