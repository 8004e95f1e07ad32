/**
 * Golden-section search for the minimum of a unimodal function on [lo, hi] (Kiefer 1953):
 * each step keeps the part of the bracket that holds the lower of two interior points, whose
 * positions divide it in the golden ratio so that one evaluation carries over.
 */
const RATIO = (Math.sqrt(5) - 1) / 2;

/** The abscissa of the minimum of f on [lo, hi], to `tolerance` (absolute) or after `maxSteps`. */
export function goldenSectionMinimum(f: (x: number) => number, lo: number, hi: number, tolerance = 1e-12, maxSteps = 80): number {
  let a = lo;
  let b = hi;
  let c = b - RATIO * (b - a);
  let d = a + RATIO * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < maxSteps && b - a > tolerance; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - RATIO * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + RATIO * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}
