/**
 * Least-squares parabola of loss against log10 N for one IsoFLOP budget (the shape
 * Approach 2 fits, REFERENCE §2), used to draw the fitted curve when the fit result does
 * not carry its coefficients. Pure.
 */

/** loss = c2·x² + c1·x + c0 with x = log10(N). */
export interface Parabola {
  c2: number;
  c1: number;
  c0: number;
}

/** Fits the parabola to (N, loss) pairs; null with fewer than 3 distinct N or a singular system. */
export function fitParabola(points: ReadonlyArray<{ n_params: number; loss: number }>): Parabola | null {
  const xs = points.map((p) => Math.log10(p.n_params));
  if (new Set(xs).size < 3) return null;
  // Centre x for conditioning, solve the 3×3 normal equations by Cramer's rule.
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const s = [0, 0, 0, 0, 0];
  const t = [0, 0, 0];
  points.forEach((p, i) => {
    const x = xs[i]! - mean;
    for (let k = 0; k <= 4; k++) s[k]! += x ** k;
    for (let k = 0; k <= 2; k++) t[k]! += p.loss * x ** k;
  });
  const [s0, s1, s2, s3, s4] = s as [number, number, number, number, number];
  const [t0, t1, t2] = t as [number, number, number];
  const det = (m: number[]) => m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const d = det([s4, s3, s2, s3, s2, s1, s2, s1, s0]);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) return null;
  const a = det([t2, s3, s2, t1, s2, s1, t0, s1, s0]) / d;
  const b = det([s4, t2, s2, s3, t1, s1, s2, t0, s0]) / d;
  const c = det([s4, s3, t2, s3, s2, t1, s2, s1, t0]) / d;
  // Undo the centring: a(x-m)² + b(x-m) + c.
  return { c2: a, c1: b - 2 * a * mean, c0: a * mean * mean - b * mean + c };
}

export function parabolaAt(p: Parabola, n: number): number {
  const x = Math.log10(n);
  return p.c2 * x * x + p.c1 * x + p.c0;
}

/** `count` points of the parabola, log-spaced over [lo, hi]. */
export function sampleParabola(p: Parabola, lo: number, hi: number, count = 48): Array<{ n_params: number; loss: number }> {
  const out: Array<{ n_params: number; loss: number }> = [];
  for (let i = 0; i < count; i++) {
    const n = lo * (hi / lo) ** (i / (count - 1));
    out.push({ n_params: n, loss: parabolaAt(p, n) });
  }
  return out;
}
