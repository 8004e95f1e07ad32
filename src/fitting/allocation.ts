/**
 * The compute-optimal allocation of the Chinchilla loss surface in closed form
 * (Hoffmann et al. 2022, arXiv:2203.15556, eq. 4 and Appendix D.2; docs/methods.md §1):
 *
 *   L(N, D) = E + A/N^alpha + B/D^beta,   C = 6·N·D
 *   G = (alpha·A / (beta·B))^(1/(alpha+beta)),  a = beta/(alpha+beta),  b = alpha/(alpha+beta)
 *   N*(C) = G·(C/6)^a,   D*(C) = G^-1·(C/6)^b,   L*(C) = L(N*, D*)
 *
 * Since a + b = 1, 6·N*·D* = C exactly.
 */

/** Parameters of L(N, D) = E + A/N^alpha + B/D^beta (loss units; N in params, D in tokens). */
export interface LossSurface {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

/** N*, D*, L* at one budget, with the exponents and G of the closed form. */
export interface Allocation {
  /** C in FLOPs. */
  budget_flops: number;
  n_params: number;
  n_tokens: number;
  loss: number;
  /** N* ∝ C^a. */
  a: number;
  /** D* ∝ C^b. */
  b: number;
  G: number;
}

/** L(N, D) in loss units. */
export function lossSurface(params: LossSurface, nParams: number, nTokens: number): number {
  return params.E + params.A / nParams ** params.alpha + params.B / nTokens ** params.beta;
}

/**
 * Compute-optimal N*, D*, L* for budget C (FLOPs) under C = 6·N·D. Computed in logs so
 * that A, B of 1e10 or C of 1e30 do not overflow. Returns NaN fields when alpha or beta
 * is not positive (no interior optimum exists).
 */
export function chinchillaAllocation(params: LossSurface, budgetFlops: number): Allocation {
  const { alpha, beta, A, B } = params;
  const a = beta / (alpha + beta);
  const b = alpha / (alpha + beta);
  const logG = (Math.log(alpha * A) - Math.log(beta * B)) / (alpha + beta);
  const logHalfCompute = Math.log(budgetFlops / 6);
  const nParams = Math.exp(logG + a * logHalfCompute);
  const nTokens = Math.exp(-logG + b * logHalfCompute);
  const valid = alpha > 0 && beta > 0 && A > 0 && B > 0 && budgetFlops > 0;
  return {
    budget_flops: budgetFlops,
    n_params: valid ? nParams : NaN,
    n_tokens: valid ? nTokens : NaN,
    loss: valid ? lossSurface(params, nParams, nTokens) : NaN,
    a: valid ? a : NaN,
    b: valid ? b : NaN,
    G: valid ? Math.exp(logG) : NaN,
  };
}
