/**
 * A line search satisfying the strong Wolfe conditions, after Nocedal & Wright,
 * "Numerical Optimization" (2nd ed.), Algorithms 3.5 (bracketing) and 3.6 (zoom), with
 * safeguarded cubic interpolation (their eq. 3.59) inside the bracket.
 *
 * Along x + t·d it finds t with
 *   f(x + t·d) ≤ f(x) + c1·t·∇f(x)·d            (sufficient decrease)
 *   |∇f(x + t·d)·d| ≤ c2·|∇f(x)·d|              (curvature)
 */

/** f(x) with its gradient written into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** A point evaluated along the search direction. */
export interface LinePoint {
  step: number;
  value: number;
  /** Directional derivative ∇f·d at the point. */
  slope: number;
  x: Float64Array;
  gradient: Float64Array;
}

export interface LineSearchResult {
  /** The accepted point, or the best point with sufficient decrease when the conditions could not both be met; null when none decreased f. */
  point: LinePoint | null;
  evaluations: number;
  satisfied: boolean;
}

export interface LineSearchOptions {
  c1?: number;
  c2?: number;
  maxEvaluations?: number;
  maxStep?: number;
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += (u[i] as number) * (v[i] as number);
  return sum;
}

/** Minimiser of the cubic through (t0, f0, g0) and (t1, f1, g1), or NaN when it has none. */
function cubicMinimizer(t0: number, f0: number, g0: number, t1: number, f1: number, g1: number): number {
  const d1 = g0 + g1 - (3 * (f0 - f1)) / (t0 - t1);
  const discriminant = d1 * d1 - g0 * g1;
  if (!(discriminant >= 0)) return NaN;
  const d2 = Math.sign(t1 - t0) * Math.sqrt(discriminant);
  return t1 - (t1 - t0) * ((g1 + d2 - d1) / (g1 - g0 + 2 * d2));
}

export function strongWolfeLineSearch(
  objective: Objective,
  x: Float64Array,
  value: number,
  gradient: Float64Array,
  direction: Float64Array,
  initialStep: number,
  options: LineSearchOptions = {},
): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const maxEvaluations = options.maxEvaluations ?? 40;
  const maxStep = options.maxStep ?? 1e10;
  const slope0 = dot(gradient, direction);
  let evaluations = 0;

  const evaluate = (step: number): LinePoint => {
    const xt = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xt[i] = (x[i] as number) + step * (direction[i] as number);
    const gt = new Float64Array(x.length);
    const ft = objective(xt, gt);
    evaluations++;
    return { step, value: ft, slope: dot(gt, direction), x: xt, gradient: gt };
  };
  const origin: LinePoint = { step: 0, value, slope: slope0, x, gradient };
  const sufficient = (p: LinePoint) => Number.isFinite(p.value) && p.value <= value + c1 * p.step * slope0;
  const curvature = (p: LinePoint) => Math.abs(p.slope) <= -c2 * slope0;
  const fallback = (p: LinePoint): LineSearchResult => ({ point: p.step > 0 && p.value < value ? p : null, evaluations, satisfied: false });

  const zoom = (lo: LinePoint, hi: LinePoint): LineSearchResult => {
    while (evaluations < maxEvaluations) {
      const width = hi.step - lo.step;
      let trial = Number.isFinite(hi.value) ? cubicMinimizer(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope) : NaN;
      const left = lo.step + 0.1 * width;
      const right = hi.step - 0.1 * width;
      const [minT, maxT] = left < right ? [left, right] : [right, left];
      if (!Number.isFinite(trial) || trial < minT || trial > maxT) trial = lo.step + 0.5 * width;
      if (Math.abs(trial - lo.step) <= 1e-16 * Math.max(1, Math.abs(lo.step))) break;
      const point = evaluate(trial);
      if (!sufficient(point) || point.value >= lo.value) {
        hi = point;
      } else {
        if (curvature(point)) return { point, evaluations, satisfied: true };
        if (point.slope * (hi.step - lo.step) >= 0) hi = lo;
        lo = point;
      }
    }
    return fallback(lo);
  };

  if (!(slope0 < 0)) return { point: null, evaluations, satisfied: false };
  let previous = origin;
  let step = Math.min(initialStep, maxStep);
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const point = evaluate(step);
    if (!Number.isFinite(point.value)) {
      // Stepped into overflow: shrink towards the last good point.
      if (step <= 1e-20) break;
      step = previous.step + 0.25 * (step - previous.step);
      continue;
    }
    if (!sufficient(point) || (i > 0 && point.value >= previous.value)) return zoom(previous, point);
    if (curvature(point)) return { point, evaluations, satisfied: true };
    if (point.slope >= 0) return zoom(point, previous);
    previous = point;
    if (step >= maxStep) break;
    step = Math.min(2 * step, maxStep);
  }
  return fallback(previous);
}
