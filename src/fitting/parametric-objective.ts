/**
 * The Approach 3 objective of Hoffmann et al. 2022 (§D.2; Besiroglu et al. 2024; docs/methods.md §2), as a sum (not a
 * mean: a mean-reduced objective makes L-BFGS stop at its start) over runs i of
 *
 *   w_i · Huber_delta( LSE(a − alpha·ln N_i, b − beta·ln D_i, e) − ln L_i )
 *
 * where LSE is log-sum-exp, so exp(LSE) = E + A/N^alpha + B/D^beta with A = e^a, B = e^b,
 * E = e^e. The weights w_i are run multiplicities (1, or bootstrap counts).
 *
 * Parameter vector order everywhere in this engine: theta = [e, a, b, alpha, beta].
 */
import { huber, huberDerivative } from "./huber.js";

/** Runs in the logs the objective needs, with their multiplicities. */
export interface ParametricData {
  lnN: Float64Array;
  lnD: Float64Array;
  lnL: Float64Array;
  weight: Float64Array;
}

export function parametricData(points: ReadonlyArray<{ n_params: number; n_tokens: number; loss: number }>, weights?: ArrayLike<number>): ParametricData {
  const keep: number[] = [];
  points.forEach((_, i) => {
    if (!weights || (weights[i] as number) > 0) keep.push(i);
  });
  const pick = (f: (i: number) => number) => Float64Array.from(keep, f);
  return {
    lnN: pick((i) => Math.log(points[i]!.n_params)),
    lnD: pick((i) => Math.log(points[i]!.n_tokens)),
    lnL: pick((i) => Math.log(points[i]!.loss)),
    weight: pick((i) => (weights ? (weights[i] as number) : 1)),
  };
}

/** ln of the predicted loss, LSE(a − alpha·lnN, b − beta·lnD, e). */
export function predictedLogLoss(theta: ArrayLike<number>, lnN: number, lnD: number): number {
  const t0 = theta[0] as number;
  const t1 = (theta[1] as number) - (theta[3] as number) * lnN;
  const t2 = (theta[2] as number) - (theta[4] as number) * lnD;
  const m = Math.max(t0, t1, t2);
  return m + Math.log(Math.exp(t0 - m) + Math.exp(t1 - m) + Math.exp(t2 - m));
}

/**
 * The objective at theta, with its analytic gradient written into `gradient` (length 5):
 *   ∂/∂e = Σ w·H'(r)·p0,  ∂/∂a = Σ w·H'(r)·p1,  ∂/∂b = Σ w·H'(r)·p2,
 *   ∂/∂alpha = −Σ w·H'(r)·p1·ln N,  ∂/∂beta = −Σ w·H'(r)·p2·ln D,
 * with p the softmax weights of the three LSE terms (∂LSE/∂t_k = p_k).
 */
export function parametricObjective(data: ParametricData, theta: ArrayLike<number>, gradient: Float64Array | null, delta: number): number {
  const e = theta[0] as number;
  const a = theta[1] as number;
  const b = theta[2] as number;
  const alpha = theta[3] as number;
  const beta = theta[4] as number;
  const { lnN, lnD, lnL, weight } = data;
  let value = 0;
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  let gAlpha = 0;
  let gBeta = 0;
  for (let i = 0; i < lnN.length; i++) {
    const x = lnN[i] as number;
    const y = lnD[i] as number;
    const t1 = a - alpha * x;
    const t2 = b - beta * y;
    const m = Math.max(e, t1, t2);
    const q0 = Math.exp(e - m);
    const q1 = Math.exp(t1 - m);
    const q2 = Math.exp(t2 - m);
    const sum = q0 + q1 + q2;
    const residual = m + Math.log(sum) - (lnL[i] as number);
    const w = weight[i] as number;
    value += w * huber(residual, delta);
    if (gradient) {
      const scale = (w * huberDerivative(residual, delta)) / sum;
      g0 += scale * q0;
      g1 += scale * q1;
      g2 += scale * q2;
      gAlpha -= scale * q1 * x;
      gBeta -= scale * q2 * y;
    }
  }
  if (gradient) {
    gradient[0] = g0;
    gradient[1] = g1;
    gradient[2] = g2;
    gradient[3] = gAlpha;
    gradient[4] = gBeta;
  }
  return value;
}
