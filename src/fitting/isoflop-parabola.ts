/**
 * One IsoFLOP profile (Hoffmann et al. 2022, §3.2, "Approach 2"): at a fixed budget, loss
 * against ln N is fitted by a parabola and its vertex is the budget's N*.
 *
 * The fit is ordinary least squares in u = (ln N − centre)/scale, which keeps the 3×3
 * normal equations well conditioned whatever the units. With more than 3 points the
 * parabola's covariance gives the standard error of the vertex by the delta method:
 * v = −c1/(2·c2), ∂v/∂c1 = −1/(2·c2), ∂v/∂c2 = c1/(2·c2²).
 */
import { quadraticLeastSquares, symmetricInverse } from "./small-linear-algebra.js";
import type { ParabolaCoefficients } from "./types.js";

export interface ParabolaFit {
  /** ln N* at the vertex (meaningful only when curvature > 0). */
  vertexLnN: number;
  /** Parabola value at the vertex (loss units). */
  vertexLoss: number;
  /** d²loss/d(ln N)² (loss units). */
  curvature: number;
  /** Standard error of vertexLnN; null when there are no residual degrees of freedom. */
  vertexSE: number | null;
  /** Smallest and largest ln N fitted. */
  minLnN: number;
  maxLnN: number;
  /** The same parabola in x = log10 N, for plotting. */
  coefficients: ParabolaCoefficients;
}

/** Least-squares parabola of loss against ln N; null for fewer than 3 distinct sizes. */
export function fitIsoFlopParabola(lnN: ArrayLike<number>, loss: ArrayLike<number>): ParabolaFit | null {
  const n = lnN.length;
  if (n < 3) return null;
  let minLnN = Infinity;
  let maxLnN = -Infinity;
  let centre = 0;
  for (let i = 0; i < n; i++) {
    const x = lnN[i] as number;
    minLnN = Math.min(minLnN, x);
    maxLnN = Math.max(maxLnN, x);
    centre += x;
  }
  centre /= n;
  const scale = (maxLnN - minLnN) / 2;
  if (!(scale > 0)) return null;
  const quadratic = quadraticLeastSquares(lnN, loss, centre, scale);
  if (!quadratic) return null; // fewer than 3 distinct sizes
  const { normal } = quadratic;
  const [k0, k1, k2] = quadratic.coefficients;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const u = ((lnN[i] as number) - centre) / scale;
    ssr += ((loss[i] as number) - k0 - k1 * u - k2 * u * u) ** 2;
  }
  const vertexU = -k1 / (2 * k2);
  let vertexSE: number | null = null;
  const dof = n - 3;
  const inverse = dof > 0 ? symmetricInverse(normal) : null;
  if (inverse) {
    const variance = ssr / dof;
    const grad = [0, -1 / (2 * k2), k1 / (2 * k2 * k2)];
    let quadratic = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) quadratic += (grad[i] as number) * ((inverse[i] as number[])[j] as number) * (grad[j] as number);
    vertexSE = Math.sqrt(Math.max(0, variance * quadratic)) * scale;
  }
  // Back to ln N: loss = k0 + k1·u + k2·u², u = (lnN − centre)/scale; then to x = log10 N.
  const c2ln = k2 / (scale * scale);
  const c1ln = k1 / scale - (2 * k2 * centre) / (scale * scale);
  const c0ln = k0 - (k1 * centre) / scale + (k2 * centre * centre) / (scale * scale);
  return {
    vertexLnN: centre + scale * vertexU,
    vertexLoss: k0 - (k1 * k1) / (4 * k2),
    curvature: 2 * c2ln,
    vertexSE,
    minLnN,
    maxLnN,
    coefficients: { c0: c0ln, c1: c1ln * Math.LN10, c2: c2ln * Math.LN10 * Math.LN10, x: "log10" },
  };
}

/** The parabola's loss at N (params): c0 + c1·x + c2·x² with x = log10 N. */
export function parabolaLossAt(p: ParabolaCoefficients, nParams: number): number {
  const x = Math.log10(nParams);
  return p.c2 * x * x + p.c1 * x + p.c0;
}

/** The parabola fitted to one budget's runs in x = log10 N, or null with fewer than 3 distinct sizes. */
export function budgetParabola(runs: ReadonlyArray<{ n_params: number; loss: number }>): ParabolaCoefficients | null {
  return fitIsoFlopParabola(runs.map((r) => Math.log(r.n_params)), runs.map((r) => r.loss))?.coefficients ?? null;
}
