/**
 * The Huber loss (Huber 1964), used by Hoffmann et al. 2022 (§D.2) on log-loss residuals
 * with delta = 1e-3: quadratic near zero, linear beyond delta, so a few outlying runs
 * pull the fit far less than under least squares.
 *
 *   H(r)   = r²/2              if |r| ≤ delta
 *          = delta·(|r| − delta/2) otherwise
 *   H'(r)  = clamp(r, −delta, delta)
 *   H''(r) = 1 if |r| < delta, else 0
 */

export function huber(residual: number, delta: number): number {
  const magnitude = Math.abs(residual);
  return magnitude <= delta ? 0.5 * residual * residual : delta * (magnitude - 0.5 * delta);
}

export function huberDerivative(residual: number, delta: number): number {
  return residual > delta ? delta : residual < -delta ? -delta : residual;
}

export function huberSecondDerivative(residual: number, delta: number): number {
  return Math.abs(residual) < delta ? 1 : 0;
}
