/**
 * Dense linear algebra for the tiny systems of the fitting engine (at most 5×5): Cholesky
 * solves, symmetric inverses and ordinary least squares by normal equations on centred,
 * scaled columns. Matrices are row-major arrays of rows.
 */

export type Matrix = number[][];

/**
 * Solves S·x = rhs for symmetric positive definite S by Cholesky decomposition
 * (S is not modified). Returns null when S is not numerically positive definite.
 */
export function choleskySolve(matrix: Matrix, rhs: number[]): number[] | null {
  const n = rhs.length;
  const lower: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const rowI = lower[i] as number[];
    for (let j = 0; j <= i; j++) {
      const rowJ = lower[j] as number[];
      let sum = (matrix[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) sum -= (rowI[k] as number) * (rowJ[k] as number);
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        rowI[i] = Math.sqrt(sum);
      } else {
        rowI[j] = sum / (rowJ[j] as number);
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const row = lower[i] as number[];
    let sum = rhs[i] as number;
    for (let k = 0; k < i; k++) sum -= (row[k] as number) * (y[k] as number);
    y[i] = sum / (row[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= ((lower[k] as number[])[i] as number) * (x[k] as number);
    x[i] = sum / ((lower[i] as number[])[i] as number);
  }
  return x;
}

/** Inverse of a symmetric positive definite matrix, or null. */
export function symmetricInverse(matrix: Matrix): Matrix | null {
  const n = matrix.length;
  const inverse: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const unit = new Array<number>(n).fill(0);
    unit[j] = 1;
    const column = choleskySolve(matrix, unit);
    if (!column) return null;
    for (let i = 0; i < n; i++) (inverse[i] as number[])[j] = column[i] as number;
  }
  return inverse;
}

/** A straight line y = intercept + slope·x fitted by ordinary least squares. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Residual standard deviation (n − 2 degrees of freedom); NaN for n = 2. */
  residualSD: number;
  n: number;
}

/** Ordinary least-squares line through (x, y); null for fewer than 2 points or constant x. */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i] as number;
    meanY += y[i] as number;
  }
  meanX /= n;
  meanY /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - meanX;
    sxx += dx * dx;
    sxy += dx * ((y[i] as number) - meanY);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += ((y[i] as number) - intercept - slope * (x[i] as number)) ** 2;
  return { slope, intercept, residualSD: n > 2 ? Math.sqrt(ssr / (n - 2)) : NaN, n };
}

/**
 * Least-squares quadratic y ≈ k0 + k1·u + k2·u² in u = (x − centre)/scale (centred and
 * scaled, which keeps the normal equations well conditioned whatever the units): the
 * coefficients [k0, k1, k2] and the normal matrix, or null when it is singular (fewer
 * than 3 distinct x).
 */
export function quadraticLeastSquares(x: ArrayLike<number>, y: ArrayLike<number>, centre: number, scale: number): { coefficients: [number, number, number]; normal: Matrix } | null {
  // Normal equations in u: sums of u^0..u^4 and of y·u^0..u^2.
  const powers = [0, 0, 0, 0, 0];
  const moments = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const u = ((x[i] as number) - centre) / scale;
    let term = 1;
    for (let k = 0; k <= 4; k++) {
      powers[k] = (powers[k] as number) + term;
      if (k <= 2) moments[k] = (moments[k] as number) + term * (y[i] as number);
      term *= u;
    }
  }
  const p = powers as [number, number, number, number, number];
  const normal: Matrix = [
    [p[0], p[1], p[2]],
    [p[1], p[2], p[3]],
    [p[2], p[3], p[4]],
  ];
  const solution = choleskySolve(normal, moments);
  return solution ? { coefficients: solution as [number, number, number], normal } : null;
}
