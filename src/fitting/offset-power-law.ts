/**
 * y ≈ offset + coefficient·x^(−γ), fitted by least squares on relative residuals
 * (y_i − ŷ_i)/y_i: a power law that tends to a constant. For each γ the model is linear in
 * (offset, coefficient) and solved exactly (variable projection; Golub & Pereyra 1973); γ is
 * searched on a log-spaced grid and refined by golden section. Two laws take this form: L*(C)
 * above an irreducible loss (loss-floor-law.ts) and FLOPs per parameter-token φ(N) above its
 * large-N limit (flops-per-token.ts).
 */
import { goldenSectionMinimum } from "./golden-section.js";
import { nonNegativeLeastSquares } from "./nnls.js";

export interface OffsetPowerLaw {
  offset: number;
  coefficient: number;
  gamma: number;
  /** Sum of squared relative residuals. */
  sse: number;
}

export interface OffsetPowerOptions {
  gammaMin: number;
  gammaMax: number;
  /** Grid points on ln γ before the golden-section refinement. */
  grid: number;
  /** "nonnegative": coefficient ≥ 0 (a law that falls towards its offset); "free": either sign. The offset is always ≥ 0. */
  coefficient: "nonnegative" | "free";
}

/** Best (offset ≥ 0, coefficient) for one γ. */
export function offsetPowerAt(x: readonly number[], y: readonly number[], gamma: number, coefficient: OffsetPowerOptions["coefficient"]): Omit<OffsetPowerLaw, "gamma"> {
  // Rows (1/y_i, x_i^−γ/y_i) against target 1: the relative residual of y_i.
  let m00 = 0;
  let m01 = 0;
  let m11 = 0;
  let v0 = 0;
  let v1 = 0;
  x.forEach((xi, i) => {
    const w = 1 / (y[i] as number);
    const t = xi ** -gamma;
    m00 += w * w;
    m01 += w * w * t;
    m11 += w * w * t * t;
    v0 += w;
    v1 += w * t;
  });
  let offset: number;
  let slope: number;
  if (coefficient === "nonnegative") {
    [offset, slope] = nonNegativeLeastSquares([[m00, m01], [m01, m11]], [v0, v1]) as [number, number];
  } else {
    const det = m00 * m11 - m01 * m01;
    offset = det > 0 ? (v0 * m11 - v1 * m01) / det : NaN;
    slope = det > 0 ? (m00 * v1 - m01 * v0) / det : NaN;
    if (!(offset >= 0) || !Number.isFinite(slope)) {
      offset = 0;
      slope = m11 > 0 ? v1 / m11 : 0;
    }
  }
  let sse = 0;
  x.forEach((xi, i) => {
    const yi = y[i] as number;
    sse += ((yi - offset - slope * xi ** -gamma) / yi) ** 2;
  });
  return { offset, coefficient: slope, sse };
}

/** The law through (x, y), γ searched over [gammaMin, gammaMax]. */
export function fitOffsetPowerLaw(x: readonly number[], y: readonly number[], options: OffsetPowerOptions): OffsetPowerLaw {
  const lnMin = Math.log(options.gammaMin);
  const step = (Math.log(options.gammaMax) - lnMin) / (options.grid - 1);
  const at = (lnGamma: number) => offsetPowerAt(x, y, Math.exp(lnGamma), options.coefficient);
  let best = 0;
  let bestSse = Infinity;
  for (let i = 0; i < options.grid; i++) {
    const { sse } = at(lnMin + i * step);
    if (sse < bestSse) {
      bestSse = sse;
      best = i;
    }
  }
  // Golden section on ln γ between the best grid point's neighbours; the better of it and the grid point.
  const lo = lnMin + Math.max(0, best - 1) * step;
  const hi = lnMin + Math.min(options.grid - 1, best + 1) * step;
  const refined = goldenSectionMinimum((lnGamma) => at(lnGamma).sse, lo, hi, 1e-10, 60);
  const lnGamma = [lnMin + best * step, refined].reduce((b, v) => (at(v).sse < at(b).sse ? v : b));
  return { ...at(lnGamma), gamma: Math.exp(lnGamma) };
}
