/**
 * D* at an IsoFLOP vertex, from the budget's own runs (Approach 2).
 *
 * flops-fit plans each run for D = C / (measured FLOPs per token), and for small models the
 * measured FLOPs per token exceed 6·N (attention, embeddings, the output layer), so
 * 6·N·D ≠ C and D* = C/(6·N*) would be wrong. Each run instead carries its own compute per
 * parameter and token, φ_i = C_i/(N_i·D_i) (6 when its budget is 6·N·D). φ at N* is read
 * off a least-squares quadratic of ln φ in ln N through the budget's runs, and
 * D* = C/(φ*·N*).
 *
 * - Exact when FLOPs per token is a power of N (ln φ linear in ln N), 6·N included: with
 *   6·N·D = C at every run, D* = C/(6·N*) to round-off (~1e-15).
 * - The quadratic term absorbs how φ bends across a budget's sizes: for FLOPs per token
 *   6N·(1 + 2·(N/1e4)^(-1/3)) (1.4–3.9× 6N), sizes spanning ×9, D* is within 0.02%,
 *   where a straight line is off by up to 0.8%.
 * - Beyond the sampled sizes (a vertex kept with requireInteriorVertex = false) the
 *   quadratic is continued along its tangent at the nearest end, never extrapolated as a
 *   parabola.
 */
import { fitLine, quadraticLeastSquares } from "./small-linear-algebra.js";
import type { FitPoint } from "./types.js";

export interface VertexTokens {
  /** D* (tokens) at the vertex. */
  d_opt: number;
  /** φ* = C/(N*·D*): compute per parameter and token at the vertex (6 under C = 6·N·D). */
  flops_per_nd: number;
}

/**
 * ln φ as a quadratic in u = (ln N − centre)/scale, fitted to the sampled sizes (u ∈ [−1, 1])
 * and continued along its tangent beyond them. With two distinct sizes k2 = 0 (a line);
 * with one, k1 = k2 = 0 (the runs' mean).
 */
export interface LnPhiCurve {
  centre: number;
  scale: number;
  k0: number;
  k1: number;
  k2: number;
}

/** The least-squares curve of ln φ (y) against ln N (x). */
export function fitLnPhiCurve(x: readonly number[], y: readonly number[]): LnPhiCurve {
  const n = x.length;
  let min = Infinity;
  let max = -Infinity;
  let centre = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, x[i] as number);
    max = Math.max(max, x[i] as number);
    centre += (x[i] as number) / n;
    meanY += (y[i] as number) / n;
  }
  const scale = (max - min) / 2;
  const distinct = new Set(x).size;
  const constant: LnPhiCurve = { centre: Number.isFinite(centre) ? centre : 0, scale: 1, k0: meanY, k1: 0, k2: 0 };
  if (distinct < 2 || !(scale > 0)) return constant; // one size: φ is its runs' mean
  const asLine = (): LnPhiCurve => {
    const line = fitLine(x, y);
    return line ? { centre, scale, k0: line.intercept + line.slope * centre, k1: line.slope * scale, k2: 0 } : constant;
  };
  if (distinct < 3) return asLine();
  const quadratic = quadraticLeastSquares(x, y, centre, scale);
  if (!quadratic || !quadratic.coefficients.every(Number.isFinite)) return asLine();
  const [k0, k1, k2] = quadratic.coefficients;
  return { centre, scale, k0, k1, k2 };
}

/** ln φ at ln N on the curve (tangent continuation outside the sampled sizes). */
export function lnPhiOn(curve: LnPhiCurve, lnN: number): number {
  const { centre, scale, k0, k1, k2 } = curve;
  const u = (lnN - centre) / scale;
  const inside = Math.min(1, Math.max(-1, u)); // the sampled sizes span u ∈ [−1, 1]
  return k0 + k1 * inside + k2 * inside * inside + (k1 + 2 * k2 * inside) * (u - inside);
}

/** The curve of ln φ_i = ln(C_i/(N_i·D_i)) against ln N_i through the runs. */
export function lnPhiCurveOf(points: readonly FitPoint[]): LnPhiCurve {
  return fitLnPhiCurve(
    points.map((p) => Math.log(p.n_params)),
    points.map((p) => Math.log(p.budget_flops / (p.n_params * p.n_tokens))),
  );
}

/** D* and φ* at ln N* for a budget of C FLOPs, from the runs its parabola was fitted on. */
export function vertexTokens(points: readonly FitPoint[], budgetFlops: number, lnNStar: number): VertexTokens {
  const phi = Math.exp(lnPhiOn(lnPhiCurveOf(points), lnNStar));
  return { d_opt: budgetFlops / (phi * Math.exp(lnNStar)), flops_per_nd: phi };
}
