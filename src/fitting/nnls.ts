/**
 * Non-negative least squares for a handful of unknowns (Lawson & Hanson 1974, ch. 23,
 * state the problem; here it is solved exactly by enumeration): minimise
 * ‖X·θ − y‖² subject to θ ≥ 0, given the normal equations M = XᵀX and v = Xᵀy.
 *
 * The NNLS solution is the unconstrained least-squares solution on its support, and it is
 * feasible; every other feasible support solution is a feasible point with no smaller
 * residual. So the best feasible solution over all 2^k − 1 supports is the optimum. For
 * k ≤ 4 this is a few tiny Cholesky solves. Columns are scaled to unit diagonal first.
 */
import { choleskySolve, type Matrix } from "./small-linear-algebra.js";

/** θ ≥ 0 minimising θᵀMθ − 2θᵀv (equivalently ‖Xθ − y‖²); zeros when every support is singular. */
export function nonNegativeLeastSquares(normal: Matrix, rhs: number[]): number[] {
  const k = rhs.length;
  if (k > 8) throw new Error(`nonNegativeLeastSquares enumerates supports: ${k} unknowns is too many (max 8)`);
  const scale = normal.map((row, i) => {
    const diagonal = row[i] as number;
    return diagonal > 0 ? 1 / Math.sqrt(diagonal) : 0;
  });
  let best: number[] = new Array<number>(k).fill(0);
  let bestValue = 0; // θ = 0 gives 0
  for (let mask = 1; mask < 1 << k; mask++) {
    const support: number[] = [];
    for (let i = 0; i < k; i++) if (mask & (1 << i) && (scale[i] as number) > 0) support.push(i);
    if (support.length === 0) continue;
    const subMatrix = support.map((i) => support.map((j) => ((normal[i] as number[])[j] as number) * (scale[i] as number) * (scale[j] as number)));
    const subRhs = support.map((i) => (rhs[i] as number) * (scale[i] as number));
    const solution = choleskySolve(subMatrix, subRhs);
    if (!solution || solution.some((value) => !(value >= 0))) continue;
    // θᵀMθ − 2θᵀv = −θᵀv at the support's least-squares solution.
    let value = 0;
    for (let s = 0; s < support.length; s++) value -= (solution[s] as number) * (subRhs[s] as number);
    if (value < bestValue) {
      bestValue = value;
      best = new Array<number>(k).fill(0);
      support.forEach((i, s) => (best[i] = (solution[s] as number) * (scale[i] as number)));
    }
  }
  return best;
}
