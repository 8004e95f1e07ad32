/**
 * How much compute a run of N parameters spends per token: the one place the fit decides
 * what C counts (docs/fitting.md, "Compute is what was measured").
 *
 * - Without measurements, C = 6·N·D exactly (Kaplan et al. 2020, arXiv:2001.08361: 2·N·D
 *   forward, 4·N·D backward). A run's budget *label* (its planned C, or a CSV's grouped
 *   6·N·D) only says which IsoFLOP curve it belongs to; it is never taken for its FLOPs.
 * - With every run's training FLOPs measured, φ = FLOPs/(N·D) per run, and φ(N) is modelled as
 *
 *     φ(N) = r∞ + k·N^(−γ),   r∞ ≥ 0,  γ ∈ [1/3, 1],
 *
 *   which tends to a constant at large N. For a dense transformer of width d and depth L, the
 *   FLOPs per token are 6 per weight plus attention (12·L·T·d for sequence length T) and the
 *   output layer, while N holds embeddings that cost nothing to look up, so φ − 6 shrinks as
 *   1/d: as N^(−1/2) when models grow in width (N ∝ d²), N^(−1/3) when depth grows with width
 *   (N ∝ d³) (Kaplan et al. 2020, §2.1; docs/methods.md §1). γ is held to that range: over the
 *   1–2 decades of sizes a sweep measures, a free γ trades r∞ against k (on the quickstart it
 *   slid to γ = 0.05 with r∞ = 1.1, a limit no transformer has). A polynomial in ln N has no
 *   limit at all and, continued along its tangent, drifts without bound. The fit is least
 *   squares on relative residuals, as the loss floor law's (offset-power-law.ts).
 */
import { fitOffsetPowerLaw } from "./offset-power-law.js";
import type { FitPoint } from "./types.js";

/** φ(N) = r_inf + k·N^(−gamma), fitted on runs of N within `n_range`. */
export interface FlopsPerTokenModel {
  r_inf: number;
  k: number;
  gamma: number;
  /** [smallest, largest] N with measured FLOPs: beyond them φ is extrapolated by the form. */
  n_range: [number, number];
  /** Root-mean-square relative residual of φ over the runs. */
  rms_relative: number;
  /** Distinct sizes measured; with fewer than 3, φ is their mean (constant). */
  sizes: number;
}

/** What C counts: exactly 6·N·D, or the runs' measured FLOPs with φ(N) modelled. */
export type ComputeModel = { accounting: "6ND" } | { accounting: "measured"; phi: FlopsPerTokenModel };

export const SIX_ND: ComputeModel = { accounting: "6ND" };

/** The range of γ: the per-token overhead of a transformer shrinks as 1/d, N^(−1/3) to N^(−1/2); N^(−1) bounds it with room. */
export const GAMMA_MIN = 1 / 3;
export const GAMMA_MAX = 1;
const GRID = 40;

/** φ at N (FLOPs per parameter and token). */
export function phiAt(model: FlopsPerTokenModel, nParams: number): number {
  return model.r_inf + model.k * nParams ** -model.gamma;
}

/** FLOPs per token of a model of N parameters under the compute model. */
export function flopsPerToken(model: ComputeModel, nParams: number): number {
  return model.accounting === "6ND" ? 6 * nParams : phiAt(model.phi, nParams) * nParams;
}

/** ln of a run's training compute (in logs: 6·N·D of runs in unusual units under- or overflows). */
export function lnRunFlops(model: ComputeModel, point: FitPoint): number {
  return model.accounting === "measured" && point.flops !== undefined ? Math.log(point.flops) : Math.log(6) + Math.log(point.n_params) + Math.log(point.n_tokens);
}

/** A run's training compute: its measured FLOPs, or 6·N·D. */
export function runFlops(model: ComputeModel, point: FitPoint): number {
  return Math.exp(lnRunFlops(model, point));
}

/** How far N lies beyond the measured sizes, as a factor (1 inside them); null under 6·N·D. */
export function phiExtrapolation(model: ComputeModel, nParams: number): number | null {
  if (model.accounting === "6ND") return null;
  const [lo, hi] = model.phi.n_range;
  return nParams > hi ? nParams / hi : nParams < lo ? lo / nParams : 1;
}

/**
 * φ(N) through runs with measured FLOPs (`flops` > 0 on every point). With fewer than 3
 * distinct sizes the data cannot tell a decay from a constant, so φ is the runs' mean.
 */
export function fitFlopsPerToken(points: ReadonlyArray<Pick<FitPoint, "n_params" | "n_tokens" | "flops">>): FlopsPerTokenModel {
  const n = points.map((p) => p.n_params);
  const phi = points.map((p) => (p.flops as number) / (p.n_params * p.n_tokens));
  const range: [number, number] = [Math.min(...n), Math.max(...n)];
  const sizes = new Set(n).size;
  const rms = (model: Omit<FlopsPerTokenModel, "rms_relative">) =>
    Math.sqrt(phi.reduce((sum, value, i) => sum + (1 - phiAt({ ...model, rms_relative: 0 }, n[i] as number) / value) ** 2, 0) / phi.length);
  if (sizes < 3) {
    const meanPhi = phi.reduce((s, v) => s + v, 0) / phi.length;
    const model = { r_inf: meanPhi, k: 0, gamma: 1, n_range: range, sizes };
    return { ...model, rms_relative: rms(model) };
  }
  const fit = fitOffsetPowerLaw(n, phi, { gammaMin: GAMMA_MIN, gammaMax: GAMMA_MAX, grid: GRID, coefficient: "free" });
  const model = { r_inf: fit.offset, k: fit.coefficient, gamma: fit.gamma, n_range: range, sizes };
  return { ...model, rms_relative: rms(model) };
}

/**
 * The compute model of a set of runs: measured when every run has its FLOPs, else 6·N·D
 * (with a note when only some do: one accounting for all runs, or the budgets mix two).
 */
export function computeModelOf(points: readonly FitPoint[]): { model: ComputeModel; note: string | null } {
  const measured = points.filter((p) => typeof p.flops === "number" && Number.isFinite(p.flops) && p.flops > 0);
  if (points.length === 0 || measured.length === 0) return { model: SIX_ND, note: null };
  if (measured.length < points.length) {
    return { model: SIX_ND, note: `${measured.length} of ${points.length} runs have measured FLOPs: compute is counted as 6·N·D for all of them (one accounting for every run)` };
  }
  return { model: { accounting: "measured", phi: fitFlopsPerToken(measured) }, note: null };
}
