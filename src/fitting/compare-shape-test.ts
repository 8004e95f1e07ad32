/**
 * Do the two sweeps' surfaces differ in shape (E, α, β), or only in their coefficients?
 * (docs/compare.md). The statistic is the drop in the objective when the exponents and the
 * floor are freed: D = F_shared − (F_baseline + F_variant) ≥ 0, Approach 3's sum of Huber
 * terms (a likelihood-ratio test for an M-estimator, Schrader & Hettmansperger 1980,
 * Biometrika 67:93). Its distribution when the shapes are the same is not taken from an
 * asymptotic χ²: with δ = 1e-3 below the noise the objective is nearly an L1 norm, whose
 * scale depends on residuals that the fits partly interpolate. It is simulated instead: a
 * residual bootstrap under the null (Davison & Hinkley 1997, §4.2 and §6.3): each run's loss
 * is the shared fit's prediction times e^ε, ε drawn from its own sweep's free-fit log
 * residuals (centred, inflated by √(n/(n − 5))), and both models are refitted, warm-started.
 * The p-value is the share of simulated D at least the observed one.
 *
 * The same threshold then selects the model in every bootstrap replicate of the comparison, so
 * its intervals carry the uncertainty of the choice itself (Efron 2014, "Estimation and
 * accuracy after model selection", JASA 109:991). A resample repeats runs, which inflates its
 * statistic, so replicates choose the free fits more often than the data do; that is what
 * keeps the intervals covering when the shapes differ by less than the test can detect
 * (docs/compare.md, "Calibration": judged instead against null simulations resampled the same
 * way, the `resampled` rule, the intervals under-covered).
 */
import { sharedSearch, type SharedFit } from "./compare-shared-fit.js";
import { resampleCounts } from "./bootstrap.js";
import { groupedData } from "./grouped-projection.js";
import { parametricData, predictedLogLoss } from "./parametric-objective.js";
import { projectedSearch } from "./parametric-search.js";
import { createRandom } from "./random.js";
import { quantile } from "./statistics.js";
import type { FitPoint } from "./types.js";

/** The test's default level: the shapes differ when p < level. */
export const SHAPE_TEST_LEVEL = 0.01;

export interface ShapeTest {
  /** D = F_shared − F_baseline − F_variant (Huber objective units). */
  statistic: number;
  /** Share of null simulations with D at least the observed (with the observed counted once). */
  p_value: number;
  /** The test's level. */
  level: number;
  /** The null's (1 − level) quantile: the threshold the data are judged by. */
  threshold: number;
  /**
   * The threshold each replicate is judged by: the data's under the default rule; under the
   * `resampled` rule (the calibration bench's comparison) the same quantile of the statistic
   * on the null simulations resampled as the replicates are.
   */
  replicate_threshold: number;
  simulations: number;
}

/** How replicates are judged: against the data's threshold (flops-fit's), or against resampled null simulations (bench only). */
export type ReplicateRule = "data" | "resampled";

/** D from the three objectives, clamped at 0 (the shared model is nested in the free ones). */
export const shapeStatistic = (shared: number, baseline: number, variant: number) => Math.max(0, shared - baseline - variant);

interface Sweep {
  points: readonly FitPoint[];
  /** The free fit's minimiser [e, a, b, alpha, beta]. */
  theta: Float64Array;
}

/** Each run's centred, inflated log residual about its sweep's free fit. */
function residuals(sweep: Sweep): number[] {
  const raw = sweep.points.map((p) => Math.log(p.loss) - predictedLogLoss(sweep.theta, Math.log(p.n_params), Math.log(p.n_tokens)));
  const mean = raw.reduce((s, r) => s + r, 0) / raw.length;
  const inflate = Math.sqrt(raw.length / Math.max(1, raw.length - 5));
  return raw.map((r) => (r - mean) * inflate);
}

/** One sweep's runs with losses drawn from the shared surface and the residuals. */
function simulated(points: readonly FitPoint[], theta: Float64Array, pool: readonly number[], random: ReturnType<typeof createRandom>): FitPoint[] {
  return points.map((p) => ({ ...p, loss: Math.exp(predictedLogLoss(theta, Math.log(p.n_params), Math.log(p.n_tokens)) + (pool[random.int(pool.length)] as number)) }));
}

const freeRefit = (points: readonly FitPoint[], theta: Float64Array, delta: number, counts?: ArrayLike<number>) =>
  projectedSearch(parametricData(points, counts), delta, theta[3] as number, theta[4] as number, theta.slice(0, 3)).value;

/** The statistic on two simulated sweeps, optionally weighted by resample counts. */
function statisticOn(a: FitPoint[], b: FitPoint[], theta: readonly [Float64Array, Float64Array], sharedTheta: Float64Array, delta: number, counts?: [ArrayLike<number>, ArrayLike<number>]): number {
  const start = Float64Array.from(Array.from(sharedTheta).slice(0, 5));
  const sharedValue = sharedSearch(groupedData([a, b], counts), delta, sharedTheta[5]!, sharedTheta[6]!, start).value;
  return shapeStatistic(sharedValue, freeRefit(a, theta[0], delta, counts?.[0]), freeRefit(b, theta[1], delta, counts?.[1]));
}

/** Simulates the statistic under the null (shared shapes) and reads the observed one against it. */
export function shapeTest(baseline: Sweep, variant: Sweep, shared: SharedFit, observed: number, settings: { simulations: number; seed: number; delta: number; level: number; rule?: ReplicateRule }): ShapeTest {
  const { simulations, seed, delta, level } = settings;
  const pools = [residuals(baseline), residuals(variant)];
  const t = shared.theta;
  // Each sweep's surface under the shared fit, as [e, a, b, alpha, beta].
  const nullTheta = [Float64Array.from([t[0]!, t[1]!, t[2]!, t[5]!, t[6]!]), Float64Array.from([t[0]!, t[3]!, t[4]!, t[5]!, t[6]!])] as const;
  const draws: number[] = [];
  const resampled: number[] = [];
  for (let sim = 0; sim < simulations; sim++) {
    const random = createRandom(seed + 2, sim);
    const a = simulated(baseline.points, nullTheta[0], pools[0]!, random);
    const b = simulated(variant.points, nullTheta[1], pools[1]!, random);
    const value = statisticOn(a, b, nullTheta, t, delta);
    if (Number.isFinite(value)) draws.push(value);
    if (settings.rule !== "resampled") continue;
    // The same simulation resampled as a comparison replicate is (bootstrap.ts's resampleCounts).
    const counts: [Float64Array, Float64Array] = [resampleCounts(a.length, random), resampleCounts(b.length, random)];
    const onResample = statisticOn(a, b, nullTheta, t, delta, counts);
    if (Number.isFinite(onResample)) resampled.push(onResample);
  }
  const exceed = draws.filter((d) => d >= observed).length;
  const quantileOr = (values: number[]) => (values.length > 0 ? quantile(values, 1 - level) : Infinity);
  return { statistic: observed, level, p_value: (1 + exceed) / (1 + draws.length), threshold: quantileOr(draws), replicate_threshold: settings.rule === "resampled" ? quantileOr(resampled) : quantileOr(draws), simulations: draws.length };
}
