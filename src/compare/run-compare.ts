/**
 * One comparison from two paths to its answer, shared by `flops-fit compare` and the end of a
 * `sweep` whose config names `compare_to`: read both sweeps (compare-inputs.ts), fit each as
 * `fit` does (every approach, its bootstrap and determination test, so each sweep's verdict is
 * the one `fit` gives it), then compare them (fitting/compare.ts).
 */
import { fitPoints, fitRows, type FitOutput } from "../fit/fit-rows.js";
import { compareSweeps, type CompareSide, type Comparison } from "../fitting/compare.js";
import { formatComparison } from "../fitting/format-compare.js";
import type { FitPoint, FitProgress } from "../fitting/index.js";
import { toJsonSafe } from "../fitting/json-safe.js";
import { assertComparable, readCompareSide, type CompareInputSide } from "./compare-inputs.js";

/** Resamples of each sweep's own fit: `fit`'s default, so its verdict is `fit`'s. */
export const SWEEP_FIT_RESAMPLES = 100;
/** Resamples of the comparison by default. */
export const COMPARE_RESAMPLES = 200;

export interface CompareRequest {
  /** Budgets to compare at; empty: the largest both sweeps reach, 10× and 100× it. */
  budgets: number[];
  confidence: number;
  resamples: number;
  seed: number;
  onProgress?: (progress: FitProgress) => void;
}

export interface CompareRun {
  comparison: Comparison;
  sides: [CompareInputSide, CompareInputSide];
  /** Each sweep's fitted runs and own fit (the report draws both). */
  points: [FitPoint[], FitPoint[]];
  fits: [FitOutput, FitOutput];
  /** `compare --json`: the comparison with each sweep's input, its kind and convention. */
  json: Record<string, unknown>;
  text: string;
}

function fitSide(side: CompareInputSide, request: CompareRequest): { points: FitPoint[]; fit: FitOutput; compare: CompareSide } {
  const convention = side.convention.value;
  const fit = fitRows(side.input.rows, {
    approaches: [1, 2, 3], bootstrap: SWEEP_FIT_RESAMPLES, seed: request.seed, confidence: request.confidence, predict: [], holdout: 0, paramConvention: convention,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  }, side.input.notes);
  const points = fitPoints(side.input.rows, convention);
  return { points, fit, compare: { source: side.input.source, points, fit } };
}

export function runComparison(baselinePath: string, variantPath: string, request: CompareRequest): CompareRun {
  const sides: [CompareInputSide, CompareInputSide] = [readCompareSide(baselinePath, "baseline"), readCompareSide(variantPath, "variant")];
  const notes = assertComparable(...sides);
  const [a, b] = [fitSide(sides[0], request), fitSide(sides[1], request)];
  const runs = a.points.length + b.points.length;
  const comparison = compareSweeps(a.compare, b.compare, {
    budgets: request.budgets, resamples: request.resamples, seed: request.seed, confidence: request.confidence,
    // Progress in resamples: each one refits several models, and the shape test simulates as many.
    ...(request.onProgress ? { onProgress: (done: number, total: number) => request.onProgress!({ stage: "bootstrap", done: Math.floor((done * request.resamples) / total), total: request.resamples, runs }) } : {}),
  });
  comparison.warnings.unshift(...notes, ...a.fit.warnings.map((w) => `baseline: ${w}`), ...b.fit.warnings.map((w) => `variant: ${w}`));
  const describe = (side: CompareInputSide) => ({ input: side.input.source, kind: side.input.kind, param_convention: side.convention.value, compute: side.accounting.value });
  const json = toJsonSafe({
    ...comparison,
    baseline: { ...comparison.baseline, ...describe(sides[0]) },
    variant: { ...comparison.variant, ...describe(sides[1]) },
  }) as unknown as Record<string, unknown>;
  return { comparison, sides, points: [a.points, b.points], fits: [a.fit, b.fit], json, text: formatComparison(comparison) };
}
